//! An application typed into the web form → the engine's `Project`, through the very
//! readers and checks of the workbook import (docs/workbook.md): the form's fields are laid out
//! as a one-project Loans sheet and an Events sheet and read by `assemble::from_grids`, so
//! an ID number, an amount, a date or a rate gets the same Chinese message either way.

use serde::{Deserialize, Serialize};

use super::cells::Value;
use super::columns::{Key, EVENTS, LOANS};
use super::sheet::Grid;
use super::{Options, RowError};
use crate::engine::Project;

/// The sheets the form is laid out as (names the workbook reader recognises).
const LOANS_SHEET: &str = "申报汇总表";
const EVENTS_SHEET: &str = "还款及变更事项";

/// The project-level fields, as typed (keys of docs/workbook.md "Columns").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, rocket::FromForm)]
pub struct ProjectFields {
    #[field(default = String::new())]
    pub unit: String,
    #[field(default = String::new())]
    pub project_name: String,
    #[field(default = String::new())]
    pub applicant_type: String,
    #[field(default = String::new())]
    pub org_name: String,
    #[field(default = String::new())]
    pub credit_code: String,
    #[field(default = String::new())]
    pub leader: String,
    #[field(default = String::new())]
    pub id_number: String,
    #[field(default = String::new())]
    pub phone: String,
    #[field(default = String::new())]
    pub union_member: String,
    #[field(default = String::new())]
    pub industry: String,
    #[field(default = String::new())]
    pub households: String,
    #[field(default = String::new())]
    pub hardship_households: String,
    #[field(default = String::new())]
    pub radiated_households: String,
    #[field(default = String::new())]
    pub income_increase: String,
    #[field(default = String::new())]
    pub note: String,
}

/// One loan, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, rocket::FromForm)]
pub struct LoanFields {
    #[field(default = String::new())]
    pub bank: String,
    #[field(default = String::new())]
    pub contract_no: String,
    #[field(default = String::new())]
    pub principal: String,
    #[field(default = String::new())]
    pub rate: String,
    #[field(default = String::new())]
    pub disbursed_on: String,
    #[field(default = String::new())]
    pub maturity_on: String,
    #[field(default = String::new())]
    pub settled_on: String,
    #[field(default = String::new())]
    pub interest_paid: String,
}

/// One event, as typed (docs/workbook.md "Events").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, rocket::FromForm)]
pub struct EventFields {
    #[field(default = String::new())]
    pub contract_no: String,
    #[field(default = String::new())]
    pub date: String,
    #[field(default = String::new())]
    pub kind: String,
    #[field(default = String::new())]
    pub amount: String,
    #[field(default = String::new())]
    pub rate: String,
    #[field(default = String::new())]
    pub extended_to: String,
}

/// A problem placed on a form field: `project.id_number`, `loans.1.principal`,
/// `events.0.date`; `message` is the import's message, `what` its part after the place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub what: String,
}

impl LoanFields {
    fn is_blank(&self) -> bool {
        self.values().iter().all(|(_, v)| v.trim().is_empty())
    }

    fn values(&self) -> [(&'static str, &str); 8] {
        [
            ("bank", &self.bank),
            ("contract_no", &self.contract_no),
            ("principal", &self.principal),
            ("rate", &self.rate),
            ("disbursed_on", &self.disbursed_on),
            ("maturity_on", &self.maturity_on),
            ("settled_on", &self.settled_on),
            ("interest_paid", &self.interest_paid),
        ]
    }
}

impl EventFields {
    fn values(&self) -> [(&'static str, &str); 6] {
        [
            ("contract_no", &self.contract_no),
            ("date", &self.date),
            ("kind", &self.kind),
            ("amount", &self.amount),
            ("rate", &self.rate),
            ("extended_to", &self.extended_to),
        ]
    }
}

impl ProjectFields {
    fn values(&self) -> [(&'static str, &str); 15] {
        [
            ("unit", &self.unit),
            ("project_name", &self.project_name),
            ("applicant_type", &self.applicant_type),
            ("org_name", &self.org_name),
            ("credit_code", &self.credit_code),
            ("leader", &self.leader),
            ("id_number", &self.id_number),
            ("phone", &self.phone),
            ("union_member", &self.union_member),
            ("industry", &self.industry),
            ("households", &self.households),
            ("hardship_households", &self.hardship_households),
            ("radiated_households", &self.radiated_households),
            ("income_increase", &self.income_increase),
            ("note", &self.note),
        ]
    }
}

/// A sheet of one header row (the canonical headers) and the given rows of text.
fn grid(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Grid {
    let mut grid = Grid { name: name.to_string(), ..Grid::default() };
    let cell = |s: &str| if s.trim().is_empty() { Value::Empty } else { Value::Text(s.to_string()) };
    grid.rows.insert(0, headers.iter().map(|h| Value::Text((*h).to_string())).collect());
    for (i, r) in rows.iter().enumerate() {
        grid.rows.insert(u32::try_from(i + 1).unwrap_or(u32::MAX), r.iter().map(|s| cell(s)).collect());
    }
    grid
}

/// Lay the form out as the workbook's two sheets: each loan a row carrying the project's
/// fields (and the server-chosen key as 项目编号), each event a row.
fn sheets(key: &str, p: &ProjectFields, loans: &[&LoanFields], events: &[EventFields]) -> Vec<Grid> {
    let headers: Vec<&str> = LOANS.iter().map(|c| c.header).collect();
    let rows: Vec<Vec<String>> = loans
        .iter()
        .map(|l| {
            LOANS
                .iter()
                .map(|c| {
                    let own = p.values().into_iter().chain(l.values()).find(|(k, _)| *k == c.key);
                    if c.id == Key::ProjectNo {
                        key.to_string()
                    } else {
                        own.map(|(_, v)| v.to_string()).unwrap_or_default()
                    }
                })
                .collect()
        })
        .collect();
    let event_headers: Vec<&str> = EVENTS.iter().map(|c| c.header).collect();
    let event_rows: Vec<Vec<String>> =
        events.iter().map(|e| e.values().iter().map(|(_, v)| (*v).to_string()).collect()).collect();
    vec![grid(LOANS_SHEET, &headers, &rows), grid(EVENTS_SHEET, &event_headers, &event_rows)]
}

/// The form field of a workbook error: its sheet row back to the loan or event it came from.
fn place(e: &RowError, kept: &[usize]) -> String {
    let key = e.key.unwrap_or("");
    let at = e.row.saturating_sub(2) as usize;
    if e.sheet == EVENTS_SHEET {
        return format!("events.{at}.{key}");
    }
    let project_level = LOANS.iter().any(|c| c.key == key && c.project_level);
    if project_level {
        format!("project.{key}")
    } else {
        format!("loans.{}.{key}", kept.get(at).copied().unwrap_or(at))
    }
}

fn field_error(e: &RowError, kept: &[usize]) -> FieldError {
    let what = e.message.split_once('：').map_or(e.message.as_str(), |(_, w)| w).to_string();
    FieldError { field: place(e, kept), message: e.message.clone(), what }
}

/// The application as the engine's project, or every problem on its field. Blank loan
/// rows are ignored; at least one loan is required. `key` is the server's project key.
///
/// # Errors
/// Every problem, each on its form field, with the import's message.
pub fn application(
    key: &str,
    project: &ProjectFields,
    loans: &[LoanFields],
    events: &[EventFields],
    options: &Options,
) -> Result<Project, Vec<FieldError>> {
    let kept: Vec<usize> = (0..loans.len()).filter(|&i| !loans[i].is_blank()).collect();
    if kept.is_empty() {
        let what = "至少填写一笔贷款".to_string();
        return Err(vec![FieldError { field: "loans.0.contract_no".into(), message: what.clone(), what }]);
    }
    let events: Vec<EventFields> =
        events.iter().filter(|e| e.values().iter().any(|(_, v)| !v.trim().is_empty())).cloned().collect();
    let chosen: Vec<&LoanFields> = kept.iter().map(|&i| &loans[i]).collect();
    let parsed = super::assemble::from_grids(&sheets(key, project, &chosen, &events), options)
        .map_err(|e| vec![FieldError { field: String::new(), message: e.to_string(), what: e.to_string() }])?;
    let mut errors: Vec<FieldError> = Vec::new();
    for e in &parsed.errors {
        let fe = field_error(e, &kept);
        // A project-level problem is found once per loan row; show it once.
        if !errors.iter().any(|x| x.field == fe.field && x.what == fe.what) {
            errors.push(fe);
        }
    }
    match parsed.projects.into_iter().next() {
        Some(p) if errors.is_empty() => Ok(p),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> (ProjectFields, Vec<LoanFields>) {
        let p = ProjectFields {
            unit: "红星二场".into(),
            project_name: "奶牛养殖".into(),
            applicant_type: "个人".into(),
            leader: "张三".into(),
            id_number: "11010519491231002X".into(),
            households: "3".into(),
            ..ProjectFields::default()
        };
        let loan = LoanFields {
            contract_no: "HT-1".into(),
            principal: "300000".into(),
            rate: "4.35".into(),
            disbursed_on: "2024-01-10".into(),
            maturity_on: "2025-01-10".into(),
            ..LoanFields::default()
        };
        (p, vec![loan, LoanFields::default()])
    }

    #[test]
    fn a_good_form_is_the_project_the_workbook_would_give() {
        let (p, loans) = good();
        let event = EventFields {
            contract_no: "HT-1".into(),
            date: "2024-06-10".into(),
            kind: "还款".into(),
            amount: "100000".into(),
            ..EventFields::default()
        };
        let project = application("WEB-1", &p, &loans, &[event], &Options::default()).unwrap();
        assert_eq!((project.key.as_str(), project.loans.len(), project.loans[0].events.len()), ("WEB-1", 1, 1));
        assert_eq!(project.loans[0].principal.fen(), 30_000_000);
    }

    #[test]
    fn problems_land_on_their_fields_with_the_workbook_messages() {
        let (mut p, mut loans) = good();
        p.id_number = "110105194912310021".into();
        loans[1] = LoanFields { contract_no: "HT-2".into(), principal: "三十万".into(), ..loans[0].clone() };
        loans[0].disbursed_on = "2024-02-30".into();
        let errors = application("WEB-1", &p, &loans, &[], &Options::default()).unwrap_err();
        let on = |f: &str| errors.iter().find(|e| e.field == f).map(|e| e.what.clone()).unwrap_or_default();
        assert!(on("project.id_number").contains("校验位错误"), "{errors:?}");
        assert!(on("loans.1.principal").contains("不是有效金额"), "{errors:?}");
        assert!(
            on("loans.0.disbursed_on").contains("不存在") || on("loans.0.disbursed_on").contains("日期"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_form_without_a_loan_is_refused() {
        let (p, _) = good();
        let errors = application("WEB-1", &p, &[LoanFields::default()], &[], &Options::default()).unwrap_err();
        assert_eq!(errors[0].what, "至少填写一笔贷款");
    }
}
