//! A list page as a workbook (issue 17 item 2): what the page's filters show, under a
//! title and a line naming the filters, its header row frozen, its rows, and the 合计 row
//! the caller brings (sums are the engine's: `engine::report`). Every text cell goes
//! through `sheet`, so nothing a user typed becomes a formula.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{text, Cell, Styles};
use super::table::Table;

/// A list as shown: its title, the filters in words, its columns, rows and total.
#[derive(Debug, Clone, Default)]
pub struct List<'a> {
    /// The sheet's title (`2024年度项目`), also the sheet's name.
    pub title: String,
    /// The filters in words (`团场：红星二场；审核状态：已批准`), empty for none.
    pub filters: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell<'a>>>,
    /// The 合计 row, outside the autofilter.
    pub total: Option<Vec<Cell<'a>>>,
}

/// Excel's limit on a sheet name, and the characters it refuses there.
fn sheet_name(title: &str) -> String {
    let clean: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.is_empty() {
        "列表".into()
    } else {
        clean
    }
}

/// The workbook of a list.
///
/// # Errors
/// From the writer.
pub fn workbook(list: &List<'_>) -> Result<Workbook, XlsxError> {
    let mut book = super::report::formal::workbook()?;
    let styles = Styles::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&list.title))?;
    text(sheet, 0, 0, &list.title, &styles.header)?;
    let filters = if list.filters.is_empty() {
        "筛选条件：全部".to_string()
    } else {
        format!("筛选条件：{}", list.filters)
    };
    text(sheet, 1, 0, &filters, &styles.general)?;
    let mut table = Table::at(sheet, &styles, &list.headers, 3)?;
    for row in &list.rows {
        table.row(row)?;
    }
    if let Some(total) = &list.total {
        table.total(total)?;
    }
    table.finish(true)?;
    Ok(book)
}
