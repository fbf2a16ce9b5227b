//! What the dashboard (the home page) reads: a round's pools, requests, status counts and
//! regiments, and the closed rounds' projects for the cumulative trend. Every query takes
//! the caller's `Scope` and applies it in SQL; sums are cast to BIGINT (PostgreSQL's SUM of
//! a BIGINT is NUMERIC, which the `Any` driver cannot carry).

use sqlx::Row;

use super::load::scope_clause;
use super::projects::Scope;
use super::{rows, Conn};
use crate::engine::{Money, Status};
use crate::review::State;

/// A pool of a round: its budget and what is granted and paid from it. For a scoped user
/// `granted` and `paid` are their projects' shares (active grant lines, paid batches) and
/// `left` is `None`: the division's remainder is not theirs to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUse {
    pub name: String,
    pub kind: crate::engine::PoolKind,
    pub amount: Money,
    pub granted: Money,
    pub paid: Money,
    pub left: Option<Money>,
}

fn money(r: &sqlx::any::AnyRow, column: &str) -> Result<Money, sqlx::Error> {
    Ok(Money::from_fen(r.try_get(column)?))
}

const POOLS_ALL: &str = "SELECT name, kind, amount_fen, granted_fen, paid_fen, amount_fen - granted_fen AS left_fen \
    FROM pools WHERE round_id = $1 ORDER BY position";

/// The pools of a round, in policy order.
///
/// # Errors
/// A database error.
pub async fn pools(conn: &mut Conn, round_id: i64, scope: &Scope) -> Result<Vec<PoolUse>, sqlx::Error> {
    let rows = if *scope == Scope::All {
        sqlx::query(POOLS_ALL).bind(round_id).fetch_all(conn).await?
    } else {
        let (clause, value) = scope_clause(scope, 2);
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT po.name, po.kind, po.amount_fen, \
             CAST(COALESCE((SELECT SUM(gp.amount_fen) FROM grant_parts gp JOIN grants g ON g.id = gp.grant_id \
               JOIN projects p ON p.id = g.project_id WHERE gp.pool_id = po.id AND g.state = 'active'{clause}), 0) AS BIGINT) AS granted_fen, \
             CAST(COALESCE((SELECT SUM(bp.amount_fen) FROM batch_parts bp JOIN batch_items bi ON bi.id = bp.item_id \
               JOIN batches b ON b.id = bi.batch_id JOIN projects p ON p.id = bi.project_id \
               WHERE bp.pool_id = po.id AND b.state = 'paid'{clause} \
               AND NOT EXISTS (SELECT 1 FROM batch_failures f WHERE f.item_id = bi.id)), 0) AS BIGINT) AS paid_fen \
             FROM pools po WHERE po.round_id = $1 ORDER BY po.position"
        )))
        .bind(round_id)
        .bind(value)
        .fetch_all(conn)
        .await?
    };
    rows.iter()
        .map(|r| {
            Ok(PoolUse {
                name: r.try_get("name")?,
                kind: rows::code(r, "kind", crate::engine::PoolKind::parse)?,
                amount: money(r, "amount_fen")?,
                granted: money(r, "granted_fen")?,
                paid: money(r, "paid_fen")?,
                left: if *scope == Scope::All { Some(money(r, "left_fen")?) } else { None },
            })
        })
        .collect()
}

/// Where a scope's figures of a round are read, as a relation `p` with the columns `round_id`,
/// `unit`, `state`, `calc_status`, `n` (projects), `requested_fen`, `granted_fen` and `paid_fen`: for the
/// division and a 团场 the tallies the triggers keep (migration 0013: a few hundred rows
/// however large the round, issue 19); for an owner their own projects, one row each.
fn source(scope: &Scope, n: usize) -> (&'static str, String, String) {
    let (clause, value) = scope_clause(scope, n);
    let from = if matches!(scope, Scope::Owner(_)) {
        "(SELECT round_id, unit, state, calc_status, owner_id, 1 AS n, requested_fen, granted_fen, paid_fen FROM projects) p"
    } else {
        "(SELECT round_id, unit, state, calc_status, projects AS n, requested_fen, granted_fen, paid_fen FROM project_tallies) p"
    };
    (from, clause, value)
}

/// A round's projects in scope against its whole budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requests {
    pub budget: Money,
    pub projects: i64,
    pub requested: Money,
    pub granted: Money,
    pub paid: Money,
}

/// # Errors
/// A database error.
pub async fn requests(conn: &mut Conn, round_id: i64, scope: &Scope) -> Result<Requests, sqlx::Error> {
    let (from, clause, value) = source(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT CAST((SELECT COALESCE(SUM(amount_fen), 0) FROM pools WHERE round_id = $1) AS BIGINT) AS budget_fen, \
         CAST(COALESCE(SUM(p.n), 0) AS BIGINT) AS n, CAST(COALESCE(SUM(p.requested_fen), 0) AS BIGINT) AS requested_fen, \
         CAST(COALESCE(SUM(p.granted_fen), 0) AS BIGINT) AS granted_fen, CAST(COALESCE(SUM(p.paid_fen), 0) AS BIGINT) AS paid_fen \
         FROM {from} WHERE p.round_id = $1{clause}"
    )))
    .bind(round_id)
    .bind(value)
    .fetch_one(conn)
    .await?;
    Ok(Requests {
        budget: money(&r, "budget_fen")?,
        projects: r.try_get("n")?,
        requested: money(&r, "requested_fen")?,
        granted: money(&r, "granted_fen")?,
        paid: money(&r, "paid_fen")?,
    })
}

/// The number of projects in scope per review state, most frequent first.
///
/// # Errors
/// A database error, or a state that is not one of `review::State`'s (naming `state`).
pub async fn states(conn: &mut Conn, round_id: i64, scope: &Scope) -> Result<Vec<(State, i64)>, sqlx::Error> {
    counts(conn, round_id, scope, "state", State::parse).await
}

/// The number of projects in scope per engine status, most frequent first.
///
/// # Errors
/// A database error, or a status that is not one of `engine::Status`'s (naming `calc_status`).
pub async fn statuses(conn: &mut Conn, round_id: i64, scope: &Scope) -> Result<Vec<(Status, i64)>, sqlx::Error> {
    counts(conn, round_id, scope, "calc_status", Status::parse).await
}

/// The counts by `column` (a column of `source`'s relation), each code decoded once by `parse`.
async fn counts<T>(
    conn: &mut Conn,
    round_id: i64,
    scope: &Scope,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Vec<(T, i64)>, sqlx::Error> {
    let (from, clause, value) = source(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.{column} AS {column}, CAST(SUM(p.n) AS BIGINT) AS n FROM {from} WHERE p.round_id = $1{clause} \
         GROUP BY p.{column} HAVING SUM(p.n) > 0 ORDER BY n DESC, {column}"
    )))
    .bind(round_id)
    .bind(value)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((rows::code(r, column, parse)?, r.try_get("n")?))).collect()
}

/// A 团场's projects in a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regiment {
    pub unit: String,
    pub projects: i64,
    pub requested: Money,
    pub granted: Money,
}

/// The regiments in scope with the most granted, then requested (then by name), at most `limit`.
///
/// # Errors
/// A database error.
pub async fn regiments(
    conn: &mut Conn,
    round_id: i64,
    scope: &Scope,
    limit: i64,
) -> Result<Vec<Regiment>, sqlx::Error> {
    let (from, clause, value) = source(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.unit, CAST(SUM(p.n) AS BIGINT) AS n, CAST(SUM(p.requested_fen) AS BIGINT) AS requested_fen, \
         CAST(SUM(p.granted_fen) AS BIGINT) AS granted_fen FROM {from} WHERE p.round_id = $1{clause} \
         GROUP BY p.unit HAVING SUM(p.n) > 0 ORDER BY granted_fen DESC, requested_fen DESC, p.unit LIMIT $3"
    )))
    .bind(round_id)
    .bind(value)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Regiment {
                unit: r.try_get("unit")?,
                projects: r.try_get("n")?,
                requested: money(r, "requested_fen")?,
                granted: money(r, "granted_fen")?,
            })
        })
        .collect()
}

/// A closed round's projects in scope, each with its stored request and grant: what the
/// cumulative figures count (docs/rules.md §7). Loans carry no events (the figures need none).
pub type ClosedRound = crate::engine::summary::RoundProjects;

/// Every closed round with projects in scope, oldest first, projects in workbook order.
///
/// # Errors
/// A database error.
pub async fn closed_rounds(conn: &mut Conn, scope: &Scope) -> Result<Vec<ClosedRound>, sqlx::Error> {
    let (clause, value) = scope_clause(scope, 1);
    let from = format!("FROM projects p JOIN rounds r ON r.id = p.round_id WHERE r.status = 'closed'{clause}");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let projects = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT r.year AS round_year, p.* {from} ORDER BY r.year, p.position"
    )))
    .bind(&value)
    .fetch_all(&mut *conn)
    .await?;
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let loans = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT l.* FROM loans l WHERE l.project_id IN (SELECT p.id {from}) ORDER BY l.project_id, l.position"
    )))
    .bind(&value)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_project: std::collections::HashMap<i64, Vec<crate::engine::Loan>> = std::collections::HashMap::new();
    for l in &loans {
        by_project.entry(l.try_get("project_id")?).or_default().push(rows::loan(l)?);
    }
    let mut out: Vec<ClosedRound> = Vec::new();
    for r in &projects {
        let year = i32::try_from(r.try_get::<i64, _>("round_year")?).unwrap_or_default();
        let mut project = rows::project(r)?;
        project.loans = by_project.remove(&r.try_get::<i64, _>("id")?).unwrap_or_default();
        let entry = (project, money(r, "requested_fen")?, money(r, "granted_fen")?);
        match out.last_mut() {
            Some((y, list)) if *y == year => list.push(entry),
            _ => out.push((year, vec![entry])),
        }
    }
    Ok(out)
}
