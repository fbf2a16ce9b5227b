//! `/api/v1` routes of disbursements (拨付批次, issue 5 item 9).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::disbursements::{self, Action, Request};
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::require_staff;
use crate::web::disbursements::view;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![disburse, batch_list, batch, batch_action]
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DisburseBody {
    #[serde(default)]
    projects: Vec<i64>,
    #[serde(default = "payment")]
    kind: String,
    /// For a clawback: the yuan amount (default all that is paid).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
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

// Deliberately like disbursements_batch_action below and performance_set (web/division/performance.rs): each operation its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "disbursements_disburse", path = "/rounds/{year}/disbursements", summary = "Prepare a batch (拨付批次): payment of the selected granted projects (granted − paid − other open batches), or a clawback (追回) of one project", tag = "disbursements", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = DisburseBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The batch prepared, with its items", body = Object),
        WritesBody,
        (status = 404, description = "No such round; or a body that is not JSON", body = ApiError),
        (status = 409, description = "A guard refused (nothing to pay, no evidence, payees not acknowledged), or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A bad kind or amount, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/disbursements", format = "json", data = "<body>")]
async fn disburse(db: &Db, session: Session, year: i32, body: Json<DisburseBody>) -> Result<Value, AppError> {
    require_staff(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
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

#[utoipa::path(get, operation_id = "disbursements_batch_list", path = "/rounds/{year}/disbursements", summary = "The round's batches with control totals", tag = "disbursements", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's batches", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/disbursements")]
async fn batch_list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let (_, list) = disbursements::of_round(db, session.actor(), year).await?;
    Ok(json!({ "disbursements": list.iter().map(|b| view::batch_json(b, None, false)).collect::<Vec<_>>() }))
}

async fn batch_detail(db: &Db, session: &Session, id: i64) -> Result<Value, AppError> {
    let (b, items) = disbursements::with_items(db, session.actor(), id).await?;
    let full = session.role == crate::accounts::Role::DivisionStaff;
    Ok(view::batch_json(&b, Some(&items), full))
}

// Deliberately like bank_files_xlsx (web/disbursements/bank_files.rs) and reports_cumulative (web/reports/api.rs): each operation states its own answers (tests/web/openapi.snapshot.json); what they share is a group of `kernel::answers`.
#[utoipa::path(get, operation_id = "disbursements_batch", path = "/disbursements/{id}", summary = "A batch with its items, payees (account in full for division staff) and pool split", tag = "disbursements", security(("session" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The batch with its items (accounts in full for division staff)", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such batch", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/disbursements/<id>")]
async fn batch(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    batch_detail(db, &session, id).await
}

#[utoipa::path(post, operation_id = "disbursements_batch_action", path = "/disbursements/{id}/actions", summary = "Approve (not the preparer), pay (voucher_no, paid_on YYYY-MM-DD; guarded SQL) or cancel (prepared or approved only)", tag = "disbursements", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    request_body(content = Action, content_type = "application/json"),
    responses(
        (status = 200, description = "The batch after the action", body = Object),
        WritesBody,
        (status = 404, description = "No such batch; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The action is not open from this state, or a guard refused; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An unknown action, no voucher, a bad date, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/disbursements/<id>/actions", format = "json", data = "<body>")]
async fn batch_action(db: &Db, session: Session, id: i64, body: Json<Action>) -> Result<Value, AppError> {
    disbursements::decide(db, session.actor(), id, &body).await?;
    let b = disbursements::find(db, session.actor(), id).await?;
    Ok(view::batch_json(&b, None, false))
}
