//! `/api/v1` routes of allocations (分配方案, issue 5 item 9): a dry run or a proposal, the list,
//! one proposal, approve or cancel (`app::allocations`).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{self, allocation_json, require_staff};
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![allocate, allocation_list, allocation, allocation_action]
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AllocateBody {
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    projects: Option<Vec<i64>>,
}

// Deliberately like disbursements_disburse (web/disbursements/api.rs), allocations_allocation_action and performance_set: each its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "allocations_allocate", path = "/rounds/{year}/allocations", summary = "Allocation run of the round's approved projects (rules.md §6 against the pools' remaining amounts): a dry run, or a proposal that another user approves", tag = "allocations", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = AllocateBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The run (dry_run true), or the proposal made: allocation_id, state, run", body = Object),
        WritesBody,
        (status = 404, description = "No such round; or a body that is not JSON", body = ApiError),
        (status = 409, description = "A guard refused (the message says which), or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A body that does not fit, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/allocations", format = "json", data = "<body>")]
async fn allocate(db: &Db, session: Session, year: i32, body: Json<AllocateBody>) -> Result<Value, AppError> {
    require_staff(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
    if body.dry_run {
        let run =
            crate::app::allocations::run(&mut *db.inner.acquire().await?, &round, body.projects.as_deref()).await?;
        return Ok(json!({ "dry_run": true, "run": treasury::run_json(&run) }));
    }
    let (id, run) = crate::app::allocations::commit(db, session.actor(), &round, body.projects.as_deref()).await?;
    Ok(json!({ "dry_run": false, "allocation_id": id, "state": "proposed", "run": treasury::run_json(&run) }))
}

#[utoipa::path(get, operation_id = "allocations_allocation_list", path = "/rounds/{year}/allocations", summary = "The round's allocations (division staff, auditors)", tag = "allocations", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's allocations", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/allocations")]
async fn allocation_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let (_, list) = crate::app::allocations::of_round(db, session.actor(), year).await?;
    Ok(json!({ "allocations": list.iter().map(allocation_json).collect::<Vec<_>>() }))
}

#[utoipa::path(get, operation_id = "allocations_allocation", path = "/allocations/{id}", summary = "An allocation with its grant lines and pool parts", tag = "allocations", security(("session" = [])),
    params(("id" = i64, Path, description = "The allocation's id")),
    responses(
        (status = 200, description = "The allocation with its lines and each line's parts per pool", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such allocation", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/allocations/<id>")]
async fn allocation(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let (a, lines) = crate::app::allocations::find(db, session.actor(), id).await?;
    let mut v = allocation_json(&a);
    v["lines"] = lines
        .iter()
        .map(|(g, parts)| json!({ "project_id": g.project_id, "key": g.project_key, "name": g.project_name,
            "amount": g.amount, "status": g.status, "state": g.state,
            "parts": parts.iter().map(|(pool, amount)| json!({ "pool_id": pool, "amount": amount })).collect::<Vec<_>>() }))
        .collect();
    Ok(v)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecideBody {
    action: String,
    #[serde(default)]
    comment: Option<String>,
}

#[utoipa::path(post, operation_id = "allocations_allocation_action", path = "/allocations/{id}/actions", summary = "Approve (not the proposer; guarded SQL, all or nothing) or cancel a proposal", tag = "allocations", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The allocation's id")),
    request_body(content = DecideBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The allocation after the action", body = Object),
        WritesBody,
        (status = 404, description = "No such allocation; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The action is not open from this state, or a guard refused; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An unknown action, a missing comment, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/allocations/<id>/actions", format = "json", data = "<body>")]
async fn allocation_action(db: &Db, session: Session, id: i64, body: Json<DecideBody>) -> Result<Value, AppError> {
    let comment = body.comment.as_deref().unwrap_or("").trim();
    crate::app::allocations::decide_allocation(db, session.actor(), id, &body.action, comment).await?;
    let (a, _) = crate::app::allocations::find(db, session.actor(), id).await?;
    Ok(allocation_json(&a))
}
