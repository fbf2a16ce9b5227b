//! The JSON of docs/cli.md: money as strings with 2 decimals, `null` for a figure with no value.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::engine::{Figures, LoanResult, Policy, Project, RoundResult};
use crate::import::RowError;

/// docs/cli.md's document: round, projects (with loans), totals, errors. `projects` are the
/// engine's input, in the order of `result.projects` (their names and types).
#[must_use]
pub fn document(policy: &Policy, projects: &[Project], result: &RoundResult, errors: &[RowError]) -> Value {
    let projects: Vec<Value> = result
        .projects
        .iter()
        .zip(projects)
        .map(|(p, input)| {
            let pools: Map<String, Value> =
                policy.pools.iter().zip(&p.pools).map(|(pool, part)| (pool.name.clone(), json!(part))).collect();
            let pools = if p.pools.is_empty() {
                policy.pools.iter().map(|pool| (pool.name.clone(), json!("0.00"))).collect()
            } else {
                pools
            };
            json!({
                "key": p.key,
                "name": input.name,
                "applicant_type": input.applicant_type,
                "status": p.status,
                "reasons": p.reasons,
                "requested": p.requested,
                "granted": p.granted,
                "pools": pools,
                "loans": p.loans.iter().map(loan).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "round": { "year": result.year, "budget": result.budget },
        "projects": projects,
        "totals": totals(&result.totals),
        "errors": errors,
    })
}

/// docs/cli.md `loans[]`: `certified` always (money or null); `statement_difference` (and its
/// likely cause, `statement_cause`) only where the statement differs from the interest at
/// the contract rate by more than 1 yuan.
fn loan(l: &LoanResult) -> Value {
    let mut v = json!({
        "contract_no": l.contract_no,
        "eligible_days": l.eligible_days,
        "computed": l.computed,
        "subsidy": l.subsidy,
        "reasons": l.reasons,
        "certified": l.certified,
    });
    if let (Some(d), Value::Object(o)) = (l.statement_difference, &mut v) {
        o.insert("statement_difference".into(), json!(d));
        o.insert("statement_cause".into(), json!(l.statement_cause));
    }
    v
}

/// docs/cli.md `totals`; also the figures of the web API.
#[must_use]
pub fn totals(f: &Figures) -> Value {
    #[derive(Serialize)]
    struct Totals<'a> {
        projects: usize,
        funded_projects: usize,
        requested: &'a crate::engine::Money,
        granted: &'a crate::engine::Money,
        loans_unlocked: &'a crate::engine::Money,
        leverage: Option<String>,
        households: u64,
        avg_income_increase: Option<String>,
    }
    serde_json::to_value(Totals {
        projects: f.projects,
        funded_projects: f.funded_projects,
        requested: &f.requested,
        granted: &f.granted,
        loans_unlocked: &f.loans_unlocked,
        leverage: f.leverage.map(|d| d.to_string()),
        households: f.households,
        avg_income_increase: f.avg_income_increase.map(|d| d.to_string()),
    })
    .unwrap_or(Value::Null)
}
