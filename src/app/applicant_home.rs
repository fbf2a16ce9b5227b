//! An applicant's home (issue 17 item 6): their own applications, the documents they have
//! given, what happened to them, and the rounds open for applying. Read only; the page
//! (`web::dashboard::applicant_home`) says what to do next.

use super::Actor;
use crate::error::AppError;
use crate::storage::{self, Db};

pub use crate::storage::applicant::{Event, Mine};

/// How many events the home lists.
const EVENTS: i64 = 30;

/// What an applicant's home shows.
#[derive(Debug)]
pub struct Home {
    pub mine: Vec<Mine>,
    /// (project id, document kind) of the documents given.
    pub kinds: Vec<(i64, crate::review::DocumentKind)>,
    /// Newest first.
    pub events: Vec<Event>,
    /// The years of the rounds open for applying.
    pub open: Vec<i32>,
}

/// The actor's own applications and their history.
///
/// # Errors
/// `Forbidden` for an actor without an account; a database error.
pub async fn load(db: &Db, actor: Actor<'_>) -> Result<Home, AppError> {
    let owner = actor.account()?;
    let mut conn = db.inner.acquire().await?;
    let mine = storage::applicant::projects(&mut conn, owner).await?;
    let kinds = storage::applicant::document_kinds(&mut conn, owner).await?;
    let events = storage::applicant::events(&mut conn, owner, EVENTS).await?;
    let open = super::rounds::open_years(&mut conn).await?;
    Ok(Home { mine, kinds, events, open })
}
