//! A result table: a bold, frozen header row, its rows, a total row the filter leaves
//! out, an autofilter and widths that fit. It writes what it is given and sums nothing.

use rust_xlsxwriter::{ColNum, RowNum, Worksheet, XlsxError};

use super::sheet::{display_width, set_widths, text, Cell, Style, Styles};

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
    /// With `uniform`: each column's style, from the first data row.
    columns: Option<Vec<Option<Style>>>,
    uniform: bool,
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
        Ok(Table { sheet, styles, widths, header, next: header + 1, last_data: header, columns: None, uniform: false })
    }

    /// A long table alone on its sheet, each column holding one kind of cell: the first
    /// data row sets each column's format, and the cells that match it are written
    /// without a format of their own (issue 7: looking a format up per cell was most of a
    /// 100,000-row sheet's time). Only for a sheet with no other table, since a column's
    /// format applies to every unformatted cell of the column.
    #[must_use]
    pub fn uniform(mut self) -> Table<'a> {
        self.uniform = true;
        self
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
        if self.uniform && self.columns.is_none() {
            self.columns = Some(self.column_styles(cells)?);
        }
        self.last_data = self.next;
        self.put(cells)
    }

    /// The first data row's styles, set as the columns' formats.
    fn column_styles(&mut self, cells: &[Cell]) -> Result<Vec<Option<Style>>, XlsxError> {
        let mut styles = Vec::with_capacity(cells.len());
        for (col, cell) in (0..).zip(cells) {
            let style = cell.style();
            if let Some(s) = style.filter(|s| *s != Style::General) {
                self.sheet.set_column_format(col, self.styles.of(s))?;
            }
            styles.push(style);
        }
        Ok(styles)
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
            let i = usize::from(col);
            let column = self.columns.as_ref().and_then(|c| c.get(i).copied().flatten());
            cell.write_in(self.sheet, self.next, col, self.styles, column)?;
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

#[cfg(test)]
mod tests {
    use std::io::Read;

    use chrono::NaiveDate;
    use rust_xlsxwriter::Workbook;

    use super::*;
    use crate::engine::Money;

    /// A part of the written workbook, as text.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut text = String::new();
        zip.by_name(name).expect("the part").read_to_string(&mut text).expect("UTF-8");
        text
    }

    /// The value of `attr="…"` in the first tag of `xml` starting with `tag`.
    fn attr<'x>(xml: &'x str, tag: &str, attr: &str) -> Option<&'x str> {
        let at = xml.find(tag)?;
        let end = at + xml[at..].find('>')?;
        let key = format!(" {attr}=\"");
        let from = at + xml[at..end].find(&key)? + key.len();
        Some(&xml[from..from + xml[from..].find('"')?])
    }

    /// The number format a cell shows with: its style's numFmt, built-in or the workbook's own.
    fn format_of(bytes: &[u8], cell: &str) -> String {
        let sheet = part(bytes, "xl/worksheets/sheet1.xml");
        let styles = part(bytes, "xl/styles.xml");
        let xf: usize = attr(&sheet, &format!("<c r=\"{cell}\""), "s").map_or(0, |s| s.parse().expect("a style"));
        let xfs = &styles[styles.find("<cellXfs").expect("cellXfs")..];
        let id = xfs.match_indices("<xf ").nth(xf).and_then(|(at, _)| attr(&xfs[at..], "<xf ", "numFmtId"));
        match id.expect("the cell's style") {
            "0" => "General".into(),
            "1" => "0".into(),
            "49" => "@".into(),
            id => attr(&styles, &format!("<numFmt numFmtId=\"{id}\""), "formatCode").expect("a format").into(),
        }
    }

    #[test]
    fn a_uniform_table_formats_each_cell_as_its_kind() {
        let mut book = Workbook::new();
        let styles = Styles::new();
        let sheet = book.add_worksheet_with_constant_memory().expect("a sheet");
        let headers = ["序号", "编号", "金额", "名称", "日期"].map(String::from);
        let mut table = Table::new(sheet, &styles, &headers).expect("a table").uniform();
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).expect("a date");
        for n in 1..=2 {
            let row = [
                Cell::Count(n),
                Cell::code("0012"),
                Cell::Money(Money::from_fen(123_456)),
                Cell::text("甲"),
                Cell::Date(day),
            ];
            table.row(&row).expect("a row");
        }
        // The 合计 row holds other kinds in the same columns: each keeps its own format.
        let total = [Cell::text("合计"), Cell::Count(2), Cell::Count(7), Cell::Money(Money::from_fen(5)), Cell::Blank];
        table.total(&total).expect("the total");
        table.finish(true).expect("finished");
        let bytes = book.save_to_buffer().expect("bytes");
        let expect = [
            ("A2", "General"),
            ("B2", "@"),
            ("C2", "#,##0.00"),
            ("D2", "General"),
            ("E3", "yyyy-mm-dd"),
            ("C3", "#,##0.00"),
            ("B4", "0"),
            ("C4", "0"),
            ("D4", "#,##0.00"),
        ];
        for (cell, format) in expect {
            assert_eq!(format_of(&bytes, cell), format, "{cell}");
        }
    }
}
