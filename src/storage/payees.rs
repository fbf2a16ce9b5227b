//! A project's payee (收款户名, 开户银行, 银行账号; docs/payments.md): set from the project page
//! or the API by division and regiment staff (`app::payees`, which audits each change), and
//! from an applicant workbook when it gives one. The account is stored whole.

use sqlx::Row;

use super::applications::Payee;
use super::load::scope_clause;
use super::projects::Scope;
use super::Conn;

/// A project's payee, when the scope may see the project.
///
/// # Errors
/// A database error.
pub async fn of(conn: &mut Conn, project_id: i64, scope: &Scope) -> Result<Option<(i64, Payee)>, sqlx::Error> {
    let (clause, value) = scope_clause(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.round_id, p.payee_name, p.payee_bank, p.payee_account FROM projects p WHERE p.id = $1{clause}"
    )))
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

/// Set a project's payee (the use case `app::payees::set` checks it is complete and the
/// project the actor's, and writes the audit row with old and new values).
///
/// # Errors
/// A database error.
pub async fn set(conn: &mut Conn, project_id: i64, payee: &Payee) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE projects SET payee_name = $1, payee_bank = $2, payee_account = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&payee.name)
    .bind(&payee.bank)
    .bind(&payee.account)
    .bind(super::now())
    .bind(project_id)
    .execute(conn)
    .await?;
    Ok(())
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
