//! 拨付明细表: the payment list of one disbursement batch, for the finance office and the
//! bank. Payee, bank, account, amount and its pool split, a 合计 row with the total in
//! 大写, the paying account, the control totals, who prepared, approved and paid it, and
//! the signature line. Account numbers are full only for a role that pays.

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::mask;
use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{chinese_date, yuan, Formal};
use super::{count, Heading, Payer};
use crate::engine::{capital, report, Money};

/// The state label of a paid batch.
pub const PAID: &str = "已拨付";

/// One payee of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentItem {
    pub unit: String,
    pub project_key: String,
    pub project_name: String,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account: String,
    /// Signed: a clawback's items are negative.
    pub amount: Money,
    /// The amount from each pool, in `PaymentList::pools` order.
    pub parts: Vec<Money>,
}

/// A batch as its payment list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentList {
    pub year: i32,
    pub number: String,
    /// 拨付 or 追回.
    pub kind: &'static str,
    pub state: &'static str,
    pub voucher_no: String,
    pub paid_on: Option<NaiveDate>,
    pub pools: Vec<String>,
    pub items: Vec<PaymentItem>,
    /// Full account numbers (division staff); otherwise `mask::account`.
    pub full_accounts: bool,
    pub payer: Payer,
    /// Who prepared, approved and paid the batch, as the system recorded it.
    pub record: String,
}

impl PaymentList {
    /// The batch's place in its round: `2024-003` is the 3rd (第3批).
    #[must_use]
    pub fn ordinal(&self) -> String {
        let n = self.number.rsplit('-').next().and_then(|n| n.parse::<u32>().ok());
        n.map_or_else(|| self.number.clone(), |n| n.to_string())
    }

    /// `2024年度拨付明细表-第1批.xlsx`.
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}年度{}明细表-第{}批.xlsx", self.year, self.kind, self.ordinal())
    }
}

/// The payment list workbook.
///
/// # Errors
/// When the workbook cannot be made.
pub fn workbook(heading: &Heading, list: &PaymentList) -> Result<Workbook, XlsxError> {
    let mut book = super::formal::workbook()?;
    let sheet = book.add_worksheet().set_name("拨付明细表")?;
    let f = Formal::new(10);
    let b = block(list);
    let title = format!("{}年度职工自主创业示范项目贷款贴息资金{}明细表", list.year, list.kind);
    let paid = list.paid_on.map_or_else(|| "尚未拨付".to_string(), |d| format!("拨付日期：{}", chinese_date(d)));
    let voucher =
        if list.voucher_no.is_empty() { String::new() } else { format!("    凭证号：{}", list.voucher_no) };
    let subtitle =
        format!("第{}批（批次号 {}）    状态：{}    {paid}{voucher}", list.ordinal(), list.number, list.state);
    b.sheet_alone(sheet, heading, &f, (title, subtitle))?;
    Ok(book)
}

/// The list's table: each payee, the 合计, the total in 大写, the paying account, the
/// control totals and the system's record.
fn block(list: &PaymentList) -> Block<'_> {
    let mut headers: Vec<String> =
        ["序号", "团场", "项目编号", "项目名称", "收款户名", "开户银行", "银行账号", "金额"].map(String::from).to_vec();
    headers.extend(list.pools.iter().cloned());
    let mut b = Block::new(&headers);
    for (i, item) in list.items.iter().enumerate() {
        let account = if list.full_accounts { item.payee_account.clone() } else { mask::account(&item.payee_account) };
        let mut row = vec![
            count(i + 1),
            Cell::text(&item.unit),
            Cell::code(&item.project_key),
            Cell::text(&item.project_name),
            Cell::text(&item.payee_name),
            Cell::text(&item.payee_bank),
            Cell::code(account),
            Cell::Money(item.amount),
        ];
        row.extend(item.parts.iter().map(|m| Cell::Money(*m)));
        b.row(row);
    }
    let total = report::sum(list.items.iter().map(|i| i.amount));
    let mut row = vec![Cell::text("合计"), Cell::text(format!("共{}笔", list.items.len()))];
    row.extend(std::iter::repeat_n(Cell::Blank, 5));
    row.push(Cell::Money(total));
    let parts = report::column_sums(list.items.iter().map(|i| i.parts.as_slice()), list.pools.len());
    row.extend(parts.into_iter().map(Cell::Money));
    b.total(row);
    b.note(format!("合计金额（大写）：人民币{}", capital::amount(total)));
    let p = &list.payer;
    b.note(format!("付款单位：{}    开户银行：{}    银行账号：{}", p.name, p.bank, p.account));
    b.note(format!("控制合计：笔数 {} 笔，金额 {} 元", list.items.len(), yuan(total)));
    b.note(format!("系统记录：{}", list.record));
    b
}
