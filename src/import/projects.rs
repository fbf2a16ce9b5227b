//! Rows → projects (workbook.md "Sheets", "Columns"): grouping by 项目编号 (or 身份证号
//! and 项目名称), project-level agreement across rows, required values, loan checks.
//! A project with any problem is built as `None`: it is left out whole.

use std::collections::HashMap;

use super::columns::LOAN_COLUMNS;
use super::header::Header;
use super::rows::{comparable, LoanRow, ProjectFields};
use super::{Options, RowError};
use crate::engine::{Applicant, ApplicantType, Loan, Project};

/// A project being assembled: its rows in workbook order.
#[derive(Debug, Default)]
pub struct Group {
    pub key: String,
    pub rows: Vec<Box<LoanRow>>,
}

/// Group rows into projects, in order of first appearance (workbook.md "Sheets"):
/// - rows sharing a 项目编号 are one project;
/// - a row without one joins the project of the same 身份证号 and 项目名称;
/// - a row that names no project (no 项目编号, and not both 身份证号 and 项目名称)
///   continues the project above it, unless what it does name is another project: blank
///   later rows inherit, as merged cells do, also where a merge was lost (.ods, copies);
/// - any other row stands alone, and its missing values are reported.
#[must_use]
pub fn group(rows: Vec<Box<LoanRow>>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut by_person: HashMap<(String, String), usize> = HashMap::new();
    let mut last: Option<usize> = None;
    for row in rows {
        let person = person(&row);
        let key = match (&row.project.project_no, &person) {
            (Some(no), _) => Some(no.clone()),
            (None, Some(p)) => {
                by_person.get(p).map(|&at| groups[at].key.clone()).or_else(|| Some(format!("{}/{}", p.0, p.1)))
            }
            (None, None) => None,
        };
        let at = match (key, last) {
            (Some(key), _) => *by_key.entry(key.clone()).or_insert_with(|| new_group(&mut groups, key)),
            (None, Some(at)) if continues(&groups[at], &row) => at,
            (None, _) => new_group(&mut groups, format!("第{}行", row.row)),
        };
        if let Some(p) = person {
            by_person.entry(p).or_insert(at);
        }
        groups[at].rows.push(row);
        last = Some(at);
    }
    groups
}

/// Whether a row that names no project of its own belongs to the project above it.
fn continues(group: &Group, row: &LoanRow) -> bool {
    let first = &group.rows[0];
    ["id_number", "project_name"].iter().all(|key| {
        let own = comparable(&row.project, key);
        own.is_none() || own == comparable(&first.project, key)
    }) && (row.found("id_number").is_empty() || row.project.id_number.is_some())
}

fn new_group(groups: &mut Vec<Group>, key: String) -> usize {
    groups.push(Group { key, rows: Vec::new() });
    groups.len() - 1
}

/// The 身份证号 (as found, when it could not be read) and 项目名称 of a row.
fn person(row: &LoanRow) -> Option<(String, String)> {
    let id = row.project.id_number.clone().or_else(|| {
        let found: String = row.found("id_number").chars().filter(|c| !c.is_whitespace()).collect();
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
    pub absent: Vec<&'static str>,
}

impl Sink<'_> {
    /// Report a problem on a row in the column of `key`, named as the sheet writes it.
    pub fn push(&mut self, row: u32, key: &'static str, value: &str, message: String) {
        let written = self.header.written(key, LOAN_COLUMNS);
        self.errors.push(RowError::sheet(self.sheet, row, &written, value, message).with_key(key));
    }

    /// A required value that is blank (or `/`, `无`): an error unless its whole column is
    /// missing or the cell was unreadable (both already reported).
    fn missing(&mut self, row: &LoanRow, key: &'static str, present: bool) {
        if !present && !self.absent.contains(&key) && !row.unreadable.contains(&key) {
            let what = match key {
                "union_member" => "必须填写 是 或 否：本年度要求申报人（或组织的负责人）为工会会员",
                "org_name" => "主体类型不是个人时必须填写主体名称",
                _ => "必须填写，不能为空",
            };
            self.push(row.row, key, &row.found(key), what.to_string());
        }
    }
}

/// workbook.md: project-level columns must agree across the rows of one project; a
/// disagreement is an error on the later row, naming the row the value first came from.
fn check_agreement(group: &Group, sink: &mut Sink<'_>) {
    if group.rows.len() < 2 {
        return;
    }
    for col in LOAN_COLUMNS.iter().filter(|c| c.project_level) {
        let mut first: Option<&LoanRow> = None;
        for row in &group.rows {
            match first {
                None => first = Some(&**row).filter(|r| has_value(&r.project, col.key)),
                Some(at) if has_value(&row.project, col.key) && !same(&at.project, &row.project, col.key) => {
                    let what = format!(
                        "与同一项目第{}行的“{}”不一致：同一项目各行的{}应相同，请改成一致",
                        at.row,
                        at.found(col.key),
                        col.header
                    );
                    sink.push(row.row, col.key, &row.found(col.key), what);
                }
                Some(_) => {}
            }
        }
    }
}

/// Whether a row has a value for a project-level key (`comparable` is not `None`).
fn has_value(p: &ProjectFields, key: &str) -> bool {
    match key {
        "applicant_type" => p.applicant_type.is_some(),
        "union_member" => p.union_member.is_some(),
        "households" => p.households.is_some(),
        "hardship_households" => p.hardship_households.is_some(),
        "radiated_households" => p.radiated_households.is_some(),
        "income_increase" => p.income_increase.is_some(),
        _ => text_of(p, key).map_or_else(|| comparable(p, key).is_some(), Option::is_some),
    }
}

/// Whether two rows agree on a project-level key, as their `comparable` values do, without
/// building them: text without its spaces, the rest as read.
fn same(a: &ProjectFields, b: &ProjectFields, key: &str) -> bool {
    match key {
        "applicant_type" => a.applicant_type == b.applicant_type,
        "union_member" => a.union_member == b.union_member,
        "households" => a.households == b.households,
        "hardship_households" => a.hardship_households == b.hardship_households,
        "radiated_households" => a.radiated_households == b.radiated_households,
        "income_increase" => a.income_increase == b.income_increase,
        _ => match (text_of(a, key), text_of(b, key)) {
            (Some(Some(x)), Some(Some(y))) => {
                x.chars().filter(|c| !c.is_whitespace()).eq(y.chars().filter(|c| !c.is_whitespace()))
            }
            _ => comparable(a, key) == comparable(b, key),
        },
    }
}

/// The field of a project-level text key (`None` for the keys that are not text).
fn text_of<'a>(p: &'a ProjectFields, key: &str) -> Option<&'a Option<String>> {
    let t = match key {
        "project_no" => &p.project_no,
        "unit" => &p.unit,
        "project_name" => &p.project_name,
        "org_name" => &p.org_name,
        "credit_code" => &p.credit_code,
        "leader" => &p.leader,
        "id_number" => &p.id_number,
        "phone" => &p.phone,
        "industry" => &p.industry,
        "note" => &p.note,
        _ => return None,
    };
    Some(t)
}

/// Blank cells of later rows take the value of an earlier row (workbook.md).
fn merged(group: &Group) -> ProjectFields {
    let mut m = ProjectFields::default();
    for r in group.rows.iter().map(|r| &r.project) {
        macro_rules! inherit {
            ($($f:ident),*) => {$( if m.$f.is_none() { m.$f.clone_from(&r.$f); } )*};
        }
        inherit!(project_no, unit, project_name, applicant_type, org_name, credit_code, leader, id_number, phone);
        inherit!(
            union_member,
            industry,
            households,
            hardship_households,
            radiated_households,
            income_increase,
            score,
            note
        );
    }
    m
}

/// Check a group and build the engine's project; `None` when it has any problem.
pub fn build(group: &Group, options: &Options, sink: &mut Sink<'_>) -> Option<Project> {
    let before = sink.errors.len();
    check_agreement(group, sink);
    let f = merged(group);
    let first = &group.rows[0];
    sink.missing(first, "unit", f.unit.is_some());
    sink.missing(first, "project_name", f.project_name.is_some());
    sink.missing(first, "applicant_type", f.applicant_type.is_some());
    sink.missing(first, "leader", f.leader.is_some());
    sink.missing(first, "id_number", f.id_number.is_some());
    sink.missing(first, "households", f.households.is_some());
    // workbook.md: 主体名称 is required unless the applicant is a 个人.
    let person_only = f.applicant_type.is_none_or(|t| t == ApplicantType::Individual);
    sink.missing(first, "org_name", person_only || f.org_name.is_some());
    sink.missing(first, "union_member", !options.require_union_member || f.union_member.is_some());
    let loans: Vec<Loan> = group.rows.iter().filter_map(|r| super::loans::loan(r, sink)).collect();
    let unreadable = group.rows.iter().any(|r| !r.unreadable.is_empty());
    if sink.errors.len() > before || unreadable || loans.len() != group.rows.len() {
        return None;
    }
    Some(project(group, f, loans))
}

fn project(group: &Group, f: ProjectFields, loans: Vec<Loan>) -> Project {
    let mut extra: Vec<(String, String)> = Vec::new();
    for pair in group.rows.iter().flat_map(|r| &r.extra) {
        if !extra.contains(pair) {
            extra.push(pair.clone());
        }
    }
    Project {
        key: group.key.clone(),
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
