//! The audit trail in the JSON API: `GET /api/v1/audit`, filtered and paged as the page is.

use serde_json::{json, Value};

use crate::app::audit::Query;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::Reads;
use crate::web::kernel::openapi::ApiError;
use crate::web::kernel::params::Number;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![audit]
}

/// The audit trail with the page's filters, newest first.
// Deliberately like dashboard_figures (web/dashboard/api.rs), projects (web/projects/api.rs), history_applicant (web/projects/history.rs), review_transitions (web/review/act.rs) and rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "audit", path = "/audit", summary = "The audit trail, newest first: {total, page, entries: [{seq, at (UTC), actor_id, actor, action, entity, entity_id, round_id, old, new, hash}]}. Division staff and auditors see every entry; regiment staff their 团场's projects' entries and their own; other roles 403. Personal numbers are masked.", tag = "audit", security(("session" = [])),
    params(("page" = Option<i64>, Query, description = "Page, from 1"), ("per_page" = Option<i64>, Query, description = "Entries per page"), ("entity" = Option<String>, Query, description = "What changed (project, round, …)"), ("entity_id" = Option<String>, Query, description = "Its id"), ("actor" = Option<String>, Query, description = "Who"), ("action" = Option<String>, Query, description = "The action"), ("year" = Option<i32>, Query, description = "The round"), ("from" = Option<String>, Query, description = "First day, YYYY-MM-DD (UTC)"), ("to" = Option<String>, Query, description = "Last day, YYYY-MM-DD (UTC)")),
    responses(
        (status = 200, description = "A page of the trail, newest first: total, page, entries", body = Object),
        Reads,
        (status = 403, description = "The role may not read the trail", body = ApiError),
        (status = 422, description = "A bad date, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/audit?<page>&<per_page>&<q..>")]
async fn audit(
    db: &Db,
    session: Session,
    q: Query,
    page: Number<i64>,
    per_page: Number<i64>,
) -> Result<Value, AppError> {
    let page = page.or(1).max(1);
    let (rows, total) =
        crate::app::audit::page(db, session.actor(), &q, page, per_page.or(crate::web::audit::trail::PER_PAGE)).await?;
    Ok(
        json!({ "total": total, "page": page, "entries": rows.iter().map(crate::web::audit::trail::record_json).collect::<Vec<_>>() }),
    )
}
