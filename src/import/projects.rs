//! Rows → projects (docs/workbook.md "Sheets", "Columns"): grouping by 项目编号 (or 身份证号
//! and 项目名称), project-level agreement across rows, required values, loan checks.
//! A project with any problem is built as `None`: it is left out whole.

use std::collections::HashMap;

use ahash::RandomState;

use super::columns::{Key, Level, Need, LOANS};
use super::header::Header;
use super::rows::{LoanRow, ProjectFields};
use super::{Options, Payee, RowError};
use crate::engine::{Applicant, ApplicantType, Loan, Project};

/// A project being assembled: its rows in workbook order.
#[derive(Debug, Default)]
pub struct Group {
    pub key: String,
    pub rows: Vec<Box<LoanRow>>,
}

/// Group rows into projects, in order of first appearance (docs/workbook.md "Sheets"):
/// - rows sharing a 项目编号 are one project;
/// - a row without one joins the project of the same 身份证号 and 项目名称;
/// - a row that names no project (no 项目编号, and not both 身份证号 and 项目名称)
///   continues the project above it, unless what it does name is another project: blank
///   later rows inherit, as merged cells do, also where a merge was lost (.ods, copies);
/// - any other row stands alone, and its missing values are reported.
#[derive(Default)]
pub struct Grouping {
    groups: Vec<Group>,
    by_key: HashMap<String, usize, RandomState>,
    by_person: HashMap<(String, String), usize, RandomState>,
    last: Option<usize>,
}

impl Grouping {
    /// Add the next row of the sheet. Rows are grouped as they are read, not once the
    /// sheet has ended: the assembling thread has room while calamine reads, and the
    /// reader never waits for a grouping of the whole sheet (docs/ARCHITECTURE.md "The
    /// parse child").
    pub fn push(&mut self, row: Box<LoanRow>) {
        let person = person(&row);
        let key = match (&row.project.project_no, &person) {
            (Some(no), _) => Some(no.clone()),
            (None, Some(p)) => self
                .by_person
                .get(p)
                .map(|&at| self.groups[at].key.clone())
                .or_else(|| Some(format!("{}/{}", p.0, p.1))),
            (None, None) => None,
        };
        let groups = &mut self.groups;
        let at = match (key, self.last) {
            (Some(key), _) => *self.by_key.entry(key.clone()).or_insert_with(|| new_group(groups, key)),
            (None, Some(at)) if continues(&groups[at], &row) => at,
            (None, _) => new_group(groups, format!("第{}行", row.row)),
        };
        if let Some(p) = person {
            self.by_person.entry(p).or_insert(at);
        }
        self.groups[at].rows.push(row);
        self.last = Some(at);
    }

    /// The projects' groups, in order of first appearance.
    #[must_use]
    pub fn groups(self) -> Vec<Group> {
        self.groups
    }
}

/// Whether a row that names no project of its own belongs to the project above it.
fn continues(group: &Group, row: &LoanRow) -> bool {
    let first = &group.rows[0];
    [Key::IdNumber, Key::ProjectName].into_iter().all(|key| {
        let own = row.project.held(key);
        own.is_none() || own == first.project.held(key)
    }) && (row.found(Key::IdNumber).is_empty() || row.project.id_number.is_some())
}

fn new_group(groups: &mut Vec<Group>, key: String) -> usize {
    groups.push(Group { key, rows: Vec::new() });
    groups.len() - 1
}

/// The 身份证号 (as found, when it could not be read) and 项目名称 of a row.
fn person(row: &LoanRow) -> Option<(String, String)> {
    let id = row.project.id_number.clone().or_else(|| {
        let found: String = row.found(Key::IdNumber).chars().filter(|c| !c.is_whitespace()).collect();
        (!found.is_empty()).then(|| found.to_uppercase())
    })?;
    Some((id, row.project.project_name.clone()?))
}

/// Where errors go: the sheet, its header (for the headers as written), the list, and
/// the columns the sheet lacks (already one error each, never one per row).
pub struct Sink<'a> {
    pub sheet: &'a str,
    pub header: &'a Header,
    pub errors: &'a mut Vec<RowError>,
    pub absent: Vec<Key>,
}

impl Sink<'_> {
    /// Report a problem on a row in the column of `key`, named as the sheet writes it.
    pub fn push(&mut self, row: u32, key: Key, value: &str, message: String) {
        let written = self.header.written_of(key);
        self.errors.push(RowError::sheet(self.sheet, row, &written, value, message).with_key(key.as_str()));
    }

    /// A required value that is blank (or `/`, `无`): an error unless its whole column is
    /// missing or the cell was unreadable (both already reported).
    fn missing(&mut self, row: &LoanRow, key: Key, present: bool) {
        if !present && !self.absent.contains(&key) && !row.unreadable.contains(&key) {
            let what = match key.column().need {
                Need::WhenMembersRequired => "必须填写 是 或 否：本年度要求申报人（或组织的负责人）为工会会员",
                Need::UnlessIndividual => "主体类型不是个人时必须填写主体名称",
                Need::Always | Need::ByEventKind | Need::Optional => "必须填写，不能为空",
            };
            self.push(row.row, key, &row.found(key), what.to_string());
        }
    }
}

/// docs/workbook.md: project-level columns must agree across the rows of one project; a
/// disagreement is an error on the later row, naming the row the value first came from.
fn check_agreement(group: &Group, sink: &mut Sink<'_>) {
    if group.rows.len() < 2 {
        return;
    }
    for col in LOANS.iter().filter(|c| c.level == Level::Project) {
        let mut first: Option<&LoanRow> = None;
        for row in &group.rows {
            let held = row.project.held(col.id);
            match first {
                None => first = Some(&**row).filter(|_| held.is_some()),
                Some(at) if held.is_some() && held != at.project.held(col.id) => {
                    let what = format!(
                        "与同一项目第{}行的“{}”不一致：同一项目各行的{}应相同，请改成一致",
                        at.row,
                        at.found(col.id),
                        col.header
                    );
                    sink.push(row.row, col.id, &row.found(col.id), what);
                }
                Some(_) => {}
            }
        }
    }
}

/// Blank cells of later rows take the value of an earlier row (docs/workbook.md); the rows
/// give their values up.
fn merged(group: &mut Group) -> ProjectFields {
    let mut m = ProjectFields::default();
    for r in &mut group.rows {
        m.inherit(&mut r.project);
    }
    m
}

/// Check a group and build the engine's project and its payee; `None` when it has any
/// problem.
pub fn build(mut group: Group, options: &Options, sink: &mut Sink<'_>) -> Option<(Project, Option<Payee>)> {
    let before = sink.errors.len();
    check_agreement(&group, sink);
    let f = merged(&mut group);
    let first = &group.rows[0];
    // docs/workbook.md: 主体名称 is required unless the applicant is a 个人.
    let person_only = f.applicant_type.is_none_or(|t| t == ApplicantType::Individual);
    for c in LOANS.iter().filter(|c| c.level == Level::Project) {
        let present = f.held(c.id).is_some();
        match c.need {
            Need::Always => sink.missing(first, c.id, present),
            Need::UnlessIndividual => sink.missing(first, c.id, person_only || present),
            Need::WhenMembersRequired => sink.missing(first, c.id, !options.require_union_member || present),
            Need::ByEventKind | Need::Optional => {}
        }
    }
    let loans: Vec<Loan> = group.rows.iter_mut().filter_map(|r| super::loans::loan(r, sink)).collect();
    let unreadable = group.rows.iter().any(|r| !r.unreadable.is_empty());
    if sink.errors.len() > before || unreadable || loans.len() != group.rows.len() {
        return None;
    }
    let payee = payee(&f);
    Some((project(group, f, loans), payee))
}

/// docs/workbook.md: 收款户名, 开户银行 and 银行账号, when the project gives any of them.
fn payee(f: &ProjectFields) -> Option<Payee> {
    let (name, bank, account) = (&f.payee_name, &f.payee_bank, &f.payee_account);
    (name.is_some() || bank.is_some() || account.is_some()).then(|| Payee {
        name: name.clone().unwrap_or_default(),
        bank: bank.clone().unwrap_or_default(),
        account: account.clone().unwrap_or_default(),
    })
}

fn project(group: Group, f: ProjectFields, loans: Vec<Loan>) -> Project {
    let mut extra: Vec<(String, String)> = Vec::new();
    for pair in group.rows.into_iter().flat_map(|r| r.extra) {
        if !extra.contains(&pair) {
            extra.push(pair);
        }
    }
    Project {
        key: group.key,
        name: f.project_name.unwrap_or_default(),
        applicant_type: f.applicant_type.unwrap_or(ApplicantType::Individual),
        union_member: f.union_member,
        households: f.households.unwrap_or(0),
        income_increase: f.income_increase,
        score: f.score,
        applicant: Applicant {
            unit: f.unit.unwrap_or_default(),
            org_name: f.org_name.unwrap_or_default(),
            credit_code: f.credit_code.unwrap_or_default(),
            leader: f.leader.unwrap_or_default(),
            id_number: f.id_number.unwrap_or_default(),
            phone: f.phone.unwrap_or_default(),
            industry: f.industry.unwrap_or_default(),
            hardship_households: f.hardship_households,
            radiated_households: f.radiated_households,
            note: f.note.unwrap_or_default(),
            extra,
        },
        loans,
    }
}
