//! The audit trail as people read it and take it away (docs/ARCHITECTURE.md, "The audit
//! trail"): who sees what (division staff and auditors every entry; regiment staff their
//! 团场's projects and what they did themselves; other roles none), a page of what the
//! filters match, the export (issue 17 item 5: itself an entry, `audit.export`, with the
//! filters and the count, written before the workbook leaves) and the entry of a report
//! taken with full numbers (style: every reveal is audited).

use serde_json::json;

use super::Actor;
use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::{self, Db};

pub use crate::storage::audit::{Query, Record, Visible};

/// The most rows one export holds.
const MOST: i64 = 50_000;

/// What this actor may see of the trail.
///
/// # Errors
/// `Forbidden` for cooperatives and bureau reviewers.
pub fn visible(actor: Actor<'_>) -> Result<Visible, AppError> {
    match actor.role {
        Role::DivisionStaff | Role::Auditor => Ok(Visible::All),
        Role::RegimentStaff => {
            Ok(Visible::Unit { unit: actor.unit.unwrap_or_default().to_owned(), user_id: actor.id.unwrap_or(-1) })
        }
        Role::Cooperative | Role::BureauReviewer => Err(AppError::Forbidden),
    }
}

/// One page (from 1; at most 500 entries) of the entries the actor may see, and how many match.
///
/// # Errors
/// `Forbidden`, `Invalid` (a year that is not an integer, a date that is not `YYYY-MM-DD`)
/// or a database error.
pub async fn page(
    db: &Db,
    actor: Actor<'_>,
    q: &Query,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Record>, i64), AppError> {
    let visible = visible(actor)?;
    if let Some(year) = q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        // An out-of-range year is refused, never silently dropped from the filter.
        if year.parse::<i32>().is_err() {
            return Err(AppError::Invalid(format!("年度“{year}”应为整数")));
        }
    }
    for d in [&q.from, &q.to].into_iter().flatten().filter(|d| !d.trim().is_empty()) {
        if chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").is_err() {
            return Err(AppError::Invalid(format!("日期“{d}”应写作 YYYY-MM-DD")));
        }
    }
    let per_page = per_page.clamp(1, 500);
    let mut conn = db.inner.acquire().await?;
    Ok(storage::audit::page(&mut conn, q, &visible, (page.max(1) - 1) * per_page, per_page).await?)
}

/// The entries `resolved` matches that the actor may see (at most [`MOST`]) and how many
/// match, with the export's own entry stored. `asked` is the filter as the person wrote it.
///
/// # Errors
/// `Forbidden` or a database error.
pub async fn export(
    db: &Db,
    actor: Actor<'_>,
    asked: &Query,
    resolved: &Query,
) -> Result<(Vec<Record>, i64), AppError> {
    let visible = visible(actor)?;
    let (rows, total) = {
        let mut conn = db.inner.acquire().await?;
        storage::audit::page(&mut conn, resolved, &visible, 0, MOST).await?
    };
    let mut tx = storage::begin_write(db).await?;
    let mut e = actor.entry("audit.export", "audit", 0, None);
    e.new = json!({ "filters": asked, "rows": rows.len(), "matching": total });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((rows, total))
}

/// Record that the actor took `entity` `id` (a report) with full numbers.
///
/// # Errors
/// A database error.
pub async fn full_numbers(db: &Db, actor: Actor<'_>, action: &str, entity: &str, id: String) -> Result<(), AppError> {
    let mut tx = storage::begin_write(db).await?;
    let mut entry = actor.entry(action, entity, id, None);
    entry.old = json!({});
    entry.new = json!({ "full_numbers": true });
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}
