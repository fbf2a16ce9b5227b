//! .xls and .ods through calamine's range readers: only the Loans and Events sheets are
//! turned into grids (`super::wanted`), a password is said so, and the .ods's merged cells
//! are spread (`ods::merged`).

use std::io::Cursor;

use calamine::{Data, Reader};

use super::header::HEADER_SEARCH_ROWS;
use super::{from_data, ods, wanted, Grid, Which, MAX_COLUMNS};
use crate::import::cells::Value;
use crate::import::ImportError;

/// An .xls (BIFF): a password-protected one, or an encrypted .xlsx (also a CFB file,
/// holding an `EncryptedPackage`), is said so.
pub(super) fn read_xls(bytes: &[u8], which: Which) -> Result<Vec<Grid>, ImportError> {
    let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => ImportError::Encrypted,
        _ if is_encrypted_package(bytes) => ImportError::Encrypted,
        other => ImportError::unreadable(&other),
    })?;
    // docs/workbook.md "Dates": an .xls saved on an old Mac counts serials from 1904.
    let is_1904 = book.has_1904_epoch();
    let mut grids = ranges(&mut book, is_1904, which)?;
    for grid in &mut grids {
        grid.spread_merged(&book.merge_cells_by_sheet_name(&grid.name).unwrap_or_default());
    }
    Ok(grids)
}

/// An Office file encrypted with a password is a CFB file whose stream `EncryptedPackage`
/// (named in UTF-16) holds the real workbook.
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
    memchr::memmem::find(bytes, &name).is_some()
}

/// An .ods, its `content.xml` already without whitespace between elements (`ods::squeezed`).
pub(super) fn read_ods(bytes: &[u8], which: Which) -> Result<Vec<Grid>, ImportError> {
    let mut book = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::OdsError::Password => ImportError::Encrypted,
        other => ImportError::unreadable(&other),
    })?;
    let mut grids = ranges(&mut book, false, which)?;
    for (name, regions) in ods::merged(bytes) {
        if let Some(grid) = grids.iter_mut().find(|g| g.name == name && !g.rows.is_empty()) {
            grid.spread_merged(&regions);
        }
    }
    Ok(grids)
}

/// The wanted sheets of an .xls or .ods as grids (the others empty).
fn ranges<'b, R: Reader<Cursor<&'b [u8]>>>(book: &mut R, is_1904: bool, which: Which) -> Result<Vec<Grid>, ImportError>
where
    R::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    let mut kept: Vec<Option<calamine::Range<Data>>> = vec![None; names.len()];
    let wanted = wanted(&names, which, |at| {
        let Ok(range) = book.worksheet_range(&names[at]) else { return Vec::new() };
        let head = range_head(&range, is_1904);
        kept[at] = Some(range);
        head
    });
    let mut grids = Vec::new();
    for (at, name) in names.iter().enumerate() {
        let mut grid = Grid::new(name, is_1904);
        if wanted[at] {
            let range = match kept[at].take() {
                Some(range) => range,
                None => book.worksheet_range(name).map_err(|e| ImportError::unreadable(&e))?,
            };
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (row, col, data) in range.used_cells() {
                let row = r0.saturating_add(u32::try_from(row).unwrap_or(u32::MAX));
                grid.put(row, c0.saturating_add(u32::try_from(col).unwrap_or(u32::MAX)), from_data(data, is_1904))?;
            }
        }
        grids.push(grid);
    }
    Ok(grids)
}

/// The first rows of a range, where a header is looked for (cells beyond the business
/// maximum of columns cannot be one).
fn range_head(range: &calamine::Range<Data>, is_1904: bool) -> Vec<(u32, Vec<Value>)> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut grid = Grid::new("", is_1904);
    for (row, col, data) in range.used_cells() {
        let (row, col) = (r0 as usize + row, c0 as usize + col);
        if row >= HEADER_SEARCH_ROWS as usize {
            break;
        }
        if col < MAX_COLUMNS as usize {
            let _ =
                grid.put(u32::try_from(row).unwrap_or(0), u32::try_from(col).unwrap_or(0), from_data(data, is_1904));
        }
    }
    grid.rows.into_iter().collect()
}
