//! Continuing loans (issue 15 item 4): the previous round's approved projects whose loans
//! still run into a new round's window arrive in the new round as drafts for their
//! regiment, with the same project key, the same contract numbers (so docs/rules.md §9 sees
//! them), their events and their payee. The regiment confirms, edits or drops each. Carrying
//! twice does nothing twice: a key the new round already holds is left alone.

use sqlx::Row;

use super::projects::Scope;
use super::Conn;
use crate::engine::Project;

/// A project of the previous round that can be carried forward.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    /// Whether the new round already holds its key (then it is not carried again).
    pub carried: bool,
}

/// The round before `year` (the latest earlier one), if any.
///
/// # Errors
/// A database error.
pub async fn previous_round(conn: &mut Conn, year: i32) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM rounds WHERE year < $1 ORDER BY year DESC LIMIT 1")
        .bind(i64::from(year))
        .fetch_optional(conn)
        .await
}

/// The approved projects of `from_round` with a loan still running on `window_start`
/// (maturity, an extension or settlement after it), in workbook order.
///
/// # Errors
/// A database error.
pub async fn candidates(
    conn: &mut Conn,
    from_round: i64,
    to_round: i64,
    window_start: &str,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.project_key, p.name, p.unit, (SELECT COUNT(*) FROM projects n WHERE n.round_id = $2 \
         AND n.project_key = p.project_key) AS carried FROM projects p WHERE p.round_id = $1 AND p.state = 'approved' \
         AND EXISTS (SELECT 1 FROM loans l WHERE l.project_id = p.id AND (COALESCE(l.settled_on, l.maturity_on) > $3 \
         OR (l.settled_on IS NULL AND EXISTS (SELECT 1 FROM events e WHERE e.loan_id = l.id AND e.kind = 'extension' \
         AND e.extended_to > $3)))) ORDER BY p.position",
    )
    .bind(from_round)
    .bind(to_round)
    .bind(window_start)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Candidate {
                id: r.try_get("id")?,
                key: r.try_get("project_key")?,
                name: r.try_get("name")?,
                unit: r.try_get("unit")?,
                carried: r.try_get::<i64, _>("carried")? != 0,
            })
        })
        .collect()
}

/// Carry one project into `to_round` as a draft with its loans still running on
/// `window_start` (their 已付利息 cleared: it was the earlier round's); returns the new id,
/// `None` when the new round holds the key already.
///
/// # Errors
/// A database error.
pub async fn forward(
    conn: &mut Conn,
    id: i64,
    to_round: i64,
    window_start: chrono::NaiveDate,
) -> Result<Option<(i64, Project)>, sqlx::Error> {
    let Some((record, mut project)) = super::load::project(conn, id, &Scope::All).await? else { return Ok(None) };
    let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE round_id = $1 AND project_key = $2")
        .bind(to_round)
        .bind(&project.key)
        .fetch_one(&mut *conn)
        .await?;
    if taken > 0 {
        return Ok(None);
    }
    project.loans.retain(|l| crate::engine::loan::running(l).end > window_start);
    for l in &mut project.loans {
        l.interest_paid = None;
    }
    let new = super::projects::upsert(conn, to_round, &project, record.owner_id, None).await?;
    sqlx::query(
        "UPDATE projects SET state = 'draft', carried_from = $1, \
         payee_name = (SELECT o.payee_name FROM projects o WHERE o.id = $1), \
         payee_bank = (SELECT o.payee_bank FROM projects o WHERE o.id = $1), \
         payee_account = (SELECT o.payee_account FROM projects o WHERE o.id = $1) WHERE id = $2",
    )
    .bind(id)
    .bind(new)
    .execute(&mut *conn)
    .await?;
    Ok(Some((new, project)))
}

/// A carried project still a draft, as the regiment's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Draft {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    /// Its loans' contract numbers, in order.
    pub contracts: Vec<String>,
}

/// The carried projects of `round_id` still drafts, within `scope`, in workbook order.
///
/// # Errors
/// A database error.
pub async fn drafts(conn: &mut Conn, round_id: i64, scope: &Scope) -> Result<Vec<Draft>, sqlx::Error> {
    let (clause, value) = super::load::scope_clause(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.project_key, p.name, p.unit, l.contract_no FROM projects p \
         LEFT JOIN loans l ON l.project_id = p.id WHERE p.round_id = $1 AND p.state = 'draft' \
         AND p.carried_from IS NOT NULL{clause} ORDER BY p.position, l.id"
    )))
    .bind(round_id)
    .bind(value)
    .fetch_all(conn)
    .await?;
    let mut out: Vec<Draft> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        if out.last().is_none_or(|d| d.id != id) {
            out.push(Draft {
                id,
                key: r.try_get("project_key")?,
                name: r.try_get("name")?,
                unit: r.try_get("unit")?,
                contracts: Vec::new(),
            });
        }
        if let (Some(d), Some(c)) = (out.last_mut(), super::rows::opt::<String>(r, "contract_no")?) {
            d.contracts.push(c);
        }
    }
    Ok(out)
}
