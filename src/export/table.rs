//! A result table: a bold, frozen header row, its rows, a total row the filter leaves
//! out, an autofilter and widths that fit. It writes what it is given and sums nothing.

use rust_xlsxwriter::{ColNum, RowNum, Worksheet, XlsxError};

use super::sheet::{display_width, set_widths, text, Cell, Styles};

/// A table with a bold, frozen header row, rows below it, an autofilter over the data
/// rows (not the total row) and widths that fit. Rows are written in order, so the
/// sheet may use constant memory.
pub struct Table<'a> {
    sheet: &'a mut Worksheet,
    styles: &'a Styles,
    widths: Vec<usize>,
    header: RowNum,
    next: RowNum,
    last_data: RowNum,
}

impl<'a> Table<'a> {
    /// Start a table with its header row at the top of the sheet.
    ///
    /// # Errors
    /// From the writer.
    pub fn new(sheet: &'a mut Worksheet, styles: &'a Styles, headers: &[String]) -> Result<Table<'a>, XlsxError> {
        Table::at(sheet, styles, headers, 0)
    }

    /// Start a table with its header row at `header` (rows above it hold a title).
    ///
    /// # Errors
    /// From the writer.
    pub fn at(
        sheet: &'a mut Worksheet,
        styles: &'a Styles,
        headers: &[String],
        header: RowNum,
    ) -> Result<Table<'a>, XlsxError> {
        let mut widths = Vec::with_capacity(headers.len());
        for (col, h) in (0..).zip(headers) {
            text(sheet, header, col, h, &styles.header)?;
            widths.push(display_width(h));
        }
        sheet.set_freeze_panes(header + 1, 0)?;
        Ok(Table { sheet, styles, widths, header, next: header + 1, last_data: header })
    }

    /// Make the columns at least as wide as another table's on the same sheet.
    pub fn widen(&mut self, widths: &[usize]) {
        if widths.len() > self.widths.len() {
            self.widths.resize(widths.len(), 0);
        }
        for (w, other) in self.widths.iter_mut().zip(widths) {
            *w = (*w).max(*other);
        }
    }

    /// The widths the columns need so far.
    #[must_use]
    pub fn widths(&self) -> &[usize] {
        &self.widths
    }

    /// The next row to be written (lines below the table start here).
    #[must_use]
    pub fn next_row(&self) -> RowNum {
        self.next
    }

    /// Write one data row.
    ///
    /// # Errors
    /// From the writer.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        self.last_data = self.next;
        self.put(cells)
    }

    /// Write a row that the filter leaves out (合计).
    ///
    /// # Errors
    /// From the writer.
    pub fn total(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        self.put(cells)
    }

    fn put(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        for (col, cell) in (0..).zip(cells) {
            cell.write(self.sheet, self.next, col, self.styles)?;
            let i = usize::from(col);
            if i >= self.widths.len() {
                self.widths.resize(i + 1, 0);
            }
            self.widths[i] = self.widths[i].max(cell.width());
        }
        self.next += 1;
        Ok(())
    }

    /// Set the widths and, when asked, the autofilter.
    ///
    /// # Errors
    /// From the writer.
    pub fn finish(self, filter: bool) -> Result<(), XlsxError> {
        self.finish_with(filter).map(drop)
    }

    /// As `finish`, handing back the sheet for lines below the table and its next row.
    ///
    /// # Errors
    /// From the writer.
    pub fn finish_with(self, filter: bool) -> Result<(&'a mut Worksheet, RowNum), XlsxError> {
        set_widths(self.sheet, &self.widths)?;
        let last_col = ColNum::try_from(self.widths.len().saturating_sub(1)).unwrap_or(ColNum::MAX);
        if filter {
            self.sheet.autofilter(self.header, 0, self.last_data.max(self.header), last_col)?;
        }
        Ok((self.sheet, self.next))
    }
}
