//! The workbook of a previewed upload sent back with its bad cells marked (issue 17 item 3):
//! `tiexi calc --errors-out`'s export (`export::annotated`) of the stored bytes and the
//! preview's errors. A read, no effects. docs/hazards.md: a file the child could not read
//! is not opened here (`annotated` then writes only the list of errors), and one whose
//! bytes were not kept (nothing to import, issue 18) gives that list too.

use serde_json::Value;

use crate::error::AppError;
use crate::import::{columns, RowError};
use crate::storage::{self, imports::Import, Db};

/// The preview's errors as the import found them.
fn errors(preview: &Value) -> Vec<RowError> {
    let text = |e: &Value, k: &str| e[k].as_str().unwrap_or_default().to_string();
    preview["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| RowError {
            sheet: text(e, "sheet"),
            row: u32::try_from(e["row"].as_u64().unwrap_or(0)).unwrap_or(0),
            column: text(e, "column"),
            key: e["key"].as_str().and_then(columns::static_key),
            value: text(e, "value"),
            message: text(e, "message"),
        })
        .collect()
}

/// The marked workbook's file name: the upload's, with 错误标注 before `.xlsx`.
#[must_use]
pub fn file_name(upload: &str) -> String {
    let stem = upload.rsplit_once('.').map_or(upload, |(stem, _)| stem);
    format!("{stem}（错误标注）.xlsx")
}

/// The annotated workbook of `import` (found through `imports::find`, so the actor's own).
///
/// # Errors
/// A database error, or the writer's.
pub async fn workbook(db: &Db, import: &Import) -> Result<Vec<u8>, AppError> {
    let preview: Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let bytes = storage::imports::bytes(&mut *db.inner.acquire().await?, import.id).await?;
    rocket::tokio::task::spawn_blocking(move || crate::export::annotated::bytes(&bytes, &errors(&preview)))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}
