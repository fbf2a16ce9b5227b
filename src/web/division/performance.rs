//! A round's 绩效 targets (issue 16): `/rounds/<year>/performance` shows each indicator's
//! target, its actual (computed by the engine where the round's figures give it, else typed
//! by staff), weight, score and the reason for a deviation; division staff set, change and
//! remove targets. The same under `/api/v1`. The logic is `division::performance`; the
//! scores are `engine::performance`'s; auditors read.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::division::performance::{self, Input};
use crate::engine::performance::Indicator;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{answer, require_reader};
use crate::web::division::settings::actor;
use crate::web::kernel::answers::{Reads, Writes, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page, set_page, delete_page]
}

#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![api_get, api_set, api_delete]
}

/// The targets, each with its evaluation, and the evaluation's totals.
async fn view(db: &Db, year: i32) -> Result<Value, AppError> {
    let mut conn = db.inner.acquire().await?;
    let (rows, evaluation) = crate::reports::performance(&mut conn, year).await?;
    let lines: Vec<Value> = rows
        .iter()
        .map(|r| {
            let line = evaluation.as_ref().and_then(|e| e.lines.iter().find(|l| l.target.name == r.name));
            let computed = r.indicator.computed();
            json!({ "id": r.id, "indicator": r.indicator.code(), "name": r.name, "unit": r.unit, "direction": r.direction.code(),
                "target": r.target, "weight": r.weight, "typed": r.actual, "reason": r.reason, "computed": computed,
                "actual": line.and_then(|l| l.actual).map(|a| a.round_dp(2).to_string()),
                "score": line.map(|l| l.score.to_string()),
                "met": line.and_then(|l| l.met) })
        })
        .collect();
    let taken: Vec<&str> = rows.iter().map(|r| r.indicator.code()).collect();
    let free: Vec<Value> = Indicator::BUILT_IN
        .iter()
        .filter(|i| !taken.contains(&i.code()))
        .map(|i| json!({ "code": i.code(), "name": i.label().0, "unit": i.label().1 }))
        .collect();
    let totals =
        evaluation.map(|e| json!({ "weight": e.weight.to_string(), "score": e.score.to_string(), "grade": e.grade }));
    Ok(json!({ "year": year, "targets": lines, "free": free, "totals": totals }))
}

/// A target as a form or a JSON body gives it.
#[derive(Debug, FromForm, Deserialize, utoipa::ToSchema)]
pub struct TargetForm {
    indicator: String,
    #[field(default = String::new())]
    #[serde(default)]
    name: String,
    #[field(default = String::new())]
    #[serde(default)]
    unit: String,
    #[field(default = String::new())]
    #[serde(default)]
    direction: String,
    target: String,
    weight: String,
    #[field(default = String::new())]
    #[serde(default)]
    actual: String,
    #[field(default = String::new())]
    #[serde(default)]
    reason: String,
}

impl TargetForm {
    fn input(&self) -> Input<'_> {
        Input {
            indicator: &self.indicator,
            name: &self.name,
            unit: &self.unit,
            direction: &self.direction,
            target: &self.target,
            weight: &self.weight,
            actual: &self.actual,
            reason: &self.reason,
        }
    }
}

/// `GET /rounds/<year>/performance`.
#[get("/rounds/<year>/performance")]
async fn page(db: &Db, session: Session, flash: Option<FlashMessage<'_>>, year: i32) -> Result<Template, AppError> {
    require_reader(&session)?;
    let (error, flash) = crate::web::kernel::pages::flash_parts(flash);
    let may_act = actor(&session).require_staff().is_ok();
    Ok(Template::render(
        "performance/index",
        context! { me: crate::web::kernel::pages::me(&session), flash, error, may_act, p: view(db, year).await? },
    ))
}

/// `POST /rounds/<year>/performance`: set a target (one of the same name is replaced).
#[post("/rounds/<year>/performance", data = "<form>")]
async fn set_page(db: &Db, session: Session, year: i32, form: Form<TargetForm>) -> Result<Flash<Redirect>, AppError> {
    let back = format!("/rounds/{year}/performance");
    let done = performance::set(db, &actor(&session), year, &form.input()).await;
    answer(done.map(|_| (back.clone(), "绩效指标已保存".to_string())), &back)
}

/// The form of a button with nothing but its token.
#[derive(FromForm)]
pub struct Bare {
    #[field(name = "csrf_token")]
    _csrf_token: String,
}

/// `POST /performance/<id>/delete`.
#[post("/performance/<id>/delete", data = "<_form>")]
async fn delete_page(db: &Db, session: Session, id: i64, _form: Form<Bare>) -> Result<Flash<Redirect>, AppError> {
    let year = performance::delete(db, &actor(&session), id).await?;
    let back = format!("/rounds/{year}/performance");
    Ok(Flash::success(Redirect::to(back), "绩效指标已删除"))
}

/// `GET /api/v1/rounds/<year>/performance`.
#[utoipa::path(get, operation_id = "performance_get", path = "/rounds/{year}/performance", summary = "绩效: the round's targets with their actuals (computed where the engine can), scores, the total and the grade (division staff, auditors)", tag = "division", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's 绩效 targets and what was reached", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/performance")]
async fn api_get(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    view(db, year).await
}

/// `POST /api/v1/rounds/<year>/performance` with `{ "indicator", "target", "weight", … }`.
// Deliberately like imports_confirm (web/imports/api.rs), carry_forward, statements_confirm, allocations_allocate and disbursements_disburse: each its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "performance_set", path = "/rounds/{year}/performance", summary = "Set a target (replacing one of the same name): indicator (projects, loans_unlocked, leverage, households, hardship_households, income_increase, received_rate, execution_rate, satisfaction or custom with name and unit), direction (at_least, at_most), target, weight, actual (satisfaction and custom only), reason; audited", tag = "division", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = TargetForm, content_type = "application/json", description = "A target; one of the same name is replaced"),
    responses(
        (status = 200, description = "The round's targets after the change, with id", body = Object),
        WritesBody,
        (status = 404, description = "No such round; or a body that is not JSON", body = ApiError),
        (status = 409, description = "An Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A bad indicator, target or weight, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/performance", format = "json", data = "<body>")]
async fn api_set(db: &Db, session: Session, year: i32, body: Json<TargetForm>) -> Result<Value, AppError> {
    let id = performance::set(db, &actor(&session), year, &body.input()).await?;
    let mut v = view(db, year).await?;
    v["id"] = json!(id);
    Ok(v)
}

/// A target deleted. Fields in key order: the JSON is what `json!` gave before.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TargetDeleted {
    /// Always true.
    deleted: bool,
    id: i64,
    /// The round the target was of.
    year: i32,
}

/// `DELETE /api/v1/performance/<id>`.
#[utoipa::path(delete, operation_id = "performance_delete", path = "/performance/{id}", summary = "Remove a target; audited", tag = "division", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The target's id")),
    responses(
        (status = 200, description = "The target deleted", body = TargetDeleted),
        Writes,
        (status = 404, description = "No such target", body = ApiError),
        (status = 409, description = "An Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[delete("/performance/<id>")]
async fn api_delete(db: &Db, session: Session, id: i64) -> Result<Json<TargetDeleted>, AppError> {
    let year = performance::delete(db, &actor(&session), id).await?;
    Ok(Json(TargetDeleted { deleted: true, id, year }))
}
