//! docs/workbook.md "Dates": date cells, Excel serial numbers in the 1900 and 1904 date
//! systems, and the text spellings `2024-03-15`, `2024/3/15`, `2024.3.15`,
//! `2024年3月15日`, `20240315`; `24年9月12日` (a zh-CN CSV of `LibreOffice`) where the round's
//! years leave one century. An impossible date is an error, never a guess.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{text, Value};

const HINT: &str = "不是有效日期，请写成 2024-03-15、2024/3/15 或 2024年3月15日";

/// The years a loan's dates can fall in. Outside them the cell holds a typo (`0224`,
/// `2204`) or a number that is not a date (a rate typed one column off reads as a day
/// of January 1900), which an auditor wants flagged rather than computed with.
const YEARS: RangeInclusive<i32> = 1950..=2100;

/// What a date cell is read against: the workbook's date system, and the round's years.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Calendar {
    /// Serial days count from 1904 (an old Mac's workbook).
    pub is_1904: bool,
    /// The first and last year of the round's window (`Options::window`), which decide the
    /// century of a two-digit year.
    pub round: Option<(i32, i32)>,
}

impl Calendar {
    /// The 1900 or 1904 date system, no round known.
    #[must_use]
    pub const fn of(is_1904: bool) -> Calendar {
        Calendar { is_1904, round: None }
    }
}

/// How far from the round's window a two-digit year may fall: loans are taken a few years
/// before the round and mature a few years after it.
const TWO_DIGIT_REACH: i32 = 10;

/// A date, or `None` when the cell is blank.
///
/// # Errors
/// A phrase saying which spelling is expected, or that the date does not exist.
pub fn date(v: &Value, cal: Calendar) -> Result<Option<NaiveDate>, String> {
    let d = match v {
        Value::Empty => return Ok(None),
        Value::Date(d) => *d,
        Value::Number(n) => number_date(*n, cal.is_1904)?,
        Value::Text(_) => match text(v) {
            None => return Ok(None),
            Some(s) => text_date(&s, cal)?,
        },
        Value::Bool(_) | Value::Error(_) | Value::Formula(_) => return Err(HINT.to_string()),
    };
    if YEARS.contains(&d.year()) {
        Ok(Some(d))
    } else {
        Err(format!("日期 {d} 的年份不合理，请核对"))
    }
}

/// A number in a date column: `20240315` typed without separators, else a serial day
/// (a fraction is a time of day, dropped).
fn number_date(n: Decimal, is_1904: bool) -> Result<NaiveDate, String> {
    let whole = n.trunc();
    if n == whole && (Decimal::from(19_000_101)..=Decimal::from(99_991_231)).contains(&whole) {
        return digits_date(&whole.to_string());
    }
    let serial = whole.to_i64().ok_or_else(|| HINT.to_string())?;
    serial_date(serial, is_1904).ok_or_else(|| HINT.to_string())
}

/// An Excel serial day number in the 1900 or 1904 date system.
#[must_use]
pub fn serial_date(serial: i64, is_1904: bool) -> Option<NaiveDate> {
    if !(1..=2_958_465).contains(&serial) {
        return None;
    }
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if serial >= 61 {
        // Excel's 1900 system counts a 1900-02-29 that never was (serial 60).
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    epoch.checked_add_signed(chrono::Duration::days(serial))
}

fn text_date(s: &str, cal: Calendar) -> Result<NaiveDate, String> {
    // A time of day copied along with the date (`2024-03-15 00:00:00`) is dropped.
    let s = match s.split_once([' ', 'T']) {
        Some((day, time)) if time.contains(':') => day,
        _ => s,
    };
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.chars().all(|c| c.is_ascii_digit()) {
        return match s.len() {
            8 => digits_date(&s),
            // A serial number that reached us as text (CSV, or a General column copied).
            5 => s.parse().ok().and_then(|n| serial_date(n, cal.is_1904)).ok_or_else(|| HINT.to_string()),
            _ => Err(HINT.to_string()),
        };
    }
    let s = s.strip_suffix(['日', '号']).unwrap_or(&s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月']).collect();
    let [y, m, d] = parts[..] else {
        return Err(HINT.to_string());
    };
    if y.len() == 2 && s.contains('年') && y.chars().all(|c| c.is_ascii_digit()) {
        let year = century(y, cal.round)?;
        return ymd(&year.to_string(), m, d);
    }
    ymd(y, m, d)
}

/// The four-digit year of `24年9月12日`: the one year ending in those digits within
/// `TWO_DIGIT_REACH` years of the round's window. A window is far shorter than a
/// century, so there is at most one.
fn century(yy: &str, round: Option<(i32, i32)>) -> Result<i32, String> {
    let yy: i32 = yy.parse().map_err(|_| HINT.to_string())?;
    let unclear = || format!("年份只写了两位（{yy:02}年），无法确定是哪一年：请写成四位年份，如 20{yy:02}年");
    let (first, last) = round.ok_or_else(unclear)?;
    let (from, to) = (first - TWO_DIGIT_REACH, last + TWO_DIGIT_REACH);
    (from / 100 - 1..=to / 100 + 1).map(|c| c * 100 + yy).find(|y| (from..=to).contains(y)).ok_or_else(unclear)
}

/// `20240315`.
fn digits_date(s: &str) -> Result<NaiveDate, String> {
    ymd(s.get(..4).unwrap_or_default(), s.get(4..6).unwrap_or_default(), s.get(6..).unwrap_or_default())
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, String> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) || y.len() != 4 {
        return Err(HINT.to_string());
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(HINT.to_string());
    };
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期不存在（{y}年{m}月{d}日），请核对"))
}
