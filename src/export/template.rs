//! `tiexi template OUT.xlsx`: the blank applicant workbook (docs/workbook.md) that regiments
//! fill in: 申报汇总表 (a title row, then the canonical headers with their units),
//! 还款及变更 (the Events sheet) and 填表说明 (one row per column, in Chinese). Lists
//! guard the coded columns, and identifiers are text columns so Excel keeps every digit.
//! Whatever it writes, `import::workbook` reads back without an error.

mod guide;

use std::path::Path;

use rust_xlsxwriter::{
    ColNum, DataValidation, DataValidationErrorStyle, Format, FormatAlign, RowNum, Workbook, Worksheet, XlsxError,
};

use super::applicant::{self, CellFormats};
use super::sheet::{self, Styles};
use crate::engine::ApplicantType;
use crate::import::cells::Value;
use crate::import::columns::{Column, Kind, EVENTS, LOANS};
use crate::import::sheet::MAX_ROWS;

pub const LOANS_SHEET: &str = "申报汇总表";
pub const EVENTS_SHEET: &str = "还款及变更";
pub const GUIDE_SHEET: &str = "填表说明";
const TITLE: &str = "____年度职工自主创业示范项目贷款贴息申报汇总表";

/// The values a coded column takes (docs/workbook.md), offered as a list in Excel.
fn list(kind: Kind) -> Option<(Vec<&'static str>, DataValidationErrorStyle)> {
    match kind {
        Kind::ApplicantType => {
            Some((ApplicantType::ALL.iter().map(|t| t.label()).collect(), DataValidationErrorStyle::Stop))
        }
        // Y/N and √/× are also read, so another spelling only warns.
        Kind::YesNo => Some((vec!["是", "否"], DataValidationErrorStyle::Warning)),
        Kind::EventKind => {
            Some((vec!["还款", "利率调整", "逾期开始", "逾期结束", "展期"], DataValidationErrorStyle::Stop))
        }
        Kind::Text
        | Kind::Code
        | Kind::IdNumber
        | Kind::CreditCode
        | Kind::Account
        | Kind::Phone
        | Kind::Count
        | Kind::Money
        | Kind::Percent
        | Kind::Date
        | Kind::Number => None,
    }
}

/// Write the blank template to a file.
///
/// # Errors
/// When the workbook cannot be made or the file cannot be written.
pub fn write(path: &Path) -> Result<(), XlsxError> {
    workbook(&[], &[])?.save(path)
}

/// The blank template as the bytes of an .xlsx file (for a download).
///
/// # Errors
/// When the workbook cannot be made.
pub fn bytes() -> Result<Vec<u8>, XlsxError> {
    with_rows(&[], &[])
}

/// The template with rows already filled in, each a row of cells in the order of
/// `LOANS` and `EVENTS` (for tests, and to give an applicant their data back).
///
/// # Errors
/// When the workbook cannot be made.
pub fn with_rows(loans: &[Vec<Value>], events: &[Vec<Value>]) -> Result<Vec<u8>, XlsxError> {
    workbook(loans, events)?.save_to_buffer()
}

fn workbook(loans: &[Vec<Value>], events: &[Vec<Value>]) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(LOANS_SHEET)?;
    let last_col = ColNum::try_from(LOANS.len() - 1).unwrap_or_default();
    let title = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, last_col, TITLE, &title)?;
    table(sheet, &styles, 1, LOANS, loans)?;
    let sheet = book.add_worksheet().set_name(EVENTS_SHEET)?;
    table(sheet, &styles, 0, EVENTS, events)?;
    let sheet = book.add_worksheet().set_name(GUIDE_SHEET)?;
    guide::write(sheet, &styles)?;
    Ok(book)
}

/// A header row at `at`, the columns' formats and lists below it, then the given rows.
fn table(
    sheet: &mut Worksheet,
    styles: &Styles,
    at: RowNum,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> Result<(), XlsxError> {
    let required = styles.header.clone().set_font_color(0x00C0_0000);
    let plain = CellFormats::new(&Format::new());
    let mut widths = Vec::with_capacity(columns.len());
    for (col, c) in (0..).zip(columns) {
        let header = applicant::header(c);
        sheet::text(sheet, at, col, &header, if c.required { &required } else { &styles.header })?;
        widths.push(sheet::display_width(&header).max(typical_width(c.kind)));
        if let Some(format) = applicant::number_format(c) {
            sheet.set_column_format(col, &Format::new().set_num_format(format))?;
        }
        if let Some((list, style)) = list(c.kind) {
            let rule = DataValidation::new().allow_list_strings(&list)?.set_error_style(style);
            sheet.add_data_validation(at + 1, col, MAX_ROWS - 1, col, &rule)?;
        }
    }
    for (row, cells) in (at + 1..).zip(rows) {
        for ((col, value), c) in (0..).zip(cells).zip(columns) {
            let format = plain.of(value, applicant::number_format(c));
            applicant::write(sheet, row, col, value, format)?;
        }
    }
    sheet.set_freeze_panes(at + 1, 0)?;
    sheet::set_widths(sheet, &widths)
}

/// Room for what a column usually holds: an 18-character ID, a date, an amount.
fn typical_width(kind: Kind) -> usize {
    match kind {
        Kind::IdNumber | Kind::CreditCode | Kind::Account => 20,
        Kind::Code | Kind::Text => 14,
        Kind::Date | Kind::Money | Kind::Phone => 12,
        Kind::ApplicantType | Kind::YesNo | Kind::Count | Kind::Percent | Kind::Number | Kind::EventKind => 8,
    }
}
