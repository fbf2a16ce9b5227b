//! A round (年度): found by its year, its counted projects and the engine's result over them
//! (the trial calculation every page of the round shows), and the division's changes to it:
//! create from a policy, replace the policy while nothing is granted, open or close. Each
//! change is audited with the round before and after (docs/policy.md, docs/ARCHITECTURE.md).

use super::Actor;
use crate::engine::{Policy, Project, RoundResult, RoundStatus};
use crate::error::AppError;
use crate::reports::Undecided;
use crate::storage::{self, projects::Record, Db};

pub use crate::storage::rounds::Round;

/// Every round, newest first.
///
/// # Errors
/// A database error.
pub async fn list(db: &Db) -> Result<Vec<Round>, AppError> {
    Ok(storage::rounds::list(&mut *db.inner.acquire().await?).await?)
}

/// The years of the rounds open now, newest first: where an applicant may still apply.
///
/// # Errors
/// A database error.
pub async fn open_years(conn: &mut storage::Conn) -> Result<Vec<i32>, sqlx::Error> {
    let rounds = storage::rounds::list(conn).await?;
    Ok(rounds.into_iter().filter(|r| r.status == RoundStatus::Open).map(|r| r.year).collect())
}

/// A round by year, or 404.
///
/// # Errors
/// `NotFound` or a database error.
pub async fn find(db: &Db, year: i32) -> Result<Round, AppError> {
    let mut conn = db.inner.acquire().await?;
    storage::rounds::find_by_year(&mut conn, year).await?.ok_or(AppError::NotFound)
}

/// The projects of a round that its calculation counts (`review::State::counts`: not
/// drafts, rejected or withdrawn ones), in workbook order: the engine's input for the
/// trial calculation and the figures.
///
/// # Errors
/// A database error.
pub async fn counted(conn: &mut storage::Conn, round_id: i64) -> Result<Vec<(Record, Project)>, sqlx::Error> {
    let mut all = storage::load::round(conn, round_id).await?;
    all.retain(|(r, _)| r.state.counts());
    Ok(all)
}

/// A round's policy, its counted projects and the engine's result over them.
///
/// # Errors
/// A stored policy that no longer parses (never expected), or a database error.
pub async fn computed(db: &Db, round: &Round) -> Result<(Policy, Vec<(Record, Project)>, RoundResult), AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut conn = db.inner.acquire().await?;
    let stored = counted(&mut conn, round.id).await?;
    let (records, projects): (Vec<_>, Vec<Project>) = stored.iter().cloned().unzip();
    let result = crate::reports::settled(&mut conn, round.id, &policy, (&records, &projects), Undecided::Trial).await?;
    Ok((policy, stored, result))
}

/// Create a round from policy text (division staff only).
///
/// # Errors
/// `Forbidden`, `Invalid` (the policy names the field), `Conflict` (the year exists).
pub async fn create(db: &Db, actor: Actor<'_>, toml: &str) -> Result<Round, AppError> {
    actor.require(actor.role.may_manage_rounds())?;
    let policy = crate::import::policy(toml)?;
    let mut tx = storage::begin_write(db).await?;
    if storage::rounds::find_by_year(&mut tx, policy.year).await?.is_some() {
        return Err(AppError::Conflict(format!("{}年度已存在", policy.year)));
    }
    let id = storage::rounds::insert(&mut tx, &policy, toml, RoundStatus::Open).await?;
    let round = storage::rounds::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let mut e = actor.entry("round.create", "round", id, Some(id));
    e.new = round_json(&round);
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(round)
}

/// Replace an open round's policy (same year; nothing granted yet).
///
/// # Errors
/// `Forbidden`, `Invalid`, `Conflict` when the round is closed, has grants, or the year changed.
pub async fn update(db: &Db, actor: Actor<'_>, round: &Round, toml: &str) -> Result<(), AppError> {
    actor.require(actor.role.may_manage_rounds())?;
    let policy = crate::import::policy(toml)?;
    if policy.year != round.year {
        return Err(AppError::Invalid("年度不能修改".into()));
    }
    let mut tx = storage::begin_write(db).await?;
    let before = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    match storage::rounds::update_policy(&mut tx, round.id, &policy, toml).await {
        Err(sqlx::Error::RowNotFound) => {
            return Err(AppError::Conflict("该年度已关闭或已核定贴息，政策不能再修改".into()))
        }
        other => other?,
    }
    let after = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    let mut e = actor.entry("round.policy_update", "round", round.id, Some(round.id));
    (e.old, e.new) = (round_json(&before), round_json(&after));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// Open or close a round (division staff only); audited.
///
/// # Errors
/// `Forbidden`, `Invalid` (a status other than open or closed), `NotFound`, or a database error.
pub async fn set_status(pool: &storage::Pool, actor: Actor<'_>, round: &Round, status: &str) -> Result<(), AppError> {
    actor.require(actor.role.may_manage_rounds())?;
    let Some(status) = RoundStatus::parse(status) else {
        return Err(AppError::Invalid("年度状态只能是进行中或已结束".into()));
    };
    let mut tx = storage::begin_write(pool).await?;
    let before = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    storage::rounds::set_status(&mut tx, round.id, status).await?;
    let mut e = actor.entry("round.status", "round", round.id, Some(round.id));
    (e.old, e.new) = (serde_json::json!({ "status": before.status }), serde_json::json!({ "status": status }));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// A round as the audit trail keeps it (the policy text holds no personal numbers).
fn round_json(r: &Round) -> serde_json::Value {
    serde_json::json!({ "year": r.year, "name": r.name, "status": r.status, "policy_toml": r.policy_toml })
}
