//! The sheets 项目 (one row per project, then 合计) and 贷款 (one row per loan). They
//! can be long, so they are written row by row in constant memory. ID numbers are masked.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::mask;
use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use crate::engine::facts::CutLimit;
use crate::engine::{Loan, LoanResult, Money, Project, ProjectResult, Reason, RoundResult};

/// 项目: what each project asked and got, its part from each pool, its status and reasons.
pub(super) fn projects_sheet(
    book: &mut Workbook,
    styles: &Styles,
    projects: &[Project],
    result: &RoundResult,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("项目")?;
    let mut headers: Vec<String> = [
        "序号",
        "项目编号",
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
    ]
    .map(String::from)
    .to_vec();
    headers.extend(result.pools.iter().map(|p| format!("{}（元）", p.name)));
    headers.extend(["状态", "原因"].map(String::from));
    let mut table = Table::new(sheet, styles, &headers)?.uniform();
    let mut total = Total { pools: vec![Money::ZERO; result.pools.len()], ..Total::default() };
    for (i, (project, r)) in projects.iter().zip(&result.projects).enumerate() {
        let row = project_row(i, project, r, result.pools.len());
        total.add(project, r);
        table.row(&row)?;
    }
    table.total(&total.row())?;
    table.finish(true)
}

fn project_row<'a>(i: usize, p: &'a Project, r: &ProjectResult, pools: usize) -> Vec<Cell<'a>> {
    let a = &p.applicant;
    let mut row = vec![
        Cell::Count(u64::try_from(i + 1).unwrap_or(u64::MAX)),
        Cell::code(mask::project_key(&r.key, &a.id_number)),
        Cell::text(&a.unit),
        Cell::text(&p.name),
        Cell::text(p.applicant_type.label()),
        Cell::text(&a.org_name),
        Cell::text(&a.leader),
        Cell::code(mask::id_number(&a.id_number)),
        Cell::Count(u64::from(p.households)),
        Cell::Money(p.loans.iter().map(|l| l.principal).sum()),
        Cell::Money(r.requested),
        Cell::Money(r.granted),
    ];
    // The engine leaves `pools` empty for a project it never reached: every part is 0.
    row.extend((0..pools).map(|k| Cell::Money(r.pools.get(k).copied().unwrap_or_default())));
    row.push(Cell::text(r.status.label()));
    row.push(Cell::text(labels(&r.reasons)));
    row
}

/// The 合计 row of 项目: column totals of what the rows show.
#[derive(Default)]
struct Total {
    households: u64,
    principal: Money,
    requested: Money,
    granted: Money,
    pools: Vec<Money>,
}

impl Total {
    fn add(&mut self, p: &Project, r: &ProjectResult) {
        self.households += u64::from(p.households);
        self.principal += p.loans.iter().map(|l| l.principal).sum();
        self.requested += r.requested;
        self.granted += r.granted;
        for (sum, part) in self.pools.iter_mut().zip(&r.pools) {
            *sum += *part;
        }
    }

    fn row(&self) -> Vec<Cell<'_>> {
        let mut row = vec![Cell::text("合计")];
        row.extend(std::iter::repeat_n(Cell::Blank, 7));
        row.extend([
            Cell::Count(self.households),
            Cell::Money(self.principal),
            Cell::Money(self.requested),
            Cell::Money(self.granted),
        ]);
        row.extend(self.pools.iter().map(|m| Cell::Money(*m)));
        row
    }
}

/// 贷款: each loan's days, computed value and subsidy, with its reasons.
pub(super) fn loans_sheet(
    book: &mut Workbook,
    styles: &Styles,
    projects: &[Project],
    result: &RoundResult,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("贷款")?;
    let headers = [
        "项目编号",
        "贷款合同编号",
        "贷款银行",
        "贷款金额（元）",
        "年利率（%）",
        "放款日期",
        "到期日期",
        "结清日期",
        "贴息天数",
        "其他年度已贴息天数",
        "计算值（元）",
        "已付利息（元）",
        "银行结息（元）",
        "审核核减",
        "核定金额（元）",
        "贴息（元）",
        "原因",
        "结息差异（元）",
        "差异可能原因",
    ]
    .map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?.uniform();
    for (project, r) in projects.iter().zip(&result.projects) {
        let key = mask::project_key(&r.key, &project.applicant.id_number);
        for (loan, lr) in project.loans.iter().zip(&r.loans) {
            table.row(&loan_row(&key, loan, lr))?;
        }
    }
    table.finish(true)
}

/// docs/rules.md §9: the caps beside the subsidy, and the statement's difference (docs/cli.md).
fn loan_row<'a>(key: &'a str, loan: &'a Loan, r: &LoanResult) -> [Cell<'a>; 19] {
    let cut = r.cut.as_ref();
    let why = cut.map_or_else(String::new, |c| match (c.limit, c.text.is_empty()) {
        (CutLimit::Excluded, true) => format!("不予贴息：{}", c.reason.label()),
        (CutLimit::Excluded, false) => format!("不予贴息：{}（{}）", c.reason.label(), c.text),
        (CutLimit::Amount(_), true) => format!("核减：{}", c.reason.label()),
        (CutLimit::Amount(_), false) => format!("核减：{}（{}）", c.reason.label(), c.text),
    });
    let allowed = match cut.map(|c| c.limit) {
        Some(CutLimit::Amount(a)) => Cell::Money(a),
        _ => Cell::Blank,
    };
    [
        Cell::code(key),
        Cell::code(&loan.contract_no),
        Cell::text(&loan.bank),
        Cell::Money(loan.principal),
        Cell::Percent(loan.rate),
        Cell::Date(loan.disbursed_on),
        Cell::Date(loan.maturity_on),
        Cell::date(loan.settled_on),
        Cell::Count(u64::try_from(r.eligible_days).unwrap_or_default()),
        Cell::Count(u64::try_from(r.already_subsidised_days).unwrap_or_default()),
        Cell::Money(r.computed),
        loan.interest_paid.map_or(Cell::Blank, Cell::Money),
        r.certified.map_or(Cell::Blank, Cell::Money),
        Cell::text(why),
        allowed,
        Cell::Money(r.subsidy),
        Cell::text(labels(&r.reasons)),
        r.statement_difference.map_or(Cell::Blank, Cell::Money),
        Cell::text(r.statement_cause.map_or("", |c| c.label())),
    ]
}

/// Reasons in a finance office's words, joined as a Chinese list.
fn labels(reasons: &[Reason]) -> String {
    reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("；")
}
