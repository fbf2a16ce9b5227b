//! Applications online (docs/workbook.md: its readers serve the form): a cooperative leader
//! fills in a project with its loans and events, saved as a draft and edited while `draft`
//! or `returned`; the web reads the fields through the workbook's own readers, so the
//! messages are the same. Submitting is a review action (`app::review::act`).

use serde_json::json;

use super::Actor;
use crate::accounts::Role;
use crate::engine::Project;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::{self, Db};

pub use crate::storage::applications::{Line, Payee};
pub use crate::storage::rounds::Round;

/// A cooperative's applications, newest round first, and the years open for applying.
///
/// # Errors
/// `Forbidden` for other roles, or a database error.
pub async fn mine(db: &Db, actor: Actor<'_>) -> Result<(Vec<Line>, Vec<i32>), AppError> {
    actor.require(actor.role == Role::Cooperative)?;
    let mut conn = db.inner.acquire().await?;
    let lines = storage::applications::owned_by(&mut conn, actor.account()?).await?;
    let open = super::rounds::open_years(&mut conn).await?;
    Ok((lines, open))
}

/// A round open for applications, for a cooperative.
///
/// # Errors
/// `Forbidden` for other roles, `NotFound`, `Conflict` when the round is closed.
pub async fn open_round(db: &Db, actor: Actor<'_>, year: i32) -> Result<Round, AppError> {
    actor.require(actor.role == Role::Cooperative)?;
    let mut conn = db.inner.acquire().await?;
    let round = storage::rounds::find_by_year(&mut conn, year).await?.ok_or(AppError::NotFound)?;
    if round.status != RoundStatus::Open {
        return Err(AppError::Conflict("该年度已关闭，不能申请".into()));
    }
    Ok(round)
}

/// The application the actor may edit now: the owner's, in `draft` or `returned`, in an
/// open round; with its round, its project and its payee.
///
/// # Errors
/// `NotFound` outside the scope, `Forbidden` for anyone but its owner, `Conflict` when it
/// can no longer be changed.
pub async fn editable(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Round, Project, Payee), AppError> {
    let mut conn = db.inner.acquire().await?;
    let s = super::review::subject(&mut conn, actor, id).await?;
    actor.require(actor.role == Role::Cooperative && actor.id.is_some() && s.owner_id == actor.id)?;
    if !s.state.editable() || !s.round_open {
        return Err(AppError::Conflict("申请已提交或年度已关闭，不能修改".into()));
    }
    let round = storage::rounds::find(&mut conn, s.round_id).await?.ok_or(AppError::NotFound)?;
    let (_, project) = storage::load::project(&mut conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let payee = storage::applications::payee(&mut conn, id).await?;
    Ok((round, project, payee))
}

/// Store an application read from its form: a new one (`existing` `None`) is numbered
/// `2024-红星二场-0007` in the write transaction (docs/glossary.md); the round is recomputed
/// and the audit row written in the same transaction. Returns the project's id.
///
/// # Errors
/// `Conflict` when the application was submitted meanwhile, or a database error.
pub async fn save(
    db: &Db,
    actor: Actor<'_>,
    round: &Round,
    existing: Option<i64>,
    mut project: Project,
    payee: &Payee,
) -> Result<i64, AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut tx = storage::begin_write(db).await?;
    let id = match existing {
        None => {
            project.key =
                storage::applications::next_key(&mut tx, round.id, round.year, &project.applicant.unit).await?;
            storage::applications::create(&mut tx, round.id, &project, actor.account()?, payee).await?
        }
        Some(id) => {
            if !storage::applications::update(&mut tx, id, round.id, &project, payee).await? {
                return Err(AppError::Conflict("申请已提交，不能再修改".into()));
            }
            id
        }
    };
    super::calculation::recalculate(&mut tx, actor, &policy, round.id).await?;
    let action = if existing.is_some() { "project.edit" } else { "project.create" };
    let mut entry = actor.entry(action, "project", id, Some(round.id));
    entry.old = json!({});
    entry.new = json!({ "key": project.key, "name": project.name, "id_number": mask::id_number(&project.applicant.id_number),
            "loans": project.loans.len(), "payee_account": mask::account(&payee.account) });
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(id)
}
