//! 项目明细 (one row per project, then 合计) and 贷款明细 (one row per loan with its
//! explanation's days and rates, then 合计). Long: written row by row in constant memory.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::mask;
use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::{count, frame, Annual, HEADER_ROW};
use crate::engine::report;
use crate::engine::{Loan, LoanResult, Project, ProjectResult, Reason};

const PROJECT_HEADERS: [&str; 14] = [
    "序号",
    "团场",
    "项目名称",
    "主体类型",
    "主体名称",
    "负责人",
    "身份证号",
    "带动职工户数",
    "贷款金额（元）",
    "申请贴息（元）",
    "核定贴息（元）",
    "已拨付（元）",
    "状态",
    "原因",
];

/// 项目明细.
pub(super) fn projects(book: &mut Workbook, styles: &Styles, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("项目明细")?;
    frame(sheet, &format!("{}年度贴息项目明细表", r.result.year), r.heading)?;
    let mut table = Table::at(sheet, styles, &PROJECT_HEADERS.map(String::from), HEADER_ROW)?.uniform();
    let rows = r.projects.iter().zip(&r.result.projects).zip(r.paid).zip(r.decisions);
    for (i, (((p, pr), paid), decision)) in rows.enumerate() {
        let a = &p.applicant;
        let id: Cow<'_, str> =
            if r.heading.full_ids { Cow::Borrowed(&a.id_number) } else { Cow::Owned(mask::id_number(&a.id_number)) };
        table.row(&[
            count(i + 1),
            Cell::text(&a.unit),
            Cell::text(&p.name),
            Cell::text(p.applicant_type.label()),
            Cell::text(&a.org_name),
            Cell::text(&a.leader),
            Cell::code(id),
            Cell::Count(u64::from(p.households)),
            Cell::Money(p.loans.iter().map(|l| l.principal).sum()),
            Cell::Money(pr.requested),
            Cell::Money(pr.granted),
            Cell::Money(*paid),
            Cell::text(pr.status.label()),
            Cell::text(reasons(pr, decision)),
        ])?;
    }
    let t = report::total(r.projects, r.result, r.paid);
    let mut total = vec![Cell::text("合计"), Cell::text(format!("{}个项目", t.projects))];
    total.extend(std::iter::repeat_n(Cell::Blank, 5));
    total.extend([
        Cell::Count(t.households),
        Cell::Money(t.principal),
        Cell::Money(t.requested),
        Cell::Money(t.granted),
        Cell::Money(t.paid),
    ]);
    table.total(&total)?;
    table.finish(true)
}

/// The engine's reasons, then the reason staff wrote for their decision.
fn reasons<'a>(r: &ProjectResult, decision: &'a str) -> Cow<'a, str> {
    let decision = decision.trim();
    if r.reasons.is_empty() {
        return Cow::Borrowed(decision);
    }
    let mut list: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
    if !decision.is_empty() {
        list.push(decision);
    }
    Cow::Owned(list.join("；"))
}

const LOAN_HEADERS: [&str; 15] = [
    "项目编号",
    "团场",
    "项目名称",
    "贷款合同编号",
    "贷款银行",
    "贷款金额（元）",
    "放款日期",
    "到期日期",
    "贴息天数",
    "合同利率（%）",
    "贴息利率（%）",
    "计算值（元）",
    "贴息（元）",
    "原因",
    "计算分段",
];

/// 贷款明细.
pub(super) fn loans(book: &mut Workbook, styles: &Styles, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("贷款明细")?;
    frame(sheet, &format!("{}年度贷款贴息计算明细表", r.result.year), r.heading)?;
    let mut table = Table::at(sheet, styles, &LOAN_HEADERS.map(String::from), HEADER_ROW)?.uniform();
    for (p, pr) in r.projects.iter().zip(&r.result.projects) {
        let key: Cow<'_, str> = if r.heading.full_ids {
            Cow::Borrowed(&pr.key)
        } else {
            Cow::Owned(mask::project_key(&pr.key, &p.applicant.id_number))
        };
        for (loan, lr) in p.loans.iter().zip(&pr.loans) {
            table.row(&loan_row(&key, p, loan, lr))?;
        }
    }
    let t = report::loan_total(r.projects, r.result);
    let mut total = vec![Cell::text("合计"), Cell::Blank, Cell::Blank, Cell::text(format!("{}笔贷款", t.loans))];
    total.extend([Cell::Blank, Cell::Money(t.principal)]);
    total.extend(std::iter::repeat_n(Cell::Blank, 5));
    total.extend([Cell::Money(t.computed), Cell::Money(t.subsidy)]);
    table.total(&total)?;
    table.finish(true)
}

fn loan_row<'a>(key: &'a str, p: &'a Project, loan: &'a Loan, r: &LoanResult) -> [Cell<'a>; 15] {
    [
        Cell::code(key),
        Cell::text(&p.applicant.unit),
        Cell::text(&p.name),
        Cell::code(&loan.contract_no),
        Cell::text(&loan.bank),
        Cell::Money(loan.principal),
        Cell::Date(loan.disbursed_on),
        Cell::Date(loan.maturity_on),
        Cell::Count(u64::try_from(r.eligible_days).unwrap_or_default()),
        rates(r.pieces.iter().map(|x| x.rate), loan.rate),
        rates(r.pieces.iter().map(|x| x.subsidised_rate), Decimal::ZERO),
        Cell::Money(r.computed),
        Cell::Money(r.subsidy),
        Cell::text(labels(&r.reasons)),
        Cell::text(pieces(r)),
    ]
}

/// The rate of the explanation's pieces: a number when they agree, else each rate in
/// order (`4.35、3.85`), since a rate change splits a loan into pieces of different rates.
fn rates(all: impl Iterator<Item = Decimal> + Clone, none: Decimal) -> Cell<'static> {
    let mut each = all.clone();
    let Some(first) = each.next() else { return Cell::Percent(none) };
    // Most loans have one rate: no list is made for them.
    if each.all(|r| r == first) {
        return Cell::Percent(first);
    }
    let mut seen: Vec<Decimal> = Vec::new();
    for r in all {
        if seen.last() != Some(&r) {
            seen.push(r);
        }
    }
    Cell::text(seen.iter().map(|d| d.normalize().to_string()).collect::<Vec<_>>().join("、"))
}

/// The explanation in one cell: `天数×余额` per piece, for a reader checking by hand.
fn pieces(r: &LoanResult) -> String {
    if r.pieces.len() < 2 {
        return String::new();
    }
    r.pieces.iter().map(|x| format!("{}起{}天×{}元", x.from, x.days, x.balance)).collect::<Vec<_>>().join("；")
}

fn labels(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("；")
}
