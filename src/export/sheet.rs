//! Writing cells the same way in every workbook tiexi makes (docs/hazards.md "Writing
//! spreadsheets"): text stays text (quote prefix, Excel's 32,767-character limit), money
//! is a number in 元 written from its exact `Decimal`, dates are date cells, and columns
//! get widths that fit. Nothing here computes a figure.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ColNum, Format, RowNum, Worksheet, XlsxError};

use crate::engine::Money;

mod width;

pub use width::{display_width, set_widths};

/// Excel's limit of UTF-16 units in one cell.
pub const MAX_TEXT: usize = 32_767;

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
    /// A whole number where the column holds another kind: `General` cannot be asked for
    /// there, since an unformatted cell takes the column's format.
    pub integer: Format,
}

/// Which of the `Styles` a cell takes. A table's column takes the style of its first
/// data row (`Table`), and every cell of that style is then written without a format of
/// its own: `rust_xlsxwriter` looks each explicit format up by hashing it, which was most
/// of a 100,000-row sheet's time (issue 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    General,
    Code,
    Money,
    WanYuan,
    Percent,
    Ratio,
    Date,
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
            integer: Format::new().set_num_format("0"),
        }
    }

    #[must_use]
    pub fn of(&self, style: Style) -> &Format {
        match style {
            Style::General => &self.general,
            Style::Code => &self.code,
            Style::Money => &self.money,
            Style::WanYuan => &self.wan_yuan,
            Style::Percent => &self.percent,
            Style::Ratio => &self.ratio,
            Style::Date => &self.date,
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// One cell of a result sheet, by what it holds.
/// Text is borrowed where the caller holds it, so that a 100,000-row sheet copies no
/// string it does not have to (issue 7: the report within 1.5x of a bare write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    Blank,
    /// Words: names, labels, reasons.
    Text(Cow<'a, str>),
    /// An identifier that must stay text: ID, contract and project numbers.
    Code(Cow<'a, str>),
    /// 元, 2 decimals.
    Money(Money),
    /// 元 already in yuan (户均增收), 2 decimals.
    Yuan(Decimal),
    /// 万元, 4 decimals (docs/rules.md §7).
    WanYuan(Money),
    /// A rate in percent (`4.35`).
    Percent(Decimal),
    /// A ratio with 2 decimals (撬动倍数).
    Ratio(Decimal),
    Count(u64),
    Date(NaiveDate),
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    pub fn code(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Code(s.into())
    }

    /// A date that may be missing.
    #[must_use]
    pub fn date(d: Option<NaiveDate>) -> Cell<'a> {
        d.map_or(Cell::Blank, Cell::Date)
    }

    /// The style the cell takes; none for a blank.
    #[must_use]
    pub fn style(&self) -> Option<Style> {
        Some(match self {
            Cell::Blank => return None,
            Cell::Text(_) | Cell::Count(_) => Style::General,
            Cell::Code(_) => Style::Code,
            Cell::Money(_) | Cell::Yuan(_) => Style::Money,
            Cell::WanYuan(_) => Style::WanYuan,
            Cell::Percent(_) => Style::Percent,
            Cell::Ratio(_) => Style::Ratio,
            Cell::Date(_) => Style::Date,
        })
    }

    /// Write the cell at a position, with its own format.
    ///
    /// # Errors
    /// A position outside the sheet, or a number Excel cannot hold.
    pub fn write(&self, sheet: &mut Worksheet, row: RowNum, col: ColNum, s: &Styles) -> Result<(), XlsxError> {
        self.write_in(sheet, row, col, s, None)
    }

    /// Write the cell in a column whose cells take `column`'s format unless they have
    /// one of their own: a cell of that style is written without one. With no column
    /// style, every cell has its own format.
    ///
    /// # Errors
    /// A position outside the sheet, or a number Excel cannot hold.
    pub fn write_in(
        &self,
        sheet: &mut Worksheet,
        row: RowNum,
        col: ColNum,
        s: &Styles,
        column: Option<Style>,
    ) -> Result<(), XlsxError> {
        let Some(style) = self.style() else { return Ok(()) };
        let own = (Some(style) != column).then(|| s.of(style));
        match self {
            Cell::Blank => Ok(()),
            Cell::Text(t) | Cell::Code(t) => text_in(sheet, (row, col), t, own, s.of(style)),
            Cell::Money(m) => number(sheet, (row, col), m.yuan(), own),
            Cell::Yuan(d) | Cell::Percent(d) | Cell::Ratio(d) => number(sheet, (row, col), *d, own),
            Cell::WanYuan(m) => number(sheet, (row, col), m.wan_yuan(), own),
            // General cannot be asked for in a formatted column: a whole number's own format.
            Cell::Count(n) => number(sheet, (row, col), Decimal::from(*n), own.map(|_| &s.integer)),
            Cell::Date(d) => match own {
                Some(f) => sheet.write_date_with_format(row, col, d, f).map(drop),
                None => sheet.write(row, col, d).map(drop),
            },
        }
    }
}

/// A number, with its own format or the column's.
fn number(
    sheet: &mut Worksheet,
    (row, col): (RowNum, ColNum),
    value: Decimal,
    own: Option<&Format>,
) -> Result<(), XlsxError> {
    match own {
        Some(f) => sheet.write_with_format(row, col, value, f).map(drop),
        None => sheet.write(row, col, value).map(drop),
    }
}

/// Text, with its own format or the column's; `format` is the one to mark with the quote prefix.
fn text_in(
    sheet: &mut Worksheet,
    (row, col): (RowNum, ColNum),
    t: &str,
    own: Option<&Format>,
    format: &Format,
) -> Result<(), XlsxError> {
    match own {
        Some(f) => text(sheet, row, col, t, f),
        None if looks_like_formula(t) => text(sheet, row, col, t, format),
        None => sheet.write_string(row, col, fit(t, MAX_TEXT)).map(drop),
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

/// docs/hazards.md: text starting with `= + - @` or a tab.
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
}
