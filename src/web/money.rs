//! Allocation runs and disbursement batches, shared by the pages and the API: load, compute
//! through `engine::allocation`, store through `storage::{allocations, batches}`, in one
//! write transaction for every change. Money actions are division staff's; maker-checker
//! refusals come back as 409 with their reason.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::auth::Session;
use crate::accounts::Role;
use crate::engine::allocation::{self as alloc, Outcome};
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::allocations::{self, Actor, NewLine, PoolRow, Proposal};
use crate::storage::{self, projects::Record, rounds::Round, Conn, Db};

/// Money is moved by division staff only (师市总工会财务).
///
/// # Errors
/// `Forbidden` for every other role.
pub(crate) fn require_staff(session: &Session) -> Result<(), AppError> {
    session.require(session.role == Role::DivisionStaff)
}

/// Who may read the round's money pages: division staff and auditors (everything).
///
/// # Errors
/// `Forbidden` for the other roles (they see their own grants on their projects).
pub(crate) fn require_reader(session: &Session) -> Result<(), AppError> {
    session.require(matches!(session.role, Role::DivisionStaff | Role::Auditor))
}

pub(crate) fn actor(session: &Session) -> Actor<'_> {
    Actor { id: session.user.id, name: &session.user.username }
}

/// A run of the round as it stands: its pools, the approved projects taken (optionally a
/// subset) and the engine's outcome.
pub(crate) struct Run {
    pub pools: Vec<PoolRow>,
    pub records: Vec<Record>,
    /// The projects' names, beside `records`.
    pub names: Vec<String>,
    pub outcome: Outcome,
}

/// Load the round's approved projects, what they hold and what the pools have left, and run
/// the engine (the money model).
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub(crate) async fn run(conn: &mut Conn, round: &Round, subset: Option<&[i64]>) -> Result<Run, AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let wanted: Option<HashSet<i64>> = subset.map(|s| s.iter().copied().collect());
    let (records, projects): (Vec<Record>, Vec<_>) = storage::load::round(conn, round.id)
        .await?
        .into_iter()
        .filter(|(r, _)| r.state == "approved" && wanted.as_ref().is_none_or(|w| w.contains(&r.id)))
        .unzip();
    let held_by = allocations::held(conn, round.id).await?;
    let held: Vec<Money> = records.iter().map(|r| Money::from_fen(held_by.get(&r.id).copied().unwrap_or(0))).collect();
    let pools = allocations::pools(conn, round.id).await?;
    let amounts: Vec<Money> = pools.iter().map(|p| Money::from_fen(p.amount_fen)).collect();
    let granted: Vec<Money> = pools.iter().map(|p| Money::from_fen(p.granted_fen)).collect();
    // docs/rules.md §9: the review cuts in force bound what an approved project is granted.
    let facts = storage::facts::round(conn, round.id).await?;
    let outcome = alloc::run_with(&policy, &projects, &facts, &held, &alloc::remaining(&amounts, &granted));
    let names = projects.iter().map(|p| p.name.clone()).collect();
    Ok(Run { pools, records, names, outcome })
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
            json!({ "id": p.id, "name": p.name, "amount": Money::from_fen(p.amount_fen),
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
                "status_label": super::views::approved_status_label(l.status.code()) })
        })
        .collect();
    let requested = crate::engine::report::sum(o.lines.iter().map(|l| l.requested));
    let held = crate::engine::report::sum(o.lines.iter().map(|l| l.held));
    json!({ "budget": o.budget, "outstanding": o.outstanding, "granted": o.granted, "pools": pools,
        "requested": requested, "held": held,
        "projects": projects, "waitlisted": o.waitlisted() })
}

/// A stored proposal as JSON (the API's, the pages' list).
pub(crate) fn allocation_json(a: &allocations::Stored) -> Value {
    json!({ "id": a.id, "rule": a.rule, "state": a.state, "budget": Money::from_fen(a.budget_fen),
        "requested": Money::from_fen(a.requested_fen), "granted": Money::from_fen(a.granted_fen),
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

/// Pool parts (pool id, fen) as amounts in the order of `pools` (zero where a pool has none).
pub(crate) fn parts_in(pools: &[PoolRow], parts: &[(i64, i64)]) -> Vec<Money> {
    pools.iter().map(|p| Money::from_fen(parts.iter().find(|(id, _)| *id == p.id).map_or(0, |(_, fen)| *fen))).collect()
}

/// Run and store the proposal (nothing counts until another user approves it).
///
/// # Errors
/// `Conflict` when there is nothing to grant, or a database error.
pub(crate) async fn commit(
    db: &Db,
    session: &Session,
    round: &Round,
    subset: Option<&[i64]>,
) -> Result<(i64, Value), AppError> {
    let mut tx = storage::begin_write(db).await?;
    let run = run(&mut tx, round, subset).await?;
    if !run.outcome.granted.is_positive() {
        return Err(AppError::Conflict("没有可分配的资金或待核定的项目".into()));
    }
    let ids: Vec<i64> = run.pools.iter().map(|p| p.id).collect();
    let lines = run
        .records
        .iter()
        .zip(&run.outcome.lines)
        .filter(|(_, l)| l.granted.is_positive())
        .map(|(r, l)| NewLine {
            project_id: r.id,
            amount_fen: l.granted.fen(),
            status: l.status.code(),
            parts: ids.iter().copied().zip(l.parts.iter().map(|m| m.fen())).collect(),
        })
        .collect();
    let policy = crate::import::policy(&round.policy_toml)?;
    let proposal = Proposal {
        round_id: round.id,
        rule: rule_code(policy.allocation),
        budget_fen: run.outcome.budget.fen(),
        requested_fen: run.outcome.outstanding.fen(),
        granted_fen: run.outcome.granted.fen(),
        lines,
    };
    let id = allocations::propose(&mut tx, &proposal, actor(session)).await?;
    tx.commit().await?;
    Ok((id, run_json(&run)))
}

fn rule_code(a: crate::engine::Allocation) -> &'static str {
    match a {
        crate::engine::Allocation::ProRata => "pro_rata",
        crate::engine::Allocation::Priority { .. } => "priority",
    }
}

/// Approve or cancel a proposal.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` (unknown action), `Conflict` (a guard), or a database error.
pub(crate) async fn decide_allocation(
    db: &Db,
    session: &Session,
    id: i64,
    action: &str,
    comment: &str,
) -> Result<(), AppError> {
    require_staff(session)?;
    let mut tx = storage::begin_write(db).await?;
    match action {
        "approve" => allocations::approve(&mut tx, id, actor(session), comment).await?,
        "cancel" => allocations::cancel(&mut tx, id, actor(session), comment).await?,
        _ => return Err(AppError::Invalid("未知的操作".into())),
    }
    tx.commit().await?;
    Ok(())
}
