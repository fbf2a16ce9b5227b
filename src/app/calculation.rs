//! The round's stored calculation: after anything that changes what a round counts (an
//! import, an application saved, a review move), every project's request and status are
//! recomputed by the engine in the same write transaction, with the round's facts
//! (`storage::facts`: the review cuts in force).

use super::Actor;
use crate::engine::{self, Policy};
use crate::error::AppError;
use crate::storage;

/// Store every project's request and status from the engine over the projects the round
/// counts (`review::State::counts`); a project it does not count (draft, rejected,
/// withdrawn) asks for nothing beyond what it still holds and is `ineligible`. Each project
/// whose request or status changes gets an audit entry (`project.recalculate`).
///
/// # Errors
/// A database error.
pub async fn recalculate(
    conn: &mut storage::Conn,
    actor: Actor<'_>,
    policy: &Policy,
    round_id: i64,
) -> Result<(), AppError> {
    let (counted, left_out): (Vec<_>, Vec<_>) =
        storage::load::round(conn, round_id).await?.into_iter().partition(|(r, _)| r.state.counts());
    let projects: Vec<_> = counted.iter().map(|(_, p)| p.clone()).collect();
    let facts = storage::facts::round(conn, round_id).await?;
    let result = engine::compute_with(policy, &projects, &facts);
    // A grant on the books bounds its project's request from below (granted ≤ requested,
    // guarded in SQL too): a change that would lower it, e.g. a late submission whose loan
    // takes over a granted project's contract (docs/rules.md §4 duplicate_contract), is refused.
    if let Some((r, _)) = counted.iter().zip(&result.projects).find(|((r, _), p)| p.requested < r.granted) {
        return Err(AppError::Conflict(format!(
            "此操作会使已核定贴息的项目“{}”的申请额低于核定额（例如贷款合同重复），未作更改；请先处理该项目",
            r.1.name
        )));
    }
    let computed = counted.iter().zip(&result.projects).map(|((r, _), p)| (r, p.requested, p.status));
    let excluded = left_out.iter().map(|(r, _)| (r, r.granted, engine::Status::Ineligible));
    // Only the projects whose figures change are written, each with its audit entry, in a
    // few multi-row statements (issue 19; storage::bulk).
    let changed: Vec<_> = computed
        .chain(excluded)
        .filter(|(r, requested, status)| r.requested != *requested || r.calc_status != *status)
        .collect();
    let figures: Vec<(i64, i64, &str)> =
        changed.iter().map(|(r, requested, status)| (r.id, requested.fen(), status.code())).collect();
    storage::bulk::set_calculations(conn, &figures).await?;
    let entries: Vec<_> = changed
        .iter()
        .map(|(record, requested, status)| {
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
