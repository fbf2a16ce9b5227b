//! The audit trail as staff see it: a filterable, paged page and `GET /api/v1/audit`, and
//! the entries the web layer writes (`entry`). Division staff and auditors see every entry;
//! regiment staff see their 团场's projects and what they did themselves; other roles none.

use crate::web::kernel::templates::{context, Template};
use serde_json::{json, Value};

use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::audit::{Query, Record, Visible};
use crate::storage::{self, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::params::Number;
use crate::web::reports::workbooks::Xlsx;

pub const PER_PAGE: i64 = 50;

/// What this session may see of the trail.
///
/// # Errors
/// `Forbidden` for cooperatives and bureau reviewers.
fn visible(session: &Session) -> Result<Visible, AppError> {
    match session.role {
        Role::DivisionStaff | Role::Auditor => Ok(Visible::All),
        Role::RegimentStaff => {
            Ok(Visible::Unit { unit: session.user.unit.clone().unwrap_or_default(), user_id: session.user.id })
        }
        Role::Cooperative | Role::BureauReviewer => Err(AppError::Forbidden),
    }
}

/// One page of the entries this session may see, and how many match.
///
/// # Errors
/// `Forbidden`, `Invalid` (a date that is not `YYYY-MM-DD`) or a database error.
pub(crate) async fn page(
    db: &Db,
    session: &Session,
    q: &Query,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Record>, i64), AppError> {
    let visible = visible(session)?;
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

/// An entry as the API and the page show it (old and new as JSON values).
#[must_use]
pub(crate) fn record_json(r: &Record) -> Value {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.to_owned()));
    json!({
        "seq": r.seq, "at": r.at, "actor_id": r.actor_id, "actor": r.actor, "action": r.action, "entity": r.entity,
        "entity_id": r.entity_id, "round_id": r.round_id, "old": parse(&r.old_json), "new": parse(&r.new_json),
        "hash": r.hash,
    })
}

#[get("/audit?<page>&<q..>")]
pub(crate) async fn index(db: &Db, session: Session, q: Query, page: Number<i64>) -> Result<Template, AppError> {
    let current = page.or(1).max(1);
    let (rows, total) = self::page(db, &session, &super::view::resolve(&q), current, PER_PAGE).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let years = years(db).await?;
    let shown: Vec<_> = rows.iter().map(|r| super::view::shown(r, &years)).collect();
    Ok(Template::render(
        "audit/index",
        context! {
            me: crate::web::kernel::pages::me(&session), rows: shown, total, page: current, pages, link: link(&q), q: &q,
            entities: crate::labels::AUDIT_ENTITIES.map(|(_, l)| l),
            actions: crate::labels::all_audit_actions().into_iter().map(|(_, l)| l).collect::<Vec<_>>(),
        },
    ))
}

/// Each round's id and year: the page shows rounds by year (docs/glossary.md).
async fn years(db: &Db) -> Result<Vec<(i64, i32)>, AppError> {
    let mut conn = db.inner.acquire().await?;
    Ok(storage::rounds::list(&mut conn).await?.into_iter().map(|r| (r.id, r.year)).collect())
}

/// What the filters show, as a workbook (issue 17 item 5): a POST, since taking the trail
/// away is itself audited (`audit.export`, with the filters and the count).
#[post("/audit/export.xlsx?<q..>")]
pub(crate) async fn export(db: &Db, session: Session, q: Query) -> Result<Xlsx, AppError> {
    let visible = visible(&session)?;
    let (rows, _) = crate::app::audit::export(db, session.actor(), &visible, &q, &super::view::resolve(&q)).await?;
    let years = years(db).await?;
    let shown: Vec<_> = rows.iter().map(|r| super::view::shown(r, &years)).collect();
    let book = super::view::workbook(&shown, &super::view::filters_in_words(&q))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    crate::web::reports::workbooks::xlsx(book, "审计记录.xlsx".into(), "tiexi-audit.xlsx".into()).await
}

/// The filters as a query string, for the paging links.
fn link(q: &Query) -> String {
    let fields = [
        ("entity", &q.entity),
        ("entity_id", &q.entity_id),
        ("actor", &q.actor),
        ("action", &q.action),
        ("year", &q.year),
        ("from", &q.from),
        ("to", &q.to),
    ];
    fields
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("&{k}={}", encode(v))))
        .collect()
}

fn encode(s: &str) -> String {
    use std::fmt::Write;
    s.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}
