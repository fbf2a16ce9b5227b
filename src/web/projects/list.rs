//! The project list's money and its export (issue 17 item 2): each listed project's loans
//! total (read through `app::lists`, summed by `engine::report`), the 合计 of what is
//! listed, and `GET /rounds/<year>/projects.xlsx` with the page's filters: every project
//! they match (all pages), the columns as on the page, and the 合计 row.

use serde::Serialize;

use crate::app::lists::{self, Conn, Db, Filter, Record};
use crate::engine::{report, Money, Project};
use crate::error::AppError;
use crate::export::sheet::Cell;
use crate::web::accounts::auth::Session;
use crate::web::kernel::views::{self, ProjectRow};
use crate::web::reports::workbooks::Xlsx;

/// The 合计 of listed rows, as shown.
#[derive(Debug, Serialize, Default)]
pub struct Totals {
    pub projects: usize,
    pub households: u64,
    pub principal: String,
    pub requested: String,
}

/// The listed projects as rows with their loans total, and the 合计 of those rows.
///
/// # Errors
/// A database error.
pub(crate) async fn rows(conn: &mut Conn, list: &[(Record, Project)]) -> Result<(Vec<ProjectRow>, Totals), AppError> {
    let principals = lists::principals(conn, list).await?;
    Ok(shown(list, &principals))
}

/// The rows and their 合计, from the projects and their loans totals.
fn shown(list: &[(Record, Project)], principals: &[Money]) -> (Vec<ProjectRow>, Totals) {
    let rows = list.iter().zip(principals).map(|((r, p), m)| ProjectRow::new(r, p, *m)).collect();
    let totals = Totals {
        projects: list.len(),
        households: list.iter().map(|(_, p)| u64::from(p.households)).sum(),
        principal: views::yuan(report::sum(principals.iter().copied())),
        requested: views::yuan(report::sum(list.iter().map(|(r, _)| r.requested))),
    };
    (rows, totals)
}

/// The filters in words, for the export's second line.
fn in_words(f: &Filter) -> String {
    let state = f.state.as_deref().and_then(crate::review::State::parse).map(crate::review::State::label);
    let status = f.status.as_deref().and_then(crate::labels::status);
    let kind = f
        .applicant_type
        .as_deref()
        .and_then(crate::engine::ApplicantType::parse)
        .map(crate::engine::ApplicantType::label);
    [("团场", f.unit.as_deref()), ("主体类型", kind), ("试算结果", status), ("审核状态", state)]
        .iter()
        .filter_map(|(name, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{name}：{v}")))
        .collect::<Vec<_>>()
        .join("；")
}

/// What the page's filters show, every page of it, as a workbook.
#[get("/rounds/<year>/projects.xlsx?<filter..>")]
pub(crate) async fn export(db: &Db, session: Session, year: i32, filter: Filter) -> Result<Xlsx, AppError> {
    let filter = filter.without_blanks();
    let round = crate::app::rounds::find(db, year).await?;
    let (list, principals) = lists::projects(db, session.actor(), round.id, &filter).await?;
    let (rows, totals) = shown(&list, &principals);
    let book = workbook(year, &in_words(&filter), &rows, &totals).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::web::reports::workbooks::xlsx(book, format!("{year}年度项目.xlsx"), format!("tiexi-projects-{year}.xlsx"))
        .await
}

/// The page's columns (without the selection box).
pub const HEADERS: [&str; 12] = [
    "项目编号",
    "项目名称",
    "团场",
    "主体类型",
    "负责人",
    "身份证号",
    "带动职工户数",
    "贷款金额",
    "申请贴息",
    "试算结果",
    "审核状态",
    "贴息结果",
];

fn workbook(
    year: i32,
    filters: &str,
    rows: &[ProjectRow],
    totals: &Totals,
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    let money = |s: &str| s.replace(',', "").parse::<Money>().map_or(Cell::Blank, Cell::Money);
    let list = crate::export::list::List {
        title: format!("{year}年度项目"),
        filters: filters.to_string(),
        headers: HEADERS.map(String::from).to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::code(r.key.as_str()),
                    Cell::text(r.name.as_str()),
                    Cell::text(r.unit.as_str()),
                    Cell::text(r.applicant_type),
                    Cell::text(r.leader.as_str()),
                    Cell::code(r.id_number.as_str()),
                    Cell::Count(u64::from(r.households)),
                    money(&r.principal),
                    money(&r.requested),
                    Cell::text(r.status_label),
                    Cell::text(r.state.label()),
                    Cell::text(r.outcome),
                ]
            })
            .collect(),
        total: Some(total_row(totals)),
    };
    crate::export::list::workbook(&list)
}

/// The export's 合计 row, under the columns it sums.
fn total_row(totals: &Totals) -> Vec<Cell<'_>> {
    let money = |s: &str| s.replace(',', "").parse::<Money>().map_or(Cell::Blank, Cell::Money);
    vec![
        Cell::text("合计"),
        Cell::text(format!("{} 个项目", totals.projects)),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Count(totals.households),
        money(&totals.principal),
        money(&totals.requested),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
    ]
}
