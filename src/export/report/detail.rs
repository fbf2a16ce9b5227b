//! 项目明细 (one row per project, then 合计) and 贷款明细 (one row per loan, then 合计 and
//! the project-level cuts that lead from the loans' subsidies to the projects' requests).
//! Long: written row by row in constant memory, in 9 pt so that they fit the page's width.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::mask;
use super::super::sheet::Cell;
use super::formal::{frame, repeat_header, set_widths, signatures, Formal, Frame};
use super::ruled::{Measure, Ruled};
use super::{count, Annual};
use crate::engine::report::{self, Outcome};
use crate::engine::{ApplicantType, Loan, LoanResult, Project, ProjectResult, Reason};

const PROJECT_HEADERS: [&str; 14] = [
    "序号",
    "项目编号",
    "团场",
    "项目名称",
    "申报主体",
    "负责人及身份证号",
    "申报带动户数",
    "贷款金额",
    "申请贴息",
    "已核定",
    "已拨付",
    "审核状态",
    "贴息结果",
    "说明",
];

/// The applicant as a list names it: the organisation, else the person.
fn applicant(p: &Project) -> &str {
    if p.applicant_type == ApplicantType::Individual || p.applicant.org_name.trim().is_empty() {
        &p.applicant.leader
    } else {
        &p.applicant.org_name
    }
}

/// A project's key with its ID number masked unless the heading shows them in full.
fn key<'a>(r: &Annual<'_>, pr: &'a ProjectResult, p: &Project) -> Cow<'a, str> {
    if r.heading.full_ids {
        Cow::Borrowed(&pr.key)
    } else {
        Cow::Owned(mask::project_key(&pr.key, &p.applicant.id_number))
    }
}

/// One row of 项目明细.
fn project_row<'a>(r: &'a Annual<'_>, i: usize) -> [Cell<'a>; 14] {
    let (p, pr) = (&r.projects[i], &r.result.projects[i]);
    let a = &p.applicant;
    let id: Cow<'_, str> =
        if r.heading.full_ids { Cow::Borrowed(&a.id_number) } else { Cow::Owned(mask::id_number(&a.id_number)) };
    // Two lines in one column, so that the table fits the page's width at 9 pt.
    let leader = format!("{}\n{id}", a.leader);
    [
        count(i + 1),
        Cell::code(key(r, pr, p)),
        Cell::text(&a.unit),
        Cell::text(&p.name),
        Cell::text(applicant(p)),
        Cell::code(leader),
        Cell::Count(u64::from(p.households)),
        Cell::Money(p.loans.iter().map(|l| l.principal).sum()),
        Cell::Money(pr.requested),
        Cell::Money(pr.granted),
        Cell::Money(r.paid[i]),
        Cell::text(r.states[i]),
        Cell::text(r.outcomes[i].label()),
        Cell::text(reasons(pr, &r.decisions[i], r.outcomes[i])),
    ]
}

/// 项目明细: measured in a first pass over the projects, then written row by row.
pub(super) fn projects(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("项目明细")?;
    let f = Formal::new(9);
    let t = report::total(r.projects, r.result, r.paid);
    let mut total = vec![Cell::text("合计"), Cell::text(format!("{}个项目", t.projects))];
    total.extend(std::iter::repeat_n(Cell::Blank, 4));
    total.extend([
        Cell::Count(t.households),
        Cell::Money(t.principal),
        Cell::Money(t.requested),
        Cell::Money(t.granted),
        Cell::Money(t.paid),
    ]);
    let mut m = Measure::new(&f);
    m.headers(&PROJECT_HEADERS);
    for i in 0..r.projects.len() {
        m.row(&project_row(r, i), false);
    }
    m.row(&total, true);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(PROJECT_HEADERS.len()).unwrap_or(14);
    let title = r.title(format!("{}年度贴息项目明细表", r.result.year));
    let at = frame(sheet, r.heading, &Frame { title, subtitle: r.subtitle(), unit: Some("元"), columns })?;
    repeat_header(sheet)?;
    let mut table = Ruled::at(sheet, &f, &PROJECT_HEADERS, at, &widths)?.uniform().freeze()?;
    for i in 0..r.projects.len() {
        table.row(&project_row(r, i))?;
    }
    table.total(&total)?;
    let (sheet, next) = table.finish()?;
    signatures(sheet, r.heading, next, &widths)?;
    Ok(())
}

/// The engine's reasons, then the reason staff wrote for their decision.
fn reasons<'a>(r: &ProjectResult, decision: &'a str, outcome: Outcome) -> Cow<'a, str> {
    let decision = decision.trim();
    let mut list: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
    if outcome == Outcome::Waitlisted {
        list.push("预算已用完，未获核定");
    }
    if list.is_empty() {
        return Cow::Borrowed(decision);
    }
    if !decision.is_empty() {
        list.push(decision);
    }
    Cow::Owned(list.join("；"))
}

const LOAN_HEADERS: [&str; 14] = [
    "项目编号",
    "借款人",
    "贷款合同编号",
    "贷款银行",
    "贷款金额",
    "放款日期",
    "到期日期",
    "结清日期",
    "贴息天数",
    "合同利率（%）",
    "贴息利率（%）",
    "实付利息",
    "贴息金额",
    "说明",
];

/// The 合计 of 贷款明细 and the lines from it to 项目明细's 申请贴息.
fn loan_totals(r: &Annual<'_>) -> [Vec<Cell<'static>>; 3] {
    let t = report::loan_total(r.projects, r.result);
    let sums = |label: &'static str, m, note: &'static str| {
        let mut row = vec![Cell::text(label)];
        row.extend(std::iter::repeat_n(Cell::Blank, 11));
        row.extend([Cell::Money(m), Cell::text(note)]);
        row
    };
    let mut total = vec![Cell::text("合计"), Cell::text(format!("{}笔贷款", t.loans)), Cell::Blank, Cell::Blank];
    total.push(Cell::Money(t.principal));
    total.extend(std::iter::repeat_n(Cell::Blank, 7));
    total.push(Cell::Money(t.subsidy));
    [
        total,
        sums("减：项目核减", t.cut, "每项目贴息上限等项目层面限额"),
        sums("申请贴息", t.subsidy - t.cut, "与项目明细合计一致"),
    ]
}

/// Every loan's row, in order, to `row`.
fn each_loan(r: &Annual<'_>, row: &mut dyn FnMut(&[Cell]) -> Result<(), XlsxError>) -> Result<(), XlsxError> {
    for (p, pr) in r.projects.iter().zip(&r.result.projects) {
        let key = key(r, pr, p);
        let note = cut_note(pr, report::cut(pr));
        for (loan, lr) in p.loans.iter().zip(&pr.loans) {
            row(&loan_row(&key, p, loan, lr, note.as_deref()))?;
        }
    }
    Ok(())
}

/// 贷款明细: each loan, the 合计, then what the projects' own limits cut from it, so that
/// the last line is 项目明细's 申请贴息. Measured in a first pass, then written row by row.
pub(super) fn loans(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("贷款明细")?;
    let f = Formal::new(9);
    let totals = loan_totals(r);
    let mut m = Measure::new(&f);
    m.headers(&LOAN_HEADERS);
    each_loan(r, &mut |cells| {
        m.row(cells, false);
        Ok(())
    })?;
    for total in &totals {
        m.row(total, true);
    }
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(LOAN_HEADERS.len()).unwrap_or(14);
    let title = r.title(format!("{}年度贷款贴息计算明细表", r.result.year));
    let at = frame(sheet, r.heading, &Frame { title, subtitle: r.subtitle(), unit: Some("元"), columns })?;
    repeat_header(sheet)?;
    let mut table = Ruled::at(sheet, &f, &LOAN_HEADERS, at, &widths)?.uniform().freeze()?;
    each_loan(r, &mut |cells| table.row(cells))?;
    for total in &totals {
        table.total(total)?;
    }
    let (sheet, next) = table.finish()?;
    signatures(sheet, r.heading, next, &widths)?;
    Ok(())
}

/// What a loan's row says about its project's cut, if its project was cut.
fn cut_note(pr: &ProjectResult, cut: crate::engine::Money) -> Option<String> {
    cut.is_positive().then(|| {
        let why = if pr.reasons.contains(&Reason::LimitedByProjectCap) {
            "超过每项目贴息上限"
        } else {
            "受项目限额"
        };
        format!("所属项目{why}，项目合计核减{}元", super::formal::yuan(cut))
    })
}

fn loan_row<'a>(key: &'a str, p: &'a Project, loan: &'a Loan, r: &LoanResult, cut: Option<&str>) -> [Cell<'a>; 14] {
    let mut note = labels(&r.reasons);
    // docs/rules.md §9: what the loan computed against what the reviewer's cut left, and why.
    if let Some(c) = &r.cut {
        let shown = format!("计算值{}元，{}", super::formal::yuan(r.computed), crate::export::cut::describe(c));
        note = if note.is_empty() { shown } else { format!("{note}；{shown}") };
    }
    if let Some(cut) = cut {
        if !note.is_empty() {
            note.push('；');
        }
        note.push_str(cut);
    }
    [
        Cell::code(key),
        Cell::text(applicant(p)),
        Cell::code(&loan.contract_no),
        Cell::text(&loan.bank),
        Cell::Money(loan.principal),
        Cell::Date(loan.disbursed_on),
        Cell::Date(loan.maturity_on),
        Cell::date(loan.settled_on),
        Cell::Count(u64::try_from(r.eligible_days).unwrap_or_default()),
        rates(r.pieces.iter().map(|x| x.rate), loan.rate),
        rates(r.pieces.iter().map(|x| x.subsidised_rate), Decimal::ZERO),
        loan.interest_paid.map_or(Cell::Blank, Cell::Money),
        Cell::Money(r.subsidy),
        Cell::text(note),
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

fn labels(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("；")
}
