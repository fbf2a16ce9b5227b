//! Moving a project through its review (`crate::review`): the one use case behind the
//! project page's buttons, the bulk 公示名单, and `POST /api/v1/projects/<id>/actions`.
//! The decision is the pure module's; the move is guarded in SQL and recorded with a
//! transition and an audit row in the same write transaction.

use chrono::NaiveDate;
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use serde::Deserialize;
use serde_json::json;

use super::auth::Session;
use crate::accounts::Role;
use crate::error::AppError;
use crate::review::{self, Action, Actor, Facts, Refusal, State};
use crate::storage::{self, review::Move, review::Subject, Db};

/// An action as asked for (form or JSON); dates `YYYY-MM-DD` for publish.
#[derive(Debug, Clone, Default, Deserialize, FromForm)]
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
}

/// Today in the server's calendar (China Standard Time, UTC+8): approval compares with it.
#[must_use]
pub(crate) fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
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
    }
}

/// What the state machine needs from the stored project.
#[must_use]
pub(crate) fn facts(s: &Subject, today: NaiveDate) -> Facts {
    Facts {
        state: State::parse(&s.state).unwrap_or(State::Submitted),
        round_open: s.round_open,
        has_opinion: s.has_opinion,
        publication_end: s.publication_end.as_deref().and_then(|d| d.parse().ok()),
        paid_fen: s.paid_fen,
        today,
    }
}

fn refused(r: Refusal) -> AppError {
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
    let to = review::decide(actor(session, &subject), &facts(&subject, today()), &request).map_err(refused)?;
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
    let entry = storage::audit::Entry {
        actor_id: Some(session.user.id),
        actor: &session.user.username,
        action: &format!("project.{}", action.code()),
        entity: "project",
        entity_id: id.to_string(),
        round_id: Some(subject.round_id),
        old: json!({ "state": subject.state }),
        new: json!({ "state": to.code(), "comment": request.comment, "publication": m.publication }),
    };
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(to)
}

/// A withdrawn project's unpaid grant goes back to its pools (a release line), in the
/// transaction of the move; money in an open batch must be cancelled out first.
async fn release_grant(conn: &mut storage::Conn, session: &Session, id: i64) -> Result<(), AppError> {
    storage::batches::release_unpaid(conn, id, super::money::actor(session)).await?;
    Ok(())
}

/// A project entered or left the round's calculation (`State::counts`): the others'
/// requests may change (a duplicate contract), so recompute them in the move's transaction.
async fn recount(conn: &mut storage::Conn, session: &Session, round_id: i64) -> Result<(), AppError> {
    let round = storage::rounds::find(conn, round_id).await?.ok_or(AppError::NotFound)?;
    let policy = crate::import::policy(&round.policy_toml)?;
    super::calculation::recalculate(conn, session, &policy, round.id).await
}

/// The project page's action form.
#[derive(FromForm)]
pub struct ActionForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    asked: Asked,
}

/// A refusal that the page shows (409, 422) goes back as a flash message; 403 and 404 stay errors.
fn to_flash(to: &str, done: Result<State, AppError>) -> Result<Flash<Redirect>, AppError> {
    match done {
        Ok(s) => Ok(Flash::success(Redirect::to(to.to_string()), format!("操作成功，项目状态：{}", s.label()))),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => {
            Ok(Flash::error(Redirect::to(to.to_string()), e.to_string()))
        }
        Err(e) => Err(e),
    }
}

#[post("/projects/<id>/actions", data = "<form>")]
pub(crate) async fn act_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ActionForm>,
) -> Result<Flash<Redirect>, AppError> {
    let done = act(db, &session, id, &form.asked).await;
    to_flash(&format!("/projects/{id}"), done)
}

/// The 公示名单: publish or approve a selection of a round's projects, each on its own.
#[derive(FromForm)]
pub struct BulkForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    action: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    end: String,
    #[field(default = Vec::new())]
    ids: Vec<i64>,
}

#[post("/rounds/<year>/publications", data = "<form>")]
pub(crate) async fn bulk(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<BulkForm>,
) -> Result<Flash<Redirect>, AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    if !matches!(form.action.as_str(), "publish" | "approve") {
        return Err(AppError::Invalid("批量操作只能是公示或批准".into()));
    }
    let asked =
        Asked { action: form.action.clone(), comment: String::new(), start: form.start.clone(), end: form.end.clone() };
    let (mut done, mut refused) = (0, Vec::new());
    for id in &form.ids {
        match act(db, &session, *id, &asked).await {
            Ok(_) => done += 1,
            Err(e @ (AppError::Conflict(_) | AppError::Invalid(_) | AppError::NotFound)) => {
                refused.push(format!("#{id}：{e}"));
            }
            Err(e) => return Err(e),
        }
    }
    let to = Redirect::to(format!("/rounds/{year}/projects"));
    let mut message = format!("已处理 {done} 个项目");
    if !refused.is_empty() {
        message = format!("{message}；未处理 {} 个：{}", refused.len(), refused.join("；"));
    }
    Ok(Flash::success(to, message))
}

/// A transition as the project page and the API show it.
#[derive(serde::Serialize)]
pub struct TransitionView {
    #[serde(flatten)]
    pub t: storage::review::Transition,
    pub action_label: &'static str,
    pub to_label: &'static str,
}

fn views(list: Vec<storage::review::Transition>) -> Vec<TransitionView> {
    list.into_iter()
        .map(|t| TransitionView {
            action_label: Action::parse(&t.action).map_or("", Action::label),
            to_label: State::parse(&t.to_state).map_or("", State::label),
            t,
        })
        .collect()
}

/// What the project page shows of the review: state, history, documents, and the actions
/// this session may take (only those get a button).
///
/// # Errors
/// `NotFound` outside the scope, or a database error.
pub(crate) async fn panel(db: &Db, session: &Session, id: i64) -> Result<serde_json::Value, AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = storage::review::subject(&mut conn, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let history = views(storage::review::history(&mut conn, id).await?);
    let documents = storage::documents::list(&mut conn, id).await?;
    let state = State::parse(&s.state).unwrap_or(State::Submitted);
    let a = actor(session, &s);
    let actions: Vec<_> = review::available(a, &facts(&s, today()))
        .into_iter()
        .map(|x| json!({ "code": x.code(), "label": x.label(), "needs_comment": x.needs_comment() }))
        .collect();
    let may_edit = a.role == Role::Cooperative && a.owns && state.editable() && s.round_open;
    Ok(json!({
        "state": state.code(), "state_label": state.label(), "history": history, "documents": documents,
        "actions": actions, "may_edit": may_edit, "may_upload": super::documents::may_upload(session, &s),
        "publication_start": s.publication_start, "publication_end": s.publication_end,
    }))
}

/// `POST /api/v1/projects/<id>/actions`.
#[post("/projects/<id>/actions", format = "json", data = "<body>")]
pub(crate) async fn api_act(
    db: &Db,
    session: Session,
    id: i64,
    body: rocket::serde::json::Json<Asked>,
) -> Result<serde_json::Value, AppError> {
    let to = act(db, &session, id, &body).await?;
    Ok(json!({ "id": id, "state": to.code(), "state_label": to.label() }))
}

/// `GET /api/v1/projects/<id>/transitions`.
#[get("/projects/<id>/transitions")]
pub(crate) async fn api_transitions(db: &Db, session: Session, id: i64) -> Result<serde_json::Value, AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = storage::review::subject(&mut conn, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let history = views(storage::review::history(&mut conn, id).await?);
    Ok(json!({ "id": id, "state": s.state, "transitions": history }))
}

#[must_use]
pub(crate) fn api_routes() -> Vec<rocket::Route> {
    routes![api_act, api_transitions]
}
