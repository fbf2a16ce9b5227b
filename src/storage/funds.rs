//! The pools as accounts (issue 16): 到位 (receipts), 结转 (carry-overs to a pool of the
//! next round, one row for both sides) and 历史拨付 (payments made before the system).
//! Rows are never edited: a wrong one is cancelled (state, who, when). A payment before the
//! system adds to its pool's `paid_fen` in the same statement that the pools' CHECKs bound,
//! so that it can never exceed what was granted. Amounts come back as `Money`, never summed.

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::report::accounts::LineState;
use crate::engine::{Money, PoolKind};

/// A pool of a round, with its round's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: i64,
    pub round_id: i64,
    pub year: i32,
    pub name: String,
    pub kind: PoolKind,
    pub amount: Money,
    pub granted: Money,
    pub paid: Money,
}

const POOL: &str = "SELECT l.id, l.round_id, r.year, l.name, l.kind, l.amount_fen, l.granted_fen, l.paid_fen \
    FROM pools l JOIN rounds r ON r.id = l.round_id";

fn pool(r: &sqlx::any::AnyRow) -> Result<Pool, sqlx::Error> {
    Ok(Pool {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default(),
        name: r.try_get("name")?,
        kind: rows::code(r, "kind", PoolKind::parse)?,
        amount: rows::money(r, "amount_fen")?,
        granted: rows::money(r, "granted_fen")?,
        paid: rows::money(r, "paid_fen")?,
    })
}

/// A round's pools in the policy's order.
///
/// # Errors
/// A database error.
pub async fn pools(conn: &mut Conn, round_id: i64) -> Result<Vec<Pool>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{POOL} WHERE l.round_id = $1 ORDER BY l.position")))
        .bind(round_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(pool).collect()
}

/// One pool, by id.
///
/// # Errors
/// A database error.
pub async fn find_pool(conn: &mut Conn, id: i64) -> Result<Option<Pool>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{POOL} WHERE l.id = $1"))).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(pool).transpose()
}

/// Which kind of line: the table it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 到位.
    Receipt,
    /// 结转.
    Carryover,
    /// 历史拨付.
    Historical,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Receipt => "pool_receipts",
            Kind::Carryover => "carryovers",
            Kind::Historical => "historical_payments",
        }
    }
}

/// A line of a pool's account: a receipt, a carry-over or a payment before the system.
/// `pool_id` is the pool it belongs to (a carry-over's: where it comes from; `to_pool_id`
/// where it goes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: i64,
    pub kind: Kind,
    pub pool_id: i64,
    pub to_pool_id: Option<i64>,
    pub amount: Money,
    /// The date it happened; unknown for some payments before the system.
    pub on: Option<String>,
    /// 文号 or 凭证号.
    pub document_no: String,
    pub note: String,
    pub state: LineState,
    pub created_at: String,
}

const LINE: &str = "id, amount_fen, note, state, created_at";

fn line(r: &sqlx::any::AnyRow, kind: Kind) -> Result<Line, sqlx::Error> {
    let (pool_id, to_pool_id, on, document_no) = match kind {
        Kind::Receipt => (r.try_get("pool_id")?, None, Some(r.try_get("received_on")?), r.try_get("document_no")?),
        Kind::Carryover => (
            r.try_get("from_pool_id")?,
            Some(r.try_get("to_pool_id")?),
            Some(r.try_get("carried_on")?),
            r.try_get("document_no")?,
        ),
        Kind::Historical => (r.try_get("pool_id")?, None, rows::opt(r, "paid_on")?, r.try_get("voucher_no")?),
    };
    Ok(Line {
        id: r.try_get("id")?,
        kind,
        pool_id,
        to_pool_id,
        amount: rows::money(r, "amount_fen")?,
        on,
        document_no,
        note: r.try_get("note")?,
        state: rows::code(r, "state", LineState::parse)?,
        created_at: r.try_get("created_at")?,
    })
}

/// Every line touching a round's pools (cancelled ones too), each kind in date order: its
/// receipts and payments before the system, and the carry-overs out of or into its pools.
///
/// # Errors
/// A database error.
pub async fn lines(conn: &mut Conn, round_id: i64) -> Result<Vec<Line>, sqlx::Error> {
    let in_round = "IN (SELECT id FROM pools WHERE round_id = $1)";
    let queries = [
        (
            Kind::Receipt,
            format!(
                "SELECT {LINE}, pool_id, received_on, document_no FROM pool_receipts WHERE pool_id {in_round} \
                 ORDER BY received_on, id"
            ),
        ),
        (
            Kind::Historical,
            format!(
                "SELECT {LINE}, pool_id, paid_on, voucher_no FROM historical_payments WHERE pool_id {in_round} \
                 ORDER BY COALESCE(paid_on, ''), id"
            ),
        ),
        (
            Kind::Carryover,
            format!(
                "SELECT {LINE}, from_pool_id, to_pool_id, carried_on, document_no FROM carryovers \
                 WHERE from_pool_id {in_round} OR to_pool_id {in_round} ORDER BY carried_on, id"
            ),
        ),
    ];
    let mut out = Vec::new();
    for (kind, sql) in queries {
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).fetch_all(&mut *conn).await? {
            out.push(line(&r, kind)?);
        }
    }
    Ok(out)
}

/// One line by kind and id.
///
/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, kind: Kind, id: i64) -> Result<Option<Line>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {} WHERE id = $1", kind.table())))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| line(r, kind)).transpose()
}

/// A new line of a pool's account (`to_pool_id` for a carry-over only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine<'a> {
    pub pool_id: i64,
    pub to_pool_id: Option<i64>,
    pub amount: Money,
    pub on: Option<&'a str>,
    pub document_no: &'a str,
    pub note: &'a str,
    pub by: Option<i64>,
}

/// Record a receipt (到位); returns its id.
///
/// # Errors
/// A database error (a CHECK refuses an amount not above 0 or a blank document number).
pub async fn add_receipt(conn: &mut Conn, l: &NewLine<'_>) -> Result<i64, sqlx::Error> {
    let insert =
        "INSERT INTO pool_receipts (pool_id, received_on, amount_fen, document_no, note, created_by, created_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    bind_dated(insert, l).fetch_one(conn).await?.try_get(0)
}

/// A receipt, a payment before the system and a carry-over are the same dated line of one
/// pool (its day, amount, document, note, author) in three tables: `insert` names the table
/// and its columns in this order, from `$1` to `$7`.
fn bind_dated<'q>(insert: &'static str, l: &'q NewLine<'_>) -> super::Query<'q> {
    sqlx::query(insert)
        .bind(l.pool_id)
        .bind(l.on.unwrap_or_default())
        .bind(l.amount.fen())
        .bind(l.document_no)
        .bind(l.note)
        .bind(l.by)
        .bind(super::now())
}

/// Record a carry-over (结转) from `pool_id` to `to_pool_id`; returns its id.
///
/// # Errors
/// A database error.
pub async fn add_carryover(conn: &mut Conn, l: &NewLine<'_>) -> Result<i64, sqlx::Error> {
    let insert =
        "INSERT INTO carryovers (from_pool_id, carried_on, amount_fen, document_no, note, created_by, created_at, \
                  to_pool_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    bind_dated(insert, l).bind(l.to_pool_id.unwrap_or_default()).fetch_one(conn).await?.try_get(0)
}

/// Record a payment made before the system (历史拨付) and add it to the pool's paid amount;
/// `None` (nothing written) when the pool's grants do not cover it.
///
/// # Errors
/// A database error.
pub async fn add_historical(conn: &mut Conn, l: &NewLine<'_>) -> Result<Option<i64>, sqlx::Error> {
    let paid = sqlx::query("UPDATE pools SET paid_fen = paid_fen + $1 WHERE id = $2 AND paid_fen + $1 <= granted_fen")
        .bind(l.amount.fen())
        .bind(l.pool_id)
        .execute(&mut *conn)
        .await?;
    if paid.rows_affected() != 1 {
        return Ok(None);
    }
    let insert =
        "INSERT INTO historical_payments (pool_id, paid_on, amount_fen, voucher_no, note, created_by, created_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let id = bind_dated(insert, l).fetch_one(conn).await?.try_get(0)?;
    Ok(Some(id))
}

/// Cancel an active line; `false` when it is not active (already cancelled, or no such
/// line). Cancelling a payment before the system takes it off its pool's paid amount.
///
/// # Errors
/// A database error.
pub async fn cancel(conn: &mut Conn, kind: Kind, id: i64, by: Option<i64>) -> Result<bool, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {} SET state = 'cancelled', cancelled_by = $1, cancelled_at = $2 \
         WHERE id = $3 AND state = 'active'",
        kind.table()
    )))
    .bind(by)
    .bind(super::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    if kind == Kind::Historical {
        sqlx::query(
            "UPDATE pools SET paid_fen = paid_fen - (SELECT amount_fen FROM historical_payments WHERE id = $1) \
             WHERE id = (SELECT pool_id FROM historical_payments WHERE id = $1)",
        )
        .bind(id)
        .execute(conn)
        .await?;
    }
    Ok(true)
}

/// The pools of a round as wholly granted (a closed round recorded as totals: the demo's
/// history); what was paid is recorded as payments before the system (`add_historical`).
///
/// # Errors
/// A database error.
pub async fn set_pools_granted(conn: &mut Conn, round_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE pools SET granted_fen = amount_fen WHERE round_id = $1").bind(round_id).execute(conn).await?;
    Ok(())
}
