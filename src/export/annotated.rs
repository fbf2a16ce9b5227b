//! `tiexi calc --errors-out FIXME.xlsx` (docs/workbook.md "Errors"): the applicant's workbook
//! sent back with its errors, for the regiment to fix and send again. The Loans sheet and
//! the Events sheet keep every value as it was read (numbers, dates and text stay what
//! they were), a column 错误说明 right of the header row gives each row's messages, and
//! each bad cell is filled red and carries its message as a note. All errors, and the
//! whole-file ones above all, are also listed on the sheet 错误清单. It renders what the
//! import found; it judges nothing itself.

mod marked;

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{Cell, Styles};
use super::table::Table;
use crate::import::columns::{Column, EVENTS, LOANS};
use crate::import::header;
use crate::import::sheet::Grid;
use crate::import::{self, RowError};

/// The column that carries each row's messages.
pub const ERROR_COLUMN: &str = crate::import::header::ERROR_COLUMN;
/// The sheet that lists every error. Not 错误汇总: a sheet whose name contains 汇总 (or
/// 申报, 项目) is taken for the Loans sheet when the file is imported again (docs/workbook.md).
pub const SUMMARY_SHEET: &str = "错误清单";

/// Write the annotated workbook to a file.
///
/// # Errors
/// When the workbook cannot be made or the file cannot be written.
pub fn write(bytes: &[u8], errors: &[RowError], path: &Path) -> Result<(), XlsxError> {
    workbook(&grids(bytes, errors), errors)?.save(path)
}

/// The annotated workbook as the bytes of an .xlsx file.
///
/// # Errors
/// When the workbook cannot be made.
pub fn bytes(bytes: &[u8], errors: &[RowError]) -> Result<Vec<u8>, XlsxError> {
    from_grids(&grids(bytes, errors), errors)
}

/// The annotated workbook from sheets already read (the web keeps them from the import).
///
/// # Errors
/// When the workbook cannot be made.
pub fn from_grids(grids: &[Grid], errors: &[RowError]) -> Result<Vec<u8>, XlsxError> {
    workbook(grids, errors)?.save_to_buffer()
}

/// The sheets of the applicant's file. docs/hazards.md: a file that the import could not read
/// (an error on row 0) may be hostile, so it is not opened again here: the workbook then
/// holds only the list of errors.
fn grids(bytes: &[u8], errors: &[RowError]) -> Vec<Grid> {
    if errors.iter().any(|e| e.row == 0) {
        return Vec::new();
    }
    import::detect(bytes).and_then(|format| import::sheet::read(bytes, format)).unwrap_or_default()
}

/// A sheet to write back: its index among the grids, and whether it is the Events sheet.
#[derive(Debug, Clone, Copy)]
struct Part {
    at: usize,
    events: bool,
}

impl Part {
    /// Its columns, and how many headers its header row must match (as `import::workbook`).
    fn columns(self) -> (&'static [Column], usize) {
        if self.events {
            (EVENTS, 3)
        } else {
            (LOANS, 4)
        }
    }
}

fn workbook(grids: &[Grid], errors: &[RowError]) -> Result<Workbook, XlsxError> {
    let mut parts: Vec<Part> = Vec::new();
    if let Some(loans) = header::loans_sheet(grids) {
        parts.push(Part { at: loans, events: false });
        if let Some(events) = header::events_sheet(grids, loans) {
            parts.push(Part { at: events, events: true });
        }
    }
    parts.sort_by_key(|p| p.at);
    let names: Vec<String> = parts.iter().map(|p| sheet_name(&grids[p.at].name)).collect();
    let first = !errors.is_empty() && summary_can_go_first(&names, &parts);
    let mut book = Workbook::new();
    if first {
        summary(&mut book, errors)?;
    }
    let marks = marked::Marks::new();
    for (part, name) in parts.iter().zip(&names) {
        marked::sheet(&mut book, name, &grids[part.at], part.columns(), errors, &marks)?;
    }
    if !first && (!errors.is_empty() || parts.is_empty()) {
        summary(&mut book, errors)?;
    }
    Ok(book)
}

/// The list of errors opens the file when the importer would still find the Loans and
/// Events sheets behind it (docs/workbook.md "Sheets"); else it goes last.
fn summary_can_go_first(names: &[String], parts: &[Part]) -> bool {
    let order: Vec<Grid> = std::iter::once(SUMMARY_SHEET)
        .chain(names.iter().map(String::as_str))
        .map(|name| Grid { name: name.to_string(), ..Grid::default() })
        .collect();
    let loans = parts.iter().position(|p| !p.events).map(|i| i + 1);
    let events = parts.iter().position(|p| p.events).map(|i| i + 1);
    let found_loans = header::loans_sheet(&order);
    found_loans == loans && found_loans.and_then(|l| header::events_sheet(&order, l)) == events
}

/// 错误清单: every error with its place, as docs/cli.md lists them.
fn summary(book: &mut Workbook, errors: &[RowError]) -> Result<(), XlsxError> {
    let styles = Styles::new();
    let sheet = book.add_worksheet_with_constant_memory()?.set_name(SUMMARY_SHEET)?;
    let headers = ["工作表", "行号", "列", "值", "说明"].map(String::from);
    let mut table = Table::new(sheet, &styles, &headers)?;
    for e in errors {
        let row = if e.row == 0 { Cell::Blank } else { Cell::Count(u64::from(e.row)) };
        table.row(&[Cell::text(&e.sheet), row, Cell::text(&e.column), Cell::code(&e.value), Cell::text(&e.message)])?;
    }
    table.finish(true)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, no quote at
/// either end. Names read from a workbook already are; a CSV's or an ODS's may not be.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect::<String>()
        .trim_matches('\'')
        .to_string();
    if clean.trim().is_empty() || clean.eq_ignore_ascii_case("history") {
        "Sheet".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(sheet_name("申报汇总表"), "申报汇总表");
        assert_eq!(sheet_name("a/b:c"), "a_b_c");
        assert_eq!(sheet_name("'x'"), "x");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name(""), "Sheet");
    }

    #[test]
    fn the_error_list_goes_first_only_where_the_loans_sheet_is_still_found() {
        let loans = Part { at: 0, events: false };
        let events = Part { at: 1, events: true };
        assert!(summary_can_go_first(&["申报汇总表".into(), "还款及变更".into()], &[loans, events]));
        assert!(!summary_can_go_first(&["Sheet1".into()], &[loans]));
        assert!(!SUMMARY_SHEET.contains("汇总"));
    }
}
