//! A round's 绩效 targets (issue 16): one row per indicator, by name within the round.
//! Decimal values are canonical text; the engine (`engine::performance`) scores them.

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::performance::{Direction, Indicator};

/// A stored target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub id: i64,
    pub round_id: i64,
    pub position: i64,
    pub indicator: Indicator,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub target: String,
    pub weight: String,
    /// Typed by staff (satisfaction, their own indicators).
    pub actual: Option<String>,
    pub reason: String,
}

fn target(r: &sqlx::any::AnyRow) -> Result<TargetRow, sqlx::Error> {
    Ok(TargetRow {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        position: r.try_get("position")?,
        indicator: rows::code(r, "indicator", Indicator::parse)?,
        name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        direction: rows::code(r, "direction", Direction::parse)?,
        target: r.try_get("target")?,
        weight: r.try_get("weight")?,
        actual: rows::opt(r, "actual")?,
        reason: r.try_get("reason")?,
    })
}

const COLUMNS: &str = "id, round_id, position, indicator, name, unit, direction, target, weight, actual, reason";

/// A round's targets in their order.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, round_id: i64) -> Result<Vec<TargetRow>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM performance_targets WHERE round_id = $1 ORDER BY position, id"
    )))
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(target).collect()
}

/// One target, by id.
///
/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<TargetRow>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM performance_targets WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(target).transpose()
}

/// Insert a target, or replace the one of the same name in the round (its position kept);
/// returns its id. `t.id` and `t.position` are ignored: a new one goes last.
///
/// # Errors
/// A database error.
pub async fn upsert(conn: &mut Conn, t: &TargetRow, by: Option<i64>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO performance_targets (round_id, position, indicator, name, unit, direction, target, weight, actual, reason, \
         updated_by, updated_at) VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM performance_targets WHERE round_id = $1), \
         $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (round_id, name) DO UPDATE SET indicator = excluded.indicator, unit = excluded.unit, \
         direction = excluded.direction, target = excluded.target, weight = excluded.weight, actual = excluded.actual, \
         reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at RETURNING id",
    )
    .bind(t.round_id)
    .bind(t.indicator.code())
    .bind(&t.name)
    .bind(&t.unit)
    .bind(t.direction.code())
    .bind(&t.target)
    .bind(&t.weight)
    .bind(t.actual.as_deref())
    .bind(&t.reason)
    .bind(by)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// Remove a target; `false` when there was none.
///
/// # Errors
/// A database error.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM performance_targets WHERE id = $1").bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}
