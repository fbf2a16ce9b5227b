//! An .xlsx without merged cells read straight into `assemble::Book`, row by row as
//! calamine streams the cells: no grid of the whole workbook is built. Anything the
//! streaming read cannot take exactly as the grid would (rows out of order, a first look
//! at a sheet that fails) says so with `None`, and the caller reads the grids instead:
//! both end in the same `Book`, so they give the same answer.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use super::{from_ref, MAX_COLUMNS, MAX_ROWS};
use crate::import::assemble::Book;
use crate::import::cells::Value;
use crate::import::header::{self, HEADER_SEARCH_ROWS};
use crate::import::{ImportError, Options};

/// Read a workbook into a `Book` left to finish, or `None` when it must be read through
/// grids.
///
/// # Errors
/// As `sheet::read` would for the same bytes.
pub(in crate::import) fn xlsx<'a>(bytes: &[u8], options: &'a Options) -> Result<Option<Book<'a>>, ImportError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| ImportError::unreadable(&e))?;
    let is_1904 = book.has_1904_epoch();
    let names = book.sheet_names();
    let mut looked = true;
    let mut has_header = |at: usize| {
        let head = head(&mut book, &names[at], is_1904);
        looked &= head.is_some();
        head.is_some_and(|rows| {
            let refs: Vec<(u32, &[Value])> = rows.iter().map(|(r, c)| (*r, c.as_slice())).collect();
            header::has_loans_header(&refs)
        })
    };
    let mut assembly = Book::new(names.clone(), options, &mut has_header)?;
    if !looked {
        return Ok(None);
    }
    for (at, name) in names.iter().enumerate() {
        if !sheet(&mut book, name, is_1904, assembly.wants(at).then_some((at, &mut assembly)))? {
            return Ok(None);
        }
    }
    Ok(Some(assembly))
}

/// Stream the cells of one sheet, into the book when it wants them (else only their
/// places are checked). `false` when the grid must be read instead.
fn sheet(
    book: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    is_1904: bool,
    mut into: Option<(usize, &mut Book<'_>)>,
) -> Result<bool, ImportError> {
    if let Some((at, assembly)) = &mut into {
        assembly.sheet(*at, is_1904);
    }
    let mut cells = book.worksheet_cells_reader(name).map_err(|e| ImportError::unreadable(&e))?;
    let mut row = Vec::new();
    let mut current: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(|e| ImportError::unreadable(&e))? {
        let (r, c) = cell.get_position();
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(ImportError::TooLarge { sheet: name.to_string(), row: r + 1, col: c + 1 });
        }
        let Some((_, assembly)) = &mut into else { continue };
        match current {
            // The grid would merge a row that comes back; this reader cannot.
            Some(cur) if r < cur => return Ok(false),
            Some(cur) if r > cur => {
                assembly.row(cur, &row);
                row.clear();
            }
            _ => {}
        }
        current = Some(r);
        place(&mut row, c, from_ref(cell.get_value(), is_1904));
    }
    if let Some((_, assembly)) = &mut into {
        if let Some(cur) = current {
            assembly.row(cur, &row);
        }
        assembly.end_sheet();
    }
    Ok(true)
}

/// The first rows of a sheet, or `None` when they cannot be read as the grid would.
fn head(book: &mut Xlsx<Cursor<&[u8]>>, name: &str, is_1904: bool) -> Option<Vec<(u32, Vec<Value>)>> {
    let mut cells = book.worksheet_cells_reader(name).ok()?;
    let mut rows: Vec<(u32, Vec<Value>)> = Vec::new();
    while let Some(cell) = cells.next_cell().ok()? {
        let (r, c) = cell.get_position();
        if r >= HEADER_SEARCH_ROWS {
            break;
        }
        let value = from_ref(cell.get_value(), is_1904);
        if value == Value::Empty {
            continue;
        }
        if c >= MAX_COLUMNS {
            return None;
        }
        match rows.last_mut() {
            Some((last, _)) if r < *last => return None,
            Some((last, cells)) if r == *last => place(cells, c, value),
            _ => {
                let mut cells = Vec::new();
                place(&mut cells, c, value);
                rows.push((r, cells));
            }
        }
    }
    Some(rows)
}

/// Put a value at its column, as the grid does (a later cell at the same place wins).
fn place(cells: &mut Vec<Value>, col: u32, value: Value) {
    let col = col as usize;
    if cells.len() <= col {
        cells.resize(col + 1, Value::Empty);
    }
    cells[col] = value;
}
