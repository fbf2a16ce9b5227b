//! Disbursement batches (拨付批次): prepared by one user, approved by another, paid with a
//! voucher. Paying moves `paid_fen` of projects and pools through guarded SQL; a clawback
//! batch (追回) pays negative items and, once paid, releases the same money from the grant.
//! A paid or cancelled batch is never edited (triggers refuse); corrections are new batches.

use sqlx::Row;

use super::allocations::{refused, release, Actor, NewLine, Refusal, Released};
use super::{rows, Conn};
use crate::engine::Money;

/// What a batch needs to know about one project.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Payee {
    pub project_id: i64,
    pub round_id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub granted: Money,
    pub paid: Money,
    /// Σ items of this project in prepared or approved payment batches.
    pub open_payment: Money,
    /// Σ items (negative) of this project in prepared or approved clawback batches.
    pub open_clawback: Money,
    pub payee_name: String,
    pub payee_bank: String,
    pub payee_account: String,
    /// The applicant (负责人) and organisation (主体名称): whom a payee is expected to be.
    pub leader: String,
    pub org_name: String,
}

const OPEN: &str =
    "COALESCE((SELECT CAST(SUM(i.amount_fen) AS BIGINT) FROM batch_items i JOIN batches b ON b.id = i.batch_id \
    WHERE i.project_id = p.id AND b.state IN ('prepared', 'approved') AND b.kind = ";

const PAYEE: &str = "SELECT p.id, p.round_id, p.project_key, p.name, p.unit, p.granted_fen, p.paid_fen, p.payee_name, \
    p.payee_bank, p.payee_account, p.leader, p.org_name, ";

fn payee_of(r: &sqlx::any::AnyRow) -> Result<Payee, sqlx::Error> {
    Ok(Payee {
        project_id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        key: r.try_get("project_key")?,
        name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        granted: rows::money(r, "granted_fen")?,
        paid: rows::money(r, "paid_fen")?,
        open_payment: rows::money(r, "open_payment")?,
        open_clawback: rows::money(r, "open_clawback")?,
        payee_name: r.try_get("payee_name")?,
        payee_bank: r.try_get("payee_bank")?,
        payee_account: r.try_get("payee_account")?,
        leader: r.try_get("leader")?,
        org_name: r.try_get("org_name")?,
    })
}

/// # Errors
/// A database error.
pub async fn payee(conn: &mut Conn, project_id: i64) -> Result<Option<Payee>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PAYEE}{OPEN}'payment'), 0) AS open_payment, {OPEN}'clawback'), 0) AS open_clawback FROM projects p WHERE p.id = $1"
    )))
    .bind(project_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(payee_of).transpose()
}

/// The round's projects that hold a grant (candidates of a payment batch), in workbook order.
///
/// # Errors
/// A database error.
pub async fn payees(conn: &mut Conn, round_id: i64) -> Result<Vec<Payee>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{PAYEE}{OPEN}'payment'), 0) AS open_payment, {OPEN}'clawback'), 0) AS open_clawback FROM projects p \
         WHERE p.round_id = $1 AND p.granted_fen > 0 ORDER BY p.position"
    )))
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(payee_of).collect()
}

/// A project's money per pool of its round (policy order): active grant parts, parts of paid
/// batches, parts of open (prepared or approved) batches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoolParts {
    pub pool_ids: Vec<i64>,
    pub granted: Vec<Money>,
    pub paid: Vec<Money>,
    pub open: Vec<Money>,
}

/// # Errors
/// A database error.
pub async fn pool_parts(conn: &mut Conn, round_id: i64, project_id: i64) -> Result<PoolParts, sqlx::Error> {
    let items = |states: &str| {
        format!(
            "COALESCE((SELECT CAST(SUM(bp.amount_fen) AS BIGINT) FROM batch_parts bp JOIN batch_items i ON i.id = bp.item_id \
             JOIN batches b ON b.id = i.batch_id WHERE bp.pool_id = l.id AND i.project_id = $2 AND b.state IN ({states}) \
             AND NOT EXISTS (SELECT 1 FROM batch_failures f WHERE f.item_id = i.id)), 0)"
        )
    };
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT l.id, COALESCE((SELECT CAST(SUM(gp.amount_fen) AS BIGINT) FROM grant_parts gp JOIN grants g ON g.id = gp.grant_id \
         WHERE gp.pool_id = l.id AND g.project_id = $2 AND g.state = 'active'), 0) AS granted, {} AS paid, {} AS open \
         FROM pools l WHERE l.round_id = $1 ORDER BY l.position",
        items("'paid'"),
        items("'prepared', 'approved'")
    )))
    .bind(round_id)
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    let mut out = PoolParts::default();
    for r in &rows {
        out.pool_ids.push(r.try_get("id")?);
        out.granted.push(rows::money(r, "granted")?);
        out.paid.push(rows::money(r, "paid")?);
        out.open.push(rows::money(r, "open")?);
    }
    Ok(out)
}

/// One item of a new batch: its project, signed amount and pool parts (pool id, amount).
#[derive(Debug, Clone)]
pub struct NewItem {
    pub payee: Payee,
    pub amount: Money,
    pub parts: Vec<(i64, Money)>,
}

/// A new batch with its control totals (from the engine).
#[derive(Debug, Clone)]
pub struct NewBatch {
    pub round_id: i64,
    pub year: i32,
    pub kind: &'static str,
    pub total: Money,
    pub items: Vec<NewItem>,
    pub comment: String,
    /// The preparer has read the warnings of payees that are neither the applicant nor
    /// the organisation (docs/payments.md) and pays them all the same.
    pub acknowledged: bool,
}

/// Store a prepared batch, numbered `YEAR-NNN` within its round; returns (id, number). A
/// payment batch refuses, before writing anything, every project without a complete payee
/// (naming each), and payees that are neither the applicant nor the organisation unless
/// the preparer acknowledged them (docs/payments.md). Its audit entry is the caller's.
///
/// # Errors
/// `Refused` as above, or a database error.
pub async fn prepare(conn: &mut Conn, b: &NewBatch, actor: Actor<'_>) -> Result<(i64, String), Refusal> {
    refuse_payees(b)?;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM batches WHERE round_id = $1")
        .bind(b.round_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let number = format!("{}-{:03}", b.year, n + 1);
    let id: i64 = sqlx::query(
        "INSERT INTO batches (round_id, number, kind, item_count, total_fen, prepared_by, prepared_at, comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(b.round_id)
    .bind(&number)
    .bind(b.kind)
    .bind(i64::try_from(b.items.len()).unwrap_or(i64::MAX))
    .bind(b.total.fen())
    .bind(actor.id)
    .bind(super::now())
    .bind(&b.comment)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    for item in &b.items {
        insert_item(conn, id, item).await?;
    }
    Ok((id, number))
}

async fn insert_item(conn: &mut Conn, batch_id: i64, item: &NewItem) -> Result<(), sqlx::Error> {
    let p = &item.payee;
    let id: i64 = sqlx::query(
        "INSERT INTO batch_items (batch_id, project_id, amount_fen, payee_name, payee_bank, payee_account) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(batch_id)
    .bind(p.project_id)
    .bind(item.amount.fen())
    .bind(&p.payee_name)
    .bind(&p.payee_bank)
    .bind(&p.payee_account)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    for (pool, part) in &item.parts {
        sqlx::query("INSERT INTO batch_parts (item_id, pool_id, amount_fen) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(pool)
            .bind(part.fen())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

mod decide;
mod payees;
mod read;
pub mod returns;
pub use decide::{approve, cancel, pay, Paid, Payout};
use payees::refuse_payees;
pub use payees::{incomplete, strangers};
pub use read::{find, items, list, of_project, Batch, Item, Payment};

/// Withdrawal of a granted project (called by the project workflow in its transaction):
/// release what it is granted and not paid, split back by its unpaid pool parts
/// (`engine::allocation::split_by`). Returns the release line, for its `grant.release`
/// entry (the caller's); `None` when nothing was granted and unpaid.
///
/// # Errors
/// `Refused` when the project is in an open batch (cancel the batch first) or a bound
/// would break; a database error.
pub async fn release_unpaid(conn: &mut Conn, project_id: i64, actor: Actor<'_>) -> Result<Option<Released>, Refusal> {
    use crate::engine::allocation as alloc;
    let p = payee(conn, project_id).await?.ok_or_else(|| refused("找不到该项目"))?;
    if !p.open_payment.is_zero() || !p.open_clawback.is_zero() {
        return Err(refused("该项目在未完成的拨付批次中，请先撤销批次"));
    }
    let amount = alloc::lacking(p.granted, p.paid);
    if !amount.is_positive() {
        return Ok(None);
    }
    let parts = pool_parts(conn, p.round_id, project_id).await?;
    let basis = alloc::less(&parts.granted, &parts.paid);
    let split = alloc::split_by(alloc::negate(amount), &basis);
    let line = NewLine {
        project_id,
        amount: alloc::negate(amount),
        status: crate::engine::allocation::line::Status::Released,
        parts: parts.pool_ids.iter().copied().zip(split).collect(),
    };
    Ok(Some(release(conn, p.round_id, &line, actor).await?))
}
