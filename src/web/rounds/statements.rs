//! The banks' interest statements of a round in the API (docs/facts.md "Certified
//! interest"): upload and preview, confirm, the list and the reconciliation. The use cases
//! are `app::statements`; these handlers parse the request and answer.

use rocket::serde::json::Json;
use rocket::{Route, State};
use serde_json::{json, Value};

use crate::app::rounds::find as round;
use crate::app::{imports::Parsers, statements};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, Uploads, Writes};
use crate::web::kernel::openapi::ApiError;
use crate::web::kernel::upload::{into_round, ApiFile, Uploaded};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![upload, confirm, list, reconciliation]
}

// Deliberately like imports_upload (web/imports/api.rs), returns_upload, accounts_login and statements_confirm below: each its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "statements_upload", summary = "Upload a bank's interest statement (利息对账单) for its preview", path = "/rounds/{year}/statements", tag = "rounds", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = crate::web::kernel::openapi::Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The statement's preview: statement_id, preview (every row, matched to the round's loans), same_file_confirmed_at", body = Object),
        Uploads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 409, description = "The round is closed, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A file that cannot be read as a bank statement, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/statements", data = "<form>")]
async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: Uploaded<'_, ApiFile<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let (round, name, bytes) = into_round(db, year, form).await?;
    let (id, preview, same) = statements::preview(db, parsers, config, session.actor(), &round, &name, bytes).await?;
    Ok(json!({ "statement_id": id, "preview": preview, "same_file_confirmed_at": same.and_then(|s| s.confirmed_at) }))
}

#[utoipa::path(post, operation_id = "statements_confirm", summary = "Confirm a previewed bank statement", path = "/statements/{id}/confirm", tag = "rounds", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The statement's id (statement_id of the upload)")),
    request_body(content = Object, content_type = "application/json", description = "Ignored"),
    responses(
        (status = 200, description = "The confirmed statement", body = Object),
        Writes,
        (status = 404, description = "No such statement, or not yours", body = ApiError),
        (status = 409, description = "Already confirmed, or the round is closed, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/statements/<id>/confirm", data = "<_body>")]
async fn confirm(
    db: &Db,
    session: Session,
    id: i64,
    _body: Option<Json<Value>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let upload = statements::find(db, session.actor(), id).await?;
    statements::confirm(db, parsers, config, session.actor(), &upload).await
}

#[utoipa::path(get, operation_id = "statements_list", summary = "The round's bank statements", path = "/rounds/{year}/statements", tag = "rounds", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's bank statements", body = Object),
        Reads,
        (status = 403, description = "The role may not read statements", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/statements")]
async fn list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let round = round(db, year).await?;
    Ok(json!({ "statements": statements::list(db, session.actor(), &round).await? }))
}

/// The reconciliation per loan of the round's counted projects (docs/facts.md "Reconciliation").
#[utoipa::path(get, operation_id = "statements_reconciliation", summary = "The reconciliation per loan of the round's counted projects (docs/facts.md)", path = "/rounds/{year}/reconciliation", tag = "rounds", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The reconciliation per loan of the round's counted projects (docs/facts.md)", body = Object),
        Reads,
        (status = 403, description = "The role may not read statements", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/reconciliation")]
async fn reconciliation(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let round = round(db, year).await?;
    statements::reconciliation(db, session.actor(), &round).await
}
