//! The dashboard's reads (the home page and `GET /api/v1/figures`): the current round's
//! pools, requests, states, statuses and regiments, and the closed rounds for the
//! cumulative trend, all within the actor's scope (applied in SQL by `storage::dashboard`);
//! and the figures of one round or of every round up to a year (docs/rules.md §7).

use super::Actor;
use crate::engine::{Figures, Project, RoundStatus};
use crate::error::AppError;
use crate::storage::dashboard as data;
use crate::storage::{rounds::Round, Db};

pub use crate::storage::dashboard::{ClosedRound, PoolUse, Regiment, Requests};

/// The current round as the dashboard shows it, within a scope.
pub struct Current {
    pub round: Round,
    pub pools: Vec<PoolUse>,
    pub requests: Requests,
    /// Projects per review state, most frequent first.
    pub states: Vec<(crate::review::State, i64)>,
    /// Projects per calculation status, most frequent first.
    pub statuses: Vec<(crate::engine::Status, i64)>,
    /// The regiments with the most granted, at most `top` of them.
    pub regiments: Vec<Regiment>,
}

/// Every round (newest first), the current one (the latest open one, else the latest) and
/// the closed rounds' projects, within the actor's scope.
pub struct Board {
    pub rounds: Vec<Round>,
    pub current: Option<Current>,
    pub closed: Vec<ClosedRound>,
}

/// The dashboard of the actor's scope, listing at most `top` regiments.
///
/// # Errors
/// A database error.
pub async fn board(db: &Db, actor: Actor<'_>, top: i64) -> Result<Board, AppError> {
    let scope = actor.scope();
    let mut conn = db.inner.acquire().await?;
    let rounds = crate::storage::rounds::list(&mut conn).await?;
    let current = match rounds.iter().find(|r| r.status == RoundStatus::Open).or(rounds.first()) {
        Some(r) => Some(Current {
            round: r.clone(),
            pools: data::pools(&mut conn, r.id, &scope).await?,
            requests: data::requests(&mut conn, r.id, &scope).await?,
            states: data::states(&mut conn, r.id, &scope).await?,
            statuses: data::statuses(&mut conn, r.id, &scope).await?,
            regiments: data::regiments(&mut conn, r.id, &scope, top).await?,
        }),
        None => None,
    };
    let closed = data::closed_rounds(&mut conn, &scope).await?;
    Ok(Board { rounds, current, closed })
}

/// The figures of the round of `year`, or of every round up to `through` (exactly one of them).
///
/// # Errors
/// `Invalid` (neither or both), `NotFound` (no such round), or a database error.
pub async fn figures(db: &Db, year: Option<i32>, through: Option<i32>) -> Result<Figures, AppError> {
    let all = super::rounds::list(db).await?;
    let chosen: Vec<_> = match (year, through) {
        (Some(y), None) => all.into_iter().filter(|r| r.year == y).collect(),
        (None, Some(t)) => all.into_iter().filter(|r| r.year <= t).rev().collect(),
        _ => return Err(AppError::Invalid("请给出 year 或 through 其中之一".into())),
    };
    if chosen.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut computed = Vec::new();
    for r in &chosen {
        let (_, stored, result) = super::rounds::computed(db, r).await?;
        computed.push((stored.into_iter().map(|(_, p)| p).collect::<Vec<Project>>(), result));
    }
    Ok(crate::engine::figures::cumulative(computed.iter().map(|(p, r)| (p.as_slice(), r))))
}
