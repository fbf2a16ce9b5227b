//! What the list pages read beyond their rows (issue 17 item 2): each listed project's
//! loan principals, so that the list shows its 贷款金额 (summed by `engine::report`).

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::Money;

/// The most ids one statement binds.
const CHUNK: usize = 500;

/// The principals of the loans of the given projects, as `(project id, principal)`.
///
/// # Errors
/// A database error.
pub async fn principals(conn: &mut Conn, project_ids: &[i64]) -> Result<Vec<(i64, Money)>, sqlx::Error> {
    let mut out = Vec::new();
    for ids in project_ids.chunks(CHUNK) {
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT project_id, principal_fen FROM loans WHERE project_id IN ({})", marks.join(", "));
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        for r in query.fetch_all(&mut *conn).await? {
            out.push((r.try_get("project_id")?, rows::money(&r, "principal_fen")?));
        }
    }
    Ok(out)
}
