//! The bank's answer to a batch (回单, docs/payments.md): recorded once, in the write
//! transaction that pays the batch. Lines the bank failed are stored with its reason and
//! never paid: the project keeps its grant unpaid (已核定未拨付) and can go in a later batch.

use std::collections::HashSet;

use chrono::NaiveDate;
use sqlx::Row;

use super::decide::{check_date, pay, Paid, Payout};
use super::find;
use crate::engine::payment::Settled;
use crate::signoff::disbursement::{Kind, State};
use crate::storage::allocations::{refused, Actor, Refusal};
use crate::storage::Conn;

/// The items of a batch the bank failed.
///
/// # Errors
/// A database error.
pub async fn failed_items(conn: &mut Conn, batch_id: i64) -> Result<HashSet<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.item_id FROM batch_failures f JOIN batch_items i ON i.id = f.item_id WHERE i.batch_id = $1",
    )
    .bind(batch_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// A bank's answer, matched line by line (`engine::payment::settle`).
#[derive(Debug, Clone)]
pub struct Answer<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub paid_on: NaiveDate,
    pub today: NaiveDate,
    pub settled: &'a [Settled],
    /// The answer's control totals, already checked against the batch by the engine.
    pub line_count: i64,
    pub total: crate::engine::Money,
}

/// A stored answer, for the batch's page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub paid_on: String,
    pub file_name: String,
    pub line_count: i64,
    pub total: crate::engine::Money,
    pub failed_count: i64,
    pub created_at: String,
}

/// Record the bank's answer to an approved payment batch and pay it: its failed lines stay
/// unpaid, with their reasons; the others are paid on the answer's date. All or nothing.
/// Returns the payment (`pay`); the entries `batch.return` and `batch.pay` are the caller's.
///
/// # Errors
/// `Refused` (not an approved payment batch, a date, a bound), or a database error.
pub async fn record(conn: &mut Conn, batch_id: i64, actor: Actor<'_>, a: &Answer<'_>) -> Result<Payout, Refusal> {
    let b = find(conn, batch_id).await?.ok_or_else(|| refused("找不到该拨付批次"))?;
    if b.kind != Kind::Payment {
        return Err(refused("追回批次没有银行回单，请用“确认支付”登记"));
    }
    if b.state != State::Approved {
        return Err(refused("只有已审核、尚未支付的批次才能导入银行回单"));
    }
    check_date(&b, a.paid_on, a.today)?;
    let failed: Vec<&Settled> = a.settled.iter().filter(|s| !s.paid).collect();
    let id: i64 = sqlx::query(
        "INSERT INTO batch_returns (batch_id, paid_on, file_name, sha256, line_count, total_fen, failed_count, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(batch_id)
    .bind(a.paid_on.to_string())
    .bind(a.file_name)
    .bind(a.sha256)
    .bind(a.line_count)
    .bind(a.total.fen())
    .bind(i64::try_from(failed.len()).unwrap_or(i64::MAX))
    .bind(actor.id)
    .bind(crate::storage::now())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    insert_failures(conn, id, &failed).await?;
    let voucher = format!("银行回单 {}", b.number);
    pay(conn, batch_id, actor, Paid { voucher_no: &voucher, paid_on: a.paid_on, today: a.today }).await
}

async fn insert_failures(conn: &mut Conn, return_id: i64, failed: &[&Settled]) -> Result<(), sqlx::Error> {
    for s in failed {
        let reason = if s.reason.trim().is_empty() { "银行未说明原因" } else { s.reason.trim() };
        sqlx::query("INSERT INTO batch_failures (item_id, return_id, reason) VALUES ($1, $2, $3)")
            .bind(s.item_id)
            .bind(return_id)
            .bind(reason)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The answer recorded for a batch, if any.
///
/// # Errors
/// A database error.
pub async fn of_batch(conn: &mut Conn, batch_id: i64) -> Result<Option<Stored>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT paid_on, file_name, line_count, total_fen, failed_count, created_at FROM batch_returns WHERE batch_id = $1",
    )
    .bind(batch_id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(Stored {
            paid_on: r.try_get("paid_on")?,
            file_name: r.try_get("file_name")?,
            line_count: r.try_get("line_count")?,
            total: crate::storage::rows::money(&r, "total_fen")?,
            failed_count: r.try_get("failed_count")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}
