//! The reports of issue 6: the annual report (年度报表), the cumulative report (累计报表)
//! and a batch's payment list (拨付明细表). They render what the engine computed
//! (`engine::report`, `engine::figures`) beside what storage read; every 合计 is a number
//! from the engine, never a formula, and text never becomes a formula (`sheet::text`).
//!
//! Every sheet looks the way a finance office prints it: a title, 制表单位 and 制表日期,
//! a bold frozen header row with an autofilter, widths that fit, landscape A4 fitted to the
//! page width with the header row repeated and page numbers in the footer. The long sheets
//! are written row by row in constant memory.

mod detail;
mod funds;
mod history;
pub mod payment;
mod summary;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, RowNum, Workbook, Worksheet, XlsxError};

use super::sheet::{text, Styles};
use crate::engine::report::YearFigures;
use crate::engine::{Money, Policy, Project, RoundResult};

/// Who made the report and when (制表单位, 制表日期), and whether ID numbers show in full.
#[derive(Debug, Clone)]
pub struct Heading {
    pub issuer: String,
    pub made_on: NaiveDate,
    /// Full ID numbers: only for a role that may see them (division staff, on request).
    pub full_ids: bool,
}

/// A disbursement batch as 资金来源 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFunds {
    pub number: String,
    /// 拨付 or 追回.
    pub kind: &'static str,
    /// 待审批, 已审批, 已拨付, 已作废.
    pub state: &'static str,
    pub paid_on: String,
    pub voucher_no: String,
    pub items: u64,
    pub total: Money,
    /// The batch's amount from each pool, in the round's pool order.
    pub parts: Vec<Money>,
}

/// Everything the annual report shows. `paid`, `decisions` run beside `projects`;
/// `pools_paid` beside `result.pools`; `history` is oldest first and ends with this round.
#[derive(Debug, Clone, Copy)]
pub struct Annual<'a> {
    pub heading: &'a Heading,
    pub policy: &'a Policy,
    pub projects: &'a [Project],
    pub result: &'a RoundResult,
    pub paid: &'a [Money],
    /// The decision's reason written by staff (退回, 不予贴息), if any.
    pub decisions: &'a [String],
    pub pools_paid: &'a [Money],
    pub batches: &'a [BatchFunds],
    pub history: &'a [YearFigures],
}

/// The annual report: 汇总, 项目明细, 贷款明细, 资金来源, 团场统计, 历年累计, 图表.
///
/// # Errors
/// When the workbook cannot be made.
pub fn annual(r: &Annual<'_>) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    summary::annual(&mut book, &styles, r)?;
    detail::projects(&mut book, &styles, r)?;
    detail::loans(&mut book, &styles, r)?;
    funds::pools(&mut book, &styles, r)?;
    funds::units(&mut book, &styles, r)?;
    history::years(&mut book, &styles, r.heading, r.history)?;
    history::chart(&mut book, r.history)?;
    Ok(book)
}

/// The cumulative report through a year (rules.md §7 累计): 汇总, 历年累计, 图表.
///
/// # Errors
/// When the workbook cannot be made.
pub fn cumulative(heading: &Heading, history: &[YearFigures]) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    summary::cumulative(&mut book, &styles, heading, history)?;
    history::years(&mut book, &styles, heading, history)?;
    history::chart(&mut book, history)?;
    Ok(book)
}

/// The row of a table's header below the title lines.
pub(crate) const HEADER_ROW: RowNum = 3;

/// The title, 制表单位 and 制表日期 above a table, and the print setup of a finance
/// office: landscape A4, fitted to the page width, header row repeated, page numbers.
///
/// # Errors
/// From the writer.
pub(crate) fn frame(sheet: &mut Worksheet, title: &str, heading: &Heading) -> Result<(), XlsxError> {
    let big = Format::new().set_bold().set_font_size(14);
    text(sheet, 0, 0, title, &big)?;
    text(sheet, 1, 0, &format!("制表单位：{}", heading.issuer), &Format::new())?;
    text(sheet, 2, 0, &format!("制表日期：{}", heading.made_on.format("%Y-%m-%d")), &Format::new())?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    sheet.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    Ok(())
}

/// The label of a count: `u64` from whatever the engine counts in.
pub(crate) fn count(n: usize) -> super::sheet::Cell<'static> {
    super::sheet::Cell::Count(u64::try_from(n).unwrap_or(u64::MAX))
}
