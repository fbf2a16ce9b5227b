//! Disbursement batches (拨付批次) and clawbacks (追回): the use cases of the pages and the API.
//! Each item's amount and pool split come from `engine::allocation`; the batch is stored
//! with its control totals in the same write transaction that read the figures.

use serde_json::json;

use super::Actor;
use crate::engine::allocation as alloc;
use crate::engine::Money;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::signoff::disbursement::{self, Action as Step, Facts};
use crate::storage::batches::{self, NewBatch, NewItem, Payee, PoolParts};
use crate::storage::{self, rounds::Round, Conn, Db};

mod read;
pub use read::{candidates, detail, find, of_project, of_round, payee, round_of, with_items};
pub use read::{Batch, Detail, Item, OfProject, Payment};

fn parts_of(p: &PoolParts, parts: Vec<Money>) -> Vec<(i64, Money)> {
    p.pool_ids.iter().copied().zip(parts).collect()
}

async fn payee_in(conn: &mut Conn, round: &Round, project_id: i64) -> Result<Payee, AppError> {
    batches::payee(conn, project_id).await?.filter(|p| p.round_id == round.id).ok_or(AppError::NotFound)
}

/// A payment item: what the project is granted and not yet paid nor in another open batch,
/// split by its granted, unpaid and unreserved pool parts.
async fn payment_item(conn: &mut Conn, round: &Round, project_id: i64) -> Result<NewItem, AppError> {
    let payee = payee_in(conn, round, project_id).await?;
    let amount = alloc::to_pay(payee.granted, payee.paid, payee.open_payment);
    if !amount.is_positive() {
        return Err(AppError::Conflict(format!("项目 {} 没有可拨付的金额", payee.key)));
    }
    let p = batches::pool_parts(conn, round.id, project_id).await?;
    let basis = alloc::less(&alloc::less(&p.granted, &p.paid), &p.open);
    let parts = parts_of(&p, alloc::split_by(amount, &basis));
    Ok(NewItem { payee, amount, parts })
}

/// A clawback item: `amount` (yuan, default all that is paid and not already being clawed
/// back) taken back, split by the project's paid pool parts.
async fn clawback_item(
    conn: &mut Conn,
    round: &Round,
    project_id: i64,
    amount: Option<Money>,
) -> Result<NewItem, AppError> {
    let payee = payee_in(conn, round, project_id).await?;
    let open = alloc::negate(payee.open_clawback);
    let most = alloc::lacking(payee.paid, open);
    let amount = amount.unwrap_or(most);
    if !amount.is_positive() || amount > most {
        return Err(AppError::Conflict(format!("项目 {} 可追回金额为 {most} 元", payee.key)));
    }
    let p = batches::pool_parts(conn, round.id, project_id).await?;
    let basis = alloc::clawback_basis(&p.paid, &p.open);
    let parts = parts_of(&p, alloc::split_by(alloc::negate(amount), &basis));
    Ok(NewItem { payee, amount: alloc::negate(amount), parts })
}

/// What to put in a new batch.
pub enum Request {
    /// The projects, and whether the preparer acknowledged payees that are not the
    /// applicant (docs/payments.md).
    Payment(Vec<i64>, bool),
    Clawback {
        project_id: i64,
        amount: Option<Money>,
    },
}

/// Prepare a batch; returns (id, number).
///
/// # Errors
/// `Forbidden`, `NotFound` (a project of another round), `Conflict` (nothing to pay, round
/// closed), `Invalid` (no project), or a database error.
pub async fn prepare(
    db: &Db,
    actor: Actor<'_>,
    round: &Round,
    request: &Request,
    comment: &str,
) -> Result<(i64, String), AppError> {
    actor.require_staff()?;
    if round.status != RoundStatus::Open {
        return Err(AppError::Conflict("该年度已关闭".into()));
    }
    let mut tx = storage::begin_write(db).await?;
    let (kind, items) = match request {
        Request::Payment(ids, _) if ids.is_empty() => return Err(AppError::Invalid("请选择要拨付的项目".into())),
        Request::Payment(ids, _) => {
            super::evidence::require(&mut tx, round, ids).await?;
            let mut items = Vec::with_capacity(ids.len());
            for id in dedup(ids) {
                items.push(payment_item(&mut tx, round, id).await?);
            }
            ("payment", items)
        }
        Request::Clawback { project_id, amount } => {
            ("clawback", vec![clawback_item(&mut tx, round, *project_id, *amount).await?])
        }
    };
    let amounts: Vec<Money> = items.iter().map(|i| i.amount).collect();
    let batch = NewBatch {
        round_id: round.id,
        year: round.year,
        kind,
        total: alloc::total(&amounts),
        items,
        comment: comment.to_owned(),
        acknowledged: matches!(request, Request::Payment(_, true)),
    };
    let (id, number) = batches::prepare(&mut tx, &batch, actor.signer()?).await?;
    // The payees the preparer acknowledged (docs/payments.md); the guard above refused any
    // that were not.
    let warned = if batch.kind == "payment" { batches::strangers(&batch.items) } else { Vec::new() };
    let mut e = actor.entry("batch.prepare", "batch", id, Some(round.id));
    e.new = json!({ "number": number, "kind": batch.kind, "item_count": batch.items.len(),
        "total_fen": batch.total.fen(), "payee_warnings_acknowledged": warned });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    let done = (id, number);
    Ok(done)
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().copied().filter(|i| seen.insert(*i)).collect()
}

/// The batch as its state machine sees it (`signoff::disbursement`); an unknown code
/// allows nothing.
#[must_use]
pub fn facts(b: &batches::Batch) -> Facts {
    Facts { state: b.state, kind: b.kind, prepared_by: b.prepared_by }
}

/// The batch and whether the actor may take `action` on it now.
///
/// # Errors
/// `NotFound`, the refusal of `signoff::disbursement::decide`, or a database error.
pub async fn allowed(conn: &mut Conn, actor: Actor<'_>, id: i64, action: Step) -> Result<batches::Batch, AppError> {
    let b = batches::find(conn, id).await?.ok_or(AppError::NotFound)?;
    disbursement::decide(actor.asker(), &facts(&b), action).map_err(super::review::refused)?;
    Ok(b)
}

/// The fields of a batch action.
#[derive(Debug, Default, serde::Deserialize, rocket::FromForm, utoipa::ToSchema)]
pub struct Action {
    pub action: String,
    #[serde(default)]
    pub voucher_no: Option<String>,
    #[serde(default)]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Approve, pay (voucher number and date) or cancel a batch.
///
/// # Errors
/// `Forbidden`, `Invalid` (unknown action, no voucher, a bad date), `Conflict` (a guard), or a database error.
pub async fn decide(db: &Db, actor: Actor<'_>, id: i64, a: &Action) -> Result<(), AppError> {
    actor.require_staff()?;
    let comment = a.comment.as_deref().unwrap_or("").trim();
    let step = match a.action.as_str() {
        "approve" => Step::Approve,
        "cancel" => Step::Cancel,
        "pay" => Step::Pay,
        _ => return Err(AppError::Invalid("未知的操作".into())),
    };
    let mut tx = storage::begin_write(db).await?;
    let b = allowed(&mut tx, actor, id, step).await?;
    match a.action.as_str() {
        "approve" => {
            batches::approve(&mut tx, id, actor.signer()?, comment).await?;
            let mut e = actor.entry("batch.approve", "batch", id, Some(b.round_id));
            (e.old, e.new) = (json!({ "state": "prepared" }), json!({ "state": "approved", "comment": comment }));
            storage::audit::append(&mut tx, &e).await?;
        }
        "cancel" => {
            batches::cancel(&mut tx, id, actor.signer()?, comment).await?;
            let mut e = actor.entry("batch.cancel", "batch", id, Some(b.round_id));
            (e.old, e.new) = (json!({ "state": b.state }), json!({ "state": "cancelled", "comment": comment }));
            storage::audit::append(&mut tx, &e).await?;
        }
        "pay" => {
            let voucher = a.voucher_no.as_deref().map(str::trim).filter(|v| !v.is_empty());
            let voucher = voucher.ok_or_else(|| AppError::Invalid("请填写凭证号".into()))?;
            let on = a.paid_on.as_deref().unwrap_or("").trim();
            let on: chrono::NaiveDate =
                on.parse().map_err(|_| AppError::Invalid("拨付日期应写作 YYYY-MM-DD，如 2024-06-30".into()))?;
            let paid = batches::Paid { voucher_no: voucher, paid_on: on, today: super::today() };
            let out = batches::pay(&mut tx, id, actor.signer()?, paid).await?;
            record_payout(&mut tx, actor, id, &out).await?;
        }
        _ => return Err(AppError::Invalid("未知的操作".into())),
    }
    tx.commit().await?;
    Ok(())
}

/// Write a payment's entries in the order its money moved (docs/ARCHITECTURE.md, "The audit
/// trail"): a clawback's release lines (`grant.release`), then the batch's own (`batch.pay`).
///
/// # Errors
/// A database error.
pub(crate) async fn record_payout(
    conn: &mut Conn,
    actor: Actor<'_>,
    id: i64,
    out: &batches::Payout,
) -> Result<(), AppError> {
    let mut entries: Vec<_> = out.released.iter().map(|r| super::allocations::release_entry(actor, r)).collect();
    let mut e = actor.entry("batch.pay", "batch", id, Some(out.round_id));
    e.old = json!({ "state": "approved" });
    e.new = json!({ "state": "paid", "voucher_no": out.voucher_no, "paid_on": out.paid_on.to_string(),
        "total_fen": out.total.fen(), "failed_items": out.failed_items });
    entries.push(e);
    storage::audit::append_all(conn, &entries).await?;
    Ok(())
}
