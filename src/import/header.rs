//! Finding the sheets and the header row (docs/workbook.md "Sheets", "The header row"), and
//! the problems of the header itself: a missing required column, a unit that is not one.

use super::cells::{self, Unit, Value};
use super::columns::{find, is_money, is_own_name, split_header, Column, Key};
use super::sheet::Grid;
use super::RowError;

/// How many of the first rows may hold the header (docs/workbook.md).
pub const HEADER_SEARCH_ROWS: u32 = 10;

/// The first rows of a sheet that have content (0-based index, cells), where its header
/// is looked for.
pub type Head<'a> = [(u32, &'a [Value])];

/// The header row of a sheet and what each of its columns is.
#[derive(Debug, Clone)]
pub struct Header {
    /// 0-based row index of the header.
    pub row: u32,
    /// By 0-based column: the known column, the header as written and its unit.
    pub columns: Vec<Option<Slot>>,
    /// Unknown columns: (column index, header as written), kept in the notes.
    pub extra: Vec<(usize, String)>,
    /// How many known headers the row matched (a later row matching as many repeats it).
    pub hits: usize,
}

#[derive(Debug, Clone)]
pub struct Slot {
    pub column: &'static Column,
    pub written: String,
    /// For money columns, the unit the header names (`贷款金额（万元）`).
    pub unit: Option<Unit>,
}

impl Header {
    /// The column index and slot of a column, if the sheet has it.
    #[must_use]
    pub fn slot(&self, key: Key) -> Option<(usize, &Slot)> {
        self.columns.iter().enumerate().find_map(|(i, s)| s.as_ref().filter(|s| s.column.id == key).map(|s| (i, s)))
    }

    /// The header of a column as written in the sheet, else its name in docs/workbook.md.
    #[must_use]
    pub fn written_of(&self, key: Key) -> String {
        self.slot(key).map_or_else(|| key.column().header.to_string(), |(_, s)| s.written.clone())
    }

    /// Whether a data row is the header again (a sheet pasted together from pages).
    #[must_use]
    pub fn repeated_in(&self, cells: &[Value], columns: &[Column]) -> bool {
        // Only text can name a column. Counting stops as soon as the cells left cannot
        // reach `hits`, so a data row costs a header lookup or two, not one per cell.
        let mut left = cells.iter().filter(|v| matches!(v, Value::Text(_))).count();
        let mut found = 0;
        for v in cells.iter().filter(|v| matches!(v, Value::Text(_))) {
            if found >= self.hits || found + left < self.hits {
                break;
            }
            left -= 1;
            found += usize::from(cells::text(v).is_some_and(|t| find(columns, &t).is_some()));
        }
        found >= self.hits
    }
}

fn matches(cells: &[Value], columns: &[Column]) -> usize {
    cells.iter().filter(|v| cells::text(v).is_some_and(|t| find(columns, &t).is_some())).count()
}

/// docs/workbook.md: the Loans sheet is the first sheet, or the first whose name contains 申报,
/// 汇总 or 项目. A sheet named like the Events sheet is not taken for it, and when the
/// chosen sheet has no header row, the first sheet that has one is taken instead (a
/// workbook that opens with a 填表说明 sheet).
#[must_use]
pub fn loans_sheet(grids: &[Grid]) -> Option<usize> {
    let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    choose_loans_sheet(&names, |i| has_loans_header(&grids[i].head()))
}

/// `loans_sheet` by the sheets' names, asking `has_header` of a sheet only when needed.
pub fn choose_loans_sheet(names: &[&str], mut has_header: impl FnMut(usize) -> bool) -> Option<usize> {
    let by_name =
        names.iter().position(|n| ["申报", "汇总", "项目"].iter().any(|w| n.contains(w)) && !is_events_name(n));
    let chosen = by_name.or((!names.is_empty()).then_some(0))?;
    if has_header(chosen) {
        return Some(chosen);
    }
    let with_header = (0..names.len()).find(|&i| !is_events_name(names[i]) && has_header(i));
    Some(with_header.unwrap_or(chosen))
}

/// Whether these first rows hold a header row of the Loans sheet.
#[must_use]
pub fn has_loans_header(head: &Head<'_>) -> bool {
    header_row(head, super::columns::LOAN_COLUMNS, 4).is_some()
}

fn is_events_name(name: &str) -> bool {
    ["还款", "变更", "事项"].iter().any(|w| name.contains(w)) && !["说明", "注意"].iter().any(|w| name.contains(w))
}

/// docs/workbook.md: the Events sheet's name contains 还款, 变更 or 事项 (not a 注意事项 or
/// 填报说明 sheet of instructions).
#[must_use]
pub fn events_sheet(grids: &[Grid], loans: usize) -> Option<usize> {
    let names: Vec<&str> = grids.iter().map(|g| g.name.as_str()).collect();
    choose_events_sheet(&names, loans)
}

/// `events_sheet` by the sheets' names.
#[must_use]
pub fn choose_events_sheet(names: &[&str], loans: usize) -> Option<usize> {
    names.iter().enumerate().position(|(i, n)| i != loans && is_events_name(n))
}

/// The row among the first ten that matches the most known headers (at least `min`);
/// ties go to the upper row. A row's blank cells count the known header right above them:
/// a two-row header (a group title merged over its columns, the other headers merged down
/// both rows) reads the same in a CSV, which has no merged cells, as in an .xlsx.
fn header_row(head: &Head<'_>, columns: &[Column], min: usize) -> Option<(u32, usize)> {
    let mut best: Option<(u32, usize)> = None;
    let rows: Vec<&(u32, &[Value])> = head.iter().filter(|(row, _)| *row < HEADER_SEARCH_ROWS).collect();
    for (at, &&(row, cells)) in rows.iter().enumerate() {
        let own = matches(cells, columns);
        let above = at.checked_sub(1).map(|a| rows[a]).filter(|(r, _)| *r + 1 == row && own > 0);
        let hits = own + above.map_or(0, |(_, up)| from_above(cells, up, columns).len());
        if hits >= min && best.is_none_or(|(_, b)| hits > b) {
            best = Some((row, hits));
        }
    }
    best
}

/// The known headers of the row above that stand over blank cells of this row, each with
/// its column index, and not already named in this row.
fn from_above<'v>(cells: &[Value], above: &'v [Value], columns: &[Column]) -> Vec<(usize, &'v Value)> {
    let named: Vec<&Column> = cells.iter().filter_map(|v| cells::text(v).and_then(|t| find(columns, &t))).collect();
    let mut out: Vec<(usize, &Column, &Value)> = Vec::new();
    for (i, v) in above.iter().enumerate() {
        if !cells.get(i).is_none_or(Value::is_blank) {
            continue;
        }
        let column = cells::text(v).and_then(|t| find(columns, &t));
        if let Some(c) = column.filter(|c| !named.contains(c) && !out.iter().any(|(_, o, _)| o == c)) {
            out.push((i, c, v));
        }
    }
    out.into_iter().map(|(i, _, v)| (i, v)).collect()
}

/// The header row of a sheet.
///
/// # Errors
/// One sheet-level error when none of the first ten rows has `min` known headers.
pub fn locate(grid: &Grid, columns: &'static [Column], min: usize) -> Result<Header, RowError> {
    locate_in(&grid.name, &grid.head(), columns, min)
}

/// `locate`, in the first rows of the sheet named `sheet`.
///
/// # Errors
/// As `locate`.
pub fn locate_in(sheet: &str, head: &Head<'_>, columns: &'static [Column], min: usize) -> Result<Header, RowError> {
    let Some((row, _)) = header_row(head, columns, min) else {
        let names: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.header).collect();
        let what = format!(
            "前{HEADER_SEARCH_ROWS}行中找不到表头行：请在表格上方用申报模板的列名写一行表头（{}）",
            names.join("、")
        );
        return Err(RowError::sheet(sheet, 1, "", "", what));
    };
    let cells = head.iter().find(|(r, _)| *r == row).map(|(_, c)| *c).unwrap_or_default();
    let above = head.iter().find(|(r, _)| *r + 1 == row).map(|(_, c)| *c).unwrap_or_default();
    // A two-row header: the known headers above the row's blank cells join it.
    let mut cells: Vec<Value> = cells.to_vec();
    let own = matches(&cells, columns);
    for (i, v) in if own > 0 { from_above(&cells, above, columns) } else { Vec::new() } {
        if cells.len() <= i {
            cells.resize(i + 1, Value::Empty);
        }
        cells[i] = v.clone();
    }
    // Only the row's own headers make a later row a repeat of it.
    let mut header = Header { row, columns: vec![None; cells.len()], extra: Vec::new(), hits: own.max(1) };
    // The own names first, then synonyms, so that `项目编号` wins over an `编号` column.
    for own in [true, false] {
        for (i, v) in cells.iter().enumerate() {
            let Some(name) = cells::text(v) else { continue };
            let known = find(columns, &name).filter(|c| is_own_name(c, &name) == own && header.slot(c.id).is_none());
            if let Some(column) = known.filter(|_| header.columns[i].is_none()) {
                let unit = split_header(&name).1.and_then(|u| Unit::parse(&u));
                // Errors name the header as the sheet writes it (docs/workbook.md "Errors").
                header.columns[i] = Some(Slot { column, written: v.shown(), unit });
            }
        }
    }
    for (i, v) in cells.iter().enumerate() {
        // 错误说明 is the column tiexi itself added to a workbook sent back for fixing
        // (export::annotated); its old messages are not the applicant's data.
        let ours = cells::text(v).is_some_and(|t| t == ERROR_COLUMN);
        if cells::text(v).is_some() && header.columns[i].is_none() && !ours {
            header.extra.push((i, v.shown()));
        }
    }
    Ok(header)
}

/// The header of the error column in a workbook sent back by `tiexi calc --errors-out`.
pub const ERROR_COLUMN: &str = "错误说明";

/// docs/workbook.md: a required column that is missing is one clear error for the whole sheet;
/// so is a money column whose header names a unit that is neither 元 nor 万元 (the amounts
/// under it cannot be read without guessing).
#[must_use]
pub fn problems(sheet: &str, header: &Header, columns: &[Column]) -> Vec<RowError> {
    let row = header.row + 1;
    let mut errors: Vec<RowError> = columns
        .iter()
        .filter(|c| c.required && header.slot(c.id).is_none())
        .map(|c| missing_column(sheet, row, c))
        .collect();
    for slot in header.columns.iter().flatten().filter(|s| is_money(s.column) && s.unit.is_none()) {
        let Some(unit) = split_header(&slot.written).1 else {
            continue;
        };
        if unit.contains(['元', '万']) {
            let what =
                format!("列名中的单位“{unit}”无法识别：请把列名写成 {0}（元） 或 {0}（万元）", slot.column.header);
            errors.push(RowError::sheet(sheet, row, &slot.written, "", what).with_key(slot.column.key));
        }
    }
    errors
}

/// One error for a column the sheet lacks.
#[must_use]
pub fn missing_column(sheet: &str, row: u32, c: &Column) -> RowError {
    let what = format!("缺少“{}”列：请在表头行添加该列并填写", c.header);
    RowError::sheet(sheet, row, c.header, "", what).with_key(c.key)
}
