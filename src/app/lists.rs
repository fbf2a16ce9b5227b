//! The list pages' reads and exports (issue 17 item 2): each listed project's loan
//! principals, every project a filter matches (all pages, for the export), and a round's
//! batches. Sums are the engine's (`engine::report`), formatting the page's.

use super::Actor;
use crate::engine::{report, Money, Project};
use crate::error::AppError;
use crate::storage;

pub use crate::storage::batches::Batch;
pub use crate::storage::load::Filter;
pub use crate::storage::projects::Record;
pub use crate::storage::{Conn, Db};

/// The most projects one export holds.
const MOST: i64 = 100_000;

/// Each listed project's loans total, in the list's order.
///
/// # Errors
/// A database error.
pub async fn principals(conn: &mut Conn, list: &[(Record, Project)]) -> Result<Vec<Money>, AppError> {
    let ids: Vec<i64> = list.iter().map(|(r, _)| r.id).collect();
    let mut loans: std::collections::HashMap<i64, Vec<Money>> = std::collections::HashMap::new();
    for (id, principal) in storage::lists::principals(conn, &ids).await? {
        loans.entry(id).or_default().push(principal);
    }
    Ok(list.iter().map(|(r, _)| report::sum(loans.get(&r.id).into_iter().flatten().copied())).collect())
}

/// How many projects of the round `filter` matches that the actor may see.
///
/// # Errors
/// A database error.
pub async fn count(conn: &mut Conn, actor: Actor<'_>, round_id: i64, filter: &Filter) -> Result<i64, AppError> {
    Ok(storage::load::count(conn, round_id, &actor.scope(), filter).await?)
}

/// A page, `(offset, limit)`, of the projects of the round `filter` matches that the actor
/// may see, in the list's order.
///
/// # Errors
/// A database error.
pub async fn page(
    conn: &mut Conn,
    actor: Actor<'_>,
    round_id: i64,
    filter: &Filter,
    (offset, limit): (i64, i64),
) -> Result<Vec<(Record, Project)>, AppError> {
    Ok(storage::load::page(conn, round_id, &actor.scope(), filter, offset, limit).await?)
}

/// Every project of the round that `filter` matches and the actor may see, with their
/// loans totals.
///
/// # Errors
/// A database error.
pub async fn projects(
    db: &Db,
    actor: Actor<'_>,
    round_id: i64,
    filter: &Filter,
) -> Result<(Vec<(Record, Project)>, Vec<Money>), AppError> {
    let mut conn = db.inner.acquire().await?;
    let list = storage::load::page(&mut conn, round_id, &actor.scope(), filter, 0, MOST).await?;
    let principals = principals(&mut conn, &list).await?;
    Ok((list, principals))
}

/// The round's batches as the batch list shows them.
///
/// # Errors
/// A database error.
pub async fn batches(db: &Db, round_id: i64) -> Result<Vec<Batch>, AppError> {
    Ok(storage::batches::list(&mut *db.inner.acquire().await?, round_id).await?)
}
