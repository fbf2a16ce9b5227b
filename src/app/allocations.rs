//! Allocation runs (分配方案), the use cases of the pages and the API: load, compute
//! through `engine::allocation`, store through `storage::allocations`, in one
//! write transaction for every change. Money actions are division staff's; maker-checker
//! refusals come back as 409 with their reason.

use std::collections::HashSet;

use serde_json::json;

use super::Actor;
use crate::engine::allocation::{self as alloc, Outcome};
use crate::engine::Money;
use crate::error::AppError;
use crate::signoff::allocation;
use crate::storage::allocations::{self, NewLine, Proposal};
use crate::storage::{self, projects::Record, rounds::Round, Conn, Db};

pub use crate::storage::allocations::{Granted, PoolRow, Stored};

/// A proposal's grant lines, each with its parts (pool id, amount).
pub type Lines = Vec<(Granted, Vec<(i64, Money)>)>;

/// A run of the round as it stands: its pools, the approved projects taken (optionally a
/// subset) and the engine's outcome.
pub struct Run {
    pub pools: Vec<PoolRow>,
    pub records: Vec<Record>,
    /// The projects' names, beside `records`.
    pub names: Vec<String>,
    pub outcome: Outcome,
    /// Counted projects still in review, and what the run keeps back for them.
    pub in_review: usize,
    pub kept_back: Money,
}

/// Load the round's approved projects, what they hold and what the pools have left, and run
/// the engine (the money model).
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub async fn run(conn: &mut Conn, round: &Round, subset: Option<&[i64]>) -> Result<Run, AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let wanted: Option<HashSet<i64>> = subset.map(|s| s.iter().copied().collect());
    // Every counted project, so that those still in review keep their trial share
    // (docs/payments.md, engine::allocation::run_fair).
    let mut all = storage::load::round(conn, round.id).await?;
    all.retain(|(r, _)| r.state.counts());
    let (all, projects): (Vec<Record>, Vec<_>) = all.into_iter().unzip();
    let approved: Vec<bool> = all.iter().map(|r| r.state == crate::review::State::Approved).collect();
    let taken: Vec<bool> = all
        .iter()
        .map(|r| r.state == crate::review::State::Approved && wanted.as_ref().is_none_or(|w| w.contains(&r.id)))
        .collect();
    let held_by = allocations::held(conn, round.id).await?;
    let held: Vec<Money> = all.iter().map(|r| held_by.get(&r.id).copied().unwrap_or(Money::ZERO)).collect();
    let pools = allocations::pools(conn, round.id).await?;
    let amounts: Vec<Money> = pools.iter().map(|p| p.amount).collect();
    let granted: Vec<Money> = pools.iter().map(|p| p.granted).collect();
    // docs/rules.md §9: the review cuts in force bound what an approved project is granted.
    let facts = storage::facts::round(conn, round.id).await?;
    let remaining = alloc::remaining(&amounts, &granted);
    let fair = alloc::run_fair(&policy, &projects, &facts, (&approved, &taken), &held, &remaining);
    let names = taken_only(projects.iter().map(|p| p.name.clone()).collect(), &taken);
    let records = taken_only(all, &taken);
    Ok(Run { pools, records, names, outcome: fair.outcome, in_review: fair.in_review, kept_back: fair.kept_back })
}

fn taken_only<T>(all: Vec<T>, taken: &[bool]) -> Vec<T> {
    all.into_iter().zip(taken).filter(|(_, t)| **t).map(|(x, _)| x).collect()
}

/// Run and store the proposal (nothing counts until another user approves it).
///
/// # Errors
/// `Conflict` when there is nothing to grant, or a database error.
pub async fn commit(db: &Db, actor: Actor<'_>, round: &Round, subset: Option<&[i64]>) -> Result<(i64, Run), AppError> {
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
            amount: l.granted,
            status: alloc::line::Status::Engine(l.status),
            parts: ids.iter().copied().zip(l.parts.iter().copied()).collect(),
        })
        .collect();
    let policy = crate::import::policy(&round.policy_toml)?;
    let proposal = Proposal {
        round_id: round.id,
        rule: policy.allocation.rule(),
        budget: run.outcome.budget,
        requested: run.outcome.outstanding,
        granted: run.outcome.granted,
        lines,
    };
    let id = allocations::propose(&mut tx, &proposal, actor.signer()?).await?;
    let mut e = actor.entry("allocation.propose", "allocation", id, Some(round.id));
    e.new = json!({ "rule": proposal.rule.code(), "budget_fen": proposal.budget.fen(), "granted_fen": proposal.granted.fen(),
        "lines": proposal.lines.len() });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((id, run))
}

/// Approve or cancel a proposal.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Invalid` (unknown action), `Conflict` (a guard), or a database error.
pub async fn decide_allocation(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    action: &str,
    comment: &str,
) -> Result<(), AppError> {
    actor.require_staff()?;
    let step = allocation::Action::parse(action).ok_or_else(|| AppError::Invalid("未知的操作".into()))?;
    let mut tx = storage::begin_write(db).await?;
    let a = allocations::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    allocation::decide(actor.asker(), &facts(&a), step).map_err(super::review::refused)?;
    let (done, new) = match action {
        "approve" => {
            allocations::approve(&mut tx, id, actor.signer()?, comment).await?;
            ("allocation.approve", json!({ "state": "approved", "granted_fen": a.granted.fen(), "comment": comment }))
        }
        "cancel" => {
            allocations::cancel(&mut tx, id, actor.signer()?, comment).await?;
            ("allocation.cancel", json!({ "state": "cancelled", "comment": comment }))
        }
        _ => return Err(AppError::Invalid("未知的操作".into())),
    };
    let mut e = actor.entry(done, "allocation", id, Some(a.round_id));
    (e.old, e.new) = (json!({ "state": "proposed" }), new);
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// The proposal as its state machine sees it (`signoff::allocation`); an unknown code
/// allows nothing.
#[must_use]
pub fn facts(a: &allocations::Stored) -> allocation::Facts {
    allocation::Facts { state: a.state, proposed_by: a.proposed_by }
}

/// A round's pools with what is granted and paid from them (the pools' balances), for
/// those who read the division's money (`Actor::require_reader`).
///
/// # Errors
/// `Forbidden` or a database error.
pub async fn pools(db: &Db, actor: Actor<'_>, round_id: i64) -> Result<Vec<PoolRow>, AppError> {
    actor.require_reader()?;
    Ok(allocations::pools(&mut *db.inner.acquire().await?, round_id).await?)
}

/// The round of `year` and its proposals.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn of_round(db: &Db, actor: Actor<'_>, year: i32) -> Result<(Round, Vec<Stored>), AppError> {
    actor.require_reader()?;
    let round = super::rounds::find(db, year).await?;
    let list = allocations::list(&mut *db.inner.acquire().await?, round.id).await?;
    Ok((round, list))
}

/// The round of `year`, its run as it stands (every approved project) and its proposals.
///
/// # Errors
/// `Forbidden`, `NotFound`, a stored policy that no longer parses, or a database error.
pub async fn overview(db: &Db, actor: Actor<'_>, year: i32) -> Result<(Round, Run, Vec<Stored>), AppError> {
    actor.require_reader()?;
    let round = super::rounds::find(db, year).await?;
    let mut conn = db.inner.acquire().await?;
    let run = run(&mut conn, &round, None).await?;
    let list = allocations::list(&mut conn, round.id).await?;
    Ok((round, run, list))
}

/// A proposal and its grant lines.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn find(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Stored, Lines), AppError> {
    actor.require_reader()?;
    let mut conn = db.inner.acquire().await?;
    let a = allocations::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let lines = allocations::lines(&mut conn, id).await?;
    Ok((a, lines))
}

/// A proposal as its page shows it: with its round, the round's pools, its lines and who
/// proposed and decided it.
pub struct Detail {
    pub allocation: Stored,
    pub round: Round,
    pub pools: Vec<PoolRow>,
    pub lines: Lines,
    pub proposer: Option<String>,
    pub decider: Option<String>,
}

/// A proposal with what its page shows.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn detail(db: &Db, actor: Actor<'_>, id: i64) -> Result<Detail, AppError> {
    actor.require_reader()?;
    let mut conn = db.inner.acquire().await?;
    let a = allocations::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut conn, a.round_id).await?.ok_or(AppError::NotFound)?;
    let pools = allocations::pools(&mut conn, round.id).await?;
    let lines = allocations::lines(&mut conn, id).await?;
    let (proposer, decider) = super::accounts::signers(&mut conn, a.proposed_by, a.decided_by).await?;
    Ok(Detail { allocation: a, round, pools, lines, proposer, decider })
}

/// The entry of a release line (`grant.release`): a withdrawn project's unpaid grant, or a
/// paid clawback's money, given back to the pools (docs/payments.md).
pub(crate) fn release_entry<'e>(actor: Actor<'e>, r: &allocations::Released) -> storage::audit::Entry<'e> {
    let mut e = actor.entry("grant.release", "grant", r.line_id, Some(r.round_id));
    e.new = json!({ "project_id": r.project_id, "amount_fen": r.amount.fen() });
    e
}
