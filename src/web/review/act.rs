//! Moving a project through its review (`crate::review`): the one use case behind the
//! project page's buttons, the bulk 公示名单, and `POST /api/v1/projects/<id>/actions`
//! (whose `cut` goes to `web::review::cuts`). The decision is the pure module's; the move is
//! guarded in SQL and recorded with a transition and an audit row in the same write
//! transaction.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::error::AppError;
use crate::review::{self, Action, Actor, Facts, Refusal, State};
use crate::storage::{self, review::Move, review::Subject, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::openapi::ApiError;

/// An action as asked for (form or JSON); dates `YYYY-MM-DD` for publish; the loan, the
/// limit and the reason for a cut (`web::review::cuts`).
#[derive(Debug, Clone, Default, Deserialize, FromForm, utoipa::ToSchema)]
pub struct Asked {
    pub action: String,
    #[serde(default)]
    #[field(default = String::new())]
    pub comment: String,
    #[serde(default)]
    #[field(default = String::new())]
    pub start: String,
    #[serde(default)]
    #[field(default = String::new())]
    pub end: String,
    #[serde(default)]
    #[field(default = String::new())]
    pub contract_no: String,
    #[serde(default)]
    pub excluded: Option<bool>,
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    #[field(default = String::new())]
    pub reason: String,
}

/// Today in the server's calendar (China Standard Time, UTC+8): approval compares with it.
#[must_use]
pub(crate) fn today() -> NaiveDate {
    crate::app::today()
}

fn date(s: &str) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| AppError::Invalid(format!("日期“{s}”应写成 YYYY-MM-DD")))
}

/// How the session stands to the project.
#[must_use]
pub(crate) fn actor(session: &Session, s: &Subject) -> Actor {
    Actor {
        role: session.role,
        owns: s.owner_id == Some(session.user.id),
        same_unit: session.user.unit.as_deref() == Some(s.unit.as_str()),
        published: s.publisher_id == Some(session.user.id),
    }
}

/// What the state machine needs from the stored project and its round's policy.
#[must_use]
pub(crate) fn facts(s: &Subject, publicity_days: u32, today: NaiveDate) -> Facts {
    let day = |d: &Option<String>| d.as_deref().and_then(|d| d.parse().ok());
    Facts {
        state: State::parse(&s.state).unwrap_or(State::Submitted),
        round_open: s.round_open,
        has_opinion: s.has_opinion,
        publication_start: day(&s.publication_start),
        publication_end: day(&s.publication_end),
        publicity_days,
        open_objections: u32::try_from(s.open_objections).unwrap_or(u32::MAX),
        paid_fen: s.paid_fen,
        today,
    }
}

/// The project's facts as of today, with its round's `review.publicity_days`.
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub(crate) async fn facts_of(conn: &mut storage::Conn, s: &Subject) -> Result<Facts, AppError> {
    let round = storage::rounds::find(conn, s.round_id).await?.ok_or(AppError::NotFound)?;
    let policy = crate::import::policy(&round.policy_toml)?;
    Ok(facts(s, policy.publicity_days, today()))
}

pub(crate) fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::Forbidden => AppError::Forbidden,
        Refusal::Conflict(m) => AppError::Conflict(m),
        Refusal::Invalid(m) => AppError::Invalid(m),
    }
}

/// Take an action on a project; returns its new state.
///
/// # Errors
/// `NotFound` outside the session's scope; `Forbidden`, `Conflict`, `Invalid` as decided;
/// `Conflict` when someone else moved the project first.
pub(crate) async fn act(db: &Db, session: &Session, id: i64, asked: &Asked) -> Result<State, AppError> {
    let action = Action::parse(asked.action.trim()).ok_or_else(|| AppError::Invalid("未知的操作".into()))?;
    let request =
        review::Request { action, comment: asked.comment.trim(), start: date(&asked.start)?, end: date(&asked.end)? };
    let mut tx = storage::begin_write(db).await?;
    let subject = storage::review::subject(&mut tx, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let facts = facts_of(&mut tx, &subject).await?;
    let to = review::decide(actor(session, &subject), &facts, &request).map_err(refused)?;
    let publication = match (request.start, request.end) {
        (Some(s), Some(e)) if action == Action::Publish => Some((s.to_string(), e.to_string())),
        _ => None,
    };
    let reason = (action == Action::Reject).then_some(request.comment);
    let m = Move { id, from: &subject.state, to: to.code(), publication, reason };
    if !storage::review::move_state(&mut tx, &m).await? {
        return Err(AppError::Conflict("项目状态刚被他人更改，请刷新页面后重试".into()));
    }
    storage::review::record(&mut tx, &m, action.code(), session.user.id, request.comment).await?;
    if action == Action::Withdraw && subject.granted_fen > 0 {
        release_grant(&mut tx, session, id).await?;
    }
    if State::parse(&subject.state).is_none_or(State::counts) != to.counts() {
        recount(&mut tx, session, subject.round_id).await?;
    }
    let name = format!("project.{}", action.code());
    let mut entry = session.actor().entry(&name, "project", id, Some(subject.round_id));
    entry.old = json!({ "state": subject.state, "open_objections": subject.open_objections });
    entry.new = json!({ "state": to.code(), "comment": request.comment, "publication": m.publication });
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(to)
}

/// A withdrawn project's unpaid grant goes back to its pools (a release line), in the
/// transaction of the move; money in an open batch must be cancelled out first.
async fn release_grant(conn: &mut storage::Conn, session: &Session, id: i64) -> Result<(), AppError> {
    storage::batches::release_unpaid(conn, id, session.actor().signer()?).await?;
    Ok(())
}

/// A project entered or left the round's calculation (`State::counts`): the others'
/// requests may change (a duplicate contract), so recompute them in the move's transaction.
///
/// # Errors
/// A stored policy that no longer parses, or a database error.
pub(crate) async fn recount(conn: &mut storage::Conn, session: &Session, round_id: i64) -> Result<(), AppError> {
    let round = storage::rounds::find(conn, round_id).await?.ok_or(AppError::NotFound)?;
    let policy = crate::import::policy(&round.policy_toml)?;
    crate::app::calculation::recalculate(conn, session.actor(), &policy, round.id).await
}

/// A transition as the project page and the API show it.
#[derive(serde::Serialize)]
pub struct TransitionView {
    #[serde(flatten)]
    pub t: storage::review::Transition,
    pub action_label: &'static str,
    pub to_label: &'static str,
}

pub(crate) fn views(list: Vec<storage::review::Transition>) -> Vec<TransitionView> {
    list.into_iter()
        .map(|t| TransitionView {
            action_label: Action::parse(&t.action)
                .map_or_else(|| crate::web::review::cuts::action_label(&t.action), Action::label),
            to_label: State::parse(&t.to_state).map_or("", State::label),
            t,
        })
        .collect()
}

/// `POST /api/v1/projects/<id>/actions`: a move, an objection or its resolution, or a cut.
#[utoipa::path(post, operation_id = "review_act", path = "/projects/{id}/actions", summary = "Take a review action on a project (submit, regiment_review, return, opinion, division_review, publish, approve, reject, withdraw), raise or resolve an objection (object, resolve), or cut a loan (cut)", tag = "review", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    request_body(content = Asked, content_type = "application/json"),
    responses(
        (status = 200, description = "The project's new state: id, state, state_label (a cut answers the cut project)", body = Object),
        (status = 400, description = "A body that does not parse, or a form whose first field is _method (refused)", body = ApiError),
        (status = 401, description = "Not logged in (or the session ended)", body = ApiError),
        (status = 403, description = "The role may not do this, or the CSRF token is missing", body = ApiError),
        (status = 404, description = "No such project, or not the session's; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The move is not open from this state, the round is closed, or another move came first; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 413, description = "The body is over the limit", body = ApiError),
        (status = 422, description = "An unknown action, a bad date, a missing comment, or a number in the path or query that is not an integer in range", body = ApiError),
        (status = 500, description = "Server error (logged, never described)", body = ApiError),
    ))]
#[post("/projects/<id>/actions", format = "json", data = "<body>")]
pub(crate) async fn api_act(
    db: &Db,
    session: Session,
    id: i64,
    body: rocket::serde::json::Json<Asked>,
) -> Result<serde_json::Value, AppError> {
    if body.action.trim() == "cut" {
        let asked = crate::web::review::cuts::Asked::from_api(&body)?;
        return crate::web::review::cuts::cut(db, &session, id, &asked).await;
    }
    let to = act(db, &session, id, &body).await?;
    Ok(json!({ "id": id, "state": to.code(), "state_label": to.label() }))
}

/// `GET /api/v1/projects/<id>/transitions`.
#[utoipa::path(get, operation_id = "review_transitions", path = "/projects/{id}/transitions", summary = "The project's state and its transitions (every move and opinion: who, when in UTC, comment), oldest first", tag = "review", security(("session" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project's state, open objections and every move", body = Object),
        (status = 401, description = "Not logged in (or the session ended)", body = ApiError),
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
        (status = 500, description = "Server error (logged, never described)", body = ApiError),
    ))]
#[get("/projects/<id>/transitions")]
pub(crate) async fn api_transitions(db: &Db, session: Session, id: i64) -> Result<serde_json::Value, AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = storage::review::subject(&mut conn, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let history = views(storage::review::history(&mut conn, id).await?);
    Ok(json!({ "id": id, "state": s.state, "open_objections": s.open_objections, "transitions": history }))
}

#[must_use]
pub(crate) fn api_routes() -> Vec<rocket::Route> {
    routes![api_act, api_transitions]
}
