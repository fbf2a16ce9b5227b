//! Reading a workbook's sheets into sparse grids of `Value`s, whatever the format
//! (.xlsx streamed; .xls and .ods through calamine; .csv in UTF-8 or GBK), with merged
//! cells applied to every cell they span and the business maximum of rows and columns.
//! Only the Loans and Events sheets are read (docs/workbook.md "Empty cells"): which they are
//! is told from the sheets' names and first rows, and the other sheets (notes, lookup
//! lists) stay empty grids, whatever their size.

mod ods;
mod stream;
mod xls_ods;
mod xlsx;

use xlsx::{has_formulas, has_merged_cells, read_xlsx};

pub use ods::Squeeze;

use std::collections::BTreeMap;

use calamine::{Data, DataRef, Dimensions};

use super::cells::{from_float, serial_date, Value};
use super::header;
use super::{ImportError, Options, Parsed};

/// The business maximum (README): rows and columns beyond these are refused.
pub const MAX_ROWS: u32 = 200_000;
pub const MAX_COLUMNS: u32 = 200;

/// One sheet: its rows with content, by 0-based row index.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub name: String,
    pub rows: BTreeMap<u32, Vec<Value>>,
    pub is_1904: bool,
}

impl Grid {
    fn new(name: &str, is_1904: bool) -> Grid {
        Grid { name: name.to_string(), rows: BTreeMap::new(), is_1904 }
    }

    /// Put a value, refusing positions beyond the business maximum.
    fn put(&mut self, row: u32, col: u32, value: Value) -> Result<(), ImportError> {
        if value == Value::Empty {
            return Ok(());
        }
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(ImportError::TooLarge { sheet: self.name.clone(), row: row + 1, col: col + 1 });
        }
        let cells = self.rows.entry(row).or_default();
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, Value::Empty);
        }
        cells[col] = value;
        Ok(())
    }

    /// For the CSV reader, which has only text.
    pub(super) fn put_text(&mut self, row: u32, col: u32, value: Value) -> Result<(), ImportError> {
        self.put(row, col, value)
    }

    /// docs/workbook.md: a merged cell's value holds for every row it spans.
    fn spread_merged(&mut self, regions: &[Dimensions]) {
        for region in regions {
            let (r0, c0) = region.start;
            let Some(value) = self.rows.get(&r0).and_then(|r| r.get(c0 as usize)).cloned() else {
                continue;
            };
            let r1 = region.end.0.min(MAX_ROWS - 1);
            let c1 = region.end.1.min(MAX_COLUMNS - 1);
            for row in r0..=r1 {
                for col in c0..=c1 {
                    let empty = self.rows.get(&row).and_then(|r| r.get(col as usize)).is_none_or(Value::is_blank);
                    if empty {
                        // Positions are inside the maximum, so this cannot fail.
                        let _ = self.put(row, col, value.clone());
                    }
                }
            }
        }
    }

    /// The first rows, where the header is looked for.
    #[must_use]
    pub fn head(&self) -> Vec<(u32, &[Value])> {
        self.rows.range(..super::header::HEADER_SEARCH_ROWS).map(|(&r, c)| (r, c.as_slice())).collect()
    }

    /// The value at a 0-based position.
    #[must_use]
    pub fn get(&self, row: u32, col: usize) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.rows.get(&row).and_then(|r| r.get(col)).unwrap_or(&EMPTY)
    }
}

/// The file formats of docs/workbook.md, told by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// Which sheets of a workbook tiexi reads; the others come back as empty grids, never read
/// (docs/workbook.md "Empty cells": a lookup list or a note sheet is not our business).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The Loans sheet and the Events sheet (docs/workbook.md "Sheets").
    Applicant,
    /// Every sheet whose name contains 结息 or 利息, else the first (docs/workbook.md
    /// "Interest statements").
    Statement,
}

/// Every sheet of an applicant workbook, in order; only the Loans and Events sheets read.
///
/// # Errors
/// The file cannot be read as a workbook of the given format.
pub fn read(bytes: &[u8], format: Format) -> Result<Vec<Grid>, ImportError> {
    read_which(bytes, format, may_merge(bytes, format), Which::Applicant)
}

/// Every sheet of a bank's interest statement, in order; only its statement sheets read.
///
/// # Errors
/// As `read`.
pub fn read_statement(bytes: &[u8], format: Format) -> Result<Vec<Grid>, ImportError> {
    read_which(bytes, format, may_merge(bytes, format), Which::Statement)
}

/// docs/workbook.md "Interest statements": the sheets named for interest, else the first.
#[must_use]
pub fn statement_sheets(names: &[String]) -> Vec<bool> {
    let for_interest: Vec<bool> = names.iter().map(|n| n.contains("结息") || n.contains("利息")).collect();
    if for_interest.contains(&true) {
        for_interest
    } else {
        (0..names.len()).map(|at| at == 0).collect()
    }
}

/// Read an applicant workbook of a known format (docs/workbook.md): an .xlsx without merged
/// cells row by row as it streams, anything else through grids.
///
/// # Errors
/// As `read`; `NoSheet` when the workbook has no sheet.
pub(super) fn parse(bytes: &[u8], format: Format, merged: bool, options: Options) -> Result<Parsed, ImportError> {
    if format == Format::Xlsx && !merged {
        if let Some(book) = stream::xlsx(std::io::Cursor::new(bytes), &options, has_formulas(bytes))? {
            return Ok(book.finish());
        }
    }
    super::assemble::from_grids(&read_known(bytes, format, merged)?, &options)
}

/// An .xlsx whose worksheets the upload guard inflates as they are read (`guard::streamed`),
/// read as it streams; the guard has ruled out merged cells and formulas. `None` as
/// `parse` would read it through grids.
///
/// # Errors
/// As `parse`.
pub(super) fn stream_xlsx<RS: std::io::Read + std::io::Seek>(
    zip: RS,
    options: &Options,
) -> Result<Option<super::assemble::Book<'_>>, ImportError> {
    stream::xlsx(zip, options, false)
}

/// `parse` of an .xlsx held in `bytes`, which go as soon as its cells are read (before
/// the projects are built).
///
/// # Errors
/// As `parse`.
pub(super) fn parse_xlsx(bytes: Vec<u8>, parts: Parts, options: Options) -> Result<Parsed, ImportError> {
    let Parts { merged, formulas } = parts;
    if !merged {
        if let Some(book) = stream::xlsx(std::io::Cursor::new(&bytes[..]), &options, formulas)? {
            drop(bytes);
            return Ok(book.finish());
        }
    }
    super::assemble::from_grids(&read_known(&bytes, Format::Xlsx, merged)?, &options)
}

/// `parse` of parts the upload guard kept (an .xlsx or an .ods, its `content.xml` already
/// squeezed), which go as soon as their cells are read.
///
/// # Errors
/// As `parse`.
pub(super) fn parse_kept(
    stored: Vec<u8>,
    format: Format,
    parts: Parts,
    options: Options,
) -> Result<Parsed, ImportError> {
    match format {
        Format::Ods => super::assemble::from_grids(&xls_ods::read_ods(&stored, Which::Applicant)?, &options),
        Format::Xlsx | Format::Xls | Format::Csv => parse_xlsx(stored, parts, options),
    }
}

/// What the upload guard's walk of a zip found in its parts: whether any may have merged
/// cells (calamine's search for them parses a sheet a second time) and whether a
/// worksheet may have formulas (reading them costs the streaming reader a little more per
/// cell, and only a formula can lack its value). `true` when in doubt.
#[derive(Debug, Clone, Copy)]
pub struct Parts {
    pub merged: bool,
    pub formulas: bool,
}

/// Whether a workbook of this format may have merged cells (only an .xlsx is searched).
pub(super) fn may_merge(bytes: &[u8], format: Format) -> bool {
    format != Format::Xlsx || has_merged_cells(bytes)
}

/// `read`, told by the upload guard's walk of the zip whether any part has a merged cell
/// (`false` spares the .xlsx reader its second parse of each sheet).
///
/// # Errors
/// As `read`.
pub(super) fn read_known(bytes: &[u8], format: Format, merged: bool) -> Result<Vec<Grid>, ImportError> {
    read_which(bytes, format, merged, Which::Applicant)
}

fn read_which(bytes: &[u8], format: Format, merged: bool, which: Which) -> Result<Vec<Grid>, ImportError> {
    match format {
        Format::Xlsx => read_xlsx(bytes, merged, which),
        Format::Xls => xls_ods::read_xls(bytes, which),
        Format::Ods => xls_ods::read_ods(&ods::squeezed(bytes), which),
        Format::Csv => super::csv::read(bytes).map(|g| vec![g]),
    }
}

/// Which sheets to read (docs/workbook.md "Sheets"): the Loans sheet and the Events sheet,
/// told from the names and, where needed, the first rows that `head` gives.
fn wanted(names: &[String], which: Which, head: impl FnMut(usize) -> Vec<(u32, Vec<Value>)>) -> Vec<bool> {
    if which == Which::Statement {
        return statement_sheets(names);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut head = head;
    let has_header = |at: usize| {
        let rows = head(at);
        let refs: Vec<(u32, &[Value])> = rows.iter().map(|(r, c)| (*r, c.as_slice())).collect();
        header::has_loans_header(&refs)
    };
    let loans = header::choose_loans_sheet(&refs, has_header);
    let events = loans.and_then(|l| header::choose_events_sheet(&refs, l));
    (0..names.len()).map(|at| Some(at) == loans || Some(at) == events).collect()
}

fn from_ref(d: &DataRef<'_>, is_1904: bool) -> Value {
    match d {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) => Value::Text(s.clone()),
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Int(i) => Value::Number((*i).into()),
        DataRef::Float(f) => from_float(*f),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => date_time(dt.as_f64(), is_1904),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => iso_date(s),
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

fn from_data(d: &Data, is_1904: bool) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number((*i).into()),
        Data::Float(f) => from_float(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => date_time(dt.as_f64(), is_1904),
        Data::DateTimeIso(s) | Data::DurationIso(s) => iso_date(s),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

/// A date cell: its serial day, the time of day dropped. A number no date can have
/// (`20240305` typed into a column formatted as dates) stays the number it is, which a
/// date column reads as yyyymmdd (docs/workbook.md "Dates").
#[expect(clippy::cast_possible_truncation, reason = "floor of a bounded serial")]
fn date_time(serial: f64, is_1904: bool) -> Value {
    if !serial.is_finite() || !(0.0..3.0e6).contains(&serial) {
        return from_float(serial);
    }
    serial_date(serial.floor() as i64, is_1904).map_or(Value::Error(serial.to_string()), Value::Date)
}

fn iso_date(s: &str) -> Value {
    s.get(..10).and_then(|d| d.parse().ok()).map_or(Value::Text(s.to_string()), Value::Date)
}
