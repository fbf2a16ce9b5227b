//! A project as its page and the API show it (found in the actor's scope, in SQL, with the
//! engine's result over its round: docs/rules.md §9 for the review cuts), and its personal
//! numbers: the full ID number shown to the roles that need it, each reveal audited with
//! the number masked (docs/glossary.md, the roles and `id_number.reveal`).

use super::Actor;
use crate::accounts::Role;
use crate::engine::{Project, ProjectResult};
use crate::error::AppError;
use crate::export::mask;
use crate::storage::{self, projects::Record, Db};

pub use crate::storage::cuts::Stored as Cut;

/// A project as its page and the API show it.
pub struct Detail {
    pub record: Record,
    pub project: Project,
    /// The engine's result for it, with the round's facts (the review cuts in force).
    pub result: ProjectResult,
    pub year: i32,
    /// The review cuts in force on its loans (docs/rules.md §9).
    pub cuts: Vec<Cut>,
    /// Its result without the review cuts (what was asked, 申请), when it has any.
    pub uncut: Option<ProjectResult>,
}

/// A project the actor may see, with the engine's result for it (computed over its round,
/// so that duplicates across projects and the principal cap are as in the final figures).
///
/// # Errors
/// `NotFound` when it does not exist or is not the actor's to see.
pub async fn detail(db: &Db, actor: Actor<'_>, id: i64) -> Result<Detail, AppError> {
    let mut conn = db.inner.acquire().await?;
    let (record, project) = storage::load::project(&mut conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut conn, record.round_id).await?.ok_or(AppError::NotFound)?;
    let mut facts = storage::facts::round(&mut conn, round.id).await?;
    let cuts: Vec<_> =
        storage::cuts::in_force(&mut conn, round.id).await?.into_iter().filter(|c| c.project_id == id).collect();
    drop(conn);
    let (policy, stored, result) = super::rounds::computed(db, &round).await?;
    let at = stored.iter().position(|(r, _)| r.id == id);
    // Not counted (draft, rejected, withdrawn): what it would get after the counted ones.
    let mut all: Vec<Project> = stored.into_iter().map(|(_, p)| p).collect();
    if at.is_none() {
        all.push(project.clone());
    }
    let own = |r: crate::engine::RoundResult| match at {
        Some(at) => r.projects.into_iter().nth(at),
        None => r.projects.into_iter().last(),
    };
    let result = match at {
        Some(_) => own(result),
        None => own(crate::engine::compute_with(&policy, &all, &facts)),
    }
    .ok_or(AppError::NotFound)?;
    let uncut = if cuts.is_empty() {
        None
    } else {
        facts.cuts.clear();
        own(crate::engine::compute_with(&policy, &all, &facts))
    };
    Ok(Detail { record, project, result, year: round.year, cuts, uncut })
}

/// Division staff and auditors may see one project's full ID number; every reveal is
/// audited (`id_number.reveal`, the number masked in the entry). Others get 403.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn reveal(db: &Db, actor: Actor<'_>, id: i64) -> Result<String, AppError> {
    actor.require(may_reveal(actor))?;
    let mut tx = storage::begin_write(db).await?;
    let (record, project) = storage::load::project(&mut tx, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let full = project.applicant.id_number;
    let mut e = actor.entry("id_number.reveal", "project", id, Some(record.round_id));
    e.new = serde_json::json!({ "id_number": mask::id_number(&full) });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(full)
}

/// Who may see a full ID number.
#[must_use]
pub fn may_reveal(actor: Actor<'_>) -> bool {
    matches!(actor.role, Role::DivisionStaff | Role::Auditor)
}
