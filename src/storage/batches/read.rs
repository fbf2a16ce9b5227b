//! Reading batches and their items back.

use sqlx::Row;

use crate::engine::Money;
use crate::signoff::disbursement::{Kind, State};
use crate::storage::{rows, Conn};

/// A stored batch with its control totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Batch {
    pub id: i64,
    pub round_id: i64,
    pub number: String,
    pub kind: Kind,
    /// `Partial` when paid with lines the bank failed (read, never stored).
    pub state: State,
    pub item_count: i64,
    pub total: Money,
    pub prepared_by: i64,
    pub prepared_at: String,
    pub approved_by: Option<i64>,
    /// When it was approved (RFC 3339 UTC): a payment is never dated before.
    pub approved_at: Option<String>,
    pub voucher_no: Option<String>,
    pub paid_on: Option<String>,
    pub comment: String,
}

const COLUMNS: &str =
    "id, round_id, number, kind, CASE WHEN state = 'paid' AND EXISTS (SELECT 1 FROM batch_failures f \
    JOIN batch_items fi ON fi.id = f.item_id WHERE fi.batch_id = batches.id) THEN 'partial' ELSE state END AS state, item_count, total_fen, prepared_by, prepared_at, approved_by, \
    approved_at, voucher_no, paid_on, comment";

fn batch(r: &sqlx::any::AnyRow) -> Result<Batch, sqlx::Error> {
    Ok(Batch {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        number: r.try_get("number")?,
        kind: rows::code(r, "kind", Kind::parse)?,
        state: rows::code(r, "state", State::parse)?,
        item_count: r.try_get("item_count")?,
        total: rows::money(r, "total_fen")?,
        prepared_by: r.try_get("prepared_by")?,
        prepared_at: r.try_get("prepared_at")?,
        approved_by: rows::opt(r, "approved_by")?,
        approved_at: rows::opt(r, "approved_at")?,
        voucher_no: rows::opt(r, "voucher_no")?,
        paid_on: rows::opt(r, "paid_on")?,
        comment: r.try_get("comment")?,
    })
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Batch>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM batches WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(batch).transpose()
}

/// A round's batches, newest first.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, round_id: i64) -> Result<Vec<Batch>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM batches WHERE round_id = $1 ORDER BY id DESC")))
            .bind(round_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(batch).collect()
}

/// One item of a batch with its project and pool parts (policy order).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    pub id: i64,
    pub project_id: i64,
    pub project_key: String,
    pub project_name: String,
    pub unit: String,
    pub amount: Money,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account: String,
    pub parts: Vec<(i64, Money)>,
    /// The bank's reason when it failed this line (docs/payments.md): the line is unpaid.
    pub failed: Option<String>,
}

/// The items of a batch, in the projects' workbook order.
///
/// # Errors
/// A database error.
pub async fn items(conn: &mut Conn, batch_id: i64) -> Result<Vec<Item>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT i.id, i.project_id, p.project_key, p.name, p.unit, i.amount_fen, i.payee_name, i.payee_bank, i.payee_account, \
         f.reason FROM batch_items i JOIN projects p ON p.id = i.project_id LEFT JOIN batch_failures f ON f.item_id = i.id WHERE i.batch_id = $1 ORDER BY p.position",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let parts = sqlx::query(
            "SELECT bp.pool_id, bp.amount_fen FROM batch_parts bp JOIN pools l ON l.id = bp.pool_id \
             WHERE bp.item_id = $1 ORDER BY l.position",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|p| Ok((p.try_get("pool_id")?, rows::money(p, "amount_fen")?)))
        .collect::<Result<_, sqlx::Error>>()?;
        out.push(Item {
            id,
            project_id: r.try_get("project_id")?,
            project_key: r.try_get("project_key")?,
            project_name: r.try_get("name")?,
            unit: r.try_get("unit")?,
            amount: rows::money(r, "amount_fen")?,
            payee_name: r.try_get("payee_name")?,
            payee_bank: r.try_get("payee_bank")?,
            payee_account: r.try_get("payee_account")?,
            parts,
            failed: rows::opt(r, "reason")?,
        });
    }
    Ok(out)
}

/// A project's line in a batch, for its page (贴息核定与拨付).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Payment {
    pub batch_id: i64,
    pub number: String,
    pub kind: Kind,
    /// The batch's state (as stored: a failed line's batch is `Paid`).
    pub state: State,
    pub amount: Money,
    pub paid_on: Option<String>,
    /// The bank's reason when it failed this line: the line is unpaid.
    pub failed: Option<String>,
}

/// Every batch item of a project, oldest batch first.
///
/// # Errors
/// A database error.
pub async fn of_project(conn: &mut Conn, project_id: i64) -> Result<Vec<Payment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT b.id, b.number, b.kind, b.state, \
         i.amount_fen, b.paid_on, f.reason FROM batch_items i JOIN batches b ON b.id = i.batch_id \
         LEFT JOIN batch_failures f ON f.item_id = i.id WHERE i.project_id = $1 ORDER BY b.id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Payment {
                batch_id: r.try_get("id")?,
                number: r.try_get("number")?,
                kind: rows::code(r, "kind", Kind::parse)?,
                state: rows::code(r, "state", State::parse)?,
                amount: rows::money(r, "amount_fen")?,
                paid_on: rows::opt(r, "paid_on")?,
                failed: rows::opt(r, "reason")?,
            })
        })
        .collect()
}
