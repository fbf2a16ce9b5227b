//! The banks' interest statements (docs/workbook.md "Interest statements", 银行结息清单): the
//! same formats and header search as the applicant workbook; one sheet, or every sheet
//! whose name contains 结息 or 利息; one row per loan and interest period. Every problem is
//! a `RowError` at its sheet, row and column. Penalty and compound interest (罚息, 复利)
//! are read and checked but never reach the engine.
//!
//! A statement file is untrusted like a workbook: the server and `tiexi calc` read it in
//! the parser's child process (`isolate::statements`), and then, in the parent, check its
//! lines against the round's contracts and each other (`assemble`).

mod assemble;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::cells::Calendar;
use super::cells::{self, Value};
use super::columns::{Column, Key};
use super::header::{self, Header};
use super::sheet::{self, Format, Grid};
use super::{guard, ImportError, RowError};
use crate::engine::Money;
pub use assemble::{assemble, Assembled};

/// docs/workbook.md "Interest statements": the statement's rows of the one column table.
pub const COLUMNS: &[Column] = super::columns::STATEMENTS;

/// A header row needs this many known headers; fewer than the four required, so that a
/// sheet lacking one is told which, rather than that it has no header.
const MIN_HEADERS: usize = 3;

/// The sheet name of a CSV statement.
pub const CSV_SHEET: &str = "结息清单";

/// One statement file as read: its lines, its problems, and the contracts whose lines
/// have problems (their loans cannot be trusted to be certified).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Statement {
    /// The sheets read, with the headers of the columns that errors found later name.
    pub sheets: Vec<SheetColumns>,
    pub lines: Vec<Line>,
    pub errors: Vec<RowError>,
    pub touched: Vec<String>,
}

/// A sheet read, with its contract number and period-start headers as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SheetColumns {
    pub name: String,
    pub contract_no: String,
    pub from: String,
}

/// One readable row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Index into `Statement::sheets`.
    pub sheet: usize,
    /// The row as Excel shows it.
    pub row: u32,
    pub contract_no: String,
    pub from: NaiveDate,
    /// The last day of the period, included.
    pub to: NaiveDate,
    pub paid: Money,
    /// 罚息 and 复利: shown, never subsidised.
    pub penalty: Option<Money>,
    pub bank: String,
}

/// Read a statement file in this process: `guard::check` first, then the sheets. The child
/// of `isolate` calls this; a server or `tiexi calc` calls `isolate::statements`.
///
/// # Errors
/// As `guard::check`, or when the file cannot be read as a workbook at all.
pub fn read(bytes: &[u8]) -> Result<Statement, ImportError> {
    let format = guard::check(bytes)?;
    let mut grids = sheet::read_statement(bytes, format)?;
    if format == Format::Csv {
        for g in &mut grids {
            g.name = CSV_SHEET.to_string();
        }
    }
    if grids.is_empty() {
        return Err(ImportError::NoSheet);
    }
    let mut out = Statement::default();
    for grid in chosen(&grids) {
        read_sheet(grid, &mut out);
    }
    Ok(out)
}

/// docs/workbook.md: every sheet whose name contains 结息 or 利息, else the first sheet.
fn chosen(grids: &[Grid]) -> Vec<&Grid> {
    let names: Vec<String> = grids.iter().map(|g| g.name.clone()).collect();
    grids.iter().zip(sheet::statement_sheets(&names)).filter_map(|(g, read)| read.then_some(g)).collect()
}

fn read_sheet(grid: &Grid, out: &mut Statement) {
    let header = match header::locate(grid, COLUMNS, MIN_HEADERS) {
        Ok(h) => h,
        // A named sheet left empty says nothing; one with content but no header is an error.
        Err(e) => {
            if grid.rows.values().flatten().any(|v| !v.is_blank()) {
                out.errors.push(e);
            }
            return;
        }
    };
    let problems = header::problems(&grid.name, &header, COLUMNS);
    let units = unit_problems(&grid.name, &header);
    if !problems.is_empty() || !units.is_empty() {
        out.errors.extend(problems.into_iter().chain(units));
        return;
    }
    let index = out.sheets.len();
    out.sheets.push(SheetColumns {
        name: grid.name.clone(),
        contract_no: header.written_of(Key::StatementContractNo),
        from: header.written_of(Key::StatementFrom),
    });
    for (&row, cells) in grid.rows.range(header.row + 1..) {
        if super::rows::is_empty(cells, &header) || super::rows::is_total(cells) || header.repeated_in(cells, COLUMNS) {
            continue;
        }
        let reader = RowReader { grid, header: &header, row, cells };
        reader.read(index, out);
    }
}

/// docs/workbook.md "Money": a money column whose header names a unit that is neither 元 nor
/// 万元 cannot be read without guessing.
fn unit_problems(sheet: &str, header: &Header) -> Vec<RowError> {
    let money =
        header.columns.iter().flatten().filter(|s| matches!(s.column.id, Key::StatementPaid | Key::StatementPenalty));
    money
        .filter(|s| s.unit.is_none())
        .filter_map(|s| {
            let unit = super::columns::split_header(&s.written).1?;
            let what = format!("列名中的单位“{unit}”无法识别：请把列名写成 {0}（元） 或 {0}（万元）", s.column.header);
            Some(RowError::sheet(sheet, header.row + 1, &s.written, "", what).with_key(s.column.key))
        })
        .collect()
}

/// One data row being read.
struct RowReader<'a> {
    grid: &'a Grid,
    header: &'a Header,
    /// 0-based.
    row: u32,
    cells: &'a [Value],
}

impl RowReader<'_> {
    fn read(&self, sheet: usize, out: &mut Statement) {
        let before = out.errors.len();
        let contract = self.contract(&mut out.errors);
        let from = self.need(Key::StatementFrom, "计息起日", self.date(Key::StatementFrom), &mut out.errors);
        let to = self.need(Key::StatementTo, "计息止日", self.date(Key::StatementTo), &mut out.errors);
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                self.push(Key::StatementTo, format!("计息止日早于计息起日 {from}，请核对"), &mut out.errors);
            }
        }
        let paid =
            self.need(Key::StatementPaid, "实收利息（正常利息）", self.money(Key::StatementPaid), &mut out.errors);
        let penalty = self.money(Key::StatementPenalty).unwrap_or_else(|m| {
            self.push(Key::StatementPenalty, m, &mut out.errors);
            None
        });
        let bank = cells::text(self.value(Key::StatementBank)).unwrap_or_default();
        match (contract, from, to, paid) {
            (Some(contract_no), Some(from), Some(to), Some(paid)) if out.errors.len() == before => {
                out.lines.push(Line { sheet, row: self.row + 1, contract_no, from, to, paid, penalty, bank });
            }
            (Some(contract_no), ..) => out.touched.push(contract_no),
            _ => {}
        }
    }

    // Deliberately like `events::Row::value` and `push`: a statement's row names its sheet by
    // its grid, an event's by name; the needed-value rule itself is shared (`cells::needed`).
    fn value(&self, key: Key) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.header.slot(key).and_then(|(i, _)| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    fn push(&self, key: Key, message: String, errors: &mut Vec<RowError>) {
        let written = self.header.written_of(key);
        let value = self.value(key).shown();
        errors.push(RowError::sheet(&self.grid.name, self.row + 1, &written, &value, message).with_key(key.as_str()));
    }

    fn need<T>(&self, key: Key, what: &str, read: Result<Option<T>, String>, errors: &mut Vec<RowError>) -> Option<T> {
        cells::needed(read, what, |m| self.push(key, m, errors))
    }

    /// docs/workbook.md: a contract number that Excel stored as a number of 16 or more digits
    /// has lost its last digits and could name another loan.
    fn contract(&self, errors: &mut Vec<RowError>) -> Option<String> {
        let v = self.value(Key::StatementContractNo);
        if super::codes::lost_digits(v) {
            let what = "Excel 把合同编号存成了数字，末几位已丢失：请把该列设置为文本格式，再重新录入完整的编号";
            self.push(Key::StatementContractNo, what.to_string(), errors);
            return None;
        }
        let found = cells::code(v).filter(|_| !v.is_nothing());
        if found.is_none() {
            self.push(Key::StatementContractNo, "必须填写贷款合同编号".to_string(), errors);
        }
        found
    }

    fn date(&self, key: Key) -> Result<Option<NaiveDate>, String> {
        let v = self.value(key);
        if v.is_nothing() {
            return Ok(None);
        }
        cells::date(v, Calendar::of(self.grid.is_1904))
    }

    /// Money ≥ 0 in 元 or 万元 (the cell's unit wins over the header's).
    fn money(&self, key: Key) -> Result<Option<Money>, String> {
        let unit = self.header.slot(key).and_then(|(_, s)| s.unit);
        let v = self.value(key);
        match cells::money(if v.is_nothing() { &Value::Empty } else { v }, unit)? {
            Some(m) if m < Money::ZERO => Err("金额不能为负数，请核对".to_string()),
            m => Ok(m),
        }
    }
}

#[cfg(test)]
mod tests;
