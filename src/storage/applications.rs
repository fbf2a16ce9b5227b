//! Applications filled in online by a cooperative leader: a project saved as a draft with
//! its payee (收款账户), edited while `draft` or `returned`, and the applicant's own list.

use sqlx::Row;

use super::Conn;
use crate::engine::Project;

/// The payee of a project's disbursements.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Payee {
    pub name: String,
    pub bank: String,
    pub account: String,
}

/// Store a new application as a draft owned by `owner`; returns its id.
///
/// # Errors
/// A database error (e.g. the key is taken).
pub async fn create(
    conn: &mut Conn,
    round_id: i64,
    p: &Project,
    owner: i64,
    payee: &Payee,
) -> Result<i64, sqlx::Error> {
    let id = super::projects::upsert(conn, round_id, p, Some(owner), None).await?;
    sqlx::query(
        "UPDATE projects SET state = 'draft', payee_name = $1, payee_bank = $2, payee_account = $3 WHERE id = $4",
    )
    .bind(&payee.name)
    .bind(&payee.bank)
    .bind(&payee.account)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// The project number of a new online application: `2024-红星二场-0007`, the year, the
/// 团场 and the next of its numbers in the round (docs/glossary.md 项目编号). Called in the
/// write transaction, whose lock serialises two applicants of one 团场.
///
/// # Errors
/// A database error.
pub async fn next_key(conn: &mut Conn, round_id: i64, year: i32, unit: &str) -> Result<String, sqlx::Error> {
    let prefix = format!("{year}-{unit}-");
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT project_key FROM projects WHERE round_id = $1 AND project_key LIKE $2")
            .bind(round_id)
            .bind(format!("{prefix}%"))
            .fetch_all(conn)
            .await?;
    let last = keys.iter().filter_map(|k| k.strip_prefix(&prefix)?.parse::<u32>().ok()).max().unwrap_or(0);
    Ok(format!("{prefix}{:04}", last + 1))
}

/// Replace an application's contents while it is still the applicant's to edit; `false`
/// (nothing changed) when it is no longer `draft` or `returned`.
///
/// # Errors
/// A database error.
pub async fn update(conn: &mut Conn, id: i64, round_id: i64, p: &Project, payee: &Payee) -> Result<bool, sqlx::Error> {
    let editable = sqlx::query(
        "UPDATE projects SET payee_name = $1, payee_bank = $2, payee_account = $3, updated_at = $4 \
         WHERE id = $5 AND project_key = $6 AND state IN ('draft', 'returned')",
    )
    .bind(&payee.name)
    .bind(&payee.bank)
    .bind(&payee.account)
    .bind(super::now())
    .bind(id)
    .bind(&p.key)
    .execute(&mut *conn)
    .await?;
    if editable.rows_affected() != 1 {
        return Ok(false);
    }
    super::projects::upsert(conn, round_id, p, None, None).await?;
    Ok(true)
}

/// The payee and key of a project.
///
/// # Errors
/// A database error.
pub async fn payee(conn: &mut Conn, id: i64) -> Result<Payee, sqlx::Error> {
    let r = sqlx::query("SELECT payee_name, payee_bank, payee_account FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(conn)
        .await?;
    Ok(Payee { name: r.try_get(0)?, bank: r.try_get(1)?, account: r.try_get(2)? })
}

/// One line of "我的申请".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub id: i64,
    pub year: i64,
    pub key: String,
    pub name: String,
    pub state: crate::review::State,
    pub updated_at: String,
}

/// Every project owned by a user, newest first.
///
/// # Errors
/// A database error.
pub async fn owned_by(conn: &mut Conn, owner: i64) -> Result<Vec<Line>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, r.year, p.project_key, p.name, p.state, p.updated_at FROM projects p \
         JOIN rounds r ON r.id = p.round_id WHERE p.owner_id = $1 ORDER BY r.year DESC, p.id DESC",
    )
    .bind(owner)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Line {
                id: r.try_get(0)?,
                year: r.try_get(1)?,
                key: r.try_get(2)?,
                name: r.try_get(3)?,
                state: super::rows::code(r, "state", crate::review::State::parse)?,
                updated_at: r.try_get(5)?,
            })
        })
        .collect()
}
