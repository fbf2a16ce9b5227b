//! The formal layout of every workbook tiexi writes for people (issue 16): a title centred
//! over the table, 填报单位（盖章）and 单位：元 above it, thin borders on every cell, a bold
//! 合计 ruled above, the signature line and 年 月 日 below it, and a page of A4 landscape
//! printed at no less than 9 pt with page numbers.
//!
//! Fonts and widths: every format is Arial (Latin; Chinese falls back to the system's
//! CJK font, one em wide everywhere), and so is the workbook's default font, whose digit
//! width is the unit of column widths. `LibreOffice` renders Arial with Liberation Sans, of
//! the same metrics, so a table that fits the page in Excel fits it there too. A wide table
//! wraps its text and headers to fit the page width instead of shrinking: columns of
//! numbers and dates keep their width, text columns give way down to a minimum.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    ConditionalFormatFormula, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use super::super::sheet::{looks_like_formula, Styles, MONEY, PERCENT, RATIO, WAN_YUAN};
pub(crate) use super::widths::{fit, set_widths, Width};
use super::Heading;

/// Every cell's font (see the module's note on widths).
pub(crate) const FONT: &str = "Arial";
/// Dates as people write them: 2024年12月6日.
pub(crate) const DATE: &str = "yyyy\"年\"m\"月\"d\"日\"";
/// A new workbook whose default font is the formal one (needed before any sheet is added).
///
/// # Errors
/// From the writer.
pub(crate) fn workbook() -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    book.set_default_format(&Format::new().set_font_name(FONT).set_font_size(10), 20, 64)?;
    Ok(book)
}

/// `2024年12月6日`.
#[must_use]
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Money as people write it in a sentence: `150,000.00` (the pages' too: `web::kernel::views`).
#[must_use]
pub fn yuan(m: crate::engine::Money) -> String {
    let s = m.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{frac}")
}

/// An amount in 万元 as a sheet shows it: `806.6350`, grouped.
#[must_use]
pub(crate) fn wan(m: crate::engine::Money) -> String {
    let w = m.wan_yuan().to_string();
    let (int, frac) = w.split_once('.').unwrap_or((&w, ""));
    let whole: crate::engine::Money = format!("{int}.00").parse().unwrap_or_default();
    let grouped = yuan(whole);
    format!("{}.{frac}", grouped.trim_end_matches(".00"))
}

/// The formats of one size of table: bordered cells, the same without borders (a long
/// table's column formats, its borders then coming from one conditional format), the bold
/// 合计 ruled above, and the header row.
#[derive(Debug, Clone)]
pub(crate) struct Formal {
    /// The font size, in points.
    pub points: u32,
    pub bordered: Styles,
    pub plain: Styles,
    pub total: Styles,
    pub header: Format,
}

fn base(points: u32) -> Format {
    Format::new().set_font_name(FONT).set_font_size(points).set_align(FormatAlign::VerticalCenter)
}

fn styles(points: u32, edit: &dyn Fn(Format) -> Format) -> Styles {
    let f = |num: Option<&str>| {
        let f = edit(base(points));
        num.map_or(f.clone(), |n| f.set_num_format(n))
    };
    Styles {
        header: f(None).set_bold(),
        general: f(None).set_text_wrap(),
        code: f(Some("@")).set_text_wrap(),
        money: f(Some(MONEY)),
        wan_yuan: f(Some(WAN_YUAN)),
        percent: f(Some(PERCENT)),
        ratio: f(Some(RATIO)),
        date: f(Some(DATE)).set_align(FormatAlign::Center),
        integer: f(Some("0")),
    }
}

impl Formal {
    /// The formats of a table in `points` (10, or 9 for the long detail tables).
    #[must_use]
    pub(crate) fn new(points: u32) -> Formal {
        let thin = |f: Format| f.set_border(FormatBorder::Thin);
        let total = |f: Format| f.set_border(FormatBorder::Thin).set_border_top(FormatBorder::Medium).set_bold();
        Formal {
            points,
            bordered: styles(points, &thin),
            plain: styles(points, &|f| f),
            total: styles(points, &total),
            header: thin(base(points))
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(0x00F2_F2F2),
        }
    }

    /// How wide a line of text is in this size, in thousandths of a column unit: a Chinese
    /// character is one em, Latin letters and digits Arial's widths (in thousandths of an
    /// em); an em of `p` points is `4p/3` pixels, a unit 7.
    #[must_use]
    pub(crate) fn milli(&self, line: &str) -> usize {
        let ems: usize = line
            .chars()
            .map(|c| match c {
                '0'..='9' => 556,
                ',' | '.' | ' ' | ':' | ';' | 'i' | 'l' | 'j' | 't' | 'f' | '(' | ')' => 280,
                'A'..='Z' | '*' | '-' | '/' => 667,
                c if c.is_ascii() => 556,
                _ => 1000,
            })
            .sum();
        ems * self.points as usize * 4 / 21
    }

    /// The same in whole column units, rounded up.
    #[must_use]
    pub(crate) fn units(&self, line: &str) -> usize {
        self.milli(line).div_ceil(1000)
    }
}

/// Write text, merged over columns `first..=last` when they are more than one; text that
/// a spreadsheet would take for a formula keeps the quote prefix (docs/hazards.md).
///
/// # Errors
/// From the writer.
pub(crate) fn merged(
    sheet: &mut Worksheet,
    row: RowNum,
    (first, last): (u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    let format = if looks_like_formula(text) { &format.clone().set_quote_prefix() } else { format };
    if last > first {
        sheet.merge_range(row, first, row, last, text, format)?;
    } else {
        sheet.write_string_with_format(row, first, text, format)?;
    }
    Ok(())
}

/// What sits above a table.
#[derive(Debug, Clone)]
pub(crate) struct Frame<'a> {
    pub title: String,
    /// A line under the title: （试算）, the batch, the period.
    pub subtitle: Option<String>,
    /// `元`, `万元`; none where a column says each row's unit.
    pub unit: Option<&'a str>,
    /// The columns the title and lines span.
    pub columns: u16,
}

/// The row of the table's header under `frame`.
pub(crate) const HEADER_ROW: RowNum = 3;

/// The title (row 0, centred over the table), the subtitle (row 1), 填报单位（盖章）and the
/// unit (row 2), and the print setup; the table's header goes in `HEADER_ROW`.
///
/// # Errors
/// From the writer.
pub(crate) fn frame(sheet: &mut Worksheet, heading: &Heading, f: &Frame<'_>) -> Result<RowNum, XlsxError> {
    let last = f.columns.max(1) - 1;
    let title = base(16).set_bold().set_align(FormatAlign::Center);
    sheet.set_row_height(0, 30)?;
    merged(sheet, 0, (0, last), &f.title, &title)?;
    let line = base(10);
    if f.subtitle.is_none() {
        sheet.set_row_height(1, 6)?;
    }
    merged(sheet, 1, (0, last), f.subtitle.as_deref().unwrap_or(""), &line.clone().set_align(FormatAlign::Center))?;
    let division = format!("填报单位（盖章）：{}", heading.division);
    match f.unit {
        Some(unit) if last >= 2 => {
            // The unit takes the last two columns (one may be narrow), the division the rest.
            let split = last - 1;
            merged(sheet, 2, (0, split - 1), &division, &line)?;
            merged(sheet, 2, (split, last), &format!("单位：{unit}"), &line.clone().set_align(FormatAlign::Right))?;
        }
        _ => merged(sheet, 2, (0, last), &division, &line)?,
    }
    print(sheet);
    Ok(HEADER_ROW)
}

/// Landscape A4, 0.3 inch side margins, centred, page numbers in the footer; fitted to one page wide only as a last resort, since the
/// widths are chosen to fit (`fit`).
fn print(sheet: &mut Worksheet) {
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_margins(0.3, 0.3, 0.5, 0.5, 0.25, 0.25);
    sheet.set_print_center_horizontally(true);
    sheet.set_footer("&C第 &P 页，共 &N 页");
    sheet.set_print_fit_to_pages(1, 0);
}

/// Repeat a long table's header row on every printed page (a short sheet's would stand
/// alone above its signature line when that runs onto the next page).
///
/// # Errors
/// From the writer.
pub(crate) fn repeat_header(sheet: &mut Worksheet) -> Result<(), XlsxError> {
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

/// The signature line under the last table (from `row`): the four titles spread over the
/// table's width, the 制表人's name after the last, then the date the report was made and
/// a blank 年 月 日 to date it when signed, each a line merged over the table (`widths`).
/// Returns the row after them.
///
/// # Errors
/// From the writer.
pub(crate) fn signatures(
    sheet: &mut Worksheet,
    heading: &Heading,
    row: RowNum,
    widths: &[usize],
) -> Result<RowNum, XlsxError> {
    let line = base(10);
    let f = Formal::new(10);
    let last = u16::try_from(widths.len().max(1) - 1).unwrap_or(0);
    let room = widths.iter().sum::<usize>();
    let titles: Vec<String> =
        heading
            .signatures
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i + 1 == heading.signatures.len() {
                    format!("{t}：{}", heading.preparer)
                } else {
                    format!("{t}：")
                }
            })
            .collect();
    merged(sheet, row + 1, (0, last), &spread(&f, &titles, room), &line)?;
    let dates =
        [format!("制表日期：{}", chinese_date(heading.made_on)), "报出日期：        年    月    日".to_string()];
    merged(sheet, row + 2, (0, last), &spread(&f, &dates, room), &line)?;
    Ok(row + 3)
}

/// Texts spread over a line `room` units wide with ideographic spaces between them (each
/// text's own space to sign in, the last one's end near the line's end).
fn spread(f: &Formal, texts: &[String], room: usize) -> String {
    let used: usize = texts.iter().map(|t| f.milli(t)).sum();
    let gaps = texts.len().saturating_sub(1).max(1);
    let gap = (room * 1000).saturating_sub(used + 2000) / gaps / f.milli("　").max(1);
    texts.join(&"　".repeat(gap.clamp(2, 40)))
}

/// Thin borders over a long table's data rows, as one conditional format that always
/// applies: a format per cell costs a 100,000-row sheet two thirds more time (issue 7).
///
/// # Errors
/// From the writer.
pub(crate) fn border_range(
    sheet: &mut Worksheet,
    (first, last): (RowNum, RowNum),
    columns: u16,
) -> Result<(), XlsxError> {
    if last < first || columns == 0 {
        return Ok(());
    }
    let rule =
        ConditionalFormatFormula::new().set_rule("TRUE").set_format(Format::new().set_border(FormatBorder::Thin));
    sheet.add_conditional_format(first, 0, last, columns - 1, &rule)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_chinese() {
        assert_eq!(chinese_date(NaiveDate::from_ymd_opt(2024, 12, 6).expect("a date")), "2024年12月6日");
    }
}
