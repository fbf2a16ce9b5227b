//! The banks' interest statements of a round in the API (docs/facts.md "Certified
//! interest"): upload and preview, confirm, the list and the reconciliation. The use cases
//! are `app::statements`; these handlers parse the request and answer.

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::serde::json::Json;
use rocket::{Route, State};
use serde_json::{json, Value};

use super::pages::find as round;
use crate::app::{imports::Parsers, statements};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload::{form_or_413, read_upload, Uploaded};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![upload, confirm, list, reconciliation]
}

#[derive(FromForm)]
pub struct ApiUpload<'r> {
    file: Capped<TempFile<'r>>,
}

#[post("/rounds/<year>/statements", data = "<form>")]
async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: Uploaded<'_, ApiUpload<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = form_or_413(form)?;
    let round = round(db, year).await?;
    let (name, bytes) = read_upload(&mut form.file).await?;
    let (id, preview, same) = statements::preview(db, parsers, config, session.actor(), &round, &name, bytes).await?;
    Ok(json!({ "statement_id": id, "preview": preview, "same_file_confirmed_at": same.and_then(|s| s.confirmed_at) }))
}

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

#[get("/rounds/<year>/statements")]
async fn list(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let round = round(db, year).await?;
    Ok(json!({ "statements": statements::list(db, session.actor(), &round).await? }))
}

/// The reconciliation per loan of the round's counted projects (docs/facts.md "Reconciliation").
#[get("/rounds/<year>/reconciliation")]
async fn reconciliation(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let round = round(db, year).await?;
    statements::reconciliation(db, session.actor(), &round).await
}
