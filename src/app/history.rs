//! What earlier rounds did (docs/rules.md §9, docs/facts.md "The history file"): one
//! applicant's rounds, projects, grants and payments (division staff and auditors), in the
//! document `tiexi calc --history` reads (its `applicants` and `contracts`) with the projects
//! beside it, for the API and `tiexi history`; and the import preview's list of applicants
//! and contracts seen in other rounds (`earlier`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::Actor;
use crate::accounts::Role;
use crate::engine::facts::History;
use crate::engine::Project;
use crate::error::AppError;
use crate::storage::{self, Db};

/// Identities as the workbook reader leaves them: no spaces, upper case.
#[must_use]
pub fn identity(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

/// One applicant's history, for division staff and auditors.
///
/// # Errors
/// `Forbidden`, `Invalid` (no identity), or a database error.
pub async fn of_applicant(db: &Db, actor: Actor<'_>, raw: &str) -> Result<Value, AppError> {
    actor.require(matches!(actor.role, Role::DivisionStaff | Role::Auditor))?;
    let who = identity(raw);
    if who.is_empty() {
        return Err(AppError::Invalid("请给出申请人的身份证号或统一社会信用代码（applicant=…）".into()));
    }
    document(&mut *db.inner.acquire().await?, &who).await.map_err(AppError::from)
}

fn key(p: &Project) -> String {
    crate::export::mask::project_key(&p.key, &p.applicant.id_number)
}

/// One applicant's history (identity as the workbook reader leaves it): the History document
/// for it and its contracts, with every project of the applicant in every round beside it.
/// The API and `tiexi history --applicant` give this.
///
/// # Errors
/// A database error.
pub async fn document(conn: &mut storage::Conn, who: &str) -> Result<Value, sqlx::Error> {
    let projects = storage::history::of_applicant(conn, who).await?;
    let contracts: BTreeSet<String> = projects.iter().flat_map(|p| p.contracts.iter().cloned()).collect();
    // Every round's grants and days: "other than" a year no round has.
    let mut history =
        storage::history::for_keys(conn, i32::MIN, &BTreeSet::from([who.to_string()]), &contracts).await?;
    history.applicants.retain(|k, _| k == who);
    let mut doc = serde_json::to_value(&history).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let listed: Vec<Value> = projects
        .iter()
        .map(|p| {
            json!({ "year": p.year, "id": p.project_id, "key": p.key, "name": p.name, "unit": p.unit, "state": p.state,
                "requested": p.requested, "granted": p.granted, "paid": p.paid, "contracts": p.contracts })
        })
        .collect();
    if let Some(o) = doc.as_object_mut() {
        o.insert("applicant".into(), json!(crate::export::mask::id_number(who)));
        o.insert("projects".into(), Value::Array(listed));
    }
    Ok(doc)
}

/// The import preview's `earlier`: each applicant of the file (by 身份证号 or 统一社会信用代码)
/// and each contract that other rounds granted, with those rounds and amounts.
#[must_use]
pub fn seen(history: &History, projects: &[Project]) -> Value {
    let mut applicants = Vec::new();
    let mut contracts = Vec::new();
    for p in projects {
        for id in [&p.applicant.id_number, &p.applicant.credit_code] {
            if let Some(grants) = history.applicants.get(id.as_str()) {
                let earlier: Vec<Value> = grants
                    .iter()
                    .map(|g| json!({ "year": g.year, "project": g.project, "name": g.name, "granted": g.granted, "paid": g.paid }))
                    .collect();
                applicants.push(
                    json!({ "project": key(p), "identity": crate::export::mask::id_number(id), "earlier": earlier }),
                );
            }
        }
        for l in &p.loans {
            if let Some(days) = history.contracts.get(&l.contract_no) {
                contracts.push(json!({ "project": key(p), "contract_no": l.contract_no, "earlier": days }));
            }
        }
    }
    if applicants.is_empty() && contracts.is_empty() {
        return Value::Null;
    }
    json!({ "applicants": applicants, "contracts": contracts })
}

/// Add `earlier` to an import preview when other rounds granted any of its applicants or
/// contracts (a preview of a file new to tiexi stays what `tiexi calc` prints).
pub fn add_seen(document: &mut Value, history: &History, projects: &[Project]) {
    let earlier = seen(history, projects);
    if let (Some(doc), false) = (document.as_object_mut(), earlier.is_null()) {
        doc.insert("earlier".into(), earlier);
    }
}
