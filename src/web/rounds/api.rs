//! Rounds in the JSON API: the list, one round with its pools' balances, a new round.

use rocket::serde::json::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::rounds::Round;
use crate::error::AppError;
use crate::export::json::totals;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![rounds, round, create_round]
}

/// A round as the API lists it. Fields in key order: the JSON is what `json!` gave before.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoundView {
    name: String,
    /// The round's policy (docs/rules.md), as TOML.
    policy_toml: String,
    /// `open` or `closed`.
    status: String,
    year: i32,
}

/// The rounds.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Rounds {
    rounds: Vec<RoundView>,
}

fn round_view(r: &Round) -> RoundView {
    RoundView { name: r.name.clone(), policy_toml: r.policy_toml.clone(), status: r.status.code().into(), year: r.year }
}

fn round_json(r: &Round) -> Value {
    json!(round_view(r))
}

#[utoipa::path(get, operation_id = "rounds", path = "/rounds", summary = "All rounds", tag = "rounds", security(("session" = [])),
    responses(
        (status = 200, description = "Every round", body = Rounds),
        Reads,
    ))]
#[get("/rounds")]
async fn rounds(db: &Db, _session: Session) -> Result<Json<Rounds>, AppError> {
    let list = crate::app::rounds::list(db).await?;
    Ok(Json(Rounds { rounds: list.iter().map(round_view).collect() }))
}

#[utoipa::path(get, operation_id = "rounds_round", path = "/rounds/{year}", summary = "One round with pools and the engine's trial totals", tag = "rounds", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round: year, name, status, policy_toml, budget, pools, totals, and (division staff, auditors) balances: each pool's amount, granted, paid, remaining", body = Object),
        Reads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>")]
async fn round(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let r = crate::app::rounds::find(db, year).await?;
    let (_, _, result) = crate::app::rounds::computed(db, &r).await?;
    let mut v = round_json(&r);
    v["budget"] = json!(result.budget);
    v["pools"] = json!(result.pools);
    if crate::web::allocations::treasury::require_reader(&session).is_ok() {
        v["balances"] = balances(db, &session, r.id).await?;
    }
    v["totals"] = totals(&result.totals);
    Ok(v)
}

/// What the pools hold now (active grant lines, paid batches: the money model), for the
/// roles that see the division's money (`money::require_reader`).
async fn balances(db: &Db, session: &Session, round_id: i64) -> Result<Value, AppError> {
    let stored = crate::app::allocations::pools(db, session.actor(), round_id).await?;
    let rows = stored.iter().map(|p| {
        let (amount, granted) = (p.amount, p.granted);
        let remaining = crate::engine::allocation::remaining(&[amount], &[granted]);
        json!({ "name": p.name, "amount": amount, "granted": granted, "paid": p.paid,
            "remaining": remaining[0] })
    });
    Ok(Value::Array(rows.collect()))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRound {
    policy_toml: String,
}

#[utoipa::path(post, operation_id = "rounds_create_round", path = "/rounds", summary = "Create a round from policy TOML (division_staff)", tag = "rounds", security(("session" = [], "csrf" = [])),
    request_body(content = NewRound, content_type = "application/json"),
    responses(
        (status = 200, description = "The new round", body = RoundView),
        WritesBody,
        (status = 404, description = "Not JSON (the route takes application/json only)", body = ApiError),
        (status = 409, description = "A round of that year exists, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An invalid policy, or a body that does not fit", body = ApiError),
    ))]
#[post("/rounds", format = "json", data = "<body>")]
async fn create_round(db: &Db, session: Session, body: Json<NewRound>) -> Result<Json<RoundView>, AppError> {
    let r = crate::app::rounds::create(db, session.actor(), &body.policy_toml).await?;
    Ok(Json(round_view(&r)))
}
