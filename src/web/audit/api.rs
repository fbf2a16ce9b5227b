//! The audit trail in the JSON API: `GET /api/v1/audit`, filtered and paged as the page is.

use serde_json::{json, Value};

use crate::error::AppError;
use crate::storage::{self, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::params::Number;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![audit]
}

/// The audit trail with the page's filters, newest first.
#[get("/audit?<page>&<per_page>&<q..>")]
async fn audit(
    db: &Db,
    session: Session,
    q: storage::audit::Query,
    page: Number<i64>,
    per_page: Number<i64>,
) -> Result<Value, AppError> {
    let page = page.or(1).max(1);
    let (rows, total) =
        crate::web::audit::trail::page(db, &session, &q, page, per_page.or(crate::web::audit::trail::PER_PAGE)).await?;
    Ok(
        json!({ "total": total, "page": page, "entries": rows.iter().map(crate::web::audit::trail::record_json).collect::<Vec<_>>() }),
    )
}
