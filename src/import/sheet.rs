//! Reading a workbook's sheets into sparse grids of `Value`s, whatever the format
//! (.xlsx streamed; .xls and .ods through calamine; .csv in UTF-8 or GBK), with merged
//! cells applied to every cell they span and the business maximum of rows and columns.

mod ods;
mod stream;

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Reader};

use super::cells::{from_float, serial_date, Value};
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

    /// workbook.md: a merged cell's value holds for every row it spans.
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

/// The file formats of workbook.md, told by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

/// Every sheet of a workbook, in order.
///
/// # Errors
/// The file cannot be read as a workbook of the given format.
pub fn read(bytes: &[u8], format: Format) -> Result<Vec<Grid>, ImportError> {
    read_known(bytes, format, may_merge(bytes, format))
}

/// Read an applicant workbook of a known format (workbook.md): an .xlsx without merged
/// cells row by row as it streams, anything else through grids.
///
/// # Errors
/// As `read`; `NoSheet` when the workbook has no sheet.
pub(super) fn parse(bytes: &[u8], format: Format, merged: bool, options: Options) -> Result<Parsed, ImportError> {
    if format == Format::Xlsx && !merged {
        if let Some(book) = stream::xlsx(bytes, &options)? {
            return Ok(book.finish());
        }
    }
    super::assemble::from_grids(&read_known(bytes, format, merged)?, &options)
}

/// `parse` of an .xlsx held in `bytes`, which go as soon as its cells are read (before
/// the projects are built).
///
/// # Errors
/// As `parse`.
pub(super) fn parse_xlsx(bytes: Vec<u8>, merged: bool, options: Options) -> Result<Parsed, ImportError> {
    if !merged {
        if let Some(book) = stream::xlsx(&bytes, &options)? {
            drop(bytes);
            return Ok(book.finish());
        }
    }
    super::assemble::from_grids(&read_known(&bytes, Format::Xlsx, merged)?, &options)
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
    match format {
        Format::Xlsx => read_xlsx(bytes, merged),
        Format::Xls => read_other(bytes),
        Format::Ods => read_other(bytes).map(|mut grids| {
            for (name, regions) in ods::merged(bytes) {
                if let Some(grid) = grids.iter_mut().find(|g| g.name == name) {
                    grid.spread_merged(&regions);
                }
            }
            grids
        }),
        Format::Csv => super::csv::read(bytes).map(|g| vec![g]),
    }
}

fn read_xlsx(bytes: &[u8], any_merged: bool) -> Result<Vec<Grid>, ImportError> {
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::unreadable(&e))?;
    let is_1904 = book.has_1904_epoch();
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let mut grid = Grid::new(&name, is_1904);
        {
            let mut cells = book.worksheet_cells_reader(&name).map_err(|e| ImportError::unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| ImportError::unreadable(&e))? {
                let (row, col) = cell.get_position();
                grid.put(row, col, from_ref(cell.get_value(), is_1904))?;
            }
        }
        if any_merged {
            let merged = book.merge_cells_by_sheet_name(&name).map_err(|e| ImportError::unreadable(&e))?;
            grid.spread_merged(&merged);
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// Whether any part of the zip mentions `mergeCell`. calamine finds a sheet's merged
/// cells by parsing the whole sheet a second time; a byte search of the inflated parts is
/// far cheaper, and most workbooks have none. Any doubt (an unreadable entry) says yes.
fn has_merged_cells(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return true };
    (0..zip.len()).any(|i| zip.by_index(i).map_or(true, |mut entry| mentions(&mut entry, b"mergeCell")))
}

/// Whether a stream holds `needle`, read in chunks (a part may inflate to 100 MB).
fn mentions(part: &mut dyn std::io::Read, needle: &[u8]) -> bool {
    let finder = memchr::memmem::Finder::new(needle);
    let keep = needle.len() - 1;
    let mut buf = vec![0; 64 * 1024];
    let mut filled = 0;
    loop {
        match part.read(&mut buf[filled..]) {
            Ok(0) => return false,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return true,
        }
        if finder.find(&buf[..filled]).is_some() {
            return true;
        }
        // The needle may straddle two chunks: keep the tail.
        let tail = filled.saturating_sub(keep);
        buf.copy_within(tail..filled, 0);
        filled -= tail;
    }
}

fn read_other(bytes: &[u8]) -> Result<Vec<Grid>, ImportError> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| ImportError::unreadable(&e))?;
    // workbook.md "Dates": an .xls saved on an old Mac counts serials from 1904.
    let is_1904 = matches!(&book, calamine::Sheets::Xls(xls) if xls.has_1904_epoch());
    let mut grids = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| ImportError::unreadable(&e))?;
        let mut grid = Grid::new(&name, is_1904);
        for (row, col, data) in range.used_cells() {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            grid.put(
                r0 + u32::try_from(row).unwrap_or(u32::MAX),
                c0 + u32::try_from(col).unwrap_or(u32::MAX),
                from_data(data, is_1904),
            )?;
        }
        if let calamine::Sheets::Xls(xls) = &book {
            grid.spread_merged(&xls.merge_cells_by_sheet_name(&name).unwrap_or_default());
        }
        grids.push(grid);
    }
    Ok(grids)
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

/// A date cell: its serial day, the time of day dropped.
#[expect(clippy::cast_possible_truncation, reason = "floor of a bounded serial")]
fn date_time(serial: f64, is_1904: bool) -> Value {
    if !serial.is_finite() || !(0.0..3.0e6).contains(&serial) {
        return Value::Error(serial.to_string());
    }
    serial_date(serial.floor() as i64, is_1904).map_or(Value::Error(serial.to_string()), Value::Date)
}

fn iso_date(s: &str) -> Value {
    s.get(..10).and_then(|d| d.parse().ok()).map_or(Value::Text(s.to_string()), Value::Date)
}
