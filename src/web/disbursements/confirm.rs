//! What the irreversible money actions will do, said before they are taken (`web::kernel::confirm`):
//! approving or cancelling an allocation (批准, 取消), paying or cancelling a batch (确认拨付,
//! 取消), and a clawback (追回). `None` when the action would be refused anyway: it is then
//! taken at once, and its refusal says why.

use crate::app::Actor;
use crate::engine::Money;
use crate::error::AppError;
use crate::signoff::allocation;
use crate::signoff::disbursement::{self, Action as Step};
use crate::storage::Db;
use crate::web::kernel::confirm::Confirmation;
use crate::web::kernel::views::yuan;

/// The allocation proposal's approval or cancellation.
///
/// # Errors
/// A database error.
pub(crate) async fn allocation(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    action: &str,
    comment: &str,
) -> Result<Option<Confirmation>, AppError> {
    let (a, lines) = match crate::app::allocations::find(db, actor, id).await {
        Err(AppError::NotFound) => return Ok(None),
        found => found?,
    };
    let approve = action == "approve";
    let facts = crate::app::allocations::facts(&a);
    if allocation::Action::parse(action).is_none_or(|step| allocation::decide(actor.asker(), &facts, step).is_err()) {
        return Ok(None);
    }
    let granted = yuan(a.granted);
    let c = Confirmation::new(
        if approve { format!("确认批准分配方案 #{id}") } else { format!("确认撤销分配方案 #{id}") },
        format!("/allocations/{id}/actions"),
        format!("/allocations/{id}"),
    )
    .field("action", action)
    .field("comment", comment);
    Ok(Some(if approve {
        c.says(format!("分配方案 #{id} 将生效：{} 个项目共核定 {granted} 元，计入各资金池的已核定金额。", lines.len()))
            .says("批准后不能撤销；如需变更，只能撤回项目，释放其未拨付的核定金额。")
            .button("确认批准")
    } else {
        c.says(format!("分配方案 #{id}（{} 个项目，共 {granted} 元）将撤销，其核定金额不会生效。", lines.len()))
            .says("撤销后不能恢复，须重新试算并提交分配方案。")
            .button("确认撤销")
    }))
}

/// A batch's payment or cancellation (its approval is undone by cancelling, so it is not asked).
///
/// # Errors
/// A database error.
pub(crate) async fn batch(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    a: &crate::app::disbursements::Action,
) -> Result<Option<Confirmation>, AppError> {
    let b = match crate::app::disbursements::find(db, actor, id).await {
        Err(AppError::NotFound) => return Ok(None),
        found => found?,
    };
    let what = format!("{}批次 {}（{} 笔，合计 {} 元）", b.kind.label(), b.number, b.item_count, yuan(b.total));
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let (voucher, paid_on, comment) = (text(&a.voucher_no), text(&a.paid_on), text(&a.comment));
    let c = Confirmation::new(
        format!("确认{}", if a.action == "pay" { "支付" } else { "撤销批次" }),
        format!("/disbursements/{id}/actions"),
        format!("/disbursements/{id}"),
    )
    .field("action", a.action.as_str())
    .field("voucher_no", voucher.as_str())
    .field("paid_on", paid_on.as_str())
    .field("comment", comment.as_str());
    let may = |step| disbursement::decide(actor.asker(), &crate::app::disbursements::facts(&b), step).is_ok();
    match a.action.as_str() {
        "pay" if may(Step::Pay) && !voucher.is_empty() && paid_on.parse::<chrono::NaiveDate>().is_ok() => Ok(Some(
            c.says(format!("{what}将记为已拨付：凭证号 {voucher}，拨付日期 {paid_on}。"))
                .says("已拨付的批次不能更改或撤销；多付的款项只能通过追回收回。")
                .button("确认拨付"),
        )),
        "cancel" if may(Step::Cancel) => Ok(Some(
            c.says(format!("{what}将撤销，其中的项目可重新编入新的批次。"))
                .says("撤销不能恢复。")
                .button("确认撤销批次"),
        )),
        _ => Ok(None),
    }
}

/// A clawback (追回) of one project paid by a batch.
///
/// # Errors
/// A database error.
pub(crate) async fn clawback(
    db: &Db,
    actor: Actor<'_>,
    batch_id: i64,
    project_id: i64,
    amount: &str,
    comment: &str,
) -> Result<Option<Confirmation>, AppError> {
    let Some(payee) = crate::app::disbursements::payee(db, actor, project_id).await? else { return Ok(None) };
    let how_much = match amount.trim() {
        "" => format!("全部可追回金额（已拨付 {} 元）", yuan(payee.paid)),
        s => match s.parse::<Money>() {
            Ok(m) => format!("{} 元", yuan(m)),
            Err(_) => return Ok(None),
        },
    };
    Ok(Some(
        Confirmation::new(
            "确认追回",
            format!("/disbursements/{batch_id}/clawbacks"),
            format!("/disbursements/{batch_id}"),
        )
        .field("project_id", project_id.to_string())
        .field("amount", amount.trim())
        .field("comment", comment.trim())
        .says(format!(
            "将编制追回批次：从项目“{}”（{}，{}）追回{how_much}，原因：{}。",
            payee.name,
            payee.key,
            payee.unit,
            comment.trim()
        ))
        .says("追回批次须由另一位财务人员审核并确认拨付后生效；拨付后不能撤销。")
        .button("确认追回"),
    ))
}
