//! Finding the sheets and the header row (workbook.md "Sheets", "The header row").

use super::columns::{find, split_header, Column};
use super::sheet::Grid;
use super::RowError;

/// How many of the first rows may hold the header (workbook.md).
const HEADER_SEARCH_ROWS: u32 = 10;

/// The header row of a sheet and what each of its columns is.
#[derive(Debug, Clone)]
pub struct Header {
    /// 0-based row index of the header.
    pub row: u32,
    /// By 0-based column: the known column, the header as written and its unit.
    pub columns: Vec<Option<Slot>>,
    /// Unknown columns: (column index, header as written), kept in the notes.
    pub extra: Vec<(usize, String)>,
}

#[derive(Debug, Clone)]
pub struct Slot {
    pub column: &'static Column,
    pub written: String,
    pub unit: Option<String>,
}

impl Header {
    /// The column index and slot of a key, if the sheet has it.
    #[must_use]
    pub fn slot(&self, key: &str) -> Option<(usize, &Slot)> {
        self.columns.iter().enumerate().find_map(|(i, s)| s.as_ref().filter(|s| s.column.key == key).map(|s| (i, s)))
    }
}

/// workbook.md: the Loans sheet is the first whose name contains 申报, 汇总 or 项目, else the first.
#[must_use]
pub fn loans_sheet(grids: &[Grid]) -> Option<usize> {
    let named = grids.iter().position(|g| ["申报", "汇总", "项目"].iter().any(|w| g.name.contains(w)));
    named.or((!grids.is_empty()).then_some(0))
}

/// workbook.md: the Events sheet's name contains 还款, 变更 or 事项.
#[must_use]
pub fn events_sheet(grids: &[Grid], loans: usize) -> Option<usize> {
    grids
        .iter()
        .enumerate()
        .position(|(i, g)| i != loans && ["还款", "变更", "事项"].iter().any(|w| g.name.contains(w)))
}

/// The row among the first ten that matches the most known headers (at least `min`).
///
/// # Errors
/// One sheet-level error when no row matches, or for each required column that is missing.
pub fn locate(grid: &Grid, columns: &'static [Column], min: usize) -> Result<Header, Vec<RowError>> {
    let mut best: Option<(u32, usize)> = None;
    for (&row, cells) in grid.rows.range(..HEADER_SEARCH_ROWS) {
        let hits = cells.iter().filter(|v| super::cells::text(v).is_some_and(|t| find(columns, &t).is_some())).count();
        if hits >= min && best.is_none_or(|(_, b)| hits > b) {
            best = Some((row, hits));
        }
    }
    let Some((row, _)) = best else {
        return Err(vec![RowError::sheet(&grid.name, 1, "", "", format!("前{HEADER_SEARCH_ROWS}行中找不到表头行，请使用申报模板的列名（如 项目名称、身份证号、贷款金额）"))]);
    };
    let header = build(grid, row, columns);
    let missing: Vec<RowError> = columns
        .iter()
        .filter(|c| c.required && header.slot(c.key).is_none())
        .map(|c| RowError::sheet(&grid.name, row + 1, c.header, "", format!("缺少必填列“{}”，请在表头行添加该列", c.header)).with_key(c.key))
        .collect();
    if missing.is_empty() {
        Ok(header)
    } else {
        Err(missing)
    }
}

fn build(grid: &Grid, row: u32, columns: &'static [Column]) -> Header {
    let mut header = Header { row, columns: Vec::new(), extra: Vec::new() };
    for (i, v) in grid.rows.get(&row).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
        let Some(written) = super::cells::text(v) else {
            header.columns.push(None);
            continue;
        };
        let known = find(columns, &written).filter(|c| header.slot(c.key).is_none());
        if let Some(column) = known {
            let unit = split_header(&written).1;
            header.columns.push(Some(Slot { column, written, unit }));
        } else {
            header.columns.push(None);
            header.extra.push((i, written));
        }
    }
    header
}
