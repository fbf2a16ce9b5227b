//! The division's money as the pages and the API show it: who may read it, an allocation
//! run and a proposal as JSON, and how a refused money action goes back to its page.

use serde_json::{json, Value};

use crate::accounts::Role;
use crate::app::allocations::{PoolRow, Run, Stored};
use crate::engine::allocation as alloc;
use crate::engine::Money;
use crate::error::AppError;
use crate::web::accounts::auth::Session;

/// Money is moved by division staff only (师市总工会财务).
///
/// # Errors
/// `Forbidden` for every other role.
pub(crate) fn require_staff(session: &Session) -> Result<(), AppError> {
    session.require(session.role == Role::DivisionStaff)
}

/// Whether the page offers its money actions: division staff on an open round; an auditor,
/// or anyone on a closed round, reads only (allocations and disbursements alike).
pub(crate) fn may_act(session: &Session, round: &crate::app::rounds::Round) -> bool {
    session.role == Role::DivisionStaff && round.status == crate::engine::RoundStatus::Open
}

/// Who may read the round's money pages: division staff and auditors (everything).
///
/// # Errors
/// `Forbidden` for the other roles (they see their own grants on their projects).
pub(crate) fn require_reader(session: &Session) -> Result<(), AppError> {
    session.require(matches!(session.role, Role::DivisionStaff | Role::Auditor))
}

/// The run as JSON (the API's dry run, the page's table).
pub(crate) fn run_json(run: &Run) -> Value {
    let o = &run.outcome;
    let used = alloc::less(&o.remaining_before, &o.remaining_after);
    let pools: Vec<Value> = run
        .pools
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({ "id": p.id, "name": p.name, "amount": p.amount,
            "remaining_before": o.remaining_before[i], "granted": used[i], "remaining_after": o.remaining_after[i] })
        })
        .collect();
    let projects: Vec<Value> = run
        .records
        .iter()
        .zip(&run.names)
        .zip(&o.lines)
        .map(|((r, name), l)| {
            json!({ "id": r.id, "key": l.key, "name": name, "requested": l.requested, "held": l.held,
            "outstanding": l.outstanding, "granted": l.granted, "parts": l.parts, "status": l.status,
                "status_label": crate::engine::allocation::line::Status::Engine(l.status).label() })
        })
        .collect();
    let requested = crate::engine::report::sum(o.lines.iter().map(|l| l.requested));
    let held = crate::engine::report::sum(o.lines.iter().map(|l| l.held));
    json!({ "budget": o.budget, "outstanding": o.outstanding, "granted": o.granted, "pools": pools,
        "requested": requested, "held": held,
        "projects": projects, "waitlisted": o.waitlisted(), "in_review": run.in_review, "kept_back": run.kept_back })
}

/// A stored proposal as JSON (the API's, the pages' list).
pub(crate) fn allocation_json(a: &Stored) -> Value {
    json!({ "id": a.id, "rule": a.rule, "state": a.state, "budget": a.budget,
        "requested": a.requested, "granted": a.granted,
        "proposed_by": a.proposed_by, "proposed_at": a.proposed_at, "decided_by": a.decided_by, "comment": a.comment })
}

/// A refusal the page shows (409, 422) goes back as a flash message to `back`; success
/// goes to `to` with `done`; 403, 404 and 5xx stay errors.
pub(crate) fn answer(
    done: Result<(String, String), AppError>,
    back: &str,
) -> Result<rocket::response::Flash<rocket::response::Redirect>, AppError> {
    use rocket::response::{Flash, Redirect};
    match done {
        Ok((to, message)) => Ok(Flash::success(Redirect::to(to), message)),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => {
            Ok(Flash::error(Redirect::to(back.to_owned()), e.to_string()))
        }
        Err(e) => Err(e),
    }
}

/// Pool parts (pool id, amount) in the order of `pools` (zero where a pool has none).
pub(crate) fn parts_in(pools: &[PoolRow], parts: &[(i64, Money)]) -> Vec<Money> {
    pools.iter().map(|p| parts.iter().find(|(id, _)| *id == p.id).map_or(Money::ZERO, |(_, m)| *m)).collect()
}
