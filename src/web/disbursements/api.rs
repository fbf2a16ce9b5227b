//! `/api/v1` routes of disbursements (拨付批次, issue 5 item 9).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::disbursements::{self, Action, Request};
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::{batches, Db};
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{require_reader, require_staff};
use crate::web::disbursements::view;

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![disburse, batch_list, batch, batch_action]
}

#[derive(Deserialize)]
pub struct DisburseBody {
    #[serde(default)]
    projects: Vec<i64>,
    #[serde(default = "payment")]
    kind: String,
    /// For a clawback: the yuan amount (default all that is paid).
    #[serde(default)]
    amount: Option<Money>,
    #[serde(default)]
    comment: Option<String>,
    /// The payees that are neither the applicant nor the organisation were checked.
    #[serde(default)]
    acknowledged: bool,
}

fn payment() -> String {
    "payment".into()
}

#[post("/rounds/<year>/disbursements", format = "json", data = "<body>")]
async fn disburse(db: &Db, session: Session, year: i32, body: Json<DisburseBody>) -> Result<Value, AppError> {
    require_staff(&session)?;
    let round = crate::web::rounds::pages::find(db, year).await?;
    let request = match (body.kind.as_str(), body.projects.as_slice()) {
        ("payment", ids) => Request::Payment(ids.to_vec(), body.acknowledged),
        ("clawback", [id]) => Request::Clawback { project_id: *id, amount: body.amount },
        ("clawback", _) => return Err(AppError::Invalid("追回批次只能选择一个项目".into())),
        _ => return Err(AppError::Invalid("kind 应为 payment 或 clawback".into())),
    };
    let comment = body.comment.as_deref().unwrap_or("").trim();
    let (id, _) = disbursements::prepare(db, session.actor(), &round, &request, comment).await?;
    batch_detail(db, &session, id).await
}

#[get("/rounds/<year>/disbursements")]
async fn batch_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    let round = crate::web::rounds::pages::find(db, year).await?;
    let list = batches::list(&mut *db.inner.acquire().await?, round.id).await?;
    Ok(json!({ "disbursements": list.iter().map(|b| view::batch_json(b, None, false)).collect::<Vec<_>>() }))
}

async fn batch_detail(db: &Db, session: &Session, id: i64) -> Result<Value, AppError> {
    require_reader(session)?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    let full = session.role == crate::accounts::Role::DivisionStaff;
    Ok(view::batch_json(&b, Some(&items), full))
}

#[get("/disbursements/<id>")]
async fn batch(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    batch_detail(db, &session, id).await
}

#[post("/disbursements/<id>/actions", format = "json", data = "<body>")]
async fn batch_action(db: &Db, session: Session, id: i64, body: Json<Action>) -> Result<Value, AppError> {
    disbursements::decide(db, session.actor(), id, &body).await?;
    let b = batches::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok(view::batch_json(&b, None, false))
}
