//! What an applicant's home page reads (issue 17 item 6): what happened to the projects a
//! user owns, as dated events: each review move with its comment, and each paid batch line
//! with the day it was paid. Ownership is in the SQL (`owner_id`), as everywhere.

use sqlx::Row;

use super::rows;
use super::Conn;
use crate::engine::{Money, RoundStatus, Status};
use crate::review::{DocumentKind, State};
use crate::signoff::disbursement::Kind;

/// One thing that happened to one of the user's projects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub project_id: i64,
    pub key: String,
    pub name: String,
    /// A review action's code (`submit`, `return`, …), or `paid` / `clawed_back`.
    pub what: String,
    /// The state a review move led to (`None` for a payment).
    pub to_state: Option<State>,
    pub comment: String,
    /// The paid amount, for `paid` and `clawed_back`.
    pub amount: Money,
    /// UTC time (`2024-06-30T06:05:00Z`), or the day paid (`2024-06-30`).
    pub at: String,
}

/// The review moves and payments of the user's projects, newest first, at most `limit`.
///
/// # Errors
/// A database error.
pub async fn events(conn: &mut Conn, owner: i64, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let mut out = moves(conn, owner, limit).await?;
    out.extend(payments(conn, owner, limit).await?);
    // A day paid sorts as the start of that day, after the moves of the day before.
    out.sort_by(|a, b| b.at.cmp(&a.at));
    out.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(out)
}

// Deliberately like `projects` below (storage/applicant.rs) (query, bind the owner, map each row): two reads of the applicant's page with their own columns.
async fn moves(conn: &mut Conn, owner: i64, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.project_key, p.name, t.action, t.to_state, t.comment, t.at FROM transitions t \
         JOIN projects p ON p.id = t.project_id WHERE p.owner_id = $1 ORDER BY t.id DESC LIMIT $2",
    )
    .bind(owner)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Event {
                project_id: r.try_get(0)?,
                key: r.try_get(1)?,
                name: r.try_get(2)?,
                what: r.try_get(3)?,
                to_state: Some(rows::code(r, "to_state", State::parse)?),
                comment: r.try_get(5)?,
                amount: Money::ZERO,
                at: r.try_get(6)?,
            })
        })
        .collect()
}

async fn payments(conn: &mut Conn, owner: i64, limit: i64) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.project_key, p.name, b.kind, i.amount_fen, b.paid_on FROM batch_items i \
         JOIN batches b ON b.id = i.batch_id JOIN projects p ON p.id = i.project_id \
         WHERE p.owner_id = $1 AND b.state = 'paid' ORDER BY b.paid_on DESC, b.id DESC LIMIT $2",
    )
    .bind(owner)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind = rows::code(r, "kind", Kind::parse)?;
            Ok(Event {
                project_id: r.try_get(0)?,
                key: r.try_get(1)?,
                name: r.try_get(2)?,
                what: if kind == Kind::Clawback { "clawed_back".into() } else { "paid".into() },
                to_state: None,
                comment: String::new(),
                amount: rows::money(r, "amount_fen")?,
                at: r.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
            })
        })
        .collect()
}

/// The document kinds each of the user's projects has, as `(project id, kind)`.
///
/// # Errors
/// A database error.
pub async fn document_kinds(conn: &mut Conn, owner: i64) -> Result<Vec<(i64, DocumentKind)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT d.project_id, d.kind FROM documents d JOIN projects p ON p.id = d.project_id \
         WHERE p.owner_id = $1",
    )
    .bind(owner)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("project_id")?, super::rows::code(r, "kind", DocumentKind::parse)?))).collect()
}

/// One of the user's projects, with its round and its trial figures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mine {
    pub id: i64,
    pub year: i32,
    pub round_open: bool,
    pub round_policy: String,
    pub key: String,
    pub name: String,
    pub state: State,
    pub calc_status: Status,
    pub requested: Money,
    pub granted: Money,
}

/// Every project the user owns, newest round first.
///
/// # Errors
/// A database error.
pub async fn projects(conn: &mut Conn, owner: i64) -> Result<Vec<Mine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, r.year, r.status, r.policy_toml, p.project_key, p.name, p.state, p.calc_status, \
         p.requested_fen, p.granted_fen FROM projects p JOIN rounds r ON r.id = p.round_id \
         WHERE p.owner_id = $1 ORDER BY r.year DESC, p.id DESC",
    )
    .bind(owner)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Mine {
                id: r.try_get(0)?,
                year: r.try_get(1)?,
                round_open: rows::code(r, "status", RoundStatus::parse)?.is_open(),
                round_policy: r.try_get(3)?,
                key: r.try_get(4)?,
                name: r.try_get(5)?,
                state: rows::code(r, "state", State::parse)?,
                calc_status: rows::code(r, "calc_status", Status::parse)?,
                requested: rows::money(r, "requested_fen")?,
                granted: rows::money(r, "granted_fen")?,
            })
        })
        .collect()
}
