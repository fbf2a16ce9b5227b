//! The application form as the template shows it: each field with its label (the
//! workbook's header), value and problem; and a stored project back as form values.

use serde::Serialize;

use crate::app::applications::Payee;
use crate::engine::{Event, EventKind, Loan, Project};
use crate::import::columns::{Column, EVENT_COLUMNS, LOAN_COLUMNS};
use crate::import::form::{EventFields, LoanFields, ProjectFields};
use crate::web::projects::applications::ApplicationForm;

/// One input of the form.
#[derive(Debug, Serialize)]
pub struct FieldView {
    pub name: String,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
    /// The `<datalist>` offering values (团场, 主体类型, 是/否, 事项).
    pub list: Option<&'static str>,
    pub required: bool,
}

/// The whole form, and which error fields found a place on it.
#[derive(Debug, Serialize)]
pub struct View {
    pub project: Vec<FieldView>,
    pub loans: Vec<Vec<FieldView>>,
    pub events: Vec<Vec<FieldView>>,
    #[serde(skip)]
    pub placed: Vec<String>,
}

fn list_of(key: &str) -> Option<&'static str> {
    match key {
        "unit" => Some("units"),
        "applicant_type" => Some("types"),
        "union_member" => Some("yes-no"),
        "kind" => Some("kinds"),
        _ => None,
    }
}

/// The problems by field, looked up as the fields are laid out.
pub struct Problems<'a> {
    errors: &'a [crate::import::form::FieldError],
    placed: Vec<String>,
}

impl Problems<'_> {
    fn at(&mut self, name: &str) -> Option<String> {
        let found = self.errors.iter().find(|e| e.field == name).map(|e| e.what.clone());
        if found.is_some() {
            self.placed.push(name.to_string());
        }
        found
    }
}

fn row<'a>(
    prefix: &str,
    columns: impl Iterator<Item = &'a Column>,
    values: &[(&'static str, &str)],
    problems: &mut Problems<'_>,
) -> Vec<FieldView> {
    columns
        .map(|c| {
            let value = values.iter().find(|(k, _)| *k == c.key).map_or("", |(_, v)| *v).to_string();
            let name = format!("{prefix}.{}", c.key);
            let error = problems.at(&name);
            FieldView { label: c.header, value, error, list: list_of(c.key), required: c.required, name }
        })
        .collect()
}

fn project_row(p: &ProjectFields, problems: &mut Problems<'_>) -> Vec<FieldView> {
    let values = [
        ("unit", p.unit.as_str()),
        ("project_name", &p.project_name),
        ("applicant_type", &p.applicant_type),
        ("org_name", &p.org_name),
        ("credit_code", &p.credit_code),
        ("leader", &p.leader),
        ("id_number", &p.id_number),
        ("phone", &p.phone),
        ("union_member", &p.union_member),
        ("industry", &p.industry),
        ("households", &p.households),
        ("hardship_households", &p.hardship_households),
        ("radiated_households", &p.radiated_households),
        ("income_increase", &p.income_increase),
        ("note", &p.note),
    ];
    let columns = LOAN_COLUMNS.iter().filter(|c| c.project_level && !matches!(c.key, "project_no" | "score"));
    row("project", columns, &values, problems)
}

fn loan_row(i: usize, l: &LoanFields, problems: &mut Problems<'_>) -> Vec<FieldView> {
    let values = [
        ("bank", l.bank.as_str()),
        ("contract_no", &l.contract_no),
        ("principal", &l.principal),
        ("rate", &l.rate),
        ("disbursed_on", &l.disbursed_on),
        ("maturity_on", &l.maturity_on),
        ("settled_on", &l.settled_on),
        ("interest_paid", &l.interest_paid),
    ];
    row(&format!("loans.{i}"), LOAN_COLUMNS.iter().filter(|c| !c.project_level), &values, problems)
}

fn event_row(i: usize, e: &EventFields, problems: &mut Problems<'_>) -> Vec<FieldView> {
    let values = [
        ("contract_no", e.contract_no.as_str()),
        ("date", &e.date),
        ("kind", &e.kind),
        ("amount", &e.amount),
        ("rate", &e.rate),
        ("extended_to", &e.extended_to),
    ];
    row(&format!("events.{i}"), EVENT_COLUMNS.iter(), &values, problems)
}

/// The form's values with their problems; one blank loan and two blank events to add more.
#[must_use]
pub fn fields(f: &ApplicationForm, errors: &[crate::import::form::FieldError]) -> View {
    let mut problems = Problems { errors, placed: Vec::new() };
    let project = project_row(&f.project, &mut problems);
    let blank_loan = LoanFields::default();
    let loans = f.loans.iter().chain([&blank_loan]).enumerate().map(|(i, l)| loan_row(i, l, &mut problems)).collect();
    let blank_event = EventFields::default();
    let events = f
        .events
        .iter()
        .chain([&blank_event, &blank_event])
        .enumerate()
        .map(|(i, e)| event_row(i, e, &mut problems))
        .collect();
    View { project, loans, events, placed: problems.placed }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn project_fields(p: &Project) -> ProjectFields {
    let a = &p.applicant;
    ProjectFields {
        unit: a.unit.clone(),
        project_name: p.name.clone(),
        applicant_type: p.applicant_type.label().into(),
        org_name: a.org_name.clone(),
        credit_code: a.credit_code.clone(),
        leader: a.leader.clone(),
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        union_member: p.union_member.map(|b| if b { "是" } else { "否" }).unwrap_or_default().into(),
        industry: a.industry.clone(),
        households: p.households.to_string(),
        hardship_households: opt(a.hardship_households),
        radiated_households: opt(a.radiated_households),
        income_increase: opt(p.income_increase),
        note: a.note.clone(),
    }
}

fn loan_fields(l: &Loan) -> LoanFields {
    LoanFields {
        bank: l.bank.clone(),
        contract_no: l.contract_no.clone(),
        principal: l.principal.to_string(),
        rate: l.rate.normalize().to_string(),
        disbursed_on: l.disbursed_on.to_string(),
        maturity_on: l.maturity_on.to_string(),
        settled_on: opt(l.settled_on),
        interest_paid: opt(l.interest_paid),
    }
}

/// An event as the Events sheet writes it (docs/workbook.md "Events").
fn event_fields(contract_no: &str, e: &Event) -> EventFields {
    let mut f = EventFields { contract_no: contract_no.to_string(), date: e.on.to_string(), ..EventFields::default() };
    match e.kind {
        EventKind::Repayment(m) => (f.kind, f.amount) = ("还款".into(), m.to_string()),
        EventKind::RateChange(r) => (f.kind, f.rate) = ("利率调整".into(), r.normalize().to_string()),
        EventKind::OverdueStart => f.kind = "逾期开始".into(),
        EventKind::OverdueEnd => f.kind = "逾期结束".into(),
        EventKind::Extension(d) => (f.kind, f.extended_to) = ("展期".into(), d.to_string()),
    }
    f
}

/// A stored project as the form's values (amounts in yuan, dates ISO, rates in percent).
#[must_use]
pub fn from_project(p: &Project, payee: &Payee) -> ApplicationForm {
    ApplicationForm {
        project: project_fields(p),
        loans: p.loans.iter().map(loan_fields).collect(),
        events: p.loans.iter().flat_map(|l| l.events.iter().map(|e| event_fields(&l.contract_no, e))).collect(),
        payee_name: payee.name.clone(),
        payee_bank: payee.bank.clone(),
        payee_account: payee.account.clone(),
        ..ApplicationForm::default()
    }
}
