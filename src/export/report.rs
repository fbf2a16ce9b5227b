//! The reports (issues 6 and 16): the annual report (年度报表), the cumulative report
//! (累计报表), a batch's payment list (拨付明细表), the 公示名单 and a project's 审批表. They
//! render what the engine computed (`engine::report`, `engine::figures`,
//! `engine::performance`) beside what storage read; every 合计 is a number from the engine,
//! never a formula, and text never becomes a formula (`sheet::text`).
//!
//! Every sheet has the formal layout of `formal`: title, 填报单位（盖章）, 单位, bordered
//! tables with a bold ruled 合计, the signature line, A4 landscape at no less than 9 pt.
//! A report of a round that is not closed says （试算） under every title. The long
//! sheets are written row by row in constant memory.

mod approval;
mod block;
mod detail;
pub mod formal;
mod funds;
mod history;
pub mod payment;
mod performance;
mod policy;
pub mod publicity;
mod ruled;
mod sources;
mod summary;
mod widths;

pub use approval::{approval_form, record_line, ApprovalForm, FormLoan, Opinion};

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::engine::performance::Evaluation;
use crate::engine::report::accounts::PoolAccount;
use crate::engine::report::{Outcome, YearFigures};
use crate::engine::{Figures, Money, Policy, Project, RoundResult};

/// What every report prints about who made it (the division's settings) and when, and
/// whether ID numbers show in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 填报单位: the division's full name.
    pub division: String,
    /// The titles of the signature line, in order (单位负责人, 财务负责人, 审核人, 制表人).
    pub signatures: Vec<String>,
    /// The 制表人's name, after the last title; blank to sign by hand.
    pub preparer: String,
    pub made_on: NaiveDate,
    /// Full ID numbers: only for a role that may see them (division staff, on request).
    pub full_ids: bool,
}

impl Heading {
    /// A heading with the usual signature titles and no 制表人 (tests, benches).
    #[must_use]
    pub fn plain(division: &str, made_on: NaiveDate) -> Heading {
        Heading {
            division: division.to_string(),
            signatures: ["单位负责人", "财务负责人", "审核人", "制表人"].map(String::from).to_vec(),
            preparer: String::new(),
            made_on,
            full_ids: false,
        }
    }
}

/// The account money is paid from (付款账户), printed on payment lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Payer {
    pub name: String,
    pub bank: String,
    pub account: String,
}

/// Money that came into a pool: received this year (到位) or carried in (上年结转).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub on: Option<NaiveDate>,
    pub pool: String,
    /// 本年到位 or 上年结转.
    pub what: &'static str,
    pub document_no: String,
    pub amount: Money,
    pub note: String,
}

/// Money paid out of the pools: a disbursement batch, or a payment before the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The batch's number, or 历史拨付.
    pub what: String,
    /// 拨付 or 追回.
    pub kind: &'static str,
    /// 待审核, 已审核, 已拨付, 已撤销 (`crate::labels::batch_state`).
    pub state: &'static str,
    pub paid_on: Option<NaiveDate>,
    pub voucher_no: String,
    /// Items of a batch; none for a payment before the system (no project list exists).
    pub items: Option<u64>,
    pub total: Money,
    /// The amount from each pool, in the round's pool order.
    pub parts: Vec<Money>,
}

impl Payment {
    /// Money moved (a paid batch, a payment before the system).
    #[must_use]
    pub fn moved(&self) -> bool {
        self.state == payment::PAID
    }
}

/// Money carried from a pool of one round to a pool of the next (结转).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carryover {
    pub on: Option<NaiveDate>,
    /// `2023年度·兵团项目资金`.
    pub from: String,
    pub to: String,
    pub document_no: String,
    pub amount: Money,
}

/// Everything the annual report shows. `paid`, `states`, `outcomes`, `decisions` run
/// beside `projects`; `history` is oldest first and ends with this round.
#[derive(Debug, Clone, Copy)]
pub struct Annual<'a> {
    pub heading: &'a Heading,
    /// A round not closed is a trial (（试算）): its grants and payments may still change.
    pub closed: bool,
    pub policy: &'a Policy,
    pub projects: &'a [Project],
    /// The engine over the projects with the grants on the books in place of the trial ones.
    pub result: &'a RoundResult,
    pub paid: &'a [Money],
    /// Each project's review state, as its label.
    pub states: &'a [&'a str],
    pub outcomes: &'a [Outcome],
    /// The decision's reason written by staff (退回, 不予贴息), if any.
    pub decisions: &'a [String],
    pub pools: &'a [PoolAccount],
    pub receipts: &'a [Receipt],
    pub payments: &'a [Payment],
    pub carryovers: &'a [Carryover],
    /// 带动困难职工户数 of the funded projects.
    pub hardship: u64,
    pub history: &'a [YearFigures],
    /// The press sentence's figures: the closed rounds up to this one, from the first year.
    pub published: Option<&'a (i32, Figures)>,
    pub performance: Option<&'a Evaluation>,
}

impl Annual<'_> {
    /// A sheet's title, with （试算） while the round is open.
    fn title(&self, title: String) -> String {
        if self.closed {
            title
        } else {
            format!("{title}（试算）")
        }
    }

    /// The line under every title while the round is open.
    fn subtitle(&self) -> Option<String> {
        (!self.closed).then(|| "（试算：本年度尚未结束，核定与拨付为截至制表日的账面数）".to_string())
    }
}

/// The annual report: 汇总, 资金来源, 项目明细, 贷款明细, 团场统计, 绩效自评表, 历年累计,
/// 图表, 政策参数.
///
/// # Errors
/// When the workbook cannot be made.
pub fn annual(r: &Annual<'_>) -> Result<Workbook, XlsxError> {
    let mut book = formal::workbook()?;
    summary::annual(&mut book, r)?;
    funds::pools(&mut book, r)?;
    detail::projects(&mut book, r)?;
    detail::loans(&mut book, r)?;
    funds::units(&mut book, r)?;
    performance::sheet(&mut book, r)?;
    let title = history::Titles { heading: r.heading, subtitle: r.subtitle(), trial: !r.closed };
    history::years(&mut book, &title, r.history)?;
    history::chart(&mut book, &title, r.history)?;
    policy::sheet(&mut book, r.heading, r.policy)?;
    Ok(book)
}

/// The cumulative report through a year (docs/rules.md §7 累计): 汇总, 历年累计, 分资金来源, 图表.
/// `sources` holds each round's pools as accounts, beside `history`.
///
/// # Errors
/// When the workbook cannot be made.
pub fn cumulative(
    heading: &Heading,
    history: &[YearFigures],
    sources: &[Vec<PoolAccount>],
    published: Option<&(i32, Figures)>,
) -> Result<Workbook, XlsxError> {
    let mut book = formal::workbook()?;
    let trial = history.iter().any(|y| !y.closed);
    let title = history::Titles {
        heading,
        subtitle: trial.then(|| "（含未结束年度，该年度为截至制表日的账面数）".to_string()),
        trial,
    };
    summary::cumulative(&mut book, &title, history, published)?;
    history::years(&mut book, &title, history)?;
    sources::sheet(&mut book, &title, history, sources)?;
    history::chart(&mut book, &title, history)?;
    Ok(book)
}

/// The label of a count: `u64` from whatever the engine counts in.
pub(crate) fn count(n: usize) -> super::sheet::Cell<'static> {
    super::sheet::Cell::Count(u64::try_from(n).unwrap_or(u64::MAX))
}

/// A rate that may not exist (a rate of nothing): the number, else a dash.
pub(crate) fn rate(r: Option<rust_decimal::Decimal>) -> super::sheet::Cell<'static> {
    r.map_or_else(|| super::sheet::Cell::text("—"), super::sheet::Cell::Percent)
}
