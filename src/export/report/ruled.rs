//! A formal table (issue 16): a bordered, wrapped, bold header row; data rows with a thin
//! border on every cell (blanks too, each row padded to the header's width); 合计 rows in
//! bold, ruled above. It sums nothing.
//!
//! Widths come first: a sheet's tables are measured (`Measure`), the widths fitted to the
//! page (`formal::fit`), and only then written, each row as tall as its wrapped text needs
//! (spreadsheets do not grow a row for wrapped text they did not write themselves).
//!
//! A long table alone on its sheet may be `uniform` (issue 7): each column's format is set
//! once from the first data row, cells of that kind are written without a format of their
//! own, and the data rows' borders are one conditional format over them (`border_range`).

use rust_xlsxwriter::{RowNum, Worksheet, XlsxError};

use super::super::sheet::{text, Cell, Style};
use super::formal::{border_range, fit, Formal, Width};

/// The widths of a sheet's columns, measured over every table before any is written.
pub(crate) struct Measure<'a> {
    f: &'a Formal,
    widths: Vec<Width>,
}

impl<'a> Measure<'a> {
    #[must_use]
    pub(crate) fn new(f: &'a Formal) -> Measure<'a> {
        Measure { f, widths: Vec::new() }
    }

    fn column(&mut self, i: usize) -> &mut Width {
        if i >= self.widths.len() {
            self.widths.resize(i + 1, Width { natural: 0, least: 0, wraps: true });
        }
        &mut self.widths[i]
    }

    /// A header row: each header may wrap on two lines.
    pub(crate) fn headers<S: AsRef<str>>(&mut self, headers: &[S]) {
        for (i, h) in headers.iter().enumerate() {
            let least = self.f.milli(h.as_ref()).div_ceil(2000).max(4);
            let w = self.column(i);
            w.natural = w.natural.max(least);
            w.least = w.least.max(least);
        }
    }

    /// A data row (`total`: a 合计 row, whose labels may wrap like headers).
    pub(crate) fn row(&mut self, cells: &[Cell], total: bool) {
        for (i, cell) in cells.iter().enumerate() {
            let f = self.f;
            let width = match cell {
                Cell::Text(s) | Cell::Code(s) => s.lines().map(|l| f.units(l)).max().unwrap_or(0),
                // 2024年12月16日: wider than the ISO date the shared width counts.
                Cell::Date(d) => f.units(&super::formal::chinese_date(*d)),
                // Numbers as they are shown (Arial's digits, its narrow commas and points),
                // a unit to spare: a number that does not fit shows as ####.
                Cell::Money(m) => f.units(&super::formal::yuan(*m)) + 1,
                Cell::WanYuan(m) => f.units(&super::formal::wan(*m)) + 1,
                Cell::Count(n) => f.units(&n.to_string()) + 1,
                // Shown with at least 2 decimals (`3000` is `3000.00`).
                Cell::Ratio(d) | Cell::Percent(d) | Cell::Yuan(d) => {
                    let mut shown = *d;
                    shown.rescale(shown.scale().max(2));
                    f.units(&shown.to_string()) + 2
                }
                Cell::Blank => 0,
            };
            let w = self.column(i);
            w.natural = w.natural.max(width);
            match cell {
                // A number (ID, contract) stays on one line, up to 18 units.
                Cell::Code(s) => w.least = w.least.max(s.lines().map(|l| f.units(l)).max().unwrap_or(0).min(18)),
                Cell::Text(s) => {
                    // A data cell's longest word stays on one line; a 合计 label may wrap.
                    let word = s.split([' ', '/', '、', '；', '，']).map(|x| f.units(x)).max().unwrap_or(0);
                    let least = if total { f.milli(s).div_ceil(2000) } else { word }.min(8);
                    w.least = w.least.max(least.min(w.natural));
                }
                Cell::Blank => {}
                _ => {
                    w.wraps = false;
                    w.least = w.least.max(width);
                }
            }
        }
    }

    /// Make column `i` at least `least` wide (a sentence column that reads better wide).
    pub(crate) fn widen(&mut self, i: usize, least: usize) {
        let w = self.column(i);
        w.least = w.least.max(least);
        w.natural = w.natural.max(least);
    }

    /// The widths that fit the page.
    #[must_use]
    pub(crate) fn fit(&self) -> Vec<usize> {
        fit(&self.widths)
    }
}

/// How many lines a text `milli` thousandths of a unit wide takes in a column `width`
/// units wide (less the cell's padding).
fn lines(milli: usize, width: usize) -> usize {
    milli.div_ceil((width * 1000).saturating_sub(300).max(1000)).max(1)
}

/// The height a row of wrapped cells needs in points (a line of Chinese is 1.45 times the
/// font's size), or none when one line does.
fn height(f: &Formal, widths: &[usize], cells: &[&str]) -> Option<u32> {
    let most = cells
        .iter()
        .zip(widths)
        .map(|(s, w)| s.lines().map(|l| lines(f.milli(l), *w)).sum::<usize>().max(1))
        .max()
        .unwrap_or(1);
    let most = u32::try_from(most).unwrap_or(u32::MAX / 100);
    (most > 1).then(|| (most * f.points * 29).div_ceil(20) + 3)
}

/// The text a cell wraps, if it wraps.
fn wrapped<'c>(cell: &'c Cell) -> &'c str {
    match cell {
        Cell::Text(s) | Cell::Code(s) => s,
        _ => "",
    }
}

pub(crate) struct Ruled<'a> {
    sheet: &'a mut Worksheet,
    f: &'a Formal,
    widths: &'a [usize],
    columns: u16,
    first: RowNum,
    next: RowNum,
    /// Data rows written (not totals or notes).
    data: RowNum,
    /// With `uniform`: each column's style, from the first data row.
    column_styles: Option<Vec<Option<Style>>>,
    uniform: bool,
}

impl<'a> Ruled<'a> {
    /// A table whose header row is `row`, in columns of the (fitted) `widths`.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn at<S: AsRef<str>>(
        sheet: &'a mut Worksheet,
        f: &'a Formal,
        headers: &[S],
        row: RowNum,
        widths: &'a [usize],
    ) -> Result<Ruled<'a>, XlsxError> {
        let texts: Vec<&str> = headers.iter().map(AsRef::as_ref).collect();
        if let Some(h) = height(f, widths, &texts) {
            sheet.set_row_height(row, h)?;
        }
        for (col, h) in (0..).zip(headers) {
            text(sheet, row, col, h.as_ref(), &f.header)?;
        }
        let columns = u16::try_from(headers.len()).unwrap_or(u16::MAX);
        Ok(Ruled {
            sheet,
            f,
            widths,
            columns,
            first: row + 1,
            next: row + 1,
            data: 0,
            column_styles: None,
            uniform: false,
        })
    }

    /// See the module: for a long table alone on its sheet.
    #[must_use]
    pub(crate) fn uniform(mut self) -> Ruled<'a> {
        self.uniform = true;
        self
    }

    /// Freeze the rows above the first data row.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn freeze(self) -> Result<Ruled<'a>, XlsxError> {
        self.sheet.set_freeze_panes(self.first, 0)?;
        Ok(self)
    }

    /// Write one data row.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn row(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        if self.uniform && self.column_styles.is_none() {
            let mut styles = Vec::with_capacity(cells.len());
            for (col, cell) in (0..).zip(cells) {
                let style = cell.style();
                if let Some(s) = style {
                    self.sheet.set_column_format(col, self.f.plain.of(s))?;
                }
                styles.push(style);
            }
            self.column_styles = Some(styles);
        }
        self.data += 1;
        self.put(cells, false)
    }

    /// Write a row in bold, ruled above (合计, 小计).
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn total(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        self.put(cells, true)
    }

    fn put(&mut self, cells: &[Cell], total: bool) -> Result<(), XlsxError> {
        let texts: Vec<&str> = cells.iter().map(wrapped).collect();
        if let Some(h) = height(self.f, self.widths, &texts) {
            self.sheet.set_row_height(self.next, h)?;
        }
        let styles = if total { &self.f.total } else { &self.f.bordered };
        let own_borders = total || !self.uniform;
        for col in 0..self.columns {
            let i = usize::from(col);
            match cells.get(i).unwrap_or(&Cell::Blank) {
                Cell::Blank if own_borders => {
                    self.sheet.write_blank(self.next, col, &styles.general)?;
                }
                Cell::Blank => {}
                cell if own_borders => cell.write(self.sheet, self.next, col, styles)?,
                cell => {
                    let column = self.column_styles.as_ref().and_then(|c| c.get(i).copied().flatten());
                    cell.write_in(self.sheet, self.next, col, &self.f.plain, column)?;
                }
            }
        }
        self.next += 1;
        Ok(())
    }

    /// A line of text across the table (a note, an empty table's "none"), bordered.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn note(&mut self, line: &str) -> Result<(), XlsxError> {
        let last = self.columns.max(1) - 1;
        let width: usize = self.widths.iter().take(usize::from(self.columns)).sum();
        if let Some(h) = height(self.f, &[width], &[line]) {
            self.sheet.set_row_height(self.next, h)?;
        }
        super::formal::merged(self.sheet, self.next, (0, last), line, &self.f.bordered.general)?;
        self.next += 1;
        Ok(())
    }

    /// Add the long table's borders; hand back the sheet and the row after the table.
    ///
    /// # Errors
    /// From the writer.
    pub(crate) fn finish(self) -> Result<(&'a mut Worksheet, RowNum), XlsxError> {
        if self.uniform && self.data > 0 {
            border_range(self.sheet, (self.first, self.first + self.data - 1), self.columns)?;
        }
        Ok((self.sheet, self.next))
    }
}

/// The height of a merged line of `text` over `width` units, if it needs more than one line.
#[must_use]
pub(crate) fn line_height(f: &Formal, width: usize, text: &str) -> Option<u32> {
    height(f, &[width], &[text])
}
