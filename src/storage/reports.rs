//! What the reports read besides a round's projects (`load::round`) and its pools
//! (`allocations::pools`): the staff's decision reasons, the disbursement batches with their
//! pool split, and one batch's payment list. Read-only; amounts come back as `Money`, never summed here.

use std::collections::HashMap;

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::Money;
use crate::signoff::disbursement::{Kind, State};

/// The reason staff wrote for their decision on each project of a round that has one.
///
/// # Errors
/// A database error.
pub async fn decisions(conn: &mut Conn, round_id: i64) -> Result<HashMap<i64, String>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, decision_reason FROM projects WHERE round_id = $1 AND decision_reason <> ''")
        .bind(round_id)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("decision_reason")?))).collect()
}

/// An item's amount from each pool: `(pool id, amount)`.
pub type Parts = Vec<(i64, Money)>;

/// A batch as stored; `items` holds each item's amount per pool, by pool id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: i64,
    pub year: i32,
    pub number: String,
    pub kind: Kind,
    /// `Partial` when paid with lines the bank failed (read, never stored).
    pub state: State,
    pub item_count: i64,
    pub total: Money,
    pub voucher_no: String,
    pub paid_on: String,
}

const BATCH_COLUMNS: &str = "b.id, r.year, b.number, b.kind, CASE WHEN b.state = 'paid' AND EXISTS (SELECT 1 \
    FROM batch_failures f JOIN batch_items fi ON fi.id = f.item_id WHERE fi.batch_id = b.id) THEN 'partial' ELSE b.state END \
    AS state, b.item_count, b.total_fen, \
    COALESCE(b.voucher_no, '') AS voucher_no, COALESCE(b.paid_on, '') AS paid_on";

fn batch(r: &sqlx::any::AnyRow) -> Result<BatchRow, sqlx::Error> {
    let year: i64 = r.try_get("year")?;
    Ok(BatchRow {
        id: r.try_get("id")?,
        year: i32::try_from(year).unwrap_or_default(),
        number: r.try_get("number")?,
        kind: rows::code(r, "kind", Kind::parse)?,
        state: rows::code(r, "state", State::parse)?,
        item_count: r.try_get("item_count")?,
        total: rows::money(r, "total_fen")?,
        voucher_no: r.try_get("voucher_no")?,
        paid_on: r.try_get("paid_on")?,
    })
}

/// A round's batches in the order they were made, each with its items' pool parts
/// (`(pool id, amount)` per item).
///
/// # Errors
/// A database error.
pub async fn batches(conn: &mut Conn, round_id: i64) -> Result<Vec<(BatchRow, Vec<Parts>)>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLUMNS} FROM batches b JOIN rounds r ON r.id = b.round_id WHERE b.round_id = $1 ORDER BY b.id"
    )))
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?;
    let parts = sqlx::query(
        "SELECT bi.batch_id, bi.id AS item_id, bp.pool_id, bp.amount_fen FROM batch_items bi \
         JOIN batches b ON b.id = bi.batch_id JOIN batch_parts bp ON bp.item_id = bi.id \
         WHERE b.round_id = $1 ORDER BY bi.batch_id, bi.id, bp.pool_id",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_batch: HashMap<i64, Vec<(i64, Parts)>> = HashMap::new();
    for p in &parts {
        let items = by_batch.entry(p.try_get("batch_id")?).or_default();
        let item: i64 = p.try_get("item_id")?;
        if items.last().is_none_or(|(id, _)| *id != item) {
            items.push((item, Vec::new()));
        }
        if let Some((_, list)) = items.last_mut() {
            list.push((p.try_get("pool_id")?, rows::money(p, "amount_fen")?));
        }
    }
    rows.iter()
        .map(|r| {
            let b = batch(r)?;
            let items = by_batch.remove(&b.id).unwrap_or_default().into_iter().map(|(_, parts)| parts).collect();
            Ok((b, items))
        })
        .collect()
}

/// One item of a payment list, with its project and its pool parts `(pool id, amount)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub unit: String,
    pub project_key: String,
    pub project_name: String,
    pub id_number: String,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account: String,
    pub amount: Money,
    pub parts: Parts,
}

/// A batch, its round's id and its items in order; `None` when there is no such batch.
///
/// # Errors
/// A database error.
pub async fn payment_list(
    conn: &mut Conn,
    batch_id: i64,
) -> Result<Option<(BatchRow, i64, Vec<ItemRow>)>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {BATCH_COLUMNS}, b.round_id FROM batches b JOIN rounds r ON r.id = b.round_id WHERE b.id = $1"
    )))
    .bind(batch_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let head = batch(&row)?;
    let round_id: i64 = row.try_get("round_id")?;
    Ok(Some((head, round_id, items(conn, batch_id).await?)))
}

/// A batch's items with their projects and pool parts, in order.
// Deliberately like `lines` (storage/allocations/decide.rs): a join read by its parent's id, each of its own tables and rows.
async fn items(conn: &mut Conn, batch_id: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    let items = sqlx::query(
        "SELECT bi.id, p.unit, p.project_key, p.name, p.id_number, bi.payee_name, bi.payee_bank, bi.payee_account, bi.amount_fen \
         FROM batch_items bi JOIN projects p ON p.id = bi.project_id WHERE bi.batch_id = $1 ORDER BY bi.id",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    let parts = sqlx::query(
        "SELECT bp.item_id, bp.pool_id, bp.amount_fen FROM batch_parts bp JOIN batch_items bi ON bi.id = bp.item_id \
         WHERE bi.batch_id = $1 ORDER BY bp.item_id, bp.pool_id",
    )
    .bind(batch_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_item: HashMap<i64, Parts> = HashMap::new();
    for p in &parts {
        by_item.entry(p.try_get("item_id")?).or_default().push((p.try_get("pool_id")?, rows::money(p, "amount_fen")?));
    }
    items
        .iter()
        .map(|r| {
            Ok(ItemRow {
                unit: r.try_get("unit")?,
                project_key: r.try_get("project_key")?,
                project_name: r.try_get("name")?,
                id_number: r.try_get("id_number")?,
                payee_name: r.try_get("payee_name")?,
                payee_bank: r.try_get("payee_bank")?,
                payee_account: r.try_get("payee_account")?,
                amount: rows::money(r, "amount_fen")?,
                parts: by_item.remove(&r.try_get::<i64, _>("id")?).unwrap_or_default(),
            })
        })
        .collect()
}

/// Who prepared, approved and paid a batch, and when (RFC 3339 UTC): the names people are
/// shown by (the display name, else the username).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signers {
    pub prepared: Option<(String, String)>,
    pub approved: Option<(String, String)>,
    pub paid: Option<(String, String)>,
}

/// The people of a batch's maker-checker steps.
///
/// # Errors
/// A database error.
pub async fn signers(conn: &mut Conn, batch_id: i64) -> Result<Signers, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT b.prepared_by, b.prepared_at, b.approved_by, COALESCE(b.approved_at, '') AS approved_at, b.paid_by, \
         COALESCE(b.paid_at, '') AS paid_at FROM batches b WHERE b.id = $1",
    )
    .bind(batch_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(Signers::default());
    };
    let prepared: i64 = r.try_get("prepared_by")?;
    let approved: Option<i64> = super::rows::opt(&r, "approved_by")?;
    let paid: Option<i64> = super::rows::opt(&r, "paid_by")?;
    let ids: Vec<i64> = [Some(prepared), approved, paid].into_iter().flatten().collect();
    let names = super::users::names(conn, &ids).await?;
    let who = |id: Option<i64>, at: String| id.and_then(|id| names.get(&id).cloned()).map(|n| (n, at));
    Ok(Signers {
        prepared: who(Some(prepared), r.try_get("prepared_at")?),
        approved: who(approved, r.try_get("approved_at")?),
        paid: who(paid, r.try_get("paid_at")?),
    })
}

/// The 公示 dates of a round's projects that have them: `(start, end)` by project id.
///
/// # Errors
/// A database error.
pub async fn publications(conn: &mut Conn, round_id: i64) -> Result<HashMap<i64, (String, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, publication_start, publication_end FROM projects WHERE round_id = $1 \
         AND publication_start IS NOT NULL AND publication_end IS NOT NULL",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, (r.try_get("publication_start")?, r.try_get("publication_end")?))))
        .collect()
}
