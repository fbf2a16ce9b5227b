//! Continuing loans (issue 15 item 4): when a round is open, division staff see the previous
//! round's approved projects whose loans still run into its window, and carry them forward
//! as drafts for their regiment (`storage::carry`), which confirms, edits or drops each.

use serde_json::{json, Value};

use super::Actor;
use crate::error::AppError;
use crate::storage::{self, rounds::Round, Db};

/// The projects the previous round offers to `round`.
///
/// # Errors
/// `Forbidden` but for those who manage rounds, or a database error.
pub async fn offered(db: &Db, actor: Actor<'_>, round: &Round) -> Result<Value, AppError> {
    actor.require(actor.role.may_manage_rounds())?;
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut conn = db.inner.acquire().await?;
    let Some(from) = storage::carry::previous_round(&mut conn, round.year).await? else {
        return Ok(json!({ "from_year": null, "projects": [] }));
    };
    let list = storage::carry::candidates(&mut conn, from, round.id, &policy.window.start.to_string()).await?;
    let from_year = storage::rounds::find(&mut conn, from).await?.map(|r| r.year);
    Ok(json!({ "from_year": from_year, "projects": list }))
}

/// Carry the offered projects (or those `chosen`, ids of the previous round) forward as
/// drafts, in one write transaction; one audit row each. Carrying twice does nothing twice.
///
/// # Errors
/// `Forbidden`, `Conflict` (round closed, no previous round), or a database error.
pub async fn forward(db: &Db, actor: Actor<'_>, round: &Round, chosen: Option<&[i64]>) -> Result<Value, AppError> {
    actor.require(actor.role.may_manage_rounds())?;
    if round.status != "open" {
        return Err(AppError::Conflict("该年度已关闭".into()));
    }
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut tx = storage::begin_write(db).await?;
    let Some(from) = storage::carry::previous_round(&mut tx, round.year).await? else {
        return Err(AppError::Conflict("没有上一年度可以结转".into()));
    };
    let offered = storage::carry::candidates(&mut tx, from, round.id, &policy.window.start.to_string()).await?;
    let mut carried = Vec::new();
    for c in offered.iter().filter(|c| !c.carried && chosen.is_none_or(|ids| ids.contains(&c.id))) {
        let Some((id, project)) = storage::carry::forward(&mut tx, c.id, round.id, policy.window.start).await? else {
            continue;
        };
        let mut e = actor.entry("project.carry_forward", "project", id, Some(round.id));
        let contracts: Vec<&str> = project.loans.iter().map(|l| l.contract_no.as_str()).collect();
        e.old = json!({ "project_id": c.id });
        e.new = json!({ "key": project.key, "state": "draft", "contracts": contracts });
        storage::audit::append(&mut tx, &e).await?;
        carried.push(json!({ "id": id, "from": c.id, "key": project.key, "contracts": contracts }));
    }
    tx.commit().await?;
    Ok(json!({ "carried": carried }))
}
