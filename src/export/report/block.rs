//! A small table built in memory (issue 16), so that a sheet's tables can be measured
//! together before any is written (`ruled::Measure`), then written as `Ruled` tables.

use rust_xlsxwriter::{RowNum, Worksheet, XlsxError};

use super::super::sheet::Cell;
use super::formal::{frame, repeat_header, set_widths, signatures, Formal, Frame};
use super::ruled::{Measure, Ruled};
use super::Heading;

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

    /// A formal sheet of this one table, amounts in 元: the widths fitted to it, the frame,
    /// the header repeated on every printed page, the table and the signature line (the
    /// payment list and the 公示名单 are laid out alike).
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn sheet_alone(
        &self,
        sheet: &mut Worksheet,
        heading: &Heading,
        f: &Formal,
        (title, subtitle): (String, String),
    ) -> Result<(), XlsxError> {
        let mut m = Measure::new(f);
        self.measure(&mut m);
        let widths = m.fit();
        set_widths(sheet, &widths)?;
        let columns = u16::try_from(self.headers.len()).unwrap_or(u16::MAX);
        let at = frame(sheet, heading, &Frame { title, subtitle: Some(subtitle), unit: Some("元"), columns })?;
        sheet.set_freeze_panes(at + 1, 0)?;
        repeat_header(sheet)?;
        let next = self.write(sheet, f, at, &widths)?;
        signatures(sheet, heading, next, &widths)?;
        Ok(())
    }
}
