//! Continuing loans (issue 15 item 4): when a round is open, division staff see the previous
//! round's approved projects whose loans still run into its window, and carry them forward
//! as drafts for their regiment (`storage::carry`), which confirms, edits or drops each.

use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::Session;
use crate::error::AppError;
use crate::storage::{self, Db};

#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![offered, carry]
}

/// The projects the previous round offers to the round of `year`.
#[get("/rounds/<year>/carry_forward")]
async fn offered(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let round = super::rounds::find(db, year).await?;
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut conn = db.inner.acquire().await?;
    let Some(from) = storage::carry::previous_round(&mut conn, year).await? else {
        return Ok(json!({ "from_year": null, "projects": [] }));
    };
    let list = storage::carry::candidates(&mut conn, from, round.id, &policy.window.start.to_string()).await?;
    let from_year = storage::rounds::find(&mut conn, from).await?.map(|r| r.year);
    Ok(json!({ "from_year": from_year, "projects": list }))
}

#[derive(Deserialize, Default)]
pub struct CarryBody {
    /// Which of the offered projects (ids of the previous round); all when absent.
    #[serde(default)]
    projects: Option<Vec<i64>>,
}

/// Carry the offered projects (or those chosen) forward as drafts; one audit row each.
#[post("/rounds/<year>/carry_forward", data = "<body>")]
async fn carry(db: &Db, session: Session, year: i32, body: Option<Json<CarryBody>>) -> Result<Value, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let round = super::rounds::find(db, year).await?;
    if round.status != "open" {
        return Err(AppError::Conflict("该年度已关闭".into()));
    }
    let policy = crate::import::policy(&round.policy_toml)?;
    let chosen = body.and_then(|b| b.into_inner().projects);
    let mut tx = storage::begin_write(db).await?;
    let Some(from) = storage::carry::previous_round(&mut tx, year).await? else {
        return Err(AppError::Conflict("没有上一年度可以结转".into()));
    };
    let offered = storage::carry::candidates(&mut tx, from, round.id, &policy.window.start.to_string()).await?;
    let mut carried = Vec::new();
    for c in offered.iter().filter(|c| !c.carried && chosen.as_ref().is_none_or(|ids| ids.contains(&c.id))) {
        let Some((id, project)) = storage::carry::forward(&mut tx, c.id, round.id, policy.window.start).await? else {
            continue;
        };
        let mut e = super::audit::entry(&session, "project.carry_forward", "project", id, Some(round.id));
        let contracts: Vec<&str> = project.loans.iter().map(|l| l.contract_no.as_str()).collect();
        e.old = json!({ "project_id": c.id });
        e.new = json!({ "key": project.key, "state": "draft", "contracts": contracts });
        storage::audit::append(&mut tx, &e).await?;
        carried.push(json!({ "id": id, "from": c.id, "key": project.key, "contracts": contracts }));
    }
    tx.commit().await?;
    Ok(json!({ "carried": carried }))
}
