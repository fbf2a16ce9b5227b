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
    next: RowNum,
    last_data: RowNum,
}

impl<'a> Table<'a> {
    /// Start a table with its header row at the top of the sheet.
    ///
    /// # Errors
    /// From the writer.
    pub fn new(sheet: &'a mut Worksheet, styles: &'a Styles, headers: &[String]) -> Result<Table<'a>, XlsxError> {
        let mut widths = Vec::with_capacity(headers.len());
        for (col, h) in (0..).zip(headers) {
            text(sheet, 0, col, h, &styles.header)?;
            widths.push(display_width(h));
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Table { sheet, styles, widths, next: 1, last_data: 0 })
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
        set_widths(self.sheet, &self.widths)?;
        let last_col = ColNum::try_from(self.widths.len().saturating_sub(1)).unwrap_or(ColNum::MAX);
        if filter {
            self.sheet.autofilter(0, 0, self.last_data, last_col)?;
        }
        Ok(())
    }
}
