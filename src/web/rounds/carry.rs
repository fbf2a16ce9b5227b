//! Carry forward in the API (issue 15 item 4): what the previous round offers, and carrying
//! it (`app::carry`).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::Value;

use crate::app::carry;
use crate::app::rounds::find as round;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, Writes};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![offered, forward]
}

/// The projects the previous round offers to the round of `year`.
#[utoipa::path(get, operation_id = "carry_offered", summary = "The projects of the previous round offered to this one (continuing loans)", path = "/rounds/{year}/carry_forward", tag = "rounds", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The projects of the previous round that continue into this one", body = Object),
        Reads,
        (status = 403, description = "The role may not manage rounds", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/carry_forward")]
async fn offered(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    carry::offered(db, session.actor(), &round(db, year).await?).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct CarryBody {
    /// Which of the offered projects (ids of the previous round); all when absent.
    #[serde(default)]
    projects: Option<Vec<i64>>,
}

/// Carry the offered projects (or those chosen) forward as drafts.
// Deliberately like imports_confirm (web/imports/api.rs), statements_confirm (web/rounds/statements.rs) and returns_upload (web/disbursements/returns.rs): each operation states its own answers (tests/web/openapi.snapshot.json); what they share is a group of `kernel::answers`.
#[utoipa::path(post, operation_id = "carry_forward", summary = "Carry the offered projects (or those chosen) forward as drafts; audited", path = "/rounds/{year}/carry_forward", tag = "rounds", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = CarryBody, content_type = "application/json", description = "Optional: without a body, every offered project"),
    responses(
        (status = 200, description = "The projects carried forward as drafts", body = Object),
        Writes,
        (status = 404, description = "No such round", body = ApiError),
        (status = 409, description = "The round is closed, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/carry_forward", data = "<body>")]
async fn forward(db: &Db, session: Session, year: i32, body: Option<Json<CarryBody>>) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let round = round(db, year).await?;
    let chosen = body.and_then(|b| b.into_inner().projects);
    carry::forward(db, session.actor(), &round, chosen.as_deref()).await
}
