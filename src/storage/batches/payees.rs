//! The payees of a payment batch (docs/payments.md): a project without a complete payee
//! refuses the batch; a payee neither the applicant nor the organisation is a warning the
//! preparer acknowledges. Checked in the write transaction that prepares the batch.

use super::{NewBatch, NewItem};
use crate::storage::allocations::{refused, Refusal};

/// The payees a payment batch cannot pay: each project without a complete payee, named with
/// what it lacks (docs/payments.md).
#[must_use]
pub fn incomplete(items: &[NewItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| {
            let p = &i.payee;
            let missing = crate::engine::payment::missing_payee(&p.payee_name, &p.payee_bank, &p.payee_account);
            (!missing.is_empty()).then(|| format!("{}（{}，缺{}）", p.key, p.name, missing.join("、")))
        })
        .collect()
}

/// The projects whose payee is neither the applicant nor the organisation: a warning the
/// preparer acknowledges.
#[must_use]
pub fn strangers(items: &[NewItem]) -> Vec<String> {
    items
        .iter()
        .filter(|i| {
            !crate::engine::payment::payee_is_applicant(&i.payee.payee_name, &i.payee.leader, &i.payee.org_name)
        })
        .map(|i| format!("{}（收款户名“{}”，负责人“{}”）", i.payee.key, i.payee.payee_name, i.payee.leader))
        .collect()
}

/// A payment batch's payees: every project without a complete payee refuses it; payees
/// that are neither the applicant nor the organisation refuse it unless acknowledged, and
/// are returned for the audit trail.
pub(super) fn refuse_payees(b: &NewBatch) -> Result<Vec<String>, Refusal> {
    if b.kind != "payment" {
        return Ok(Vec::new());
    }
    let lacking = incomplete(&b.items);
    if !lacking.is_empty() {
        return Err(refused(&format!(
            "以下项目没有完整的收款信息，批次未编制：{}。请先在项目页填写收款户名、开户银行和银行账号",
            lacking.join("；")
        )));
    }
    let warned = strangers(&b.items);
    if !warned.is_empty() && !b.acknowledged {
        return Err(refused(&format!(
            "以下项目的收款户名既不是负责人也不是主体名称：{}。请核对后勾选“已核对收款户名”再编制",
            warned.join("；")
        )));
    }
    Ok(warned)
}
