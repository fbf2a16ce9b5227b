//! Review actions through the web: the form or JSON of an action parsed into the state
//! machine's request and handed to `app::review::act`, the use case behind the project
//! page's buttons, the bulk 公示名单 and `POST /api/v1/projects/<id>/actions` (whose `cut`
//! goes to `web::review::cuts`).

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::app;
use crate::error::AppError;
use crate::review::{self, Action, State};
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, WritesBody};
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

fn date(s: &str) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| AppError::Invalid(format!("日期“{s}”应写成 YYYY-MM-DD")))
}

impl Asked {
    /// The action as the state machine takes it: a known action, dates read.
    ///
    /// # Errors
    /// `Invalid` for an unknown action or a date that cannot be read.
    pub fn request(&self) -> Result<review::Request<'_>, AppError> {
        let action = Action::parse(self.action.trim()).ok_or_else(|| AppError::Invalid("未知的操作".into()))?;
        Ok(review::Request { action, comment: self.comment.trim(), start: date(&self.start)?, end: date(&self.end)? })
    }
}

/// Take an action on a project (`app::review::act`); returns its new state.
///
/// # Errors
/// As `app::review::act`, and `Invalid` for what cannot be read.
pub(crate) async fn act(db: &Db, session: &Session, id: i64, asked: &Asked) -> Result<State, AppError> {
    app::review::act(db, session.actor(), id, &asked.request()?).await
}

/// A transition as the project page and the API show it.
#[derive(serde::Serialize)]
pub struct TransitionView {
    #[serde(flatten)]
    pub t: app::review::Transition,
    pub action_label: &'static str,
    pub to_label: &'static str,
}

pub(crate) fn views(list: Vec<app::review::Transition>) -> Vec<TransitionView> {
    list.into_iter()
        .map(|t| TransitionView {
            action_label: Action::parse(&t.action)
                .map_or_else(|| app::review::cuts::action_label(&t.action), Action::label),
            to_label: t.to_state.label(),
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
        WritesBody,
        (status = 404, description = "No such project, or not the session's; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The move is not open from this state, the round is closed, or another move came first; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An unknown action, a bad date, a missing comment, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/projects/<id>/actions", format = "json", data = "<body>")]
pub(crate) async fn api_act(
    db: &Db,
    session: Session,
    id: i64,
    body: rocket::serde::json::Json<Asked>,
) -> Result<serde_json::Value, AppError> {
    if body.action.trim() == "cut" {
        let asked = crate::web::review::cuts::from_api(&body)?;
        return crate::web::review::cuts::cut(db, &session, id, &asked).await;
    }
    let to = act(db, &session, id, &body).await?;
    Ok(json!({ "id": id, "state": to.code(), "state_label": to.label() }))
}

/// `GET /api/v1/projects/<id>/transitions`.
// Deliberately like rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "review_transitions", path = "/projects/{id}/transitions", summary = "The project's state and its transitions (every move and opinion: who, when in UTC, comment), oldest first", tag = "review", security(("session" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project's state, open objections and every move", body = Object),
        Reads,
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/projects/<id>/transitions")]
pub(crate) async fn api_transitions(db: &Db, session: Session, id: i64) -> Result<serde_json::Value, AppError> {
    let (s, history) = app::review::transitions(db, session.actor(), id).await?;
    Ok(json!({ "id": id, "state": s.state, "open_objections": s.open_objections, "transitions": views(history) }))
}

#[must_use]
pub(crate) fn api_routes() -> Vec<rocket::Route> {
    routes![api_act, api_transitions]
}
