//! Rounds in the JSON API: the list, one round with its pools' balances, a new round.

use rocket::serde::json::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::engine::Money;
use crate::error::AppError;
use crate::export::json::totals;
use crate::storage::{self, Db};
use crate::web::accounts::auth::Session;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![rounds, round, create_round]
}

fn round_json(r: &storage::rounds::Round) -> Value {
    json!({ "year": r.year, "name": r.name, "status": r.status, "policy_toml": r.policy_toml })
}

#[get("/rounds")]
async fn rounds(db: &Db, _session: Session) -> Result<Value, AppError> {
    let list = storage::rounds::list(&mut *db.inner.acquire().await?).await?;
    Ok(json!({ "rounds": list.iter().map(round_json).collect::<Vec<_>>() }))
}

#[get("/rounds/<year>")]
async fn round(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let r = crate::web::rounds::pages::find(db, year).await?;
    let (_, _, result) = crate::web::rounds::pages::computed(db, &r).await?;
    let mut v = round_json(&r);
    v["budget"] = json!(result.budget);
    v["pools"] = json!(result.pools);
    if crate::web::allocations::treasury::require_reader(&session).is_ok() {
        v["balances"] = balances(db, r.id).await?;
    }
    v["totals"] = totals(&result.totals);
    Ok(v)
}

/// What the pools hold now (active grant lines, paid batches: the money model), for the
/// roles that see the division's money (`money::require_reader`).
async fn balances(db: &Db, round_id: i64) -> Result<Value, AppError> {
    let stored = storage::allocations::pools(&mut *db.inner.acquire().await?, round_id).await?;
    let rows = stored.iter().map(|p| {
        let (amount, granted) = (Money::from_fen(p.amount_fen), Money::from_fen(p.granted_fen));
        let remaining = crate::engine::allocation::remaining(&[amount], &[granted]);
        json!({ "name": p.name, "amount": amount, "granted": granted, "paid": Money::from_fen(p.paid_fen),
            "remaining": remaining[0] })
    });
    Ok(Value::Array(rows.collect()))
}

#[derive(Deserialize)]
pub struct NewRound {
    policy_toml: String,
}

#[post("/rounds", format = "json", data = "<body>")]
async fn create_round(db: &Db, session: Session, body: Json<NewRound>) -> Result<Value, AppError> {
    let r = crate::web::rounds::pages::create(db, &session, &body.policy_toml).await?;
    Ok(round_json(&r))
}
