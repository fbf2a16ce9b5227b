//! Reading an .xlsx (docs/workbook.md): its cells streamed with calamine's plain reader, a
//! formula without a saved result told apart, merged cells spread; and the byte searches of
//! the zip's parts that tell whether the formula and merged-cell passes are needed at all.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use super::{from_ref, stream, wanted, Grid, Which};
use crate::import::cells::Value;
use crate::import::ImportError;

pub(super) fn read_xlsx(bytes: &[u8], any_merged: bool, which: Which) -> Result<Vec<Grid>, ImportError> {
    let any_formulas = has_formulas(bytes);
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| xlsx_error(&e))?;
    let is_1904 = book.has_1904_epoch();
    let names = book.sheet_names();
    let wanted = wanted(&names, which, |at| stream::head(&mut book, &names[at], is_1904).unwrap_or_default());
    let mut grids = Vec::new();
    for (name, read) in names.iter().zip(wanted) {
        let mut grid = Grid::new(name, is_1904);
        if read {
            let mut formulas = formulas(&mut book, name, any_formulas)?;
            let mut cells = book.worksheet_cells_reader(name).map_err(|e| ImportError::unreadable(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| ImportError::unreadable(&e))? {
                let (row, col) = cell.get_position();
                grid.put(row, col, streamed(cell.get_value(), (row, col), &mut formulas, is_1904))?;
            }
            drop(cells);
            if any_merged {
                let merged = book.merge_cells_by_sheet_name(name).map_err(|e| ImportError::unreadable(&e))?;
                grid.spread_merged(&merged);
            }
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// The formulas of a sheet, by 0-based (row, column), when the upload guard found any
/// (`Parts::formulas`): a formula cell without a saved result reads as `Value::Formula`.
/// A pass of its own, so that the cells are read with calamine's plain reader.
pub(super) type Formulas = std::collections::HashMap<(u32, u32), String>;

/// The formulas of the sheet `name`, or none when the workbook has none.
pub(super) fn formulas<RS: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    any: bool,
) -> Result<Formulas, ImportError> {
    let mut found = Formulas::new();
    if any {
        let mut cells = book.worksheet_cells_reader(name).map_err(|e| ImportError::unreadable(&e))?;
        while let Some(cell) = cells.next_formula().map_err(|e| ImportError::unreadable(&e))? {
            if !cell.get_value().is_empty() {
                found.insert(cell.get_position(), cell.get_value().clone());
            }
        }
    }
    Ok(found)
}

/// A cell of the streaming .xlsx reader; an empty one that holds a formula has no saved
/// result (a program such as openpyxl writes formulas without computing them).
pub(super) fn streamed(value: &DataRef<'_>, pos: (u32, u32), formulas: &mut Formulas, is_1904: bool) -> Value {
    match value {
        DataRef::Empty => formulas.remove(&pos).map_or(Value::Empty, Value::Formula),
        value => from_ref(value, is_1904),
    }
}

/// An .xlsx the reader refused: a password is said so (docs/workbook.md "Errors").
pub(super) fn xlsx_error(e: &calamine::XlsxError) -> ImportError {
    match e {
        calamine::XlsxError::Password => ImportError::Encrypted,
        other => ImportError::unreadable(other),
    }
}

/// Whether a worksheet of the zip may hold a formula (a tag starting `<f`); any doubt says
/// yes.
pub(super) fn has_formulas(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return true };
    (0..zip.len()).any(|i| {
        zip.by_index(i).map_or(true, |mut entry| {
            entry.name_raw().windows(11).any(|w| w.eq_ignore_ascii_case(b"worksheets/")) && mentions(&mut entry, b"<f")
        })
    })
}

/// Whether any part of the zip mentions `mergeCell`. calamine finds a sheet's merged
/// cells by parsing the whole sheet a second time; a byte search of the inflated parts is
/// far cheaper, and most workbooks have none. Any doubt (an unreadable entry) says yes.
pub(super) fn has_merged_cells(bytes: &[u8]) -> bool {
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
