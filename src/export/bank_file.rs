//! The bank payment file (代发文件) of an approved batch (docs/payments.md): one line per
//! payee with 序号, 收款户名, 银行账号, 开户银行, 金额 and 用途, then the control line
//! (笔数, 合计), as an .xlsx and as a CSV a bank clerk can load or type from. Accounts are
//! whole (the file goes to the bank); text never becomes a formula (`export::sheet`).

use std::fmt::Write as _;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{looks_like_formula, Cell, Styles};
use super::table::Table;
use crate::engine::Money;

/// The columns, in the order banks' 代发 templates give them.
pub const HEADERS: [&str; 6] = ["序号", "收款户名", "银行账号", "开户银行", "金额", "用途"];

/// One payee of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub payee_name: String,
    pub account: String,
    pub bank: String,
    pub amount: Money,
}

/// A batch's bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankFile {
    pub year: i32,
    /// The batch's place in its round (第1批).
    pub ordinal: String,
    /// 用途 on every line: `2024年度工会贷款贴息`.
    pub purpose: String,
    pub lines: Vec<Line>,
    /// The control total (`engine::allocation::total` of the lines).
    pub total: Money,
}

impl BankFile {
    /// `2024年度代发文件-第1批.xlsx` (or `.csv`).
    #[must_use]
    pub fn file_name(&self, extension: &str) -> String {
        format!("{}年度代发文件-第{}批.{extension}", self.year, self.ordinal)
    }
}

/// The file as a workbook: the lines, then the control line.
///
/// # Errors
/// From the writer.
pub fn workbook(file: &BankFile) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let styles = Styles::new();
    let sheet = book.add_worksheet();
    sheet.set_name("代发明细")?;
    let headers: Vec<String> = HEADERS.iter().map(|h| (*h).to_owned()).collect();
    let mut table = Table::new(sheet, &styles, &headers)?;
    for (n, l) in (1_u64..).zip(&file.lines) {
        table.row(&[
            Cell::Count(n),
            Cell::text(l.payee_name.as_str()),
            Cell::code(l.account.as_str()),
            Cell::text(l.bank.as_str()),
            Cell::Money(l.amount),
            Cell::text(file.purpose.as_str()),
        ])?;
    }
    let count = u64::try_from(file.lines.len()).unwrap_or(u64::MAX);
    table.total(&[Cell::text("笔数"), Cell::Count(count), Cell::text("合计"), Cell::Blank, Cell::Money(file.total)])?;
    table.finish(false)?;
    Ok(book)
}

/// A CSV field: quoted when it holds a comma, quote or line break; a text that a
/// spreadsheet would read as a formula gets a leading apostrophe.
fn field(s: &str) -> String {
    let s = if looks_like_formula(s) { format!("'{s}") } else { s.to_owned() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The file as CSV: UTF-8 with a byte-order mark (so that a spreadsheet opens the Chinese
/// text right), CRLF line ends, amounts in 元 with two decimals and no separators.
#[must_use]
pub fn csv(file: &BankFile) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADERS.join(","));
    out.push_str("\r\n");
    for (n, l) in (1..).zip(&file.lines) {
        let _ = write!(
            out,
            "{n},{},{},{},{},{}\r\n",
            field(&l.payee_name),
            field(&l.account),
            field(&l.bank),
            l.amount,
            field(&file.purpose)
        );
    }
    let _ = write!(out, "笔数,{},合计,,{},\r\n", file.lines.len(), file.total);
    out
}
