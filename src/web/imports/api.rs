//! Imports in the JSON API: upload a workbook for its preview, confirm it (`app::imports`).

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::serde::json::Json;
use rocket::State;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::imports::{self, Parsers};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload as uploaded;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![upload, confirm]
}

#[derive(FromForm)]
pub struct ApiUpload<'r> {
    file: Capped<TempFile<'r>>,
}

#[post("/rounds/<year>/imports", data = "<form>")]
async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: uploaded::Uploaded<'_, ApiUpload<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = uploaded::form_or_413(form)?;
    let r = crate::web::rounds::pages::find(db, year).await?;
    let (name, bytes) = uploaded::read_upload(&mut form.file).await?;
    let (id, preview, same) = imports::preview(db, parsers, config, session.actor(), &r, &name, bytes).await?;
    Ok(json!({ "import_id": id, "preview": preview, "same_file_confirmed_at": same.and_then(|s| s.confirmed_at) }))
}

#[derive(Deserialize, Default)]
pub struct ConfirmBody {
    #[serde(default)]
    only_valid: bool,
}

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
