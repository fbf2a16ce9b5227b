//! The division's settings page (`/settings`) and `GET`/`POST /api/v1/settings` (issue 16):
//! what every report prints about the division. Division staff change them; the logic is
//! `division::settings`, shared with `tiexi settings set`.

use std::collections::HashMap;

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::Route;
use serde_json::{json, Value};

use crate::app::division::settings;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page, save]
}

#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![api_get, api_set]
}

/// The acting user as the division's use cases take it.
pub(crate) fn actor(session: &Session) -> crate::app::Actor<'_> {
    session.actor()
}

/// Every setting with its label, hint, default and current value.
async fn listed(db: &Db) -> Result<Vec<Value>, AppError> {
    let stored = settings::load(&mut *db.inner.acquire().await?).await?;
    Ok(settings::ALL
        .iter()
        .map(|s| json!({ "key": s.key, "label": s.label, "hint": s.hint, "default": s.default, "value": stored.get(s.key) }))
        .collect())
}

/// `GET /settings`: the form, for division staff.
#[get("/settings")]
async fn page(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    actor(&session).require_staff()?;
    let (error, flash) = crate::web::kernel::pages::flash_parts(flash);
    Ok(Template::render(
        "settings/index",
        context! { me: crate::web::kernel::pages::me(&session), flash, error, settings: listed(db).await? },
    ))
}

/// `POST /settings`: every field of the form but the token is a setting.
#[post("/settings", data = "<form>")]
async fn save(db: &Db, session: Session, form: Form<HashMap<String, String>>) -> Result<Flash<Redirect>, AppError> {
    let changes: Vec<(String, String)> =
        form.into_inner().into_iter().filter(|(k, _)| settings::ALL.iter().any(|s| s.key == k)).collect();
    let done = settings::set(db, &actor(&session), &changes).await.map(|n| {
        ("/settings".to_string(), if n == 0 { "设置未改变".to_string() } else { format!("已保存 {n} 项设置") })
    });
    crate::web::allocations::treasury::answer(done, "/settings")
}

/// `GET /api/v1/settings`.
#[utoipa::path(get, operation_id = "settings_get", path = "/settings", summary = "The division's settings printed on every report (division staff)", tag = "division", security(("session" = [])),
    responses(
        (status = 200, description = "Every setting with its value", body = Object),
        Reads,
        (status = 403, description = "Not division staff", body = ApiError),
    ))]
#[get("/settings")]
async fn api_get(db: &Db, session: Session) -> Result<Value, AppError> {
    actor(&session).require_staff()?;
    Ok(json!({ "settings": listed(db).await? }))
}

/// `POST /api/v1/settings` with `{ "division_name": "…", … }`.
#[utoipa::path(post, operation_id = "settings_set", path = "/settings", summary = "Change settings: an object of key → value (division_name, title_head, title_finance, title_reviewer, title_preparer, preparer, payer_name, payer_bank, payer_account, objection_contact); audited", tag = "division", security(("session" = [], "csrf" = [])),
    request_body(content = Object, content_type = "application/json", description = "Setting names and their new values, all strings"),
    responses(
        (status = 200, description = "changed (how many) and every setting", body = Object),
        WritesBody,
        (status = 404, description = "Not JSON (the route takes application/json only)", body = ApiError),
        (status = 409, description = "An Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An unknown setting or a bad value, or a body that does not fit", body = ApiError),
    ))]
#[post("/settings", format = "json", data = "<body>")]
async fn api_set(db: &Db, session: Session, body: Json<HashMap<String, String>>) -> Result<Value, AppError> {
    let asked: Vec<(String, String)> = body.into_inner().into_iter().collect();
    let count = settings::set(db, &actor(&session), &asked).await?;
    Ok(json!({ "changed": count, "settings": listed(db).await? }))
}
