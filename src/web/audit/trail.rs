//! The audit trail as staff see it: a filterable, paged page and its export; who sees what
//! is `app::audit`'s (docs/ARCHITECTURE.md, "The audit trail").

use crate::web::kernel::templates::{context, Template};
use serde_json::{json, Value};

use crate::app::audit::{Query, Record};
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::params::Number;
use crate::web::reports::workbooks::Xlsx;

pub const PER_PAGE: i64 = 50;

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
    let (rows, total) =
        crate::app::audit::page(db, session.actor(), &super::view::resolve(&q), current, PER_PAGE).await?;
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
    Ok(crate::app::rounds::list(db).await?.into_iter().map(|r| (r.id, r.year)).collect())
}

/// What the filters show, as a workbook (issue 17 item 5): a POST, since taking the trail
/// away is itself audited (`audit.export`, with the filters and the count).
#[post("/audit/export.xlsx?<q..>")]
pub(crate) async fn export(db: &Db, session: Session, q: Query) -> Result<Xlsx, AppError> {
    let (rows, _) = crate::app::audit::export(db, session.actor(), &q, &super::view::resolve(&q)).await?;
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
