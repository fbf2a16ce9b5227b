//! Allocation runs (分配方案) and their grant lines. A proposal counts for nothing until
//! another user approves it; the approval activates every line in one transaction with
//! guarded SQL, so that no pool and no project is ever granted beyond its bound, however
//! many approvals race (the money model). A release line (withdrawal, clawback)
//! is active at once and gives its pool parts back.

use std::collections::HashMap;

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::allocation::line;
use crate::engine::{AllocationRule, Money};
use crate::signoff::allocation::State;

/// A money write a guard refused (answered 409 with the text), or a database error.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// A refusal with its Chinese text.
#[must_use]
pub fn refused(text: &str) -> Refusal {
    Refusal::Refused(text.to_owned())
}

/// A decision's guarded UPDATE of one record, binding `$1` the actor, `$2` now, `$3` the
/// comment and `$4` the record's id: the guard in its WHERE (the state, the maker-checker
/// rule) lets it change the one row, or it refuses with `refusal` (a race, a state moved on).
/// Allocations and batches decide through it (`allocations::decide`, `batches::decide`).
///
/// # Errors
/// `Refused` when the guard matched no row, or a database error.
pub(crate) async fn guarded(
    conn: &mut Conn,
    sql: &'static str,
    (actor, id, comment): (Actor<'_>, i64, &str),
    refusal: &str,
) -> Result<(), Refusal> {
    let done = sqlx::query(sql).bind(actor.id).bind(super::now()).bind(comment).bind(id).execute(&mut *conn).await?;
    if done.rows_affected() != 1 {
        return Err(refused(refusal));
    }
    Ok(())
}

/// Who is acting, for the audit trail and the maker-checker guards.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: i64,
    pub name: &'a str,
}

/// A round's pool as stored, in the policy's order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PoolRow {
    pub id: i64,
    pub name: String,
    pub amount: Money,
    pub granted: Money,
    pub paid: Money,
}

/// # Errors
/// A database error.
pub async fn pools(conn: &mut Conn, round_id: i64) -> Result<Vec<PoolRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, amount_fen, granted_fen, paid_fen FROM pools WHERE round_id = $1 ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PoolRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                amount: super::rows::money(r, "amount_fen")?,
                granted: super::rows::money(r, "granted_fen")?,
                paid: super::rows::money(r, "paid_fen")?,
            })
        })
        .collect()
}

/// What each project of the round has ever been granted by active grant lines (releases
/// not counted: money freed from a project goes to the waitlist, not back to it).
///
/// # Errors
/// A database error.
pub async fn held(conn: &mut Conn, round_id: i64) -> Result<HashMap<i64, Money>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT project_id, CAST(SUM(amount_fen) AS BIGINT) AS fen FROM grants \
         WHERE round_id = $1 AND state = 'active' AND kind = 'grant' GROUP BY project_id",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("project_id")?, rows::money(r, "fen")?))).collect()
}

/// One grant line to store: its project, amount, status and pool parts (pool id, amount).
#[derive(Debug, Clone)]
pub struct NewLine {
    pub project_id: i64,
    pub amount: Money,
    pub status: line::Status,
    pub parts: Vec<(i64, Money)>,
}

/// A committed run: what it was given and what it grants.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub round_id: i64,
    pub rule: AllocationRule,
    pub budget: Money,
    pub requested: Money,
    pub granted: Money,
    pub lines: Vec<NewLine>,
}

/// Store a proposal and its lines (state `proposed`: nothing counts yet); returns its id.
/// Its audit entry is the caller's (`app::allocations`).
///
/// # Errors
/// A database error.
pub async fn propose(conn: &mut Conn, p: &Proposal, actor: Actor<'_>) -> Result<i64, sqlx::Error> {
    let now = super::now();
    let id: i64 = sqlx::query(
        "INSERT INTO allocations (round_id, rule, budget_fen, requested_fen, granted_fen, proposed_by, proposed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(p.round_id)
    .bind(p.rule.code())
    .bind(p.budget.fen())
    .bind(p.requested.fen())
    .bind(p.granted.fen())
    .bind(actor.id)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    for line in &p.lines {
        insert_line(conn, p.round_id, Some(id), line, actor, "proposed").await?;
    }
    Ok(id)
}

/// A release line as written (negative, `Money`), for its `grant.release` audit entry, which
/// the use case writes (docs/ARCHITECTURE.md, "The audit trail").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Released {
    pub line_id: i64,
    pub round_id: i64,
    pub project_id: i64,
    pub amount: Money,
}

async fn insert_line(
    conn: &mut Conn,
    round_id: i64,
    allocation: Option<i64>,
    line: &NewLine,
    actor: Actor<'_>,
    state: &str,
) -> Result<i64, sqlx::Error> {
    let kind = if line.amount < Money::ZERO { line::Kind::Release } else { line::Kind::Grant };
    let id: i64 = sqlx::query(
        "INSERT INTO grants (round_id, allocation_id, project_id, kind, amount_fen, status, state, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(round_id)
    .bind(allocation)
    .bind(line.project_id)
    .bind(kind.code())
    .bind(line.amount.fen())
    .bind(line.status.code())
    .bind(state)
    .bind(actor.id)
    .bind(super::now())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    for (pool, part) in &line.parts {
        sqlx::query("INSERT INTO grant_parts (grant_id, pool_id, amount_fen) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(pool)
            .bind(part.fen())
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Move a line's money onto its project and pools with guarded SQL: a grant never takes a
/// pool beyond its amount nor a project beyond its request; a release never takes either
/// below what is paid.
async fn count_line(conn: &mut Conn, line: &NewLine) -> Result<(), Refusal> {
    let done = sqlx::query(
        "UPDATE projects SET granted_fen = granted_fen + $1 WHERE id = $2 \
         AND granted_fen + $1 <= requested_fen AND granted_fen + $1 >= paid_fen",
    )
    .bind(line.amount.fen())
    .bind(line.project_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused("项目核定额将超过申请额，请重新试算"));
    }
    for (pool, part) in &line.parts {
        let done = sqlx::query(
            "UPDATE pools SET granted_fen = granted_fen + $1 WHERE id = $2 \
             AND granted_fen + $1 <= amount_fen AND granted_fen + $1 >= paid_fen",
        )
        .bind(part.fen())
        .bind(pool)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(refused("资金池余额不足，请重新试算"));
        }
    }
    Ok(())
}

/// A stored allocation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub id: i64,
    pub round_id: i64,
    pub rule: AllocationRule,
    pub state: State,
    pub budget: Money,
    pub requested: Money,
    pub granted: Money,
    pub proposed_by: i64,
    pub proposed_at: String,
    pub decided_by: Option<i64>,
    pub comment: String,
}

const COLUMNS: &str =
    "id, round_id, rule, state, budget_fen, requested_fen, granted_fen, proposed_by, proposed_at, decided_by, comment";

fn stored(r: &sqlx::any::AnyRow) -> Result<Stored, sqlx::Error> {
    Ok(Stored {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        rule: super::rows::code(r, "rule", AllocationRule::parse)?,
        state: super::rows::code(r, "state", State::parse)?,
        budget: super::rows::money(r, "budget_fen")?,
        requested: super::rows::money(r, "requested_fen")?,
        granted: super::rows::money(r, "granted_fen")?,
        proposed_by: r.try_get("proposed_by")?,
        proposed_at: r.try_get("proposed_at")?,
        decided_by: super::rows::opt(r, "decided_by")?,
        comment: r.try_get("comment")?,
    })
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM allocations WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(stored).transpose()
}

/// A round's allocations, newest first.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, round_id: i64) -> Result<Vec<Stored>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM allocations WHERE round_id = $1 ORDER BY id DESC"
    )))
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(stored).collect()
}

mod decide;
pub use decide::{approve, cancel, lines, of_project, release, Granted};
