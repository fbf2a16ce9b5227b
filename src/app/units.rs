//! The division's 团场 (units) and corrections of a project's 团场. Division staff keep the
//! list (add a name, stop or resume offering one); the online application picks from it;
//! a project whose 团场 was typed wrong (红星2场) is corrected to a name of the list, with
//! the old and new names in its history and the audit trail (docs/glossary.md).

use serde_json::json;

use super::Actor;
use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::{self, review::Move, Db};

pub use crate::storage::units::Unit;

/// The active 团场 of the list, for the application form and the correction.
///
/// # Errors
/// A database error.
pub async fn offered(db: &Db) -> Result<Vec<String>, AppError> {
    let list = storage::units::list(&mut *db.inner.acquire().await?, true).await?;
    Ok(list.into_iter().map(|u| u.name).collect())
}

/// The whole list, retired names too, for division staff and auditors.
///
/// # Errors
/// `Forbidden` for other roles, or a database error.
pub async fn all(db: &Db, actor: Actor<'_>) -> Result<Vec<Unit>, AppError> {
    actor.require(matches!(actor.role, Role::DivisionStaff | Role::Auditor))?;
    Ok(storage::units::list(&mut *db.inner.acquire().await?, false).await?)
}

/// Add a 团场 at the end of the list; `None` when the name is already there.
///
/// # Errors
/// `Forbidden` (not division staff), `Invalid` (empty or over 50 characters), or a database error.
pub async fn add(db: &Db, actor: Actor<'_>, name: &str) -> Result<Option<i64>, AppError> {
    actor.require_staff()?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::Invalid("团场名称不能为空，最多 50 个字".into()));
    }
    let mut tx = storage::begin_write(db).await?;
    let Some(id) = storage::units::add(&mut tx, name).await? else {
        return Ok(None);
    };
    let mut e = actor.entry("unit.add", "unit", id, None);
    e.new = json!({ "name": name, "active": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Stop offering a 团场 (`active` false) or offer it again; returns its name.
///
/// # Errors
/// `Forbidden` (not division staff), `NotFound`, or a database error.
pub async fn set_active(db: &Db, actor: Actor<'_>, id: i64, active: bool) -> Result<String, AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(db).await?;
    let before = storage::units::set_active(&mut tx, id, active).await?.ok_or(AppError::NotFound)?;
    let mut e = actor.entry(if active { "unit.restore" } else { "unit.retire" }, "unit", id, None);
    e.old = json!({ "name": before.name, "active": before.active });
    e.new = json!({ "name": before.name, "active": active });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(before.name)
}

/// Correct a project's 团场 to a name of the list; returns (old, new).
///
/// # Errors
/// `Forbidden` (not division staff), `NotFound`, `Conflict` (round closed), `Invalid` (not
/// a 团场 of the list, or unchanged), or a database error.
pub async fn correct(db: &Db, actor: Actor<'_>, id: i64, unit: &str) -> Result<(String, String), AppError> {
    actor.require_staff()?;
    let unit = unit.trim();
    let mut tx = storage::begin_write(db).await?;
    let s = super::review::subject(&mut tx, actor, id).await?;
    if !s.round_open {
        return Err(AppError::Conflict("该年度已关闭，不能更正团场".into()));
    }
    if !storage::units::is_active(&mut tx, unit).await? {
        return Err(AppError::Invalid(format!("“{unit}”不在本师团场名单中，请从名单中选择（名单由师市总工会维护）")));
    }
    if s.unit == unit {
        return Err(AppError::Invalid(format!("项目的团场已是“{unit}”")));
    }
    storage::units::set_project_unit(&mut tx, id, unit).await?;
    let words = format!("更正团场：{} → {unit}", s.unit);
    let m = Move { id, from: s.state, to: s.state, publication: None, reason: None };
    storage::review::record(&mut tx, &m, "unit", actor.account()?, &words).await?;
    let mut e = actor.entry("project.unit", "project", id, Some(s.round_id));
    e.old = json!({ "unit": s.unit });
    e.new = json!({ "unit": unit });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok((s.unit, unit.to_string()))
}
