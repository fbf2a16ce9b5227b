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

use super::bulk::batch::{self, Cell, Table, Type};
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

/// The row of `e` written at `at` after the row whose hash is `prev_hash`, its own hash
/// computed: the one place an entry joins the chain, for `append` and `append_all` alike.
fn chained(e: &Entry<'_>, at: String, prev_hash: String) -> Record {
    let mut record = Record {
        seq: 0,
        at,
        actor_id: e.actor_id,
        actor: e.actor.to_owned(),
        action: e.action.to_owned(),
        entity: e.entity.to_owned(),
        entity_id: e.entity_id.clone(),
        round_id: e.round_id,
        old_json: e.old.to_string(),
        new_json: e.new.to_string(),
        prev_hash,
        hash: String::new(),
    };
    record.hash = hash(&record.prev_hash, &record);
    record
}

/// Append one entry; returns its sequence number.
///
/// # Errors
/// A database error (the caller's transaction then rolls back with the change itself).
pub async fn append(conn: &mut Conn, e: &Entry<'_>) -> Result<i64, sqlx::Error> {
    let record = chained(e, super::now(), last_hash(conn).await?);
    let seq: i64 = sqlx::query(
        "INSERT INTO audit (at, actor_id, actor, action, entity, entity_id, round_id, old_json, new_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq",
    )
    .bind(&record.at)
    .bind(record.actor_id)
    .bind(&record.actor)
    .bind(&record.action)
    .bind(&record.entity)
    .bind(&record.entity_id)
    .bind(record.round_id)
    .bind(&record.old_json)
    .bind(&record.new_json)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(seq)
}

/// Append many entries in order, chained as `append` would chain them one by one, in
/// statements of many rows (`bulk::batch`) (issue 19: a confirmed import of 100,000 projects writes 100,000
/// `project.recalculate` rows).
///
/// # Errors
/// A database error (the caller's transaction then rolls back with the change itself).
pub async fn append_all(conn: &mut Conn, entries: &[Entry<'_>]) -> Result<(), sqlx::Error> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut prev_hash = last_hash(conn).await?;
    let at = super::now();
    let mut records = Vec::with_capacity(entries.len());
    for e in entries {
        let record = chained(e, at.clone(), std::mem::take(&mut prev_hash));
        prev_hash.clone_from(&record.hash);
        records.push(record);
    }
    // Rows take their seq in the order given on both backends (`bulk::batch`), so the chain
    // reads back in the order it was hashed.
    let cells: Vec<Cell<'_>> = records
        .iter()
        .flat_map(|r| {
            [
                Cell::text(r.at.as_str()),
                Cell::Int(r.actor_id),
                Cell::text(r.actor.as_str()),
                Cell::text(r.action.as_str()),
                Cell::text(r.entity.as_str()),
                Cell::text(r.entity_id.as_str()),
                Cell::Int(r.round_id),
                Cell::text(r.old_json.as_str()),
                Cell::text(r.new_json.as_str()),
                Cell::text(r.prev_hash.as_str()),
                Cell::text(r.hash.as_str()),
            ]
        })
        .collect();
    batch::insert(conn, &AUDIT, &cells).await
}

const AUDIT: Table<'static> = Table {
    name: "audit",
    columns: &[
        ("at", Type::Text),
        ("actor_id", Type::Int),
        ("actor", Type::Text),
        ("action", Type::Text),
        ("entity", Type::Text),
        ("entity_id", Type::Text),
        ("round_id", Type::Int),
        ("old_json", Type::Text),
        ("new_json", Type::Text),
        ("prev_hash", Type::Text),
        ("hash", Type::Text),
    ],
};

fn record(r: &sqlx::any::AnyRow) -> Result<Record, sqlx::Error> {
    Ok(Record {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor_id: super::rows::opt(r, "actor_id")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        round_id: super::rows::opt(r, "round_id")?,
        old_json: r.try_get("old_json")?,
        new_json: r.try_get("new_json")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const COLUMNS: &str =
    "seq, at, actor_id, actor, action, entity, entity_id, round_id, old_json, new_json, prev_hash, hash";

/// The first row where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub what: String,
}

/// How many rows to read at a time while verifying (the trail may be long).
const VERIFY_BATCH: i64 = 5000;

/// Recompute the chain from the first row: every row must follow the previous one in
/// `seq` order, link to its hash, and hash to what it stores. `Ok(Ok(count))` when intact.
///
/// # Errors
/// A database error.
pub async fn verify(conn: &mut Conn) -> Result<Result<i64, Broken>, sqlx::Error> {
    let mut prev_hash = GENESIS.to_owned();
    let mut prev_seq = 0_i64;
    let mut count = 0_i64;
    loop {
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(prev_seq)
        .bind(VERIFY_BATCH)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Ok(count));
        }
        for row in &rows {
            let r = record(row)?;
            if let Some(what) = fault(&r, prev_seq, &prev_hash) {
                return Ok(Err(Broken { seq: r.seq, what }));
            }
            prev_seq = r.seq;
            prev_hash = r.hash;
            count += 1;
        }
    }
}

/// What is wrong with one row given the row before it, if anything.
fn fault(r: &Record, prev_seq: i64, prev_hash: &str) -> Option<String> {
    if r.seq <= prev_seq {
        return Some(format!("seq {} does not follow seq {prev_seq}", r.seq));
    }
    if r.prev_hash != prev_hash {
        return Some(format!("prev_hash {} is not the hash of the row before ({prev_hash})", r.prev_hash));
    }
    let computed = hash(prev_hash, r);
    if computed != r.hash {
        return Some(format!("stored hash {} differs from the recomputed {computed} (a field was changed)", r.hash));
    }
    None
}

/// What the audit page and `GET /api/v1/audit` filter by; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, rocket::FromForm, serde::Serialize)]
pub struct Query {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    /// The round's year (the web layer refuses one that is not an `i32`).
    pub year: Option<String>,
    /// First and last day (UTC, `YYYY-MM-DD`), both included.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Who may see which entries: everything, or a regiment's (its projects and what its own
/// staff did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    All,
    Unit { unit: String, user_id: i64 },
}

const FILTER: &str = " WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2) AND ($3 = '' OR actor = $3) \
    AND ($4 = '' OR action = $4) AND ($5 = '' OR round_id IN (SELECT id FROM rounds WHERE CAST(year AS TEXT) = $5)) \
    AND ($6 = '' OR SUBSTR(at, 1, 10) >= $6) AND ($7 = '' OR SUBSTR(at, 1, 10) <= $7) \
    AND ($8 = '' OR actor_id = CAST(NULLIF($9, '') AS BIGINT) OR (entity = 'project' AND entity_id IN \
    (SELECT CAST(id AS TEXT) FROM projects WHERE unit = $8)))";

// AssertSqlSafe: the SQL is ours (FILTER, COLUMNS, integer limit and offset); values are bound.
fn bind_filter(sql: String, q: &Query, visible: &Visible) -> super::Query<'static> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let (unit, user) = match visible {
        Visible::All => (String::new(), String::new()),
        Visible::Unit { unit, user_id } => (unit.clone(), user_id.to_string()),
    };
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(text(&q.entity))
        .bind(text(&q.entity_id))
        .bind(text(&q.actor))
        .bind(text(&q.action))
        .bind(text(&q.year))
        .bind(text(&q.from))
        .bind(text(&q.to))
        .bind(unit)
        .bind(user)
}

/// One page of matching entries, newest first, and how many match in all.
///
/// # Errors
/// A database error.
pub async fn page(
    conn: &mut Conn,
    q: &Query,
    visible: &Visible,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Record>, i64), sqlx::Error> {
    let count_sql = format!("SELECT COUNT(*) FROM audit{FILTER}");
    let total: i64 = bind_filter(count_sql, q, visible).fetch_one(&mut *conn).await?.try_get(0)?;
    let sql = format!("SELECT {COLUMNS} FROM audit{FILTER} ORDER BY seq DESC LIMIT {limit} OFFSET {offset}");
    let rows = bind_filter(sql, q, visible).fetch_all(conn).await?;
    Ok((rows.iter().map(record).collect::<Result<_, _>>()?, total))
}
