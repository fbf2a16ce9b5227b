//! `tiexi check`: every money invariant of issue 5, as queries that return the rows that
//! break it (none when all is well), plus the database's own consistency checks.
//!
//! Closed rounds recorded as totals only (no grant line, no batch) keep their grants without
//! lines; the bounds are still checked there, the sums are not. What their pools paid is
//! recorded as payments before the system (历史拨付, issue 16), and checked as such.

use sqlx::Row;

use super::{Backend, Conn};

/// Rounds whose money is kept as lines (every round but closed ones with no line and no batch).
const LINED: &str = "(SELECT r.id FROM rounds r WHERE r.status = 'open' \
    OR EXISTS (SELECT 1 FROM grants g WHERE g.round_id = r.id) OR EXISTS (SELECT 1 FROM batches b WHERE b.round_id = r.id))";

const SUM_GRANT_PARTS: &str = "COALESCE((SELECT CAST(SUM(gp.amount_fen) AS BIGINT) FROM grant_parts gp \
    JOIN grants g ON g.id = gp.grant_id WHERE gp.pool_id = l.id AND g.state = 'active'), 0)";
const SUM_PAID_PARTS: &str = "COALESCE((SELECT CAST(SUM(bp.amount_fen) AS BIGINT) FROM batch_parts bp \
    JOIN batch_items i ON i.id = bp.item_id JOIN batches b ON b.id = i.batch_id WHERE bp.pool_id = l.id AND b.state = 'paid' \
    AND NOT EXISTS (SELECT 1 FROM batch_failures f WHERE f.item_id = i.id)), 0)";
/// Payments before the system (历史拨付) of pool `l` that are not cancelled.
const SUM_HISTORICAL: &str = "COALESCE((SELECT CAST(SUM(h.amount_fen) AS BIGINT) FROM historical_payments h \
    WHERE h.pool_id = l.id AND h.state = 'active'), 0)";
const SUM_GRANT_LINES: &str = "COALESCE((SELECT CAST(SUM(g.amount_fen) AS BIGINT) FROM grants g \
    WHERE g.project_id = p.id AND g.state = 'active'), 0)";
const SUM_PAID_ITEMS: &str = "COALESCE((SELECT CAST(SUM(i.amount_fen) AS BIGINT) FROM batch_items i \
    JOIN batches b ON b.id = i.batch_id WHERE i.project_id = p.id AND b.state = 'paid' \
    AND NOT EXISTS (SELECT 1 FROM batch_failures f WHERE f.item_id = i.id)), 0)";

/// Each invariant: its name (what `tiexi check` prints) and the query of the rows breaking
/// it, each row one text column naming the record.
fn invariants() -> Vec<(&'static str, String)> {
    let mut all = pool_invariants();
    all.extend(project_invariants());
    all.extend(line_invariants());
    all.extend(payment_invariants());
    all
}

/// Issue 14 (docs/payments.md): what the bank's answers must leave true.
fn payment_invariants() -> Vec<(&'static str, String)> {
    vec![
        (
            "a paid line has a payee (docs/payments.md)",
            "SELECT 'batch item ' || CAST(i.id AS TEXT) FROM batch_items i JOIN batches b ON b.id = i.batch_id \
          WHERE b.state = 'paid' AND b.kind = 'payment' AND NOT EXISTS (SELECT 1 FROM batch_failures f WHERE f.item_id = i.id) \
          AND (i.payee_name = '' OR i.payee_bank = '' OR i.payee_account = '')"
                .into(),
        ),
        (
            "every failed line is unpaid: a line of a paid payment batch settled by its bank return",
            "SELECT 'batch item ' || CAST(f.item_id AS TEXT) FROM batch_failures f JOIN batch_items i ON i.id = f.item_id \
          JOIN batches b ON b.id = i.batch_id JOIN batch_returns r ON r.id = f.return_id \
          WHERE b.state <> 'paid' OR b.kind <> 'payment' OR r.batch_id <> b.id"
                .into(),
        ),
        (
            "paid <= granted per project after returns",
            format!("SELECT 'project ' || CAST(p.id AS TEXT) FROM projects p WHERE {SUM_PAID_ITEMS} > p.granted_fen"),
        ),
        (
            "paid <= granted per pool after returns",
            format!("SELECT 'pool ' || CAST(l.id AS TEXT) FROM pools l WHERE {SUM_PAID_PARTS} > l.granted_fen"),
        ),
    ]
}

fn pool_invariants() -> Vec<(&'static str, String)> {
    let pool = "SELECT 'pool ' || CAST(l.id AS TEXT) FROM pools l WHERE";
    vec![
        (
            "pool bounds: 0 <= paid <= granted <= amount",
            format!("{pool} l.paid_fen < 0 OR l.paid_fen > l.granted_fen OR l.granted_fen > l.amount_fen"),
        ),
        (
            "pool granted = sum of active grant parts",
            format!("{pool} l.round_id IN {LINED} AND l.granted_fen <> {SUM_GRANT_PARTS}"),
        ),
        (
            "pool paid = sum of paid batch parts and payments before the system",
            format!(
                "{pool} (l.round_id IN {LINED} OR EXISTS (SELECT 1 FROM historical_payments h WHERE h.pool_id = l.id)) \
                 AND l.paid_fen <> {SUM_PAID_PARTS} + {SUM_HISTORICAL}"
            ),
        ),
        (
            "carry-overs go to a pool of the next round",
            "SELECT 'carryover ' || CAST(c.id AS TEXT) FROM carryovers c JOIN pools f ON f.id = c.from_pool_id \
             JOIN rounds fr ON fr.id = f.round_id JOIN pools t ON t.id = c.to_pool_id JOIN rounds tr ON tr.id = t.round_id \
             WHERE tr.year <> fr.year + 1"
                .into(),
        ),
    ]
}

fn project_invariants() -> Vec<(&'static str, String)> {
    let project = "SELECT 'project ' || CAST(p.id AS TEXT) FROM projects p WHERE";
    vec![
        (
            "project bounds: 0 <= paid <= granted <= requested",
            format!("{project} p.paid_fen < 0 OR p.paid_fen > p.granted_fen OR p.granted_fen > p.requested_fen"),
        ),
        (
            "project granted = sum of active grant lines",
            format!("{project} p.round_id IN {LINED} AND p.granted_fen <> {SUM_GRANT_LINES}"),
        ),
        (
            "project paid = sum of items of paid batches",
            format!("{project} p.round_id IN {LINED} AND p.paid_fen <> {SUM_PAID_ITEMS}"),
        ),
    ]
}

fn line_invariants() -> Vec<(&'static str, String)> {
    vec![
        (
            "grant line = sum of its pool parts",
            "SELECT 'grant ' || CAST(g.id AS TEXT) FROM grants g WHERE g.amount_fen <> \
          COALESCE((SELECT CAST(SUM(gp.amount_fen) AS BIGINT) FROM grant_parts gp WHERE gp.grant_id = g.id), 0)"
                .into(),
        ),
        (
            "batch item = sum of its pool parts",
            "SELECT 'batch item ' || CAST(i.id AS TEXT) FROM batch_items i WHERE i.amount_fen <> \
          COALESCE((SELECT CAST(SUM(bp.amount_fen) AS BIGINT) FROM batch_parts bp WHERE bp.item_id = i.id), 0)"
                .into(),
        ),
        (
            "batch control totals = its items",
            "SELECT 'batch ' || b.number FROM batches b WHERE b.item_count <> \
          (SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id) OR b.total_fen <> \
          COALESCE((SELECT CAST(SUM(i.amount_fen) AS BIGINT) FROM batch_items i WHERE i.batch_id = b.id), 0)"
                .into(),
        ),
        (
            "active grant lines belong to approved allocations",
            "SELECT 'grant ' || CAST(g.id AS TEXT) FROM grants g \
          JOIN allocations a ON a.id = g.allocation_id WHERE g.state = 'active' AND a.state <> 'approved'"
                .into(),
        ),
    ]
}

/// A broken invariant and the records that break it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub invariant: String,
    pub records: Vec<String>,
}

/// Run every check; an empty list means all hold.
///
/// # Errors
/// A database error.
pub async fn run(conn: &mut Conn, backend: Backend) -> Result<Vec<Breach>, sqlx::Error> {
    let mut out = Vec::new();
    for (name, sql) in invariants() {
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
        let records = rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?;
        if !records.is_empty() {
            out.push(Breach { invariant: name.to_owned(), records });
        }
    }
    if backend == Backend::Sqlite {
        out.extend(sqlite(conn).await?);
    }
    Ok(out)
}

/// SQLite's own checks (PostgreSQL enforces its constraints as it writes).
async fn sqlite(conn: &mut Conn) -> Result<Vec<Breach>, sqlx::Error> {
    let mut out = Vec::new();
    let integrity = sqlx::query("PRAGMA integrity_check").fetch_all(&mut *conn).await?;
    let lines = integrity.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?;
    if lines != ["ok"] {
        out.push(Breach { invariant: "PRAGMA integrity_check".into(), records: lines });
    }
    let keys = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *conn).await?;
    if !keys.is_empty() {
        let records = keys.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<Vec<_>, _>>()?;
        out.push(Breach { invariant: "PRAGMA foreign_key_check".into(), records });
    }
    Ok(out)
}
