//! Readers for one cell: text, dates, money, percentages, whole numbers (workbook.md
//! "Reading values"). Each returns the value or a Chinese phrase that says what to fix.
//! This is the one place where a spreadsheet's binary float is touched (`from_float`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::Money;

/// A cell as the importer sees it, whatever the file format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    /// A numeric cell, to the 15 significant digits Excel keeps.
    Number(Decimal),
    /// A cell formatted as a date (time of day dropped).
    Date(NaiveDate),
    Bool(bool),
    /// `#N/A`, `#DIV/0!` and the like.
    Error(String),
}

impl Value {
    /// The value as found, for error messages.
    #[must_use]
    pub fn shown(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Error(s) => s.clone(),
            Value::Number(d) => d.normalize().to_string(),
            Value::Date(d) => d.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        }
    }

    /// Empty, or text that is only spaces.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A spreadsheet number as Excel shows it: 15 significant digits, then exact.
#[expect(clippy::float_arithmetic, reason = "the one place a cell's f64 becomes a Decimal")]
#[must_use]
pub fn from_float(f: f64) -> Value {
    if !f.is_finite() {
        return Value::Error(f.to_string());
    }
    if f == f.trunc() && f.abs() < 9.0e15 {
        #[expect(clippy::cast_possible_truncation, reason = "checked integral and below 2^53")]
        return Value::Number(Decimal::from(f as i64));
    }
    Decimal::from_scientific(&format!("{f:.14e}")).map_or(Value::Error(f.to_string()), |d| Value::Number(d.normalize()))
}

/// Full-width ASCII (`６５０１`, `（`) and the ideographic space become half-width.
#[must_use]
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Text: folded to half-width and trimmed; `None` when blank.
#[must_use]
pub fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::Empty => return None,
        Value::Text(s) => fold_width(s),
        other => other.shown(),
    };
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// A code (contract number, ID number): text without any inner spaces.
#[must_use]
pub fn code(v: &Value) -> Option<String> {
    text(v).map(|s| s.chars().filter(|c| !c.is_whitespace()).collect())
}

/// workbook.md "Dates": date cells, serial numbers, and the text spellings.
///
/// # Errors
/// A phrase saying which spelling is expected, or that the date does not exist.
pub fn date(v: &Value, is_1904: bool) -> Result<Option<NaiveDate>, String> {
    match v {
        Value::Empty => Ok(None),
        Value::Date(d) => Ok(Some(*d)),
        Value::Number(n) => number_date(*n, is_1904).map(Some),
        Value::Text(_) => match code(v) {
            None => Ok(None),
            Some(s) => text_date(&s).map(Some),
        },
        _ => Err(DATE_HINT.to_string()),
    }
}

const DATE_HINT: &str = "不是有效日期，请写成 2024-03-15 或 2024年3月15日";

fn number_date(n: Decimal, is_1904: bool) -> Result<NaiveDate, String> {
    let whole = n.trunc();
    // 20240315 typed as a number is a date written without separators.
    if (Decimal::from(19_000_101)..=Decimal::from(99_991_231)).contains(&whole) && n == whole {
        return text_date(&whole.to_string());
    }
    let serial = i64::try_from(whole).map_err(|_| DATE_HINT.to_string())?;
    serial_date(serial, is_1904).ok_or_else(|| DATE_HINT.to_string())
}

/// An Excel serial day number in the 1900 or 1904 date system.
#[must_use]
pub fn serial_date(serial: i64, is_1904: bool) -> Option<NaiveDate> {
    if !(1..=2_958_465).contains(&serial) {
        return None;
    }
    let (epoch, serial) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, serial)
    } else if serial >= 61 {
        // Excel's 1900 system counts a 1900-02-29 that never was (serial 60).
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, serial)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, serial)
    };
    epoch.checked_add_signed(chrono::Duration::days(serial))
}

fn text_date(s: &str) -> Result<NaiveDate, String> {
    let digits_only = s.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = if digits_only && s.len() == 8 {
        vec![&s[..4], &s[4..6], &s[6..]]
    } else {
        let s = s.strip_suffix('日').unwrap_or(s);
        s.split(['-', '/', '.', '年', '月']).collect()
    };
    let [y, m, d] = parts[..] else { return Err(DATE_HINT.to_string()) };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(DATE_HINT.to_string());
    };
    if !(1900..=9999).contains(&y) {
        return Err(DATE_HINT.to_string());
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("日期不存在（{y}年{m}月{d}日），请核对"))
}

/// workbook.md "Money": numbers or text with separators and a unit; the cell's unit wins
/// over the header's (`header_unit`); more than 2 decimals of a yuan is an error.
///
/// # Errors
/// A phrase that says what to fix.
pub fn money(v: &Value, header_unit: Option<&str>) -> Result<Option<Money>, String> {
    let (number, cell_unit) = match v {
        Value::Empty => return Ok(None),
        Value::Number(n) => (*n, None),
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            let s: String = s.chars().filter(|c| !matches!(c, ',' | '，' | '¥' | '￥')).collect();
            let (num, unit) = split_unit(&s, &["万元", "万", "元"]);
            let n = Decimal::from_str_exact(num).map_err(|_| "不是有效金额，请填写数字，如 300000 或 30万元".to_string())?;
            (n, unit.map(|u| if u == "元" { "元" } else { "万元" }))
        }
        _ => return Err("不是有效金额，请填写数字".to_string()),
    };
    let wan = matches!(cell_unit.or(header_unit), Some("万元" | "万"));
    let yuan = if wan { number * Decimal::from(10_000) } else { number };
    Money::from_yuan(yuan).map(Some).map_err(|e| match e {
        crate::engine::money::MoneyError::TooManyDecimals => "金额换算成元后超过2位小数，请核对单位和数值".to_string(),
        _ => "金额超出范围，请核对".to_string(),
    })
}

fn split_unit<'a>(s: &'a str, units: &[&'a str]) -> (&'a str, Option<&'a str>) {
    for unit in units {
        if let Some(num) = s.strip_suffix(unit) {
            return (num, Some(unit));
        }
    }
    (s, None)
}

/// workbook.md "Percent": `4.35`, `4.35%`, or a number below 1 read as a fraction.
///
/// # Errors
/// A phrase that says what to fix.
pub fn percent(v: &Value) -> Result<Option<Decimal>, String> {
    const HINT: &str = "不是有效利率，请填写如 4.35 或 4.35%";
    let (n, had_sign) = match v {
        Value::Empty => return Ok(None),
        Value::Number(n) => (*n, false),
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            let (num, sign) = split_unit(&s, &["%"]);
            (Decimal::from_str_exact(num).map_err(|_| HINT.to_string())?, sign.is_some())
        }
        _ => return Err(HINT.to_string()),
    };
    let fraction = !had_sign && n.abs() < Decimal::ONE;
    Ok(Some(if fraction { (n * Decimal::ONE_HUNDRED).normalize() } else { n.normalize() }))
}

/// workbook.md "Whole numbers": `12` or `12户`.
///
/// # Errors
/// A phrase that says what to fix.
pub fn whole(v: &Value) -> Result<Option<u32>, String> {
    const HINT: &str = "应为不小于0的整数，如 12 或 12户";
    let n = match v {
        Value::Empty => return Ok(None),
        Value::Number(n) => *n,
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            Decimal::from_str_exact(split_unit(&s, &["户", "人"]).0).map_err(|_| HINT.to_string())?
        }
        _ => return Err(HINT.to_string()),
    };
    if n != n.trunc() || n.is_sign_negative() {
        return Err(HINT.to_string());
    }
    u32::try_from(n.trunc().mantissa() / 10_i128.pow(n.trunc().scale())).map(Some).map_err(|_| HINT.to_string())
}

/// A plain number (评审得分).
///
/// # Errors
/// A phrase that says what to fix.
pub fn number(v: &Value) -> Result<Option<Decimal>, String> {
    match v {
        Value::Empty => Ok(None),
        Value::Number(n) => Ok(Some(*n)),
        Value::Text(_) => match code(v) {
            None => Ok(None),
            Some(s) => Decimal::from_str_exact(&s).map(Some).map_err(|_| "应为数字".to_string()),
        },
        _ => Err("应为数字".to_string()),
    }
}

/// 是/否 (also Y/N, √/×).
///
/// # Errors
/// A phrase that says what to fix.
pub fn yes_no(v: &Value) -> Result<Option<bool>, String> {
    if let Value::Bool(b) = v {
        return Ok(Some(*b));
    }
    let Some(s) = code(v) else { return Ok(None) };
    match s.to_uppercase().as_str() {
        "是" | "Y" | "YES" | "√" | "✓" | "✔" | "1" | "TRUE" => Ok(Some(true)),
        "否" | "N" | "NO" | "×" | "✗" | "X" | "0" | "FALSE" => Ok(Some(false)),
        _ => Err("请填写 是 或 否".to_string()),
    }
}

#[cfg(test)]
mod tests;
