//! Approving, paying and cancelling a batch; each refusal names its reason (409).

use serde_json::json;

use super::{entry, find, items, Batch};
use crate::storage::allocations::{refused, release, Actor, NewLine, Refusal};
use crate::storage::{audit, Conn};

async fn open_batch(conn: &mut Conn, id: i64) -> Result<Batch, Refusal> {
    find(conn, id).await?.ok_or_else(|| refused("找不到该拨付批次"))
}

/// Approve a prepared batch; never by the one who prepared it (also a CHECK).
///
/// # Errors
/// `Refused` (not prepared, the preparer), or a database error.
pub async fn approve(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    let b = open_batch(conn, id).await?;
    if b.state != "prepared" {
        return Err(refused("只有待审核的批次才能审核"));
    }
    if b.prepared_by == actor.id {
        return Err(refused("制单人不能审批自己的拨付批次"));
    }
    let done = sqlx::query(
        "UPDATE batches SET state = 'approved', approved_by = $1, approved_at = $2, comment = $3 \
         WHERE id = $4 AND state = 'prepared' AND prepared_by <> $1",
    )
    .bind(actor.id)
    .bind(crate::storage::now())
    .bind(comment)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused("只有待审核的批次才能审核"));
    }
    let new = json!({ "state": "approved", "comment": comment });
    audit::append(conn, &entry(actor, "batch.approve", id, b.round_id, json!({ "state": "prepared" }), new)).await?;
    Ok(())
}

/// Pay an approved batch: record the voucher, then move every item onto its project and
/// pools with guarded SQL (never beyond the grant, never below zero); a clawback's items
/// then release the same money from the grant. Any guard failing refuses the whole payment.
///
/// # Errors
/// `Refused` (not approved, a bound), or a database error.
pub async fn pay(conn: &mut Conn, id: i64, actor: Actor<'_>, voucher_no: &str, paid_on: &str) -> Result<(), Refusal> {
    let b = open_batch(conn, id).await?;
    let done = sqlx::query(
        "UPDATE batches SET state = 'paid', paid_by = $1, paid_at = $2, voucher_no = $3, paid_on = $4 \
         WHERE id = $5 AND state = 'approved'",
    )
    .bind(actor.id)
    .bind(crate::storage::now())
    .bind(voucher_no)
    .bind(paid_on)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused(if b.state == "paid" {
            "该批次已拨付"
        } else {
            "只有已审核的批次才能确认拨付"
        }));
    }
    for item in items(conn, id).await? {
        move_paid(conn, item.project_id, item.amount_fen, &item.parts).await?;
        if b.kind == "clawback" {
            let line = NewLine {
                project_id: item.project_id,
                amount_fen: item.amount_fen,
                status: "released",
                parts: item.parts,
            };
            release(conn, b.round_id, &line, actor).await?;
        }
    }
    let new = json!({ "state": "paid", "voucher_no": voucher_no, "paid_on": paid_on, "total_fen": b.total_fen });
    audit::append(conn, &entry(actor, "batch.pay", id, b.round_id, json!({ "state": "approved" }), new)).await?;
    Ok(())
}

async fn move_paid(conn: &mut Conn, project_id: i64, fen: i64, parts: &[(i64, i64)]) -> Result<(), Refusal> {
    let done = sqlx::query(
        "UPDATE projects SET paid_fen = paid_fen + $1 WHERE id = $2 AND paid_fen + $1 <= granted_fen AND paid_fen + $1 >= 0",
    )
    .bind(fen)
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
        .bind(part)
        .bind(pool)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() != 1 {
            return Err(refused("资金池拨付额将超过核定额，批次不能支付"));
        }
    }
    Ok(())
}

/// Cancel a prepared or approved batch (a paid one is final: corrections are new batches).
///
/// # Errors
/// `Refused` when it is paid or already cancelled, or a database error.
pub async fn cancel(conn: &mut Conn, id: i64, actor: Actor<'_>, comment: &str) -> Result<(), Refusal> {
    let b = open_batch(conn, id).await?;
    let done = sqlx::query(
        "UPDATE batches SET state = 'cancelled', cancelled_by = $1, cancelled_at = $2, comment = $3 \
         WHERE id = $4 AND state IN ('prepared', 'approved')",
    )
    .bind(actor.id)
    .bind(crate::storage::now())
    .bind(comment)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused("已拨付或已撤销的批次不能撤销"));
    }
    let new = json!({ "state": "cancelled", "comment": comment });
    audit::append(conn, &entry(actor, "batch.cancel", id, b.round_id, json!({ "state": b.state }), new)).await?;
    Ok(())
}
