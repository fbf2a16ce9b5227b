//! A project's personal numbers: the full ID number shown to the roles that need it, each
//! reveal audited with the number masked (docs/glossary.md, the roles and `id_number.reveal`).

use super::Actor;
use crate::accounts::Role;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::{self, Db};

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
