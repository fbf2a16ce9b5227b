//! Imports in the JSON API: upload a workbook for its preview, confirm it (`app::imports`).

use rocket::serde::json::Json;
use rocket::State;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::imports::{self, Parsers};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Uploads, Writes};
use crate::web::kernel::openapi::ApiError;
use crate::web::kernel::upload as uploaded;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![upload, confirm]
}

// Deliberately like statements_upload (web/rounds/statements.rs), returns_upload and imports_confirm below: each operation states its own answers in the contract (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "imports_upload", path = "/rounds/{year}/imports", summary = "Upload a workbook; answers import_id and the preview (the JSON of cli.md)", tag = "imports", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = crate::web::kernel::openapi::Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The preview: import_id, preview (every row's check, the round's figures with it), same_file_confirmed_at", body = Object),
        Uploads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 409, description = "The round is closed, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A workbook that cannot be read (the message says why), or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/imports", data = "<form>")]
async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: uploaded::Uploaded<'_, uploaded::ApiFile<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let (r, name, bytes) = uploaded::into_round(db, year, form).await?;
    let (id, preview, same) = imports::preview(db, parsers, config, session.actor(), &r, &name, bytes).await?;
    Ok(json!({ "import_id": id, "preview": preview, "same_file_confirmed_at": same.and_then(|s| s.confirmed_at) }))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ConfirmBody {
    #[serde(default)]
    only_valid: bool,
}

// Deliberately like statements_confirm (web/rounds/statements.rs), carry_forward, performance_set and bank_files_*: each operation its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "imports_confirm", path = "/imports/{id}/confirm", summary = "Write the previewed import (all or nothing); a second call does nothing", tag = "imports", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The import's id (import_id of the upload)")),
    request_body(content = ConfirmBody, content_type = "application/json", description = "Optional"),
    responses(
        (status = 200, description = "What the confirmation wrote (projects added, changed, withdrawn)", body = Object),
        Writes,
        (status = 404, description = "No such import, or not yours", body = ApiError),
        (status = 409, description = "Already confirmed, the round is closed, or rows with errors and only_valid not set; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/imports/<id>/confirm", data = "<body>")]
async fn confirm(
    db: &Db,
    session: Session,
    id: i64,
    body: Option<Json<ConfirmBody>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let import = imports::find(db, session.actor(), id).await?;
    let only_valid = body.is_some_and(|b| b.only_valid);
    let done = imports::confirm(db, parsers, config, session.actor(), &import, only_valid).await?;
    Ok(json!(done))
}
