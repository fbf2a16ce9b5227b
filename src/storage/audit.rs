//! The audit trail: every change of money, state, policy, user or role, and every reveal of
//! a full ID number, appended in the same transaction as the change. The table refuses
//! UPDATE and DELETE (triggers); each row's hash covers the previous row's hash and its own
//! fields, so an edit made behind the triggers' back is found by `tiexi audit verify`.
//!
//! `append` must run inside `storage::begin_write`: writers are serialised there, so the
//! row read as "previous" is the last one on both backends.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

use sqlx::Row;

use super::Conn;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change, as the caller describes it. Personal numbers in `old` and `new` must already
/// be masked (`export::mask`).
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    /// The username, or `system` / `cli` for changes without a logged-in user.
    pub actor: &'a str,
    /// What happened, e.g. `project.submit`, `batch.pay`, `user.disable`, `id_number.reveal`.
    pub action: &'a str,
    /// The table or thing changed: `project`, `batch`, `allocation`, `round`, `user`, ...
    pub entity: &'a str,
    pub entity_id: String,
    pub round_id: Option<i64>,
    pub old: Value,
    pub new: Value,
}

/// A stored row, as read back for the page and for `verify`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Record {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub round_id: Option<i64>,
    pub old_json: String,
    pub new_json: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of a row: sha256 over the previous hash and every field, each ended by a
/// newline and with its length first, so that no two different rows share an input.
#[must_use]
pub fn hash(prev_hash: &str, r: &Record) -> String {
    let actor_id = r.actor_id.map(|i| i.to_string()).unwrap_or_default();
    let round_id = r.round_id.map(|i| i.to_string()).unwrap_or_default();
    let fields = [
        prev_hash,
        &r.at,
        &actor_id,
        &r.actor,
        &r.action,
        &r.entity,
        &r.entity_id,
        &round_id,
        &r.old_json,
        &r.new_json,
    ];
    let mut h = Sha256::new();
    for f in fields {
        h.update(f.len().to_string().as_bytes());
        h.update(b":");
        h.update(f.as_bytes());
        h.update(b"\n");
    }
    h.finalize().iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The hash of the latest entry, or the genesis hash of an empty trail.
async fn last_hash(conn: &mut Conn) -> Result<String, sqlx::Error> {
    let prev: Option<String> = sqlx::query("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(prev.unwrap_or_else(|| GENESIS.to_owned()))
}

/// Append one entry; returns its sequence number.
///
/// # Errors
/// A database error (the caller's transaction then rolls back with the change itself).
pub async fn append(conn: &mut Conn, e: &Entry<'_>) -> Result<i64, sqlx::Error> {
    let prev_hash = last_hash(conn).await?;
    let mut record = Record {
        seq: 0,
        at: super::now(),
        actor_id: e.actor_id,
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        entity: e.entity.to_owned(),
        entity_id: e.entity_id.clone(),
        round_id: e.round_id,
        old_json: e.old.to_string(),
        new_json: e.new.to_string(),
        prev_hash: prev_hash.clone(),
        hash: String::new(),
    };
    record.hash = hash(&prev_hash, &record);
    let seq: i64 = sqlx::query(
        "INSERT INTO audit (at, actor_id, actor, action, entity, entity_id, round_id, old_json, new_json, prev_hash, hash) \
         VALUES ($1, CAST(NULLIF($2, '') AS BIGINT), $3, $4, $5, $6, CAST(NULLIF($7, '') AS BIGINT), $8, $9, $10, $11) RETURNING seq",
    )
    .bind(&record.at)
    .bind(super::nullable(record.actor_id))
    .bind(&record.actor)
    .bind(&record.action)
    .bind(&record.entity)
    .bind(&record.entity_id)
    .bind(super::nullable(record.round_id))
    .bind(&record.old_json)
    .bind(&record.new_json)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(seq)
}
