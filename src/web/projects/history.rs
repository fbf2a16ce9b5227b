//! An applicant's projects in every round, in the API (`GET /api/v1/history?applicant=…`,
//! docs/facts.md "The history file"); the use case is `app::history`.

use serde_json::Value;

use crate::app::history;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::Reads;
use crate::web::kernel::openapi::ApiError;

// Deliberately like review_transitions (web/review/act.rs) and rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "history_applicant", summary = "An applicant's projects in every round (docs/facts.md), as tiexi calc --history reads them", path = "/history", tag = "projects", security(("session" = [])),
    params(("applicant" = String, Query, description = "The applicant (ID number, or the organisation code)")),
    responses(
        (status = 200, description = "The applicant's projects in every round (docs/facts.md)", body = Object),
        Reads,
        (status = 403, description = "The role may not read histories", body = ApiError),
        (status = 422, description = "No applicant given", body = ApiError),
    ))]
#[get("/history?<applicant>")]
pub(crate) async fn applicant(db: &Db, session: Session, applicant: Option<&str>) -> Result<Value, AppError> {
    history::of_applicant(db, session.actor(), applicant.unwrap_or_default()).await
}
