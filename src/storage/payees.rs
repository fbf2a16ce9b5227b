//! A project's payee (收款户名, 开户银行, 银行账号; docs/payments.md): set from the project page
//! or the API by division and regiment staff, audited with old and new values, and from an
//! applicant workbook when it gives one. The account is stored whole; the audit trail gets
//! it as the caller masks it.

use serde_json::json;
use sqlx::Row;

use super::allocations::{refused, Actor, Refusal};
use super::applications::Payee;
use super::load::scope_clause;
use super::projects::Scope;
use super::{audit, Conn};
use crate::engine::payment;

/// A project's payee, when the scope may see the project.
///
/// # Errors
/// A database error.
pub async fn of(conn: &mut Conn, project_id: i64, scope: &Scope) -> Result<Option<(i64, Payee)>, sqlx::Error> {
    let (clause, value) = scope_clause(scope, 2);
    let row = sqlx::query(&format!(
        "SELECT p.round_id, p.payee_name, p.payee_bank, p.payee_account FROM projects p WHERE p.id = $1{clause}"
    ))
    .bind(project_id)
    .bind(value)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("round_id")?,
            Payee {
                name: r.try_get("payee_name")?,
                bank: r.try_get("payee_bank")?,
                account: r.try_get("payee_account")?,
            },
        ))
    })
    .transpose()
}

/// Set a project's payee (the session's scope in the SQL: another 团场's project is not
/// found); one audit row with old and new values, accounts as `mask` shows them. A payee
/// must be complete (docs/workbook.md: the account 8 to 30 digits). Returns `false` when
/// the project is not found; an unchanged payee writes nothing.
///
/// # Errors
/// `Refused` for an incomplete payee (422 at the web's edge names the fields), or a
/// database error.
pub async fn set(
    conn: &mut Conn,
    project_id: i64,
    scope: &Scope,
    payee: &Payee,
    actor: Actor<'_>,
    mask: fn(&str) -> String,
) -> Result<bool, Refusal> {
    let Some((round_id, old)) = of(conn, project_id, scope).await? else { return Ok(false) };
    let missing = payment::missing_payee(&payee.name, &payee.bank, &payee.account);
    if !missing.is_empty() {
        return Err(refused(&format!("收款信息不完整：请填写{}（银行账号为8至30位数字）", missing.join("、"))));
    }
    if old == *payee {
        return Ok(true);
    }
    sqlx::query(
        "UPDATE projects SET payee_name = $1, payee_bank = $2, payee_account = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&payee.name)
    .bind(&payee.bank)
    .bind(&payee.account)
    .bind(super::now())
    .bind(project_id)
    .execute(&mut *conn)
    .await?;
    let shown = |p: &Payee| json!({ "payee_name": p.name, "payee_bank": p.bank, "payee_account": mask(&p.account) });
    let entry = audit::Entry {
        actor_id: Some(actor.id),
        actor: actor.name,
        action: "project.payee",
        entity: "project",
        entity_id: project_id.to_string(),
        round_id: Some(round_id),
        old: shown(&old),
        new: shown(payee),
    };
    audit::append(conn, &entry).await?;
    Ok(true)
}

/// Store the payee an applicant workbook gives for a project it adds or updates (the
/// import's own audit row records the file); a blank field leaves the stored one.
///
/// # Errors
/// A database error.
pub async fn from_workbook(conn: &mut Conn, project_id: i64, payee: &Payee) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projects SET payee_name = COALESCE(NULLIF($1, ''), payee_name), \
         payee_bank = COALESCE(NULLIF($2, ''), payee_bank), payee_account = COALESCE(NULLIF($3, ''), payee_account) \
         WHERE id = $4",
    )
    .bind(&payee.name)
    .bind(&payee.bank)
    .bind(&payee.account)
    .bind(project_id)
    .execute(conn)
    .await?;
    Ok(())
}
