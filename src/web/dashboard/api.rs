//! The cumulative figures in the JSON API (`GET /api/v1/figures`), as the dashboard shows them.

use serde_json::Value;

use crate::error::AppError;
use crate::export::json::totals;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::Reads;
use crate::web::kernel::openapi::ApiError;
use crate::web::kernel::params::Number;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![figures]
}

/// docs/rules.md §7: the figures of one round (`year`) or of every round up to `through`.
// Deliberately like projects (web/projects/api.rs), history_applicant (web/projects/history.rs), review_transitions (web/review/act.rs) and rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "dashboard_figures", path = "/figures", summary = "The totals object of cli.md for one round (year) or cumulative (through)", tag = "dashboard", security(("session" = [])),
    params(("year" = Option<i32>, Query, description = "One round"), ("through" = Option<i32>, Query, description = "Every round up to this year")),
    responses(
        (status = 200, description = "The figures (docs/rules.md §7) of one round, or of every round up to through", body = Object),
        Reads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "Neither or both of year and through, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/figures?<year>&<through>")]
async fn figures(db: &Db, _session: Session, year: Number<i32>, through: Number<i32>) -> Result<Value, AppError> {
    let f = crate::app::dashboard::figures(db, year.0, through.0).await?;
    Ok(totals(&f))
}
