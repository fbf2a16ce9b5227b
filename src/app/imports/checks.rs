//! What an import may do to a round (issue 12, docs/rules.md §10): it adds projects and
//! updates those still in the applicant's hands, and never rewrites a decision. A row whose
//! 项目编号 belongs to another 团场's project, or to a project that is regiment reviewed or
//! later, rejected, withdrawn or holds money, is an error at that row; an update lists each
//! field old → new; a workbook of another year gets a warning. The preview and the
//! confirmation run the same check, the latter inside its write transaction.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::diff::{changes, FieldChange};
use crate::engine::{EventKind, Policy, Project};
use crate::error::AppError;
use crate::export::mask;
use crate::export::report::formal::yuan;
use crate::import::{Parsed, RowError};
use crate::storage::{self, projects::Record, Conn};

/// A stored project of the round, as the check needs it.
pub struct Stored {
    pub record: Record,
    pub project: Project,
    pub holds_money: bool,
    /// Its place in the round's order (`storage::load::round`: by position).
    pub at: usize,
}

/// The round's projects by key.
///
/// # Errors
/// A database error.
pub async fn stored(conn: &mut Conn, round_id: i64) -> Result<HashMap<String, Stored>, AppError> {
    let holding = storage::projects::holding_money(conn, round_id).await?;
    let all = storage::load::round(conn, round_id).await?;
    Ok(all
        .into_iter()
        .enumerate()
        .map(|(at, (record, project))| {
            let holds_money = holding.contains(&record.id) || record.granted.is_positive() || record.paid.is_positive();
            (project.key.clone(), Stored { record, project, holds_money, at })
        })
        .collect())
}

/// A stored project the workbook updates, with what changes.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectChange {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub fields: Vec<FieldChange>,
}

/// What the check found besides the row errors it added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    /// Updated projects and their changes (unchanged ones are not listed).
    pub changes: Vec<ProjectChange>,
    /// Keys of the projects the workbook adds.
    pub added: Vec<String>,
    /// Keys of the projects refused because of what is stored (not because of their rows).
    pub refused: Vec<String>,
    /// Shown at the top of the preview; never stop the import.
    pub warnings: Vec<String>,
    /// The projects left out for what is stored or for their 团场, listed first on the
    /// preview's pages (`view`).
    pub faulty: Vec<Faulty>,
}

/// A project of the workbook that will not be imported, and why (issue 17 item 3).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Faulty {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub leader: String,
    pub loans: usize,
    pub why: String,
}

impl Faulty {
    #[must_use]
    pub fn of(p: &Project, why: &str) -> Faulty {
        Faulty {
            key: shown_key(p),
            name: p.name.clone(),
            unit: p.applicant.unit.clone(),
            leader: p.applicant.leader.clone(),
            loans: p.loans.len(),
            why: why.to_string(),
        }
    }
}

fn shown_key(p: &Project) -> String {
    mask::project_key(&p.key, &p.applicant.id_number)
}

/// Why the stored project may not be changed by a workbook, if it may not.
fn refusal(new: &Project, s: &Stored) -> Option<String> {
    let what = format!("项目“{}”（{}）", s.project.name, s.project.applicant.unit);
    if new.applicant.unit != s.project.applicant.unit {
        return Some(format!(
            "已是本年度{}的{what}，不能由{}的申报表导入或修改；如属填错团场，请联系师市总工会更正",
            s.project.applicant.unit, new.applicant.unit
        ));
    }
    let state = s.record.state;
    if state.open_to_workbook() && !s.holds_money {
        return None;
    }
    let money = if s.holds_money {
        format!("，已有核定或拨付（核定 {} 元，已拨付 {} 元）", yuan(s.record.granted), yuan(s.record.paid))
    } else {
        String::new()
    };
    Some(format!("{what}当前状态为“{}”{money}，导入不能修改；须由审核人员退回修改后再导入", state.label()))
}

/// Refuse a project at each of its rows, in the column of its key.
fn refuse_rows(parsed_sheet: &str, p: &Project, why: &str, errors: &mut Vec<RowError>) {
    let by_number = !p.key.starts_with(&format!("{}/", p.applicant.id_number));
    let (column, key) = if by_number { ("项目编号", "project_no") } else { ("身份证号", "id_number") };
    for loan in &p.loans {
        let e = RowError::sheet(parsed_sheet, loan.row, column, &shown_key(p), why).with_key(key);
        errors.push(e);
    }
}

/// Check the parsed workbook against the round: refused projects leave `parsed` (their rows
/// become errors), the rest are sorted into added and changed.
pub(crate) fn check(
    policy: &Policy,
    parsed: &mut Parsed,
    stored: &HashMap<String, Stored>,
    units: &[String],
) -> Findings {
    let mut found = Findings::default();
    let mut kept = Vec::with_capacity(parsed.projects.len());
    for p in std::mem::take(&mut parsed.projects) {
        let Some(s) = stored.get(&p.key) else {
            found.added.push(shown_key(&p));
            kept.push(p);
            continue;
        };
        if let Some(why) = refusal(&p, s) {
            refuse_rows(&parsed.sheet, &p, &why, &mut parsed.errors);
            found.refused.push(shown_key(&p));
            found.faulty.push(Faulty::of(&p, &why));
            parsed.rejected += 1;
            continue;
        }
        let fields = changes(&s.project, &p);
        if !fields.is_empty() {
            found.changes.push(ProjectChange { id: s.record.id, key: shown_key(&p), name: p.name.clone(), fields });
        }
        kept.push(p);
    }
    parsed.projects = kept;
    let sheet = parsed.sheet.clone();
    parsed.errors.sort_by_key(|e| (e.sheet != sheet, e.row));
    found.warnings = warnings(policy, parsed, units);
    found
}

/// The four-digit years (1990 to 2100) written in a text, e.g. in `XX-2023-001`.
fn years(text: &str) -> Vec<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|d| d.len() == 4)
        .filter_map(|d| d.parse().ok())
        .filter(|y| (1990..=2100).contains(y))
        .collect()
}

/// The last day a loan ran: its settlement, else its latest maturity (extensions included).
fn ended(l: &crate::engine::Loan) -> chrono::NaiveDate {
    let extended = l.events.iter().filter_map(|e| match e.kind {
        EventKind::Extension(d) => Some(d),
        _ => None,
    });
    l.settled_on.unwrap_or_else(|| extended.chain([l.maturity_on]).max().unwrap_or(l.maturity_on))
}

/// A workbook of another year (title or keys), loans all ended before the window, 团场 not
/// on the division's list: said at the top of the preview, never an error.
fn warnings(policy: &Policy, parsed: &Parsed, units: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let year = policy.year;
    let titled: Vec<i32> = years(&parsed.title).into_iter().filter(|_| parsed.title.contains('年')).collect();
    if !titled.is_empty() && !titled.contains(&year) {
        out.push(format!(
            "申报表标题“{}”写的是{}年，本年度为{year}年度：请确认没有上传往年的申报表",
            parsed.title, titled[0]
        ));
    }
    let other: Vec<&Project> =
        parsed.projects.iter().filter(|p| !years(&p.key).is_empty() && !years(&p.key).contains(&year)).collect();
    if let Some(first) = other.first() {
        out.push(format!(
            "{} 个项目的编号写的是其他年份（如 {}），本年度为{year}年度：请确认没有上传往年的申报表",
            other.len(),
            shown_key(first)
        ));
    }
    let loans: Vec<_> = parsed.projects.iter().flat_map(|p| &p.loans).collect();
    if !loans.is_empty() && loans.iter().all(|l| ended(l) < policy.window.start) {
        out.push(format!(
            "申报表中全部 {} 笔贷款都在本年度贴息期开始（{}）之前已结清或到期，不会获得贴息：请确认年度是否正确",
            loans.len(),
            policy.window.start
        ));
    }
    if !units.is_empty() {
        let unknown: HashSet<&str> = parsed
            .projects
            .iter()
            .map(|p| p.applicant.unit.as_str())
            .filter(|u| !units.iter().any(|x| x == u))
            .collect();
        let mut unknown: Vec<&str> = unknown.into_iter().collect();
        unknown.sort_unstable();
        if !unknown.is_empty() {
            out.push(format!("团场“{}”不在本师团场名单中：请核对团场名称", unknown.join("”“")));
        }
    }
    out
}
