//! The bank's answer to a batch (回单, docs/payments.md): an .xlsx, .xls or CSV with, per
//! line, 账号 (or 户名), 金额, 状态 (成功/失败) and 原因, and optionally a control line
//! (笔数, 合计). Read like a workbook: in the parser's child (`isolate::bank_return`),
//! after `guard::check`; every problem a `RowError` at its sheet, row and column. Matching
//! the lines to the batch is the engine's (`engine::payment::settle`).

use serde::{Deserialize, Serialize};

use super::cells::{self, Value};
use super::sheet::{self, Format, Grid};
use super::{guard, ImportError, RowError};
use crate::engine::Money;

/// The sheet name of a CSV answer.
pub const CSV_SHEET: &str = "回单";

/// One line of the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The row as a spreadsheet shows it.
    pub row: u32,
    /// Digits only; empty when the file gives no account column.
    pub account: String,
    pub payee_name: String,
    pub amount: Money,
    pub paid: bool,
    pub reason: String,
}

/// The answer as read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BankReturn {
    pub sheet: String,
    pub lines: Vec<Line>,
    /// The control line (笔数, 合计) when the file carries one.
    pub control: Option<(usize, Money)>,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Account,
    Name,
    Amount,
    State,
    Reason,
}

/// The headers each column goes by (after spaces, `*` and a unit in brackets are removed).
const HEADERS: [(Col, &[&str]); 5] = [
    (Col::Account, &["账号", "银行账号", "收款账号", "收款人账号", "账户", "卡号", "收款卡号"]),
    (Col::Name, &["户名", "收款户名", "收款人", "账户名称", "收款人名称", "姓名"]),
    (Col::Amount, &["金额", "交易金额", "代发金额", "实发金额", "支付金额"]),
    (Col::State, &["状态", "处理状态", "交易状态", "结果", "处理结果", "支付状态"]),
    (Col::Reason, &["原因", "失败原因", "备注", "说明", "错误信息"]),
];

fn header_of(v: &Value) -> Option<Col> {
    let t = cells::text(v)?;
    let t: String = t.chars().filter(|c| !c.is_whitespace() && *c != '*').collect();
    let t = t.split(['(', '（']).next().unwrap_or_default();
    HEADERS.iter().find(|(_, names)| names.contains(&t)).map(|(c, _)| *c)
}

/// Read an answer in this process: `guard::check` first, then its first sheet. The child
/// of `isolate` calls this.
///
/// # Errors
/// As `guard::check`, or when the file cannot be read as a workbook at all.
pub fn read(bytes: &[u8]) -> Result<BankReturn, ImportError> {
    let format = guard::check(bytes)?;
    let mut grids = sheet::read_statement(bytes, format)?;
    let Some(grid) = grids.first_mut() else { return Err(ImportError::NoSheet) };
    if format == Format::Csv {
        CSV_SHEET.clone_into(&mut grid.name);
    }
    Ok(read_grid(grid))
}

fn read_grid(grid: &Grid) -> BankReturn {
    let mut out = BankReturn { sheet: grid.name.clone(), ..BankReturn::default() };
    let found = grid.rows.iter().find_map(|(row, cells)| {
        let cols: Vec<Option<Col>> = cells.iter().map(header_of).collect();
        let has = |c: Col| cols.contains(&Some(c));
        (has(Col::Amount) && has(Col::State) && (has(Col::Account) || has(Col::Name))).then_some((*row, cols))
    });
    let Some((header, cols)) = found else {
        let what = "找不到表头：回单须有“账号”或“户名”、“金额”、“状态”三列（可另有“原因”）";
        out.errors.push(RowError::sheet(&grid.name, 1, "", "", what));
        return out;
    };
    let at = |c: Col| cols.iter().position(|x| *x == Some(c));
    let names: Vec<String> = grid.rows.get(&header).into_iter().flatten().map(Value::shown).collect();
    let reader = Reader { grid, at: [Col::Account, Col::Name, Col::Amount, Col::State, Col::Reason].map(at), names };
    for (&row, cells) in grid.rows.range(header + 1..) {
        if cells.iter().all(Value::is_blank) {
            continue;
        }
        reader.row(row, cells, &mut out);
    }
    out
}

struct Reader<'a> {
    grid: &'a Grid,
    /// The column of account, name, amount, state, reason.
    at: [Option<usize>; 5],
    names: Vec<String>,
}

impl Reader<'_> {
    fn cell<'c>(&self, cells: &'c [Value], i: usize) -> &'c Value {
        static EMPTY: Value = Value::Empty;
        self.at[i].and_then(|c| cells.get(c)).unwrap_or(&EMPTY)
    }

    fn error(&self, row: u32, i: usize, value: &Value, what: &str) -> RowError {
        let column = self.at[i].and_then(|c| self.names.get(c)).cloned().unwrap_or_default();
        RowError::sheet(&self.grid.name, row + 1, &column, &value.shown(), what)
    }

    fn row(&self, row: u32, cells: &[Value], out: &mut BankReturn) {
        let texts: Vec<String> = cells.iter().filter_map(cells::text).collect();
        if texts.iter().any(|t| t.starts_with("笔数") || t.starts_with("合计") || t.starts_with("总计")) {
            self.control(row, cells, out);
            return;
        }
        let before = out.errors.len();
        let account_cell = self.cell(cells, 0);
        let account = self.account(row, account_cell, out);
        let payee_name = cells::text(self.cell(cells, 1)).unwrap_or_default();
        if account.is_empty() && payee_name.is_empty() && out.errors.len() == before {
            out.errors.push(self.error(row, 0, account_cell, "必须填写账号或户名"));
        }
        let amount = self.amount(row, self.cell(cells, 2), out);
        let state_cell = self.cell(cells, 3);
        let state = cells::text(state_cell).unwrap_or_default();
        let paid = if state.contains("失败") || state.contains("退回") || state.contains("退票") {
            Some(false)
        } else if state.contains("成功") {
            Some(true)
        } else {
            out.errors.push(self.error(row, 3, state_cell, "状态应为“成功”或“失败”"));
            None
        };
        let reason = cells::text(self.cell(cells, 4)).unwrap_or_default();
        if let (Some(amount), Some(paid), true) = (amount, paid, out.errors.len() == before) {
            out.lines.push(Line { row: row + 1, account, payee_name, amount, paid, reason });
        }
    }

    /// The account, digits only: one Excel stored as a number has lost its last digits.
    fn account(&self, row: u32, cell: &Value, out: &mut BankReturn) -> String {
        if super::codes::lost_digits(cell) {
            let what = "Excel 把账号存成了数字，末几位已丢失：请把该列设置为文本格式后重新导出";
            out.errors.push(self.error(row, 0, cell, what));
            return String::new();
        }
        cells::code(cell).unwrap_or_default().chars().filter(|c| *c != '-').collect()
    }

    /// The amount, in 元, more than zero.
    fn amount(&self, row: u32, cell: &Value, out: &mut BankReturn) -> Option<Money> {
        let what = match cells::money(cell, None) {
            Ok(Some(m)) if m.is_positive() => return Some(m),
            Ok(_) => "必须填写大于0的金额".to_owned(),
            Err(m) => m,
        };
        out.errors.push(self.error(row, 2, cell, &what));
        None
    }

    /// The control line: the number after 笔数, and the amount after 合计 (or under 金额).
    fn control(&self, row: u32, cells: &[Value], out: &mut BankReturn) {
        let after = |word: &str| {
            let i = cells.iter().position(|v| cells::text(v).is_some_and(|t| t.starts_with(word)))?;
            cells.iter().skip(i + 1).find(|v| !v.is_blank())
        };
        let count = after("笔数").and_then(|v| cells::whole(v).ok().flatten());
        let money = |v: &Value| cells::money(v, None).ok().flatten();
        let total = after("合计").and_then(money).or_else(|| money(self.cell(cells, 2)));
        if let (Some(n), Some(t)) = (count, total) {
            out.control = Some((usize::try_from(n).unwrap_or(usize::MAX), t));
        } else {
            let what = "控制行须写明笔数和合计金额，如：笔数 10 合计 12345.67";
            out.errors.push(RowError::sheet(&self.grid.name, row + 1, "", "", what));
        }
    }
}
