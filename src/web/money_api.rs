//! `/api/v1` routes of allocations and disbursements (issue 5 item 9).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Session;
use super::disbursements::{self, Action, Request};
use super::money::{self, allocation_json, require_reader, require_staff};
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::{allocations, batches, Db};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![allocate, allocation_list, allocation, allocation_action, disburse, batch_list, batch, batch_action]
}

#[derive(Deserialize)]
pub struct AllocateBody {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    projects: Option<Vec<i64>>,
}

#[post("/rounds/<year>/allocations", format = "json", data = "<body>")]
async fn allocate(db: &Db, session: Session, year: i32, body: Json<AllocateBody>) -> Result<Value, AppError> {
    require_staff(&session)?;
    let round = super::rounds::find(db, year).await?;
    if body.dry_run {
        let run = money::run(&mut *db.inner.acquire().await?, &round, body.projects.as_deref()).await?;
        return Ok(json!({ "dry_run": true, "run": money::run_json(&run) }));
    }
    let (id, run) = money::commit(db, &session, &round, body.projects.as_deref()).await?;
    Ok(json!({ "dry_run": false, "allocation_id": id, "state": "proposed", "run": run }))
}

#[get("/rounds/<year>/allocations")]
async fn allocation_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    let round = super::rounds::find(db, year).await?;
    let list = allocations::list(&mut *db.inner.acquire().await?, round.id).await?;
    Ok(json!({ "allocations": list.iter().map(allocation_json).collect::<Vec<_>>() }))
}

#[get("/allocations/<id>")]
async fn allocation(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    require_reader(&session)?;
    let mut conn = db.inner.acquire().await?;
    let a = allocations::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let lines = allocations::lines(&mut conn, id).await?;
    let mut v = allocation_json(&a);
    v["lines"] = lines
        .iter()
        .map(|(g, parts)| json!({ "project_id": g.project_id, "key": g.project_key, "name": g.project_name,
            "amount": Money::from_fen(g.amount_fen), "status": g.status, "state": g.state,
            "parts": parts.iter().map(|(pool, fen)| json!({ "pool_id": pool, "amount": Money::from_fen(*fen) })).collect::<Vec<_>>() }))
        .collect();
    Ok(v)
}

#[derive(Deserialize)]
pub struct DecideBody {
    action: String,
    #[serde(default)]
    comment: Option<String>,
}

#[post("/allocations/<id>/actions", format = "json", data = "<body>")]
async fn allocation_action(db: &Db, session: Session, id: i64, body: Json<DecideBody>) -> Result<Value, AppError> {
    let comment = body.comment.as_deref().unwrap_or("").trim();
    money::decide_allocation(db, &session, id, &body.action, comment).await?;
    let a = allocations::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok(allocation_json(&a))
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
    let round = super::rounds::find(db, year).await?;
    let request = match (body.kind.as_str(), body.projects.as_slice()) {
        ("payment", ids) => Request::Payment(ids.to_vec(), body.acknowledged),
        ("clawback", [id]) => Request::Clawback { project_id: *id, amount: body.amount },
        ("clawback", _) => return Err(AppError::Invalid("追回批次只能选择一个项目".into())),
        _ => return Err(AppError::Invalid("kind 应为 payment 或 clawback".into())),
    };
    let comment = body.comment.as_deref().unwrap_or("").trim();
    let (id, _) = disbursements::prepare(db, &session, &round, &request, comment).await?;
    batch_detail(db, &session, id).await
}

#[get("/rounds/<year>/disbursements")]
async fn batch_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    let round = super::rounds::find(db, year).await?;
    let list = batches::list(&mut *db.inner.acquire().await?, round.id).await?;
    Ok(json!({ "disbursements": list.iter().map(|b| disbursements::batch_json(b, None, false)).collect::<Vec<_>>() }))
}

async fn batch_detail(db: &Db, session: &Session, id: i64) -> Result<Value, AppError> {
    require_reader(session)?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    let full = session.role == crate::accounts::Role::DivisionStaff;
    Ok(disbursements::batch_json(&b, Some(&items), full))
}

#[get("/disbursements/<id>")]
async fn batch(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    batch_detail(db, &session, id).await
}

#[post("/disbursements/<id>/actions", format = "json", data = "<body>")]
async fn batch_action(db: &Db, session: Session, id: i64, body: Json<Action>) -> Result<Value, AppError> {
    disbursements::decide(db, &session, id, &body).await?;
    let b = batches::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok(disbursements::batch_json(&b, None, false))
}
