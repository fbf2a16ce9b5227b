//! Writing cells the same way in every workbook tiexi makes (hazards.md "Writing
//! spreadsheets"): text stays text (quote prefix, Excel's 32,767-character limit), money
//! is a number in 元 written from its exact `Decimal`, dates are date cells, and columns
//! get widths that fit. Nothing here computes a figure.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

use crate::engine::Money;

/// Excel's limit of UTF-16 units in one cell.
pub const MAX_TEXT: usize = 32_767;
/// The widest column we set, in characters.
const MAX_WIDTH: usize = 60;

/// Number formats, by what a column holds.
pub const MONEY: &str = "#,##0.00";
pub const WAN_YUAN: &str = "#,##0.0000";
pub const PERCENT: &str = "0.00##";
pub const RATIO: &str = "0.00";
pub const DATE: &str = "yyyy-mm-dd";
pub const TEXT: &str = "@";

/// The formats of a result workbook, made once.
#[derive(Debug, Clone)]
pub struct Styles {
    pub header: Format,
    pub general: Format,
    pub code: Format,
    pub money: Format,
    pub wan_yuan: Format,
    pub percent: Format,
    pub ratio: Format,
    pub date: Format,
}

impl Styles {
    #[must_use]
    pub fn new() -> Styles {
        Styles {
            header: Format::new().set_bold().set_background_color(0x00D9_E1F2),
            general: Format::new(),
            code: Format::new().set_num_format(TEXT),
            money: Format::new().set_num_format(MONEY),
            wan_yuan: Format::new().set_num_format(WAN_YUAN),
            percent: Format::new().set_num_format(PERCENT),
            ratio: Format::new().set_num_format(RATIO),
            date: Format::new().set_num_format(DATE),
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// One cell of a result sheet, by what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Blank,
    /// Words: names, labels, reasons.
    Text(String),
    /// An identifier that must stay text: ID, contract and project numbers.
    Code(String),
    /// 元, 2 decimals.
    Money(Money),
    /// 元 already in yuan (户均增收), 2 decimals.
    Yuan(Decimal),
    /// 万元, 4 decimals (rules.md §7).
    WanYuan(Money),
    /// A rate in percent (`4.35`).
    Percent(Decimal),
    /// A ratio with 2 decimals (撬动倍数).
    Ratio(Decimal),
    Count(u64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A date that may be missing.
    #[must_use]
    pub fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Blank, Cell::Date)
    }

    /// The characters the cell shows, roughly, for the column width.
    pub(super) fn width(&self) -> usize {
        match self {
            Cell::Blank => 0,
            Cell::Text(s) | Cell::Code(s) => display_width(s),
            Cell::Money(m) => grouped(&m.to_string()),
            Cell::WanYuan(m) => grouped(&m.wan_yuan().to_string()),
            Cell::Yuan(d) => grouped(&d.to_string()),
            Cell::Percent(d) | Cell::Ratio(d) => d.to_string().len() + 1,
            Cell::Count(n) => n.to_string().len(),
            Cell::Date(_) => 10,
        }
    }

    /// Write the cell at a position.
    ///
    /// # Errors
    /// A position outside the sheet, or a number Excel cannot hold.
    pub fn write(&self, sheet: &mut Worksheet, row: RowNum, col: ColNum, s: &Styles) -> Result<(), XlsxError> {
        match self {
            Cell::Blank => return Ok(()),
            Cell::Text(t) => text(sheet, row, col, t, &s.general)?,
            Cell::Code(t) => text(sheet, row, col, t, &s.code)?,
            Cell::Money(m) => sheet.write_with_format(row, col, m.yuan(), &s.money).map(drop)?,
            Cell::Yuan(d) => sheet.write_with_format(row, col, *d, &s.money).map(drop)?,
            Cell::WanYuan(m) => sheet.write_with_format(row, col, m.wan_yuan(), &s.wan_yuan).map(drop)?,
            Cell::Percent(d) => sheet.write_with_format(row, col, *d, &s.percent).map(drop)?,
            Cell::Ratio(d) => sheet.write_with_format(row, col, *d, &s.ratio).map(drop)?,
            Cell::Count(n) => sheet.write_with_format(row, col, Decimal::from(*n), &s.general).map(drop)?,
            Cell::Date(d) => sheet.write_date_with_format(row, col, d, &s.date).map(drop)?,
        }
        Ok(())
    }
}

/// Write text as a string cell, never a formula: text that Excel would take for a
/// formula when re-edited gets the quote prefix, and text beyond Excel's limit is cut.
///
/// # Errors
/// A position outside the sheet.
pub fn text(sheet: &mut Worksheet, row: RowNum, col: ColNum, s: &str, format: &Format) -> Result<(), XlsxError> {
    let s = fit(s, MAX_TEXT);
    if looks_like_formula(&s) {
        sheet.write_string_with_format(row, col, s, &format.clone().set_quote_prefix())?;
    } else {
        sheet.write_string_with_format(row, col, s, format)?;
    }
    Ok(())
}

/// hazards.md: text starting with `= + - @` or a tab.
#[must_use]
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t'])
}

/// Text cut to at most `max` UTF-16 units (Excel's measure), ending in `…` when cut.
#[must_use]
pub fn fit(s: &str, max: usize) -> Cow<'_, str> {
    // A UTF-8 string never has more UTF-16 units than bytes.
    if s.len() <= max || s.encode_utf16().count() <= max {
        return Cow::Borrowed(s);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max - 1 {
            break;
        }
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

/// Columns as wide as Excel shows text: a Chinese character takes two places.
#[must_use]
pub fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()).max().unwrap_or(0)
}

/// The length of a number with thousands separators.
fn grouped(plain: &str) -> usize {
    let digits = plain.split('.').next().map_or(0, |i| i.trim_start_matches('-').len());
    plain.len() + digits.saturating_sub(1) / 3
}

/// Column widths from the widest content, with a little room, at most `MAX_WIDTH`.
///
/// # Errors
/// From the writer.
pub fn set_widths(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (col, w) in (0..).zip(widths) {
        let w = u16::try_from((*w + 2).min(MAX_WIDTH)).unwrap_or(10);
        sheet.set_column_width(col, w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_beyond_excels_limit_is_cut_with_an_ellipsis() {
        let long = "贴".repeat(MAX_TEXT + 10);
        let cut = fit(&long, MAX_TEXT);
        assert_eq!(cut.encode_utf16().count(), MAX_TEXT);
        assert!(cut.ends_with('…'));
        // A character outside the BMP takes two units and is never split.
        let emoji = "😀".repeat(MAX_TEXT);
        assert!(fit(&emoji, MAX_TEXT).encode_utf16().count() <= MAX_TEXT);
        assert_eq!(fit("短文本", MAX_TEXT), "短文本");
    }

    #[test]
    fn formula_like_text_is_recognised() {
        for (s, risky) in [("=SUM(A1)", true), ("+86", true), ("-1", true), ("@x", true), ("\tx", true), ("a=b", false)]
        {
            assert_eq!(looks_like_formula(s), risky, "{s}");
        }
    }

    #[test]
    fn widths_count_chinese_characters_twice() {
        assert_eq!(display_width("贷款金额（元）"), 14);
        assert_eq!(display_width("abc"), 3);
        assert_eq!(grouped("1234567.89"), 12);
    }
}
