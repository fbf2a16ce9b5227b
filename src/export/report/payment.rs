//! 拨付明细表: the payment list of one disbursement batch, for the finance office and the
//! bank. Payee, bank, account, amount and its pool split, a 合计 row, the control totals
//! (笔数, 金额) and the signature lines. Account numbers are full only for a role that pays.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

use super::super::mask;
use super::super::sheet::{text, Cell, Styles};
use super::super::table::Table;
use super::{count, frame, Heading, HEADER_ROW};
use crate::engine::report;
use crate::engine::Money;

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
    pub paid_on: String,
    pub pools: Vec<String>,
    pub items: Vec<PaymentItem>,
    /// Full account numbers (division staff); otherwise `mask::account`.
    pub full_accounts: bool,
}

/// The state label of a batch state of the schema.
#[must_use]
pub fn state_label(state: &str) -> &'static str {
    match state {
        "prepared" => "待审批",
        "approved" => "已审批",
        "paid" => PAID,
        _ => "已作废",
    }
}

/// The kind label of a batch kind of the schema.
#[must_use]
pub fn kind_label(kind: &str) -> &'static str {
    if kind == "clawback" {
        "追回"
    } else {
        "拨付"
    }
}

/// The payment list workbook.
///
/// # Errors
/// When the workbook cannot be made.
pub fn workbook(heading: &Heading, list: &PaymentList) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("拨付明细表")?;
    let title = format!("{}年度贷款贴息资金{}明细表（批次 {}）", list.year, list.kind, list.number);
    frame(sheet, &title, heading)?;
    let mut headers: Vec<String> =
        ["序号", "团场", "项目编号", "项目名称", "收款人", "开户银行", "银行账号", "金额（元）"]
            .map(String::from)
            .to_vec();
    headers.extend(list.pools.iter().map(|p| format!("{p}（元）")));
    let mut table = Table::at(sheet, &styles, &headers, HEADER_ROW)?;
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
        table.row(&row)?;
    }
    let total = report::sum(list.items.iter().map(|i| i.amount));
    let mut row = vec![Cell::text("合计"), Cell::text(format!("共{}笔", list.items.len()))];
    row.extend(std::iter::repeat_n(Cell::Blank, 5));
    row.push(Cell::Money(total));
    let parts = report::column_sums(list.items.iter().map(|i| i.parts.as_slice()), list.pools.len());
    row.extend(parts.into_iter().map(Cell::Money));
    table.total(&row)?;
    let (sheet, next) = table.finish_with(true)?;
    footer(sheet, next + 1, list, total)?;
    Ok(book)
}

/// The control totals, the voucher and the three signature lines below the table.
fn footer(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, list: &PaymentList, total: Money) -> Result<(), XlsxError> {
    let plain = Format::new();
    let money = Format::new().set_num_format(super::super::sheet::MONEY);
    text(sheet, row, 0, "控制合计", &Format::new().set_bold())?;
    text(sheet, row, 1, "笔数", &plain)?;
    let left = Format::new().set_align(rust_xlsxwriter::FormatAlign::Left);
    sheet.write_number_with_format(row, 2, u32::try_from(list.items.len()).unwrap_or(u32::MAX), &left)?;
    text(sheet, row, 3, "金额（元）", &plain)?;
    sheet.write_with_format(row, 4, total.yuan(), &money)?;
    text(sheet, row + 1, 0, "状态", &plain)?;
    text(sheet, row + 1, 1, list.state, &plain)?;
    text(sheet, row + 1, 3, "凭证号", &plain)?;
    text(sheet, row + 1, 4, &list.voucher_no, &plain)?;
    text(sheet, row + 1, 5, "拨付日期", &plain)?;
    text(sheet, row + 1, 6, &list.paid_on, &plain)?;
    let line = Format::new().set_border_bottom(FormatBorder::Thin);
    for (col, label) in [(0, "经办人："), (3, "审核人："), (5, "批准人：")] {
        text(sheet, row + 3, col, label, &plain)?;
        sheet.write_blank(row + 3, col + 1, &line)?;
    }
    for (col, label) in [(0, "日期："), (3, "日期："), (5, "日期：")] {
        text(sheet, row + 4, col, label, &plain)?;
        sheet.write_blank(row + 4, col + 1, &line)?;
    }
    Ok(())
}
