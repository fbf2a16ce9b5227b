//! Deciding a proposal (approve, cancel), reading its lines, and release lines.

use sqlx::Row;

use super::{count_line, find, guarded, insert_line, refused, Actor, NewLine, Refusal, Released, State};
use crate::engine::allocation::line;
use crate::engine::Money;
use crate::storage::{rows, Conn};

/// A stored grant line with its project, for the pages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Granted {
    pub id: i64,
    pub project_id: i64,
    pub project_key: String,
    pub project_name: String,
    pub unit: String,
    pub kind: line::Kind,
    pub amount: Money,
    /// The engine's status of the line (`funded`, …), or `released`.
    pub status: line::Status,
    pub state: line::State,
}

/// The lines of an allocation, in the projects' workbook order.
///
/// # Errors
/// A database error.
pub async fn lines(conn: &mut Conn, allocation_id: i64) -> Result<Vec<(Granted, Vec<(i64, Money)>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT g.id, g.project_id, p.project_key, p.name, p.unit, g.kind, g.amount_fen, g.status, g.state \
         FROM grants g JOIN projects p ON p.id = g.project_id WHERE g.allocation_id = $1 ORDER BY p.position",
    )
    .bind(allocation_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let g = granted(r)?;
        let id = g.id;
        out.push((g, parts(conn, id).await?));
    }
    Ok(out)
}

/// The grant lines of one project (every state), oldest first.
///
/// # Errors
/// A database error.
// Deliberately like `lines` above (storage/allocations/decide.rs): the same columns, of one project here and of one allocation there, each in its own order.
pub async fn of_project(conn: &mut Conn, project_id: i64) -> Result<Vec<Granted>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT g.id, g.project_id, p.project_key, p.name, p.unit, g.kind, g.amount_fen, g.status, g.state \
         FROM grants g JOIN projects p ON p.id = g.project_id WHERE g.project_id = $1 ORDER BY g.id",
    )
    .bind(project_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(granted).collect()
}

fn granted(r: &sqlx::any::AnyRow) -> Result<Granted, sqlx::Error> {
    Ok(Granted {
        id: r.try_get("id")?,
        project_id: r.try_get("project_id")?,
        project_key: r.try_get("project_key")?,
        project_name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        kind: rows::code(r, "kind", line::Kind::parse)?,
        amount: rows::money(r, "amount_fen")?,
        status: rows::code(r, "status", line::Status::parse)?,
        state: rows::code(r, "state", line::State::parse)?,
    })
}

async fn parts(conn: &mut Conn, grant_id: i64) -> Result<Vec<(i64, Money)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT gp.pool_id, gp.amount_fen FROM grant_parts gp JOIN pools l ON l.id = gp.pool_id \
         WHERE gp.grant_id = $1 ORDER BY l.position",
    )
    .bind(grant_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("pool_id")?, rows::money(r, "amount_fen")?))).collect()
}

/// The approval, guarded: still proposed, not by its proposer (`$1` the actor, `guarded`).
const APPROVE: &str = "UPDATE allocations SET state = 'approved', decided_by = $1, decided_at = $2, comment = $3 \
     WHERE id = $4 AND state = 'proposed' AND proposed_by <> $1";

/// Approve a proposal (not by its proposer): every line becomes active and counts against
/// its project and pools through guarded SQL; any guard failing refuses the whole approval
/// (the caller drops the transaction, which rolls back). Its audit entry is the caller's.
///
/// # Errors
/// `Refused` (already decided, the proposer, a pool or project bound), or a database error.
pub async fn approve(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    decidable(conn, id, actor).await?;
    guarded(conn, APPROVE, (actor, id, comment), "该分配方案已处理").await?;
    for (g, parts) in lines(conn, id).await? {
        let line = NewLine { project_id: g.project_id, amount: g.amount, status: g.status, parts };
        count_line(conn, &line).await?;
        sqlx::query("UPDATE grants SET state = 'active' WHERE id = $1 AND state = 'proposed'")
            .bind(g.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A proposal that `actor` may decide: it exists, is still proposed, and is not theirs.
async fn decidable(conn: &mut Conn, id: i64, actor: Actor<'_>) -> Result<super::Stored, Refusal> {
    let a = find(conn, id).await?.ok_or_else(|| refused("找不到该分配方案"))?;
    if a.state != State::Proposed {
        return Err(refused("该分配方案已处理"));
    }
    if a.proposed_by == actor.id {
        return Err(refused("提出分配方案的人不能审批自己的方案"));
    }
    Ok(a)
}

/// The cancellation, guarded: still proposed; no `decided_by` when the proposer cancels.
const CANCEL: &str = "UPDATE allocations SET state = 'cancelled', decided_at = $2, comment = $3, \
     decided_by = CASE WHEN proposed_by = $1 THEN NULL ELSE $1 END WHERE id = $4 AND state = 'proposed'";

/// Cancel a proposal (its proposer or another user; nothing of it ever counted). Its audit
/// entry is the caller's.
///
/// # Errors
/// `Refused` when it is no longer proposed, or a database error.
pub async fn cancel(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    find(conn, id).await?.ok_or_else(|| refused("找不到该分配方案"))?;
    guarded(conn, CANCEL, (actor, id, comment), "该分配方案已处理").await?;
    sqlx::query("UPDATE grants SET state = 'cancelled' WHERE allocation_id = $1").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Append an active release line (negative, its parts negative, from `engine::allocation::
/// split_by`) and give the money back to the pools' remaining amounts. Used by a clawback
/// once paid and by the withdrawal of a granted project (called by the project workflow).
/// Returns the line for its `grant.release` entry, which is the caller's.
///
/// # Errors
/// `Refused` when a bound would break (releasing what is paid), or a database error.
pub async fn release(conn: &mut Conn, round_id: i64, line: &NewLine, actor: Actor<'_>) -> Result<Released, Refusal> {
    if line.amount >= Money::ZERO {
        return Err(refused("释放金额无效"));
    }
    count_line(conn, line).await?;
    let line_id = insert_line(conn, round_id, None, line, actor, "active").await?;
    Ok(Released { line_id, round_id, project_id: line.project_id, amount: line.amount })
}
