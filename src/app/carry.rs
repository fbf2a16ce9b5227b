//! Continuing loans (issue 15 item 4): when a round is open, division staff see the previous
//! round's approved projects whose loans still run into its window, and carry them forward
//! as drafts for their regiment (`storage::carry`), which confirms, edits or drops each.

use serde_json::{json, Value};

use super::Actor;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::review::State;
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
    if round.status != RoundStatus::Open {
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

/// The carried projects of `round` still drafts, for the actor's 团场 (division staff: all).
///
/// # Errors
/// `Forbidden` but for division and regiment staff, or a database error.
pub async fn drafts(db: &Db, actor: Actor<'_>, round: &Round) -> Result<Vec<storage::carry::Draft>, AppError> {
    actor.require(actor.role.may_import())?;
    Ok(storage::carry::drafts(&mut *db.inner.acquire().await?, round.id, &actor.scope()).await?)
}

/// The regiment confirms a carried draft (it goes to 初审 as an imported project does:
/// `submitted`, and the round is recalculated) or drops it (`withdrawn`). Recorded as the
/// review workflow's `submit` or `withdraw`, with one audit row.
///
/// # Errors
/// `Forbidden`, `NotFound` (not a carried draft of the actor's 团场), `Conflict` (round
/// closed, or moved meanwhile), or a database error.
pub async fn settle(db: &Db, actor: Actor<'_>, id: i64, keep: bool) -> Result<Value, AppError> {
    actor.require(actor.role.may_import())?;
    let account = actor.account()?;
    let mut tx = storage::begin_write(db).await?;
    let subject = storage::review::subject(&mut tx, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let carried = storage::carry::drafts(&mut tx, subject.round_id, &actor.scope()).await?;
    if !carried.iter().any(|d| d.id == id) {
        return Err(AppError::NotFound);
    }
    if !subject.round_open {
        return Err(AppError::Conflict("该年度已关闭".into()));
    }
    let (action, to) = if keep { ("submit", State::Submitted) } else { ("withdraw", State::Withdrawn) };
    let m = storage::review::Move { id, from: State::Draft, to, publication: None, reason: None };
    if !storage::review::move_state(&mut tx, &m).await? {
        return Err(AppError::Conflict("项目状态刚被他人更改，请刷新页面后重试".into()));
    }
    let comment = if keep { "确认结转" } else { "放弃结转" };
    storage::review::record(&mut tx, &m, action, account, comment).await?;
    if keep {
        let round = storage::rounds::find(&mut tx, subject.round_id).await?.ok_or(AppError::NotFound)?;
        let policy = crate::import::policy(&round.policy_toml)?;
        super::calculation::recalculate(&mut tx, actor, &policy, round.id).await?;
    }
    let mut e = actor.entry(
        if keep { "project.carry_confirm" } else { "project.carry_drop" },
        "project",
        id,
        Some(subject.round_id),
    );
    e.old = json!({ "state": "draft" });
    e.new = json!({ "state": to });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(json!({ "id": id, "state": to }))
}

/// The year of a project the actor may see (else 404), for the page to go back to.
///
/// # Errors
/// `NotFound`, or a database error.
pub async fn year_of(db: &Db, actor: Actor<'_>, id: i64) -> Result<i32, AppError> {
    let mut conn = db.inner.acquire().await?;
    Ok(storage::review::subject(&mut conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)?.year)
}
