//! One sheet of the applicant's workbook written back: every value as read, bad cells
//! filled red with their message as a note, and the 错误说明 column. Rows go out in
//! order, so the sheet uses constant memory however long it is.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rust_xlsxwriter::{ColNum, Format, Note, RowNum, Workbook, Worksheet, XlsxError};

use super::super::applicant::{self, CellFormats};
use super::super::sheet::{self, DATE, MAX_TEXT};
use super::ERROR_COLUMN;
use crate::import::cells::{self, Value};
use crate::import::columns::Column;
use crate::import::header::{self, Header};
use crate::import::sheet::Grid;
use crate::import::RowError;

/// The formats of an annotated sheet.
pub(super) struct Marks {
    plain: CellFormats,
    marked: CellFormats,
    header: Format,
    message: Format,
}

impl Marks {
    pub(super) fn new() -> Marks {
        // Excel's own "Bad" style.
        let bad = Format::new().set_background_color(0x00FF_C7CE).set_font_color(0x009C_0006);
        Marks {
            plain: CellFormats::new(&Format::new()),
            marked: CellFormats::new(&bad),
            header: Format::new().set_bold(),
            message: Format::new().set_font_color(0x00C0_0000),
        }
    }
}

/// Where the errors of one sheet go: the header row, the 错误说明 column, and by row
/// (0-based) the messages of the row, each with the column it marks, if any.
struct Layout<'a> {
    header: Header,
    error_col: usize,
    rows: BTreeMap<u32, Vec<(Option<usize>, &'a str)>>,
    is_1904: bool,
}

impl<'a> Layout<'a> {
    /// The 错误说明 column is the one a workbook sent back before already has, else the
    /// first column right of every value.
    fn new(grid: &Grid, header: Header, errors: &'a [RowError]) -> Layout<'a> {
        let written = grid.rows.get(&header.row).map(Vec::as_slice).unwrap_or_default();
        let existing = written.iter().position(|v| cells::text(v).as_deref() == Some(ERROR_COLUMN));
        let width = grid.rows.values().map(Vec::len).max().unwrap_or(0);
        let mut rows: BTreeMap<u32, Vec<(Option<usize>, &str)>> = BTreeMap::new();
        // Errors on the header row or above it (a missing column) are on the list only.
        for e in errors.iter().filter(|e| e.sheet == grid.name && e.row > header.row + 1) {
            let col = column_of(&header, &e.column);
            rows.entry(e.row - 1).or_default().push((col, e.message.as_str()));
        }
        Layout { error_col: existing.unwrap_or(width), header, rows, is_1904: grid.is_1904 }
    }

    fn messages(&self, row: u32) -> impl Iterator<Item = &(Option<usize>, &'a str)> {
        self.rows.get(&row).into_iter().flatten()
    }

    /// The messages of one cell, one a line, if it has any.
    fn cell(&self, row: u32, col: usize) -> Option<String> {
        let messages: Vec<&str> = self.messages(row).filter(|(c, _)| *c == Some(col)).map(|m| m.1).collect();
        (!messages.is_empty()).then(|| messages.join("\n"))
    }

    /// The columns to write on a row: its values, and any marked cell beyond them.
    fn end(&self, row: u32, values: usize) -> usize {
        self.messages(row).filter_map(|(c, _)| c.map(|c| c + 1)).chain([values]).max().unwrap_or(0)
    }
}

/// The column an error names, by its header as written.
fn column_of(header: &Header, written: &str) -> Option<usize> {
    if written.is_empty() {
        return None;
    }
    let known = header.columns.iter().position(|s| s.as_ref().is_some_and(|s| s.written == written));
    known.or_else(|| header.extra.iter().find(|(_, w)| w == written).map(|(i, _)| *i))
}

/// A sheet being written, and the width each column needs.
struct Out<'s> {
    sheet: &'s mut Worksheet,
    widths: Vec<usize>,
}

impl Out<'_> {
    fn value(&mut self, row: RowNum, col: usize, v: &Value, format: &Format) -> Result<(), XlsxError> {
        applicant::write(self.sheet, row, to_col(col), v, format)?;
        self.widen(col, applicant::width(v));
        Ok(())
    }

    fn text(&mut self, row: RowNum, col: usize, text: &str, format: &Format) -> Result<(), XlsxError> {
        sheet::text(self.sheet, row, to_col(col), text, format)?;
        self.widen(col, sheet::display_width(text));
        Ok(())
    }

    /// A marked cell: filled red even when empty (a missing value), with its message.
    fn mark(&mut self, row: RowNum, col: usize, v: &Value, text: &str, format: &Format) -> Result<(), XlsxError> {
        if *v == Value::Empty {
            self.sheet.write_blank(row, to_col(col), format)?;
        }
        let note = Note::new(sheet::fit(text, MAX_TEXT - 100)).add_author_prefix(false);
        self.sheet.insert_note(row, to_col(col), &note)?;
        Ok(())
    }

    fn widen(&mut self, col: usize, width: usize) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(width);
    }
}

/// Write one sheet back with its errors marked.
pub(super) fn sheet(
    book: &mut Workbook,
    name: &str,
    grid: &Grid,
    (columns, min): (&'static [Column], usize),
    errors: &[RowError],
    marks: &Marks,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name(name)?;
    let layout = header::locate(grid, columns, min).ok().map(|h| Layout::new(grid, h, errors));
    let formats = column_formats(layout.as_ref());
    let rows: BTreeSet<u32> = grid.rows.keys().chain(layout.iter().flat_map(|l| l.rows.keys())).copied().collect();
    let mut out = Out { sheet, widths: Vec::new() };
    for row in rows {
        let cells = grid.rows.get(&row).map(Vec::as_slice).unwrap_or_default();
        match &layout {
            Some(l) if row >= l.header.row => data(&mut out, row, cells, l, &formats, marks)?,
            _ => title(&mut out, row, cells, &marks.plain)?,
        }
    }
    for (col, format) in (0..).zip(&formats) {
        if let Some(f) = format {
            out.sheet.set_column_format(col, &Format::new().set_num_format(*f))?;
        }
    }
    if let Some(l) = &layout {
        out.sheet.set_freeze_panes(l.header.row + 1, 0)?;
    }
    sheet::set_widths(out.sheet, &out.widths)
}

/// Each column's number format, by the key its header names.
fn column_formats(layout: Option<&Layout>) -> Vec<Option<&'static str>> {
    let Some(l) = layout else { return Vec::new() };
    let format = |s: &Option<header::Slot>| s.as_ref().and_then(|s| applicant::number_format(s.column));
    l.header.columns.iter().map(format).collect()
}

/// A row above the header (a title): runs of the same text are merged again, as the
/// importer spread a merged title over every cell it covered.
fn title(out: &mut Out, row: RowNum, cells: &[Value], f: &CellFormats) -> Result<(), XlsxError> {
    let mut col = 0;
    while col < cells.len() {
        let run = cells[col..].iter().take_while(|v| **v == cells[col]).count();
        match &cells[col] {
            Value::Text(t) if run > 1 => {
                let (first, last) = (to_col(col), to_col(col + run - 1));
                let format = f.of(&cells[col], None);
                out.sheet.merge_range(row, first, row, last, &sheet::fit(t, MAX_TEXT), format)?;
            }
            _ => {
                for (c, v) in (col..).zip(&cells[col..col + run]) {
                    out.value(row, c, v, f.of(v, None))?;
                }
            }
        }
        col += run;
    }
    Ok(())
}

/// The header row or a data row: its values, marked where they have an error, and the
/// 错误说明 cell.
fn data(
    out: &mut Out,
    row: RowNum,
    cells: &[Value],
    l: &Layout,
    formats: &[Option<&'static str>],
    marks: &Marks,
) -> Result<(), XlsxError> {
    let is_header = row == l.header.row;
    for col in (0..l.end(row, cells.len())).filter(|c| *c != l.error_col) {
        let column = formats.get(col).copied().flatten();
        let v = &rebased(cells.get(col).unwrap_or(&Value::Empty), l.is_1904 && column == Some(DATE));
        let note = l.cell(row, col);
        let format = match (is_header, &note) {
            (true, _) => &marks.header,
            (false, Some(_)) => marks.marked.of(v, column),
            (false, None) => marks.plain.of(v, column),
        };
        out.value(row, col, v, format)?;
        if let Some(text) = note {
            out.mark(row, col, v, &text, format)?;
        }
    }
    if is_header {
        out.text(row, l.error_col, ERROR_COLUMN, &marks.header)
    } else {
        let messages: Vec<&str> = l.messages(row).map(|m| m.1).collect();
        out.text(row, l.error_col, &messages.join("；"), &marks.message)
    }
}

/// `rust_xlsxwriter` writes the 1900 date system only: in a 1904 workbook, a day number in a
/// date column is written back as the date it names, so that it imports as the same day.
fn rebased(v: &Value, serial_1904: bool) -> Cow<'_, Value> {
    match v {
        Value::Number(_) if serial_1904 => cells::date(v, cells::Calendar::of(true))
            .ok()
            .flatten()
            .map_or(Cow::Borrowed(v), |d| Cow::Owned(Value::Date(d))),
        _ => Cow::Borrowed(v),
    }
}

/// Grids hold at most `MAX_COLUMNS` columns, well inside Excel's.
fn to_col(col: usize) -> ColNum {
    ColNum::try_from(col).unwrap_or(ColNum::MAX)
}
