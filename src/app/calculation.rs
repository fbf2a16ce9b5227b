//! The round's stored calculation: after anything that changes what a round counts (an
//! import, an application saved, a review move), every project's request and status are
//! recomputed by the engine in the same write transaction, with the round's facts
//! (`storage::facts`: the review cuts in force).
//!
//! One calculation, two ways to its input: `recalculate` reads the round back; a confirmed
//! import (`app::imports::write`) already holds the round as its transaction will hold it
//! and computes before it writes, so that its new projects go in with their figures (issue
//! 19: reading 100,000 loans back was a third of the import). Both go through `figures`
//! and `store`.

use std::borrow::Cow;

use super::Actor;
use crate::engine::{self, Facts, Money, Policy, Project, Status};
use crate::error::AppError;
use crate::storage::{self, projects::Record};

/// A project whose figures change: its index in the round, its new request and status.
pub(crate) type Change = (usize, Money, Status);

/// Store every project's request and status from the engine over the projects the round
/// counts (`review::State::counts`); a project it does not count (draft, rejected,
/// withdrawn) asks for nothing beyond what it still holds and is `ineligible`. Each project
/// whose request or status changes gets an audit entry (`project.recalculate`).
///
/// # Errors
/// A database error, or `Conflict` (`figures`).
pub async fn recalculate(
    conn: &mut storage::Conn,
    actor: Actor<'_>,
    policy: &Policy,
    round_id: i64,
) -> Result<(), AppError> {
    let (records, changed) = computed(conn, policy, round_id).await?;
    store(conn, actor, round_id, &records, &changed, records.len()).await
}

/// The demo's rounds (`demo::load`), computed as `recalculate` computes them and stored
/// without an entry per project: a seed has no change to record, and the load's one
/// `demo.load` entry says what it wrote.
///
/// # Errors
/// A database error, or `Conflict` (`figures`).
pub(crate) async fn seed(conn: &mut storage::Conn, policy: &Policy, round_id: i64) -> Result<(), AppError> {
    let (records, changed) = computed(conn, policy, round_id).await?;
    storage::bulk::set_calculations(conn, &written(&records, &changed, records.len())).await?;
    Ok(())
}

/// The round read back and what the engine changes in it (`figures`).
async fn computed(
    conn: &mut storage::Conn,
    policy: &Policy,
    round_id: i64,
) -> Result<(Vec<Record>, Vec<Change>), AppError> {
    let (records, projects): (Vec<Record>, Vec<Project>) =
        storage::load::round(conn, round_id).await?.into_iter().unzip();
    let facts = storage::facts::round(conn, round_id).await?;
    let changed = figures(policy, &records, &projects, &facts)?;
    Ok((records, changed))
}

/// The stored rows of `changed` (id, fen, status) for the projects before index `inserted`.
fn written<'a>(records: &[Record], changed: &[Change], inserted: usize) -> Vec<(i64, i64, &'a str)> {
    changed
        .iter()
        .filter(|&&(i, _, _)| i < inserted)
        .map(|&(i, requested, status)| (records[i].id, requested.fen(), status.code()))
        .collect()
}

/// The projects of a round (`records[i]` is `projects[i]`'s, in the round's order as
/// `storage::load::round` gives it) whose request or status the engine changes: those the
/// round counts first, in order, then those it does not.
///
/// # Errors
/// `Conflict` when a project would ask for less than it was granted.
pub(crate) fn figures(
    policy: &Policy,
    records: &[Record],
    projects: &[Project],
    facts: &Facts,
) -> Result<Vec<Change>, AppError> {
    let (counted, left_out): (Vec<usize>, Vec<usize>) = (0..records.len()).partition(|&i| records[i].state.counts());
    // The engine's input is the counted projects in order; usually all of them.
    let input: Cow<'_, [Project]> = if counted.len() == projects.len() {
        Cow::Borrowed(projects)
    } else {
        Cow::Owned(counted.iter().map(|&i| projects[i].clone()).collect())
    };
    let result = engine::compute_with(policy, &input, facts);
    // A grant on the books bounds its project's request from below (granted ≤ requested,
    // guarded in SQL too): a change that would lower it, e.g. a late submission whose loan
    // takes over a granted project's contract (docs/rules.md §4 duplicate_contract), is refused.
    if let Some((&i, _)) = counted.iter().zip(&result.projects).find(|(&i, p)| p.requested < records[i].granted) {
        return Err(AppError::Conflict(format!(
            "此操作会使已核定贴息的项目“{}”的申请额低于核定额（例如贷款合同重复），未作更改；请先处理该项目",
            projects[i].name
        )));
    }
    let computed = counted.iter().zip(&result.projects).map(|(&i, p)| (i, p.requested, p.status));
    let excluded = left_out.iter().map(|&i| (i, records[i].granted, Status::Ineligible));
    Ok(computed
        .chain(excluded)
        .filter(|&(i, requested, status)| records[i].requested != requested || records[i].calc_status != status)
        .collect())
}

/// Write the changes of `figures`, each with its audit entry (old and new figures), in a
/// few multi-row statements (issue 19; `storage::bulk`). The projects from index `inserted`
/// on went in with their figures already (an import's new projects): only their entries
/// are written, saying what they ask for as any other project's does.
///
/// # Errors
/// A database error.
pub(crate) async fn store(
    conn: &mut storage::Conn,
    actor: Actor<'_>,
    round_id: i64,
    records: &[Record],
    changed: &[Change],
    inserted: usize,
) -> Result<(), AppError> {
    storage::bulk::set_calculations(conn, &written(records, changed, inserted)).await?;
    let entries: Vec<_> = changed
        .iter()
        .map(|&(i, requested, status)| {
            let record = &records[i];
            let mut e = actor.entry("project.recalculate", "project", record.id, Some(round_id));
            e.old = serde_json::json!({ "requested_fen": record.requested.fen(), "calc_status": record.calc_status });
            e.new =
                serde_json::json!({ "requested_fen": requested.fen(), "calc_status": status, "state": record.state });
            e
        })
        .collect();
    storage::audit::append_all(conn, &entries).await?;
    Ok(())
}
