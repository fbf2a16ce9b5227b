//! Moving a project through its review (docs/rules.md §10): the one use case behind the
//! project page's buttons, the bulk 公示名单 and `POST /api/v1/projects/<id>/actions`. The
//! decision is the pure state machine's (`crate::review`); the move is guarded in SQL and
//! recorded with a transition and an audit row in the same write transaction.

use chrono::NaiveDate;
use serde_json::json;

use super::Actor;
use crate::error::AppError;
use crate::review::{self, Action, Facts, Refusal, Request, State};
use crate::storage::{self, review::Move, Conn, Db};

pub mod cuts;

pub use crate::storage::documents::Document;
pub use crate::storage::review::{Subject, Transition};

/// How the actor stands to the project: what the state machine needs to know of them.
#[must_use]
pub fn relation(actor: Actor<'_>, s: &Subject) -> review::Actor {
    review::Actor {
        role: actor.role,
        owns: actor.id.is_some() && s.owner_id == actor.id,
        same_unit: actor.unit == Some(s.unit.as_str()),
        published: actor.id.is_some() && s.publisher_id == actor.id,
    }
}

/// What the state machine needs from the stored project and its round's policy.
#[must_use]
pub fn facts(s: &Subject, publicity_days: u32, today: NaiveDate) -> Facts {
    let day = |d: &Option<String>| d.as_deref().and_then(|d| d.parse().ok());
    Facts {
        state: s.state,
        round_open: s.round_open,
        has_opinion: s.has_opinion,
        publication_start: day(&s.publication_start),
        publication_end: day(&s.publication_end),
        publicity_days,
        open_objections: u32::try_from(s.open_objections).unwrap_or(u32::MAX),
        paid_fen: s.paid.fen(),
        today,
    }
}

/// The project's facts as of today, with its round's `review.publicity_days`.
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub async fn facts_of(conn: &mut Conn, s: &Subject) -> Result<Facts, AppError> {
    let round = storage::rounds::find(conn, s.round_id).await?.ok_or(AppError::NotFound)?;
    let policy = crate::import::policy(&round.policy_toml)?;
    Ok(facts(s, policy.publicity_days, super::today()))
}

/// The state machine's refusal as the error every caller answers with (403, 409, 422).
#[must_use]
pub fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Forbidden => AppError::Forbidden,
        Refusal::Conflict(m) => AppError::Conflict(m),
        Refusal::Invalid(m) => AppError::Invalid(m),
    }
}

/// The project as the review sees it, if the actor may see it.
///
/// # Errors
/// `NotFound` outside the actor's scope, or a database error.
pub async fn subject(conn: &mut Conn, actor: Actor<'_>, id: i64) -> Result<Subject, AppError> {
    storage::review::subject(conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)
}

/// The projects of `ids` the actor may see, in that order (the bulk approval names them).
///
/// # Errors
/// A database error.
pub async fn subjects(db: &Db, actor: Actor<'_>, ids: &[i64]) -> Result<Vec<Subject>, AppError> {
    let mut conn = db.inner.acquire().await?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(storage::review::subject(&mut conn, *id, &actor.scope()).await?);
    }
    Ok(out)
}

/// Whether the action may be taken now, without taking it: the confirmation page of an
/// irreversible action asks only what will be allowed.
///
/// # Errors
/// `NotFound` outside the scope; `Forbidden`, `Conflict`, `Invalid` as decided.
pub async fn decide(db: &Db, actor: Actor<'_>, id: i64, request: &Request<'_>) -> Result<Subject, AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = subject(&mut conn, actor, id).await?;
    let facts = facts_of(&mut conn, &s).await?;
    review::decide(relation(actor, &s), &facts, request).map_err(refused)?;
    Ok(s)
}

/// Take an action on a project; returns its new state.
///
/// # Errors
/// `NotFound` outside the actor's scope; `Forbidden`, `Conflict`, `Invalid` as decided;
/// `Conflict` when someone else moved the project first.
pub async fn act(db: &Db, actor: Actor<'_>, id: i64, request: &Request<'_>) -> Result<State, AppError> {
    let action = request.action;
    let mut tx = storage::begin_write(db).await?;
    let subject = subject(&mut tx, actor, id).await?;
    let facts = facts_of(&mut tx, &subject).await?;
    let to = review::decide(relation(actor, &subject), &facts, request).map_err(refused)?;
    let publication = match (request.start, request.end) {
        (Some(s), Some(e)) if action == Action::Publish => Some((s.to_string(), e.to_string())),
        _ => None,
    };
    let reason = (action == Action::Reject).then_some(request.comment);
    let m = Move { id, from: subject.state, to, publication, reason };
    if !storage::review::move_state(&mut tx, &m).await? {
        return Err(AppError::Conflict("项目状态刚被他人更改，请刷新页面后重试".into()));
    }
    storage::review::record(&mut tx, &m, action.code(), actor.account()?, request.comment).await?;
    if action == Action::Withdraw && subject.granted.is_positive() {
        // The unpaid grant goes back to its pools (a release line) in the move's transaction;
        // money in an open batch must be cancelled out first (docs/payments.md).
        if let Some(r) = storage::batches::release_unpaid(&mut tx, id, actor.signer()?).await? {
            storage::audit::append(&mut tx, &super::allocations::release_entry(actor, &r)).await?;
        }
    }
    if subject.state.counts() != to.counts() {
        recount(&mut tx, actor, subject.round_id).await?;
    }
    let name = format!("project.{}", action.code());
    let mut entry = actor.entry(&name, "project", id, Some(subject.round_id));
    entry.old = json!({ "state": subject.state, "open_objections": subject.open_objections });
    entry.new = json!({ "state": to.code(), "comment": request.comment, "publication": m.publication });
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(to)
}

/// A project entered or left the round's calculation (`State::counts`), or a cut changed
/// it: the others' requests may change (a duplicate contract), so recompute them in the
/// caller's transaction.
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub async fn recount(conn: &mut Conn, actor: Actor<'_>, round_id: i64) -> Result<(), AppError> {
    let round = storage::rounds::find(conn, round_id).await?.ok_or(AppError::NotFound)?;
    let policy = crate::import::policy(&round.policy_toml)?;
    super::calculation::recalculate(conn, actor, &policy, round.id).await
}

/// What the project page shows of the review: the project, its history, its documents,
/// its facts as of today and how the actor stands to it.
pub struct Panel {
    pub subject: Subject,
    pub history: Vec<Transition>,
    pub documents: Vec<Document>,
    pub facts: Facts,
    pub relation: review::Actor,
}

/// The review of one project as its page shows it.
///
/// # Errors
/// `NotFound` outside the scope, or a database error.
pub async fn panel(db: &Db, actor: Actor<'_>, id: i64) -> Result<Panel, AppError> {
    let mut conn = db.inner.acquire().await?;
    let subject = subject(&mut conn, actor, id).await?;
    let history = storage::review::history(&mut conn, id).await?;
    let documents = storage::documents::list(&mut conn, id).await?;
    let facts = facts_of(&mut conn, &subject).await?;
    let relation = relation(actor, &subject);
    Ok(Panel { subject, history, documents, facts, relation })
}

/// A project's state and history (`GET /api/v1/projects/<id>/transitions`).
///
/// # Errors
/// `NotFound` outside the scope, or a database error.
pub async fn transitions(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Subject, Vec<Transition>), AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = subject(&mut conn, actor, id).await?;
    let history = storage::review::history(&mut conn, id).await?;
    Ok((s, history))
}
