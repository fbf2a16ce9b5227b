//! Carry forward in the API (issue 15 item 4): what the previous round offers, and carrying
//! it (`app::carry`).

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::Value;

use super::pages::find as round;
use crate::app::carry;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![offered, forward]
}

/// The projects the previous round offers to the round of `year`.
#[get("/rounds/<year>/carry_forward")]
async fn offered(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    carry::offered(db, session.actor(), &round(db, year).await?).await
}

#[derive(Deserialize, Default)]
pub struct CarryBody {
    /// Which of the offered projects (ids of the previous round); all when absent.
    #[serde(default)]
    projects: Option<Vec<i64>>,
}

/// Carry the offered projects (or those chosen) forward as drafts.
#[post("/rounds/<year>/carry_forward", data = "<body>")]
async fn forward(db: &Db, session: Session, year: i32, body: Option<Json<CarryBody>>) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let round = round(db, year).await?;
    let chosen = body.and_then(|b| b.into_inner().projects);
    carry::forward(db, session.actor(), &round, chosen.as_deref()).await
}
