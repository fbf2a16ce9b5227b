//! Review cuts (核减, docs/rules.md §9), append-only: the latest row of a project's contract
//! is the cut in force, and a row of kind `none` withdraws it. Reading them back as the
//! engine's `Cut` is `storage::facts`'s.

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::facts::{Cut, CutLimit, CutReason};
use crate::engine::Money;

/// A cut to store: `limit` `None` withdraws the cut in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCut<'a> {
    pub round_id: i64,
    pub project_id: i64,
    pub contract_no: &'a str,
    pub limit: Option<CutLimit>,
    pub reason: Option<CutReason>,
    pub comment: &'a str,
    pub actor_id: i64,
}

/// A stored row, with the user name of whoever wrote it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stored {
    pub id: i64,
    pub project_id: i64,
    pub contract_no: String,
    /// `None` for a withdrawal.
    pub cut: Option<Cut>,
    pub actor: String,
    pub at: String,
}

fn columns(limit: Option<CutLimit>) -> (&'static str, Option<i64>) {
    match limit {
        None => ("none", None),
        Some(CutLimit::Excluded) => ("excluded", None),
        Some(CutLimit::Amount(m)) => ("amount", Some(m.fen())),
    }
}

/// Append a cut (or its withdrawal); returns its id.
///
/// # Errors
/// A database error (a reason the table does not allow).
pub async fn insert(conn: &mut Conn, c: &NewCut<'_>) -> Result<i64, sqlx::Error> {
    let (kind, amount) = columns(c.limit);
    sqlx::query(
        "INSERT INTO cuts (round_id, project_id, contract_no, kind, amount_fen, reason, comment, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.round_id)
    .bind(c.project_id)
    .bind(c.contract_no)
    .bind(kind)
    .bind(amount)
    .bind(c.reason.map_or("", CutReason::code))
    .bind(c.comment)
    .bind(c.actor_id)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)
}

fn stored(r: &sqlx::any::AnyRow) -> Result<Stored, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let amount: Option<i64> = rows::opt(r, "amount_fen")?;
    let reason: String = r.try_get("reason")?;
    let limit = match (kind.as_str(), amount) {
        ("excluded", _) => Some(CutLimit::Excluded),
        ("amount", Some(fen)) => Some(CutLimit::Amount(Money::from_fen(fen))),
        _ => None,
    };
    let cut = limit.zip(CutReason::parse(&reason)).map(|(limit, reason)| Cut {
        limit,
        reason,
        text: r.try_get("comment").unwrap_or_default(),
    });
    Ok(Stored {
        id: r.try_get("id")?,
        project_id: r.try_get("project_id")?,
        contract_no: r.try_get("contract_no")?,
        cut,
        actor: r.try_get("username")?,
        at: r.try_get("at")?,
    })
}

/// The latest row of each (project, contract) among those `filter` selects (`$1`).
const LATEST: &str =
    "SELECT c.id, c.project_id, c.contract_no, c.kind, c.amount_fen, c.reason, c.comment, u.username, \
    c.at FROM cuts c JOIN users u ON u.id = c.actor_id WHERE {filter} AND c.id = (SELECT MAX(x.id) FROM cuts x \
    WHERE x.project_id = c.project_id AND x.contract_no = c.contract_no)";

/// The cuts in force in a round whose contract is still a loan of the project it was made
/// on (a loan the applicant removed after a return takes its cut with it), oldest first.
///
/// # Errors
/// A database error.
pub async fn in_force(conn: &mut Conn, round_id: i64) -> Result<Vec<Stored>, sqlx::Error> {
    let filter = "c.round_id = $1 AND c.kind <> 'none' AND EXISTS (SELECT 1 FROM loans l \
        WHERE l.project_id = c.project_id AND l.contract_no = c.contract_no)";
    let sql = format!("{} ORDER BY c.id", LATEST.replace("{filter}", filter));
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).fetch_all(conn).await?;
    rows.iter().map(stored).collect()
}

/// The cut in force on one contract of a project, if any.
///
/// # Errors
/// A database error.
pub async fn current(conn: &mut Conn, project_id: i64, contract_no: &str) -> Result<Option<Stored>, sqlx::Error> {
    let sql = LATEST.replace("{filter}", "c.project_id = $1 AND c.contract_no = $2 AND c.kind <> 'none'");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(project_id).bind(contract_no).fetch_optional(conn).await?;
    row.as_ref().map(stored).transpose()
}

/// Every cut and withdrawal of a project, oldest first (its page's history of cuts).
///
/// # Errors
/// A database error.
pub async fn of_project(conn: &mut Conn, project_id: i64) -> Result<Vec<Stored>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.project_id, c.contract_no, c.kind, c.amount_fen, c.reason, c.comment, u.username, c.at \
         FROM cuts c JOIN users u ON u.id = c.actor_id WHERE c.project_id = $1 ORDER BY c.id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(stored).collect()
}

/// Whether the project has a loan with this contract number.
///
/// # Errors
/// A database error.
pub async fn has_loan(conn: &mut Conn, project_id: i64, contract_no: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM loans WHERE project_id = $1 AND contract_no = $2")
        .bind(project_id)
        .bind(contract_no)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// The project's stored request (after the round's recalculation).
///
/// # Errors
/// A database error.
pub async fn requested(conn: &mut Conn, project_id: i64) -> Result<Money, sqlx::Error> {
    let row = sqlx::query("SELECT requested_fen FROM projects WHERE id = $1").bind(project_id).fetch_one(conn).await?;
    rows::money(&row, "requested_fen")
}
