//! Rows → projects (workbook.md): grouping by 项目编号 (or 身份证号 and 项目名称),
//! project-level agreement across rows, required values, and loan checks.

use super::columns::{Column, LOAN_COLUMNS};
use super::header::Header;
use super::rows::{LoanRow, ProjectFields};
use super::{Options, RowError};
use crate::engine::{Applicant, ApplicantType, Loan, Project};

/// A project being assembled: its rows in workbook order.
#[derive(Debug, Default)]
pub struct Group {
    pub key: String,
    pub rows: Vec<LoanRow>,
}

/// Group rows into projects in order of first appearance. A row that names no project
/// is an error of its own.
pub fn group(rows: Vec<LoanRow>, sink: &mut Sink<'_>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for row in rows {
        let Some(key) = key(&row.project) else {
            let msg = "无法确定所属项目：请填写项目编号，或身份证号和项目名称";
            sink.push(row.row, "project_no", "", msg.to_string());
            continue;
        };
        let at = *index.entry(key.clone()).or_insert_with(|| {
            groups.push(Group { key, rows: Vec::new() });
            groups.len() - 1
        });
        groups[at].rows.push(row);
    }
    groups
}

/// cli.md `key`: the 项目编号, else `身份证号/项目名称`.
fn key(p: &ProjectFields) -> Option<String> {
    if let Some(no) = &p.project_no {
        return Some(no.clone());
    }
    Some(format!("{}/{}", p.id_number.as_ref()?, p.project_name.as_ref()?))
}

fn required(key: &str) -> &'static Column {
    LOAN_COLUMNS.iter().find(|c| c.key == key).unwrap_or(&LOAN_COLUMNS[0])
}

/// Where errors go: the sheet, its header (for the headers as written) and the list.
pub struct Sink<'a> {
    pub sheet: &'a str,
    pub header: &'a Header,
    pub errors: &'a mut Vec<RowError>,
}

impl Sink<'_> {
    /// Report a problem on a row in the column of `key`, named as the sheet writes it.
    fn push(&mut self, row: u32, key: &'static str, value: &str, message: String) {
        let written = self.header.slot(key).map_or_else(|| required(key).header.to_string(), |(_, s)| s.written.clone());
        self.errors.push(RowError::sheet(self.sheet, row, &written, value, message).with_key(key));
    }
}

/// workbook.md: project-level columns must agree across rows; a disagreement is an
/// error on the later row. Blank cells on later rows take the first row's value.
fn merged_fields(group: &Group, sink: &mut Sink<'_>) -> ProjectFields {
    let mut merged = ProjectFields::default();
    macro_rules! agree {
        ($($field:ident),*) => {$(
            for row in &group.rows {
                if let Some(v) = &row.project.$field {
                    match &merged.$field {
                        None => merged.$field = Some(v.clone()),
                        Some(first) if first != v => {
                            let msg = format!("与本项目第{}行不一致（{}），同一项目各行应相同", group.rows[0].row, shown(first));
                            sink.push(row.row, required(stringify!($field)).key, &shown(v), msg);
                        }
                        Some(_) => {}
                    }
                }
            }
        )*};
    }
    agree!(project_no, unit, project_name, applicant_type, org_name, credit_code, leader, id_number, phone);
    agree!(union_member, industry, households, hardship_households, radiated_households, income_increase, score);
    merged
}

fn shown<T: std::fmt::Debug>(v: &T) -> String {
    let s = format!("{v:?}");
    s.trim_matches('"').to_string()
}

/// Check a group and build the engine's project. Problems go to `errors`.
pub fn build(group: &Group, options: &Options, sink: &mut Sink<'_>) -> Option<Project> {
    let before = sink.errors.len();
    let f = merged_fields(group, sink);
    let first = group.rows[0].row;
    let unreadable = |key: &str| group.rows.iter().any(|r| r.unreadable.contains(&key));
    let mut missing = |key: &'static str, present: bool| {
        if !present && !unreadable(key) {
            sink.push(first, key, "", format!("{}必须填写", required(key).header));
        }
    };
    for key in ["unit", "project_name", "applicant_type", "leader", "id_number", "households"] {
        let present = match key {
            "unit" => f.unit.is_some(),
            "project_name" => f.project_name.is_some(),
            "applicant_type" => f.applicant_type.is_some(),
            "leader" => f.leader.is_some(),
            "id_number" => f.id_number.is_some(),
            _ => f.households.is_some(),
        };
        missing(key, present);
    }
    let organisation = f.applicant_type.is_some_and(|t| t != ApplicantType::Individual);
    missing("org_name", !organisation || f.org_name.is_some());
    missing("union_member", !options.require_union_member || f.union_member.is_some());
    let loans: Vec<Loan> = group.rows.iter().filter_map(|r| loan(r, sink)).collect();
    if sink.errors.len() > before || loans.len() != group.rows.len() {
        return None;
    }
    Some(project(group, f, loans))
}

fn project(group: &Group, f: ProjectFields, loans: Vec<Loan>) -> Project {
    let note = group.rows.iter().filter_map(|r| r.loan.note.clone()).collect::<Vec<_>>().join("；");
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
            note,
            extra: group.rows.first().map(|r| r.extra.clone()).unwrap_or_default(),
        },
        loans,
    }
}

/// The loan of a row, or `None` with its problems in `errors`.
fn loan(r: &LoanRow, sink: &mut Sink<'_>) -> Option<Loan> {
    let l = &r.loan;
    let before = sink.errors.len();
    for (key, present) in [
        ("contract_no", l.contract_no.is_some()),
        ("principal", l.principal.is_some()),
        ("rate", l.rate.is_some()),
        ("disbursed_on", l.disbursed_on.is_some()),
        ("maturity_on", l.maturity_on.is_some()),
    ] {
        if !present && !r.unreadable.contains(&key) {
            sink.push(r.row, key, "", format!("{}必须填写", required(key).header));
        }
    }
    if let (Some(d0), Some(dm)) = (l.disbursed_on, l.maturity_on) {
        if dm <= d0 {
            let msg = format!("到期日期应晚于放款日期（{d0}）");
            sink.push(r.row, "maturity_on", &dm.to_string(), msg);
        }
    }
    if let (Some(d0), Some(ds)) = (l.disbursed_on, l.settled_on) {
        if ds < d0 {
            let msg = format!("结清日期不能早于放款日期（{d0}）");
            sink.push(r.row, "settled_on", &ds.to_string(), msg);
        }
    }
    if sink.errors.len() > before || !r.unreadable.is_empty() {
        return None;
    }
    Some(Loan {
        contract_no: l.contract_no.clone()?,
        bank: l.bank.clone().unwrap_or_default(),
        principal: l.principal?,
        rate: l.rate?,
        disbursed_on: l.disbursed_on?,
        maturity_on: l.maturity_on?,
        settled_on: l.settled_on,
        interest_paid: l.interest_paid,
        events: Vec::new(),
        row: r.row,
    })
}
