//! The division's 团场 (units) and corrections of a project's 团场. Division staff keep the
//! list (add a name, stop or resume offering one); the online application picks from it;
//! a project whose 团场 was typed wrong (红星2场) is corrected to a name of the list, with
//! the old and new names in its history and the audit trail.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use serde_json::{json, Value};

use crate::accounts::Role;
use crate::app;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![index, add, toggle, correct_page]
}

#[must_use]
pub(crate) fn api_routes() -> Vec<rocket::Route> {
    routes![list_api, correct_api]
}

/// The active 团场 of the list, for the application form and the correction.
///
/// # Errors
/// A database error.
pub(crate) async fn offered(db: &Db) -> Result<Vec<String>, AppError> {
    app::units::offered(db).await
}

/// What the project page offers division staff to correct the 团场 with (open rounds only).
///
/// # Errors
/// A database error.
pub(crate) async fn correction(db: &Db, session: &Session, round_open: bool) -> Result<Option<Value>, AppError> {
    if session.role != Role::DivisionStaff || !round_open {
        return Ok(None);
    }
    Ok(Some(json!({ "units": offered(db).await? })))
}

#[derive(FromForm)]
pub struct UnitForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    unit: String,
}

/// `POST /projects/<id>/unit`: a refusal comes back as a flash message.
#[post("/projects/<id>/unit", data = "<form>")]
pub(crate) async fn correct_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<UnitForm>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(format!("/projects/{id}"));
    match app::units::correct(db, session.actor(), id, &form.unit).await {
        Ok((old, new)) => Ok(Flash::success(to, format!("团场已更正：{old} → {new}"))),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => Ok(Flash::error(to, e.to_string())),
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct UnitBody {
    unit: String,
}

/// A project's 团场 corrected. Fields in key order: the JSON is what `json!` gave before.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnitCorrected {
    id: i64,
    old_unit: String,
    unit: String,
}

/// The 团场 offered.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Units {
    units: Vec<String>,
}

/// `POST /api/v1/projects/<id>/unit` `{"unit": "红星二场"}`.
// Deliberately like review_act (web/review/act.rs): each operation states its own answers (tests/web/openapi.snapshot.json); what they share is a group of `kernel::answers`.
#[utoipa::path(post, operation_id = "units_correct", path = "/projects/{id}/unit", summary = "Correct a project's 团场 (division staff, open rounds)", tag = "division", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    request_body(content = UnitBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The project's 团场 corrected", body = UnitCorrected),
        WritesBody,
        (status = 404, description = "No such project; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The project's state does not allow it, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A 团场 not on the list, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/projects/<id>/unit", format = "json", data = "<body>")]
pub(crate) async fn correct_api(
    db: &Db,
    session: Session,
    id: i64,
    body: rocket::serde::json::Json<UnitBody>,
) -> Result<rocket::serde::json::Json<UnitCorrected>, AppError> {
    let (old_unit, unit) = app::units::correct(db, session.actor(), id, &body.unit).await?;
    Ok(rocket::serde::json::Json(UnitCorrected { id, old_unit, unit }))
}

/// `GET /api/v1/units`: the 团场 offered (every logged-in user fills in applications).
#[utoipa::path(get, operation_id = "units_list", path = "/units", summary = "The division's 团场 (what applications pick from)", tag = "division", security(("session" = [])),
    responses(
        (status = 200, description = "The 团场 offered, in the division's order", body = Units),
        Reads,
    ))]
#[get("/units")]
pub(crate) async fn list_api(db: &Db, _session: Session) -> Result<rocket::serde::json::Json<Units>, AppError> {
    Ok(rocket::serde::json::Json(Units { units: offered(db).await? }))
}

/// `GET /units`: the list, with add and stop/resume for division staff.
#[get("/units")]
pub(crate) async fn index(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    let units = app::units::all(db, session.actor()).await?;
    Ok(Template::render(
        "units/index",
        context! { me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()), units,
        may_edit: session.role == Role::DivisionStaff },
    ))
}

#[derive(FromForm)]
pub struct NewUnit {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    name: String,
}

/// `POST /units`: add a 团场 at the end of the list.
#[post("/units", data = "<form>")]
pub(crate) async fn add(db: &Db, session: Session, form: Form<NewUnit>) -> Result<Flash<Redirect>, AppError> {
    let name = form.name.trim();
    let to = Redirect::to("/units");
    Ok(match app::units::add(db, session.actor(), name).await {
        Ok(Some(_)) => Flash::success(to, format!("已添加团场“{name}”")),
        Ok(None) => Flash::error(to, format!("“{name}”已在名单中")),
        Err(AppError::Invalid(m)) => Flash::error(to, m),
        Err(e) => return Err(e),
    })
}

#[derive(FromForm)]
pub struct Toggle {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    active: bool,
}

/// `POST /units/<id>`: stop offering a 团场 (`active=false`) or offer it again.
#[post("/units/<id>", data = "<form>")]
pub(crate) async fn toggle(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<Toggle>,
) -> Result<Flash<Redirect>, AppError> {
    let name = app::units::set_active(db, session.actor(), id, form.active).await?;
    let what = if form.active { "恢复使用" } else { "停用" };
    Ok(Flash::success(Redirect::to("/units"), format!("团场“{name}”已{what}")))
}
