//! What the disbursement pages and the API read (拨付批次): a round's batches, one batch
//! with its items, the projects a new batch may pay, a batch's page, and a project's grant
//! lines and payments. Division staff and auditors read the books (`Actor::require_reader`);
//! payee accounts are masked by the page unless the reader is division staff
//! (docs/payments.md).

use crate::accounts::Role;
use crate::app::Actor;
use crate::error::AppError;
use crate::storage::allocations::{self, Granted, PoolRow};
use crate::storage::batches::{self, returns};
use crate::storage::{self, rounds::Round, Db};

pub use crate::storage::batches::{Batch, Item, Payee, Payment};

/// The round of `year` and its batches.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn of_round(db: &Db, actor: Actor<'_>, year: i32) -> Result<(Round, Vec<Batch>), AppError> {
    actor.require_reader()?;
    let round = crate::app::rounds::find(db, year).await?;
    let list = batches::list(&mut *db.inner.acquire().await?, round.id).await?;
    Ok((round, list))
}

/// A batch.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn find(db: &Db, actor: Actor<'_>, id: i64) -> Result<Batch, AppError> {
    actor.require_reader()?;
    batches::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)
}

/// A batch and its items.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn with_items(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Batch, Vec<Item>), AppError> {
    actor.require_reader()?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    Ok((b, items))
}

/// The round of `year` and its granted projects with their payees, for a new batch
/// (division staff only: `engine::allocation::to_pay` says what each would be paid).
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn candidates(db: &Db, actor: Actor<'_>, year: i32) -> Result<(Round, Vec<Payee>), AppError> {
    actor.require_staff()?;
    let round = crate::app::rounds::find(db, year).await?;
    let payees = batches::payees(&mut *db.inner.acquire().await?, round.id).await?;
    Ok((round, payees))
}

/// A batch as its page shows it.
pub struct Detail {
    pub batch: Batch,
    pub round: Round,
    pub pools: Vec<PoolRow>,
    pub items: Vec<Item>,
    pub preparer: Option<String>,
    pub approver: Option<String>,
    /// The bank's answer, once recorded.
    pub bank_return: Option<returns::Stored>,
}

/// A batch with its round, the round's pools, its items, who prepared and approved it and
/// the bank's answer.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn detail(db: &Db, actor: Actor<'_>, id: i64) -> Result<Detail, AppError> {
    actor.require_reader()?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut conn, b.round_id).await?.ok_or(AppError::NotFound)?;
    let pools = allocations::pools(&mut conn, round.id).await?;
    let items = batches::items(&mut conn, id).await?;
    let (preparer, approver) = crate::app::accounts::signers(&mut conn, b.prepared_by, b.approved_by).await?;
    let bank_return = returns::of_batch(&mut conn, id).await?;
    Ok(Detail { batch: b, round, pools, items, preparer, approver, bank_return })
}

/// The round a batch belongs to.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn round_of(db: &Db, actor: Actor<'_>, id: i64) -> Result<Round, AppError> {
    actor.require_reader()?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    storage::rounds::find(&mut conn, b.round_id).await?.ok_or(AppError::NotFound)
}

/// A project's payee and money (granted, paid, open batches), if it has any grant.
///
/// # Errors
/// `Forbidden` or a database error.
pub async fn payee(db: &Db, actor: Actor<'_>, project_id: i64) -> Result<Option<Payee>, AppError> {
    actor.require_reader()?;
    Ok(batches::payee(&mut *db.inner.acquire().await?, project_id).await?)
}

/// A project's money: what it holds, its grant lines and its batch items.
pub struct OfProject {
    pub held: Payee,
    pub lines: Vec<Granted>,
    pub payments: Vec<Payment>,
}

/// The money of project `id` for its page (which found it in the actor's scope first), for
/// every role but the bureau's reviewers (no money); `None` when it has none.
///
/// # Errors
/// A database error.
pub async fn of_project(db: &Db, actor: Actor<'_>, id: i64) -> Result<Option<OfProject>, AppError> {
    if actor.role == Role::BureauReviewer {
        return Ok(None);
    }
    let mut conn = db.inner.acquire().await?;
    let Some(held) = batches::payee(&mut conn, id).await? else { return Ok(None) };
    let lines = allocations::of_project(&mut conn, id).await?;
    let payments = batches::of_project(&mut conn, id).await?;
    Ok(Some(OfProject { held, lines, payments }))
}
