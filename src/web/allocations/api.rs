//! `/api/v1` routes of allocations (分配方案, issue 5 item 9): a dry run or a proposal, the list,
//! one proposal, approve or cancel (`app::allocations`).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::engine::Money;
use crate::error::AppError;
use crate::storage::{allocations, Db};
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{self, allocation_json, require_reader, require_staff};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![allocate, allocation_list, allocation, allocation_action]
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
    let round = crate::web::rounds::pages::find(db, year).await?;
    if body.dry_run {
        let run =
            crate::app::allocations::run(&mut *db.inner.acquire().await?, &round, body.projects.as_deref()).await?;
        return Ok(json!({ "dry_run": true, "run": treasury::run_json(&run) }));
    }
    let (id, run) = crate::app::allocations::commit(db, session.actor(), &round, body.projects.as_deref()).await?;
    Ok(json!({ "dry_run": false, "allocation_id": id, "state": "proposed", "run": treasury::run_json(&run) }))
}

#[get("/rounds/<year>/allocations")]
async fn allocation_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    let round = crate::web::rounds::pages::find(db, year).await?;
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
    crate::app::allocations::decide_allocation(db, session.actor(), id, &body.action, comment).await?;
    let a = allocations::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    Ok(allocation_json(&a))
}
