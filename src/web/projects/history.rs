//! An applicant's projects in every round, in the API (`GET /api/v1/history?applicant=…`,
//! docs/facts.md "The history file"); the use case is `app::history`.

use serde_json::Value;

use crate::app::history;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;

#[get("/history?<applicant>")]
pub(crate) async fn applicant(db: &Db, session: Session, applicant: Option<&str>) -> Result<Value, AppError> {
    history::of_applicant(db, session.actor(), applicant.unwrap_or_default()).await
}
