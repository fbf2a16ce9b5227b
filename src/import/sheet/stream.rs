//! An .xlsx without merged cells read straight into `assemble::Book`, row by row as
//! calamine streams the cells: no grid of the whole workbook is built. Anything the
//! streaming read cannot take exactly as the grid would (rows out of order, a first look
//! at a sheet that fails) says so with `None`, and the caller reads the grids instead:
//! both end in the same `Book`, so they give the same answer.

use std::io::{Read, Seek};
use std::sync::mpsc;

use calamine::{DataRef, Reader, Xlsx};

use super::xlsx::{formulas, streamed};
use super::{from_ref, MAX_COLUMNS, MAX_ROWS};
use crate::import::assemble::Book;
use crate::import::cells::Value;
use crate::import::header::{self, HEADER_SEARCH_ROWS};
use crate::import::{ImportError, Options};

/// What the reading thread hands the assembling one: the sheet that starts, its rows
/// (0-based index, cells) a batch at a time, its end.
enum Fed {
    Sheet(usize, bool),
    Rows(Vec<(u32, Vec<Value>)>),
    End,
}

/// Rows per batch, and batches on their way at once: the rows in flight stay a few
/// hundred kilobytes, whatever the workbook.
const BATCH: usize = 256;
const IN_FLIGHT: usize = 4;

/// Read a workbook into a `Book` left to finish, or `None` when it must be read through
/// grids. calamine streams the cells on this thread while another assembles the rows
/// (reads and checks every cell), the two joined by a bounded channel of row batches.
///
/// # Errors
/// As `sheet::read` would for the same bytes.
pub(in crate::import) fn xlsx<RS: Read + Seek>(
    zip: RS,
    options: &Options,
    formulas: bool,
) -> Result<Option<Book<'_>>, ImportError> {
    let mut book = Xlsx::new(zip).map_err(|e| super::xlsx::xlsx_error(&e))?;
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
    let assembly = Book::new(names.clone(), options, &mut has_header)?;
    if !looked {
        return Ok(None);
    }
    let wanted: Vec<bool> = (0..names.len()).map(|at| assembly.wants(at)).collect();
    std::thread::scope(|scope| {
        let (fed, rows) = mpsc::sync_channel(IN_FLIGHT);
        let assembler = scope.spawn(move || assemble(assembly, &rows));
        let mut read = Ok(true);
        for (at, name) in names.iter().enumerate() {
            read = sheet(&mut book, (name, is_1904, formulas), wanted[at].then_some((at, &fed)));
            if !matches!(read, Ok(true)) {
                break;
            }
        }
        drop(fed);
        // A panic while assembling is the parser's panic, as it was on one thread.
        let assembly = assembler.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(read?.then_some(assembly))
    })
}

/// The assembling thread: everything fed, in order, until the reader is done.
fn assemble<'a>(mut book: Book<'a>, fed: &mpsc::Receiver<Fed>) -> Book<'a> {
    for f in fed {
        match f {
            Fed::Sheet(at, is_1904) => book.sheet(at, is_1904),
            Fed::Rows(rows) => rows.iter().for_each(|(row, cells)| book.row(*row, cells)),
            Fed::End => book.end_sheet(),
        }
    }
    book
}

/// Stream the cells of one sheet to the assembler when it wants them; a sheet it does not
/// want is not read at all (docs/workbook.md "Empty cells"). `false` when the grid must be read
/// instead.
///
/// Formulas are read in a pass of their own, and only when the guard found any
/// (`Parts::formulas`), so that the cells are read with calamine's plain reader.
fn sheet<RS: Read + Seek>(
    book: &mut Xlsx<RS>,
    (name, is_1904, any_formulas): (&str, bool, bool),
    into: Option<(usize, &mpsc::SyncSender<Fed>)>,
) -> Result<bool, ImportError> {
    let Some((at, fed)) = into else { return Ok(true) };
    let mut formulas = formulas(book, name, any_formulas)?;
    let mut out = Out::new(fed, Fed::Sheet(at, is_1904));
    let mut cells = book.worksheet_cells_reader(name).map_err(|e| ImportError::unreadable(&e))?;
    while let Some(cell) = cells.next_cell().map_err(|e| ImportError::unreadable(&e))? {
        let (r, c) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty if formulas.is_empty() => continue,
            value => streamed(value, (r, c), &mut formulas, is_1904),
        };
        if value == Value::Empty {
            continue;
        }
        // Only a cell that holds something counts (a row formatted out to column 1024 does not).
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(ImportError::TooLarge { sheet: name.to_string(), row: r + 1, col: c + 1 });
        }
        // The grid would merge a row that comes back; this reader cannot.
        if !out.cell(r, c, value) {
            return Ok(false);
        }
    }
    out.end();
    Ok(true)
}

/// The rows of a sheet on their way to the assembler: the row being read, the batch.
/// A send fails only when the assembler is gone (it panicked): the join then says so.
struct Out<'f> {
    fed: &'f mpsc::SyncSender<Fed>,
    current: Option<u32>,
    row: Vec<Value>,
    batch: Vec<(u32, Vec<Value>)>,
}

impl<'f> Out<'f> {
    fn new(fed: &'f mpsc::SyncSender<Fed>, start: Fed) -> Out<'f> {
        let _ = fed.send(start);
        Out { fed, current: None, row: Vec::new(), batch: Vec::with_capacity(BATCH) }
    }

    /// Place a cell; `false` when its row comes before the current one.
    fn cell(&mut self, r: u32, c: u32, value: Value) -> bool {
        match self.current {
            Some(cur) if r < cur => return false,
            Some(cur) if r > cur => self.end_row(cur),
            _ => {}
        }
        self.current = Some(r);
        place(&mut self.row, c, value);
        true
    }

    fn end_row(&mut self, cur: u32) {
        let next = Vec::with_capacity(self.row.len());
        self.batch.push((cur, std::mem::replace(&mut self.row, next)));
        if self.batch.len() == BATCH {
            let _ = self.fed.send(Fed::Rows(std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH))));
        }
    }

    fn end(mut self) {
        if let Some(cur) = self.current {
            self.end_row(cur);
        }
        let _ = self.fed.send(Fed::Rows(self.batch));
        let _ = self.fed.send(Fed::End);
    }
}

/// The first rows of a sheet, or `None` when they cannot be read as the grid would. Cells
/// beyond the business maximum of columns are left out: no header is there.
pub(super) fn head<RS: Read + Seek>(book: &mut Xlsx<RS>, name: &str, is_1904: bool) -> Option<Vec<(u32, Vec<Value>)>> {
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
            continue;
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
