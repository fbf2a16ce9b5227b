//! A project's payee (收款户名, 开户银行, 银行账号; docs/payments.md): read for the project
//! page and the API, and set by division staff and the regiment staff of the project's 团场
//! (the scope is in the SQL: another 团场's project is 404). Each change is one audit row
//! with old and new values, accounts masked.

use serde_json::{json, Value};

use super::Actor;
use crate::accounts::Role;
use crate::engine::payment;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::{self, Db};

/// A payee as stored (收款户名, 开户银行, 银行账号).
pub use crate::storage::applications::Payee;

/// Who may set a payee: division staff, and regiment staff for their 团场's projects.
#[must_use]
pub fn may_edit(actor: Actor<'_>) -> bool {
    matches!(actor.role, Role::DivisionStaff | Role::RegimentStaff)
}

/// A project's payee, when the actor may see it (`None`: not the actor's project, or a
/// bureau reviewer, who has no business with accounts).
///
/// # Errors
/// A database error.
pub async fn of(db: &Db, actor: Actor<'_>, id: i64) -> Result<Option<Payee>, AppError> {
    if actor.role == Role::BureauReviewer {
        return Ok(None);
    }
    let found = storage::payees::of(&mut *db.inner.acquire().await?, id, &actor.scope()).await?;
    Ok(found.map(|(_, p)| p))
}

/// Set a project's payee, trimmed and with the account's spaces and dashes dropped. A
/// payee must be complete (docs/workbook.md: the account 8 to 30 digits); an unchanged
/// payee writes nothing.
///
/// # Errors
/// `Forbidden`, `NotFound` (not the actor's project), `Invalid` naming the missing fields,
/// or a database error.
pub async fn set(db: &Db, actor: Actor<'_>, id: i64, name: &str, bank: &str, account: &str) -> Result<Payee, AppError> {
    actor.require(may_edit(actor))?;
    let payee =
        Payee { name: name.trim().to_owned(), bank: bank.trim().to_owned(), account: payment::clean_account(account) };
    let mut tx = storage::begin_write(db).await?;
    let (round_id, old) = storage::payees::of(&mut tx, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let missing = payment::missing_payee(&payee.name, &payee.bank, &payee.account);
    if !missing.is_empty() {
        return Err(AppError::Invalid(format!(
            "收款信息不完整：请填写{}（银行账号为8至30位数字）",
            missing.join("、")
        )));
    }
    if old != payee {
        storage::payees::set(&mut tx, id, &payee).await?;
        let mut e = actor.entry("project.payee", "project", id, Some(round_id));
        (e.old, e.new) = (masked(&old), masked(&payee));
        storage::audit::append(&mut tx, &e).await?;
    }
    tx.commit().await?;
    Ok(payee)
}

/// A payee as the audit trail keeps it: the account masked.
fn masked(p: &Payee) -> Value {
    json!({ "payee_name": p.name, "payee_bank": p.bank, "payee_account": mask::account(&p.account) })
}
