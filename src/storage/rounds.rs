//! Rounds and their pools.

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::{Policy, PoolKind, RoundStatus};

/// A stored round: its policy text is parsed by `import::policy` wherever it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub year: i32,
    pub name: String,
    pub policy_toml: String,
    pub status: RoundStatus,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Round, sqlx::Error> {
    let year: i64 = r.try_get("year")?;
    Ok(Round {
        id: r.try_get("id")?,
        year: i32::try_from(year).unwrap_or_default(),
        name: r.try_get("name")?,
        policy_toml: r.try_get("policy_toml")?,
        status: rows::code(r, "status", RoundStatus::parse)?,
    })
}

const COLUMNS: &str = "id, year, name, policy_toml, status";

/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn) -> Result<Vec<Round>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM rounds ORDER BY year DESC")))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// # Errors
/// A database error.
pub async fn find_by_year(conn: &mut Conn, year: i32) -> Result<Option<Round>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM rounds WHERE year = $1")))
        .bind(i64::from(year))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Round>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM rounds WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Create a round with the pools of its policy.
///
/// # Errors
/// A database error, e.g. a round of that year exists.
pub async fn insert(conn: &mut Conn, policy: &Policy, toml: &str, status: RoundStatus) -> Result<i64, sqlx::Error> {
    let now = super::now();
    let id: i64 = sqlx::query("INSERT INTO rounds (year, name, policy_toml, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
        .bind(i64::from(policy.year))
        .bind(&policy.name)
        .bind(toml)
        .bind(status.code())
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    insert_pools(conn, id, policy).await?;
    Ok(id)
}

async fn insert_pools(conn: &mut Conn, round_id: i64, policy: &Policy) -> Result<(), sqlx::Error> {
    for (i, pool) in policy.pools.iter().enumerate() {
        sqlx::query("INSERT INTO pools (round_id, position, name, kind, amount_fen) VALUES ($1, $2, $3, $4, $5)")
            .bind(round_id)
            .bind(i64::try_from(i).unwrap_or(i64::MAX))
            .bind(&pool.name)
            .bind(kind(pool.kind))
            .bind(pool.amount.fen())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

fn kind(k: PoolKind) -> &'static str {
    k.code()
}

/// Replace an open round's policy and pools. Only a round with nothing granted may change
/// its pools; the SQL refuses otherwise (the pools' CHECKs and the `granted_fen = 0` guard).
///
/// # Errors
/// A database error; `RowNotFound` when the round is closed or has grants.
pub async fn update_policy(conn: &mut Conn, round_id: i64, policy: &Policy, toml: &str) -> Result<(), sqlx::Error> {
    let granted: i64 = sqlx::query("SELECT COUNT(*) FROM pools WHERE round_id = $1 AND granted_fen > 0")
        .bind(round_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let updated = sqlx::query("UPDATE rounds SET name = $1, policy_toml = $2, updated_at = $3 WHERE id = $4 AND status = 'open' AND year = $5")
        .bind(&policy.name)
        .bind(toml)
        .bind(super::now())
        .bind(round_id)
        .bind(i64::from(policy.year))
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() != 1 || granted > 0 {
        return Err(sqlx::Error::RowNotFound);
    }
    sqlx::query("DELETE FROM pools WHERE round_id = $1").bind(round_id).execute(&mut *conn).await?;
    insert_pools(conn, round_id, policy).await
}

/// # Errors
/// A database error.
pub async fn set_status(conn: &mut Conn, round_id: i64, status: RoundStatus) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rounds SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.code())
        .bind(super::now())
        .bind(round_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The pools' granted amounts (policy order) when the round keeps a ledger of grant lines
/// (issue 5), else `None` (a round recorded as totals only, or with nothing decided yet).
///
/// # Errors
/// A database error.
pub async fn ledger_pools(conn: &mut Conn, round_id: i64) -> Result<Option<Vec<i64>>, sqlx::Error> {
    let lines: i64 = sqlx::query("SELECT COUNT(*) FROM grants WHERE round_id = $1 AND state = 'active'")
        .bind(round_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    if lines == 0 {
        return Ok(None);
    }
    let rows = sqlx::query("SELECT granted_fen FROM pools WHERE round_id = $1 ORDER BY position")
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect::<Result<Vec<i64>, _>>().map(Some)
}
