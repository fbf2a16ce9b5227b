//! Readers for one cell: text, money, percentages, whole numbers, yes/no (docs/workbook.md
//! "Reading values"); dates are in `dates`. Each returns the value or a Chinese phrase
//! that says what to fix. This is the one place where a spreadsheet's binary float is
//! touched (`from_float`); it never computes with money.

mod dates;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::engine::money::MoneyError;
use crate::engine::Money;
pub use dates::{date, serial_date, Calendar};

/// A cell as the importer sees it, whatever the file format.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Value {
    #[default]
    Empty,
    Text(String),
    /// A numeric cell, to the 15 significant digits Excel keeps.
    Number(Decimal),
    /// A cell formatted as a date (time of day dropped).
    Date(chrono::NaiveDate),
    Bool(bool),
    /// `#N/A`, `#DIV/0!` and the like.
    Error(String),
    /// A formula whose result the file does not hold (a program that writes formulas
    /// without computing them, such as openpyxl): the formula's text, when known.
    Formula(String),
}

impl Value {
    /// The value as found, for error messages.
    #[must_use]
    pub fn shown(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) | Value::Error(s) => s.trim().to_string(),
            Value::Number(d) => d.normalize().to_string(),
            Value::Date(d) => d.to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Value::Formula(f) => format!("={}", f.trim_start_matches('=')),
        }
    }

    /// Empty, or text that is only spaces.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            // What `fold_width(s).trim()` would leave: folding only drops invisible
            // characters and turns wide spaces into spaces (both whitespace to `trim`).
            Value::Text(s) => s.chars().all(|c| c.is_whitespace() || is_invisible(c)),
            _ => false,
        }
    }

    /// Blank, or a mark that people type for "nothing here": `/`, `-`, `—`, `无`.
    /// Such a cell reads as blank, so that a required column still reports it missing.
    #[must_use]
    pub fn is_nothing(&self) -> bool {
        match self {
            // Every mark is at most two characters once spaces and invisible characters go;
            // most cells are longer, and are told apart without building their code.
            Value::Text(s) if s.chars().filter(|&c| !c.is_whitespace() && !is_invisible(c)).nth(2).is_some() => {
                return false;
            }
            // A number, date or yes/no never shows as a mark: no need to format it.
            Value::Number(_) | Value::Date(_) | Value::Bool(_) | Value::Formula(_) => return false,
            _ => {}
        }
        self.is_blank() || code(self).is_some_and(|s| matches!(s.as_str(), "/" | "-" | "--" | "—" | "——" | "无" | "\\"))
    }
}

/// A spreadsheet number as Excel shows it: 15 significant digits, then exact.
#[must_use]
pub fn from_float(f: f64) -> Value {
    if !f.is_finite() {
        return Value::Error(f.to_string());
    }
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        #[expect(clippy::cast_possible_truncation, reason = "checked integral and below 2^53")]
        return Value::Number(Decimal::from(f as i64));
    }
    Decimal::from_scientific(&format!("{f:.14e}")).map_or(Value::Error(f.to_string()), |d| Value::Number(d.normalize()))
}

/// What a formula cell without a saved result gets instead of its value.
pub const UNSAVED_FORMULA: &str =
    "该单元格是公式，但文件中没有保存计算结果：请用 Excel 或 WPS 打开文件重新计算并保存（或把公式改成数值）后再上传";

/// A number written as text (`70297.4`, `1,234`). Text of more than 15 significant digits
/// is a binary float written out in full (Gnumeric writes 70297.4 as 70297.39999999999):
/// it reads as the number it stands for, rounded to the 15 digits a spreadsheet keeps.
#[must_use]
pub fn decimal(s: &str) -> Option<Decimal> {
    let d = Decimal::from_str_exact(s).ok()?;
    if d.mantissa().unsigned_abs().checked_ilog10().is_some_and(|digits| digits >= 15) {
        return d.round_sf(15).map(|r| r.normalize());
    }
    Some(d)
}

/// docs/workbook.md "Text": full-width ASCII (`６５０１`, `（`) and the ideographic space become
/// half-width; invisible characters pasted from web pages (zero-width space, BOM) go.
#[must_use]
pub fn fold_width(s: &str) -> String {
    folded(s).into_owned()
}

/// Characters pasted from web pages that are not part of the text (docs/workbook.md "Text").
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{2060}')
}

/// Whether `fold_width` changes the character.
fn is_folded(c: char) -> bool {
    is_invisible(c) || matches!(c, '\u{3000}' | '\u{00A0}' | '\u{FF01}'..='\u{FF5E}')
}

/// `fold_width`, borrowing the text when it has nothing to fold (most cells).
fn folded(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_folded) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| match c {
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Text: folded to half-width, trimmed, inner runs of spaces made one; `None` when blank.
#[must_use]
pub fn text(v: &Value) -> Option<String> {
    let shown;
    let s = match v {
        Value::Empty => return None,
        // The common cell, told in one look at its characters: nothing to fold, trim or
        // join, so it is copied once.
        Value::Text(s) if !s.is_empty() && !s.chars().any(|c| c.is_whitespace() || is_folded(c)) => {
            return Some(s.clone());
        }
        Value::Text(s) => folded(s),
        other => {
            shown = other.shown();
            std::borrow::Cow::Borrowed(shown.as_str())
        }
    };
    if !s.is_empty() && !s.contains(char::is_whitespace) {
        // Nothing to trim or join: the common cell, copied once.
        return Some(s.into_owned());
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// docs/workbook.md: a code (contract number, ID number) loses every inner space.
#[must_use]
pub fn code(v: &Value) -> Option<String> {
    text(v).map(|s| if s.contains(' ') { s.chars().filter(|c| !c.is_whitespace()).collect() } else { s })
}

/// The unit of a money amount (docs/workbook.md "Money").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Yuan,
    Wan,
}

impl Unit {
    /// The unit a header or cell names: `元`, `元/户`, `人民币元` are yuan; `万元`, `万` are
    /// 万元. `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Unit> {
        let s = s.trim_start_matches("人民币");
        if s.starts_with('万') {
            Some(Unit::Wan)
        } else if s.starts_with('元') || s.eq_ignore_ascii_case("rmb") {
            Some(Unit::Yuan)
        } else {
            None
        }
    }
}

const MONEY_HINT: &str = "不是有效金额，请填写数字，如 300000、300,000.00 或 30万元";

/// docs/workbook.md "Money": numbers or text with separators and a unit; the cell's unit wins
/// over the header's; more than 2 decimals of a yuan is an error, never a rounding.
///
/// # Errors
/// A phrase that says what to fix.
pub fn money(v: &Value, header_unit: Option<Unit>) -> Result<Option<Money>, String> {
    let (number, cell_unit) = match v {
        Value::Number(n) => (*n, None),
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            let s = s.trim_start_matches(['¥', '￥']).trim_start_matches("RMB").replace(',', "");
            let (num, unit) = split_suffix(&s, &["万元", "万", "人民币元", "元"]);
            let n = decimal(num).ok_or_else(|| MONEY_HINT.to_string())?;
            (n, unit.and_then(Unit::parse))
        }
        Value::Empty => return Ok(None),
        _ => return Err(MONEY_HINT.to_string()),
    };
    let yuan = match cell_unit.or(header_unit) {
        Some(Unit::Wan) => number * Decimal::from(10_000),
        _ => number,
    };
    Money::from_yuan(yuan).map(Some).map_err(|e| match e {
        MoneyError::TooManyDecimals => {
            format!("换算成元后为 {} 元，超过2位小数（分），请核对单位和数值", yuan.normalize())
        }
        _ => "金额超出范围，请核对单位和数值".to_string(),
    })
}

fn split_suffix<'a>(s: &'a str, units: &[&'a str]) -> (&'a str, Option<&'a str>) {
    units.iter().find_map(|u| s.strip_suffix(u).map(|num| (num, Some(*u)))).unwrap_or((s, None))
}

const PERCENT_HINT: &str = "不是有效利率，请填写如 4.35 或 4.35%";

/// docs/workbook.md "Percent": `4.35`, `4.35%`, or a number below 1 read as a fraction
/// (`0.0435` is 4.35%).
///
/// # Errors
/// A phrase that says what to fix.
pub fn percent(v: &Value) -> Result<Option<Decimal>, String> {
    let (n, had_sign) = match v {
        Value::Number(n) => (*n, false),
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            let (num, sign) = split_suffix(&s, &["%"]);
            (decimal(num).ok_or_else(|| PERCENT_HINT.to_string())?, sign.is_some())
        }
        Value::Empty => return Ok(None),
        _ => return Err(PERCENT_HINT.to_string()),
    };
    let fraction = !had_sign && n.abs() < Decimal::ONE;
    Ok(Some(if fraction { (n * Decimal::ONE_HUNDRED).normalize() } else { n.normalize() }))
}

/// docs/workbook.md "Whole numbers": `12` or `12户`.
///
/// # Errors
/// A phrase that says what to fix.
pub fn whole(v: &Value) -> Result<Option<u32>, String> {
    const HINT: &str = "应为不小于0的整数，如 12 或 12户";
    let n = match v {
        Value::Number(n) => *n,
        Value::Text(_) => {
            let Some(s) = code(v) else { return Ok(None) };
            decimal(split_suffix(&s, &["户", "人", "家"]).0).ok_or_else(|| HINT.to_string())?
        }
        Value::Empty => return Ok(None),
        _ => return Err(HINT.to_string()),
    };
    if n != n.trunc() || n.is_sign_negative() {
        return Err(HINT.to_string());
    }
    n.to_u32().map(Some).ok_or_else(|| HINT.to_string())
}

/// A plain number (评审得分), `85` or `85分`.
///
/// # Errors
/// A phrase that says what to fix.
pub fn number(v: &Value) -> Result<Option<Decimal>, String> {
    const HINT: &str = "应为数字，如 85 或 85.5";
    match v {
        Value::Number(n) => Ok(Some(n.normalize())),
        Value::Text(_) => match code(v) {
            None => Ok(None),
            Some(s) => {
                decimal(split_suffix(&s, &["分"]).0).map(|d| Some(d.normalize())).ok_or_else(|| HINT.to_string())
            }
        },
        Value::Empty => Ok(None),
        _ => Err(HINT.to_string()),
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
        "是" | "Y" | "YES" | "√" | "✓" | "✔" | "TRUE" | "1" | "会员" => Ok(Some(true)),
        "否" | "N" | "NO" | "×" | "✗" | "✘" | "X" | "FALSE" | "0" | "非会员" => Ok(Some(false)),
        _ => Err("请填写 是 或 否".to_string()),
    }
}

#[cfg(test)]
mod tests;

/// A value a row needs: the value, or `None` after `report` is told what to fix (blank:
/// 必须填写 `what`; unreadable: the reading's own message). The Events and statement sheets
/// read their needed values through it.
pub fn needed<T>(read: Result<Option<T>, String>, what: &str, report: impl FnOnce(String)) -> Option<T> {
    match read {
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            report(format!("必须填写{what}"));
            None
        }
        Err(m) => {
            report(m);
            None
        }
    }
}
