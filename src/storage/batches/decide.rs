//! Approving, paying and cancelling a batch; each refusal names its reason (409).

use chrono::NaiveDate;

use super::{find, items, Batch};
use crate::engine::allocation::line;
use crate::engine::{payment, Money};
use crate::signoff::disbursement::{Kind, State};
use crate::storage::allocations::{guarded, refused, release, Actor, NewLine, Refusal, Released};
use crate::storage::Conn;

async fn open_batch(conn: &mut Conn, id: i64) -> Result<Batch, Refusal> {
    find(conn, id).await?.ok_or_else(|| refused("找不到该拨付批次"))
}

/// The approval, guarded: still prepared, not by its preparer (`$1` the actor, `guarded`).
const APPROVE: &str = "UPDATE batches SET state = 'approved', approved_by = $1, approved_at = $2, comment = $3 \
     WHERE id = $4 AND state = 'prepared' AND prepared_by <> $1";

/// Approve a prepared batch; never by the one who prepared it (also a CHECK). Its audit
/// entry is the caller's.
///
/// # Errors
/// `Refused` (not prepared, the preparer), or a database error.
pub async fn approve(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    let b = open_batch(conn, id).await?;
    if b.state != State::Prepared {
        return Err(refused("只有待审核的批次才能审核"));
    }
    if b.prepared_by == actor.id {
        return Err(refused("制单人不能审批自己的拨付批次"));
    }
    guarded(conn, APPROVE, (actor, id, comment), "只有待审核的批次才能审核").await
}

/// How a batch was paid: the voucher (凭证号), the date of payment (拨付日期) and today
/// (Beijing), against which the date is checked.
#[derive(Debug, Clone, Copy)]
pub struct Paid<'a> {
    pub voucher_no: &'a str,
    pub paid_on: NaiveDate,
    pub today: NaiveDate,
}

/// The Beijing date of a stored UTC time (RFC 3339).
pub(super) fn beijing_date(at: &str) -> Option<NaiveDate> {
    let t = chrono::DateTime::parse_from_rfc3339(at).ok()?;
    Some((t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive())
}

/// Refuse a date of payment in the future or before the batch's approval (docs/payments.md).
pub(super) fn check_date(b: &Batch, paid_on: NaiveDate, today: NaiveDate) -> Result<(), Refusal> {
    let approved_on = b.approved_at.as_deref().and_then(beijing_date).unwrap_or(paid_on);
    payment::check_paid_on(paid_on, approved_on, today).map_err(|r| refused(&r.message(paid_on, approved_on, today)))
}

/// Pay an approved batch in one step (offices that pay by hand): record the voucher, then
/// move every line not failed by the bank onto its project and pools with guarded SQL
/// (never beyond the grant, never below zero); a clawback's items then release the same
/// money from the grant. Any guard failing refuses the whole payment. Returns what moved,
/// for the audit entries (`grant.release` per clawback line, then `batch.pay`), which are
/// the caller's.
///
/// # Errors
/// `Refused` (not approved, a date, a bound), or a database error.
pub async fn pay(conn: &mut Conn, id: i64, actor: Actor<'_>, paid: Paid<'_>) -> Result<Payout, Refusal> {
    let b = open_batch(conn, id).await?;
    if b.state == State::Approved {
        check_date(&b, paid.paid_on, paid.today)?;
    }
    let paid_on = paid.paid_on.to_string();
    let voucher_no = paid.voucher_no;
    let done = sqlx::query(
        "UPDATE batches SET state = 'paid', paid_by = $1, paid_at = $2, voucher_no = $3, paid_on = $4 \
         WHERE id = $5 AND state = 'approved'",
    )
    .bind(actor.id)
    .bind(crate::storage::now())
    .bind(voucher_no)
    .bind(&paid_on)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused(if b.state == State::Paid {
            "该批次已拨付"
        } else {
            "只有已审核的批次才能确认拨付"
        }));
    }
    let mut out = Payout {
        round_id: b.round_id,
        total: b.total,
        voucher_no: voucher_no.to_owned(),
        paid_on: paid.paid_on,
        failed_items: 0,
        released: Vec::new(),
    };
    move_items(conn, &b, actor, &mut out).await?;
    Ok(out)
}

/// What paying a batch moved: its round, total, voucher and date, how many lines the bank
/// failed, and a clawback's release lines in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    pub round_id: i64,
    pub total: Money,
    pub voucher_no: String,
    pub paid_on: NaiveDate,
    pub failed_items: usize,
    pub released: Vec<Released>,
}

/// Move every line of a batch the bank did not fail; counts the failed ones and keeps the
/// release lines in `out`.
async fn move_items(conn: &mut Conn, b: &Batch, actor: Actor<'_>, out: &mut Payout) -> Result<(), Refusal> {
    let failed = super::returns::failed_items(conn, b.id).await?;
    out.failed_items = failed.len();
    for item in items(conn, b.id).await? {
        if failed.contains(&item.id) {
            continue;
        }
        move_paid(conn, item.project_id, item.amount, &item.parts).await?;
        if b.kind == Kind::Clawback {
            let line = NewLine {
                project_id: item.project_id,
                amount: item.amount,
                status: line::Status::Released,
                parts: item.parts,
            };
            out.released.push(release(conn, b.round_id, &line, actor).await?);
        }
    }
    Ok(())
}

async fn move_paid(conn: &mut Conn, project_id: i64, amount: Money, parts: &[(i64, Money)]) -> Result<(), Refusal> {
    let done = sqlx::query(
        "UPDATE projects SET paid_fen = paid_fen + $1 WHERE id = $2 AND paid_fen + $1 <= granted_fen AND paid_fen + $1 >= 0",
    )
    .bind(amount.fen())
    .bind(project_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused("项目拨付额将超过核定额，批次不能支付"));
    }
    for (pool, part) in parts {
        let done = sqlx::query(
            "UPDATE pools SET paid_fen = paid_fen + $1 WHERE id = $2 AND paid_fen + $1 <= granted_fen AND paid_fen + $1 >= 0",
        )
        .bind(part.fen())
        .bind(pool)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(refused("资金池拨付额将超过核定额，批次不能支付"));
        }
    }
    Ok(())
}

/// The cancellation, guarded: prepared or approved only (`$1` the actor, `guarded`).
const CANCEL: &str = "UPDATE batches SET state = 'cancelled', cancelled_by = $1, cancelled_at = $2, comment = $3 \
     WHERE id = $4 AND state IN ('prepared', 'approved')";

/// Cancel a prepared or approved batch (a paid one is final: corrections are new batches).
/// Its audit entry is the caller's.
///
/// # Errors
/// `Refused` when it is paid or already cancelled, or a database error.
pub async fn cancel(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    open_batch(conn, id).await?;
    guarded(conn, CANCEL, (actor, id, comment), "已拨付或已撤销的批次不能撤销").await
}
