//! Taking the audit trail away (issue 17 item 5): the export of what the filters match is
//! itself an audit entry (`audit.export`, with the filters and the count), written before
//! the workbook leaves (docs/ARCHITECTURE.md).

use serde_json::json;

use super::Actor;
use crate::error::AppError;
use crate::storage::{self, Db};

pub use crate::storage::audit::{Query, Record, Visible};

/// The most rows one export holds.
const MOST: i64 = 50_000;

/// The entries `resolved` matches that `visible` allows (at most [`MOST`]) and how many
/// match, with the export's own entry stored. `asked` is the filter as the person wrote it.
///
/// # Errors
/// A database error.
pub async fn export(
    db: &Db,
    actor: Actor<'_>,
    visible: &Visible,
    asked: &Query,
    resolved: &Query,
) -> Result<(Vec<Record>, i64), AppError> {
    let (rows, total) = {
        let mut conn = db.inner.acquire().await?;
        storage::audit::page(&mut conn, resolved, visible, 0, MOST).await?
    };
    let mut tx = storage::begin_write(db).await?;
    let mut e = actor.entry("audit.export", "audit", 0, None);
    e.new = json!({ "filters": asked, "rows": rows.len(), "matching": total });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((rows, total))
}
