//! A small table built in memory (issue 16), so that a sheet's tables can be measured
//! together before any is written (`ruled::Measure`), then written as `Ruled` tables.

use rust_xlsxwriter::{RowNum, Worksheet, XlsxError};

use super::super::sheet::Cell;
use super::formal::Formal;
use super::ruled::{Measure, Ruled};

/// A line of a table built in memory.
pub(crate) enum Line<'c> {
    Row(Vec<Cell<'c>>),
    Total(Vec<Cell<'c>>),
    Note(String),
}

/// A small table built in memory, so that it can be measured before it is written.
pub(crate) struct Block<'c> {
    pub headers: Vec<String>,
    pub lines: Vec<Line<'c>>,
}

impl<'c> Block<'c> {
    #[must_use]
    pub(crate) fn new<S: AsRef<str>>(headers: &[S]) -> Block<'c> {
        Block { headers: headers.iter().map(|h| h.as_ref().to_string()).collect(), lines: Vec::new() }
    }

    pub(crate) fn row(&mut self, cells: Vec<Cell<'c>>) {
        self.lines.push(Line::Row(cells));
    }

    pub(crate) fn total(&mut self, cells: Vec<Cell<'c>>) {
        self.lines.push(Line::Total(cells));
    }

    pub(crate) fn note(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Note(text.into()));
    }

    /// Measure the table's columns.
    pub(crate) fn measure(&self, m: &mut Measure<'_>) {
        m.headers(&self.headers);
        for line in &self.lines {
            match line {
                Line::Row(cells) => m.row(cells, false),
                Line::Total(cells) => m.row(cells, true),
                Line::Note(_) => {}
            }
        }
    }

    /// Write the table with its header at `row`; returns the row after it.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn write(
        &self,
        sheet: &mut Worksheet,
        f: &Formal,
        row: RowNum,
        widths: &[usize],
    ) -> Result<RowNum, XlsxError> {
        let mut table = Ruled::at(sheet, f, &self.headers, row, widths)?;
        for line in &self.lines {
            match line {
                Line::Row(cells) => table.row(cells)?,
                Line::Total(cells) => table.total(cells)?,
                Line::Note(text) => table.note(text)?,
            }
        }
        Ok(table.finish()?.1)
    }
}
