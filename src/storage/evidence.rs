//! Evidence before money (docs/rules.md §9, `evidence.*` of docs/policy.md): which projects
//! lack a bank's certified interest for a loan with subsidy, or an accepted document of a
//! category the policy lists; and the staff's review of each document (accepted, or
//! rejected with a reason the applicant sees). Batch preparation asks `missing_for_batch` in
//! its own transaction, so a statement or a document cannot be withdrawn between the check
//! and the batch.

use std::collections::BTreeMap;

use sqlx::Row;

use super::Conn;
use crate::engine::dates::Interval;
use crate::engine::policy::{Evidence, StatementRule};

/// What one project still lacks before it can be paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Missing {
    pub project_id: i64,
    pub key: String,
    pub name: String,
    /// Contracts whose loan runs in the window and has no statement line with a day inside it.
    pub statements: Vec<String>,
    /// Categories of `evidence.documents` without an accepted document.
    pub documents: Vec<String>,
}

/// The category a document counts for: the one chosen at upload, else its kind's label
/// (`review::DocumentKind::label`, so that the SQL never spells a label of its own).
#[must_use]
pub fn category_sql() -> String {
    use std::fmt::Write as _;
    let kinds = crate::review::DocumentKind::ALL.iter().fold(String::new(), |mut s, k| {
        let _ = write!(s, " WHEN d.kind = '{}' THEN '{}'", k.code(), k.label());
        s
    });
    format!("CASE WHEN d.category <> '' THEN d.category{kinds} ELSE d.kind END")
}

fn marks(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// docs/rules.md §9: for each of `project_ids` (of the round) that lacks evidence the policy
/// requires, what it lacks; projects lacking nothing are left out. "A loan with subsidy" is
/// read from the stored loan: its first row in the round (a repeat is `duplicate_contract`),
/// running on a day of the window (extensions included), and not excluded by a review cut
/// in force.
///
/// # Errors
/// A database error.
pub async fn missing_for_batch(
    conn: &mut Conn,
    round_id: i64,
    window: Interval,
    evidence: &Evidence,
    project_ids: &[i64],
) -> Result<Vec<Missing>, sqlx::Error> {
    let mut out: BTreeMap<i64, Missing> = BTreeMap::new();
    if project_ids.is_empty() {
        return Ok(Vec::new());
    }
    if evidence.interest_statement == StatementRule::Required {
        lacking_statements(conn, round_id, window, project_ids, &mut out).await?;
    }
    for category in &evidence.documents {
        lacking_documents(conn, category, project_ids, &mut out).await?;
    }
    Ok(out.into_values().collect())
}

/// Loans with subsidy and no statement line with a day in the window.
async fn lacking_statements(
    conn: &mut Conn,
    round_id: i64,
    window: Interval,
    project_ids: &[i64],
    out: &mut BTreeMap<i64, Missing>,
) -> Result<(), sqlx::Error> {
    let (start, end) = (window.start.to_string(), window.end.to_string());
    let sql = format!(
        "SELECT p.id, p.project_key, p.name, l.contract_no FROM loans l JOIN projects p ON p.id = l.project_id \
         WHERE l.round_id = $1 AND l.project_id IN ({}) AND l.occurrence = 0 AND l.disbursed_on < $2 \
         AND (COALESCE(l.settled_on, l.maturity_on) > $3 OR (l.settled_on IS NULL AND EXISTS (SELECT 1 FROM events e \
         WHERE e.loan_id = l.id AND e.kind = 'extension' AND e.extended_to > $3))) \
         AND NOT EXISTS (SELECT 1 FROM statement_lines s WHERE s.round_id = l.round_id AND s.contract_no = l.contract_no \
         AND s.from_on < $2 AND s.to_on >= $3) \
         AND NOT EXISTS (SELECT 1 FROM cuts c WHERE c.project_id = l.project_id AND c.contract_no = l.contract_no \
         AND c.kind = 'excluded' AND c.id = (SELECT MAX(x.id) FROM cuts x WHERE x.project_id = c.project_id \
         AND x.contract_no = c.contract_no)) ORDER BY p.position, l.position",
        marks(4, project_ids.len())
    );
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).bind(&end).bind(&start);
    for id in project_ids {
        q = q.bind(id);
    }
    for r in q.fetch_all(&mut *conn).await? {
        let m = entry(out, &r)?;
        m.statements.push(r.try_get("contract_no")?);
    }
    Ok(())
}

/// Projects without an accepted document of `category`.
async fn lacking_documents(
    conn: &mut Conn,
    category: &str,
    project_ids: &[i64],
    out: &mut BTreeMap<i64, Missing>,
) -> Result<(), sqlx::Error> {
    let category_of = category_sql();
    let sql = format!(
        "SELECT p.id, p.project_key, p.name, (SELECT COUNT(*) FROM documents d WHERE d.project_id = p.id \
         AND d.review = 'accepted' AND {category_of} = $1) AS n FROM projects p WHERE p.id IN ({}) ORDER BY p.position",
        marks(2, project_ids.len())
    );
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(category);
    for id in project_ids {
        q = q.bind(id);
    }
    for r in q.fetch_all(&mut *conn).await? {
        if r.try_get::<i64, _>("n")? == 0 {
            entry(out, &r)?.documents.push(category.to_string());
        }
    }
    Ok(())
}

fn entry<'a>(out: &'a mut BTreeMap<i64, Missing>, r: &sqlx::any::AnyRow) -> Result<&'a mut Missing, sqlx::Error> {
    let id: i64 = r.try_get("id")?;
    Ok(match out.entry(id) {
        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::btree_map::Entry::Vacant(e) => e.insert(Missing {
            project_id: id,
            key: r.try_get("project_key")?,
            name: r.try_get("name")?,
            ..Missing::default()
        }),
    })
}

/// A document's review as the checklist shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reviewed {
    pub id: i64,
    pub project_id: i64,
    pub category: String,
    pub original_name: String,
    /// The name it is stored and downloaded by (`/projects/{id}/documents/{stored_name}`).
    pub stored_name: String,
    pub review: crate::review::DocumentReview,
    /// Why it was rejected (the applicant sees it).
    pub reason: String,
    pub reviewed_at: Option<String>,
}

fn reviewed(r: &sqlx::any::AnyRow) -> Result<Reviewed, sqlx::Error> {
    Ok(Reviewed {
        id: r.try_get("id")?,
        project_id: r.try_get("project_id")?,
        category: r.try_get("category")?,
        original_name: r.try_get("original_name")?,
        stored_name: r.try_get("stored_name")?,
        review: super::rows::code(r, "review", crate::review::DocumentReview::parse)?,
        reason: r.try_get("review_reason")?,
        reviewed_at: super::rows::opt(r, "reviewed_at")?,
    })
}

/// The documents of a project with their category and review, oldest first.
///
/// # Errors
/// A database error.
pub async fn documents(conn: &mut Conn, project_id: i64) -> Result<Vec<Reviewed>, sqlx::Error> {
    let category_of = category_sql();
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.project_id, {category_of} AS category, d.original_name, d.stored_name, d.review, d.review_reason, \
         d.reviewed_at \
         FROM documents d WHERE d.project_id = $1 ORDER BY d.id"
    )))
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(reviewed).collect()
}

/// One document by id.
///
/// # Errors
/// A database error.
pub async fn document(conn: &mut Conn, id: i64) -> Result<Option<Reviewed>, sqlx::Error> {
    let category_of = category_sql();
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.project_id, {category_of} AS category, d.original_name, d.stored_name, d.review, d.review_reason, \
         d.reviewed_at \
         FROM documents d WHERE d.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(reviewed).transpose()
}

/// Record a review (`accepted` or `rejected`) of a document, and the category it counts for
/// when given; `false` when it already has this review and reason (nothing changes).
///
/// # Errors
/// A database error.
pub async fn set_review(
    conn: &mut Conn,
    id: i64,
    review: crate::review::DocumentReview,
    reason: &str,
    category: Option<&str>,
    actor_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE documents SET review = $1, review_reason = $2, category = COALESCE(NULLIF($3, ''), category), \
         reviewed_by = $4, reviewed_at = $5 WHERE id = $6 \
         AND NOT (review = $1 AND review_reason = $2 AND (NULLIF($3, '') IS NULL OR category = $3))",
    )
    .bind(review.code())
    .bind(reason)
    .bind(category.unwrap_or_default())
    .bind(actor_id)
    .bind(super::now())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
