//! Disbursements (拨付批次) as JSON: the API's answer and the pages' values. Payee accounts
//! are masked unless `full`.

use serde_json::{json, Value};

use crate::app::disbursements::{Batch, Item};
use crate::export::mask;

/// A batch as JSON, its payee accounts masked unless `full` (the batch's own page, division staff).
pub(crate) fn batch_json(b: &Batch, items: Option<&[Item]>, full: bool) -> Value {
    let mut v = json!({ "id": b.id, "number": b.number, "kind": b.kind, "state": b.state, "item_count": b.item_count,
        "total": b.total, "voucher_no": b.voucher_no, "paid_on": b.paid_on, "comment": b.comment });
    if let Some(items) = items {
        v["items"] = items
            .iter()
            .map(|i| {
                let account = if full { i.payee_account.clone() } else { mask::account(&i.payee_account) };
                json!({ "project_id": i.project_id, "key": i.project_key, "name": i.project_name, "unit": i.unit,
                    "amount": i.amount, "payee_name": i.payee_name, "payee_bank": i.payee_bank,
                    "payee_account": account, "failed": i.failed,
                    "parts": i.parts.iter().map(|(pool, amount)| json!({ "pool_id": pool, "amount": amount })).collect::<Vec<_>>() })
            })
            .collect();
    }
    v
}
