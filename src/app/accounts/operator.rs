//! The server operator's account commands (`tiexi user add | disable | reset-second-factor`,
//! docs/accounts.md): whoever may open the database on the server acts as `Actor::cli()`.
//! The first account is made here, before anyone can log in, so an account is added with
//! the password its operator typed (checked by the pages' policy, never shown again), and a
//! 团场 not yet on the division's list joins it. Each change is audited with its old and new
//! values through [`Actor::entry`], as the accounts page's are.

use serde_json::json;

use super::super::Actor;
use crate::accounts::{self, policy, Role};
use crate::error::AppError;
use crate::storage::{self, users::User, Pool};

/// A new account with the operator's password; returns its id.
///
/// # Errors
/// `Invalid` for a password the policy refuses or a name already taken; a hashing or
/// database error.
pub async fn add(
    pool: &Pool,
    actor: Actor<'_>,
    username: &str,
    role: Role,
    unit: Option<&str>,
    password: &str,
) -> Result<i64, AppError> {
    actor.require_staff()?;
    policy::check(password).map_err(|why| AppError::Invalid(why.to_string()))?;
    // A name is shown on pages and in the trail: no bidirectional controls (`bidi`).
    let username = crate::bidi::strip(username.trim());
    let unit = unit.map(crate::bidi::strip);
    let unit = unit.as_deref();
    let hash = accounts::hash_password(password).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = storage::begin_write(pool).await?;
    if storage::users::find_by_name(&mut tx, &username).await?.is_some() {
        return Err(AppError::Invalid(format!("无法创建账户：用户名“{username}”已存在")));
    }
    let id = storage::users::insert(&mut tx, &username, &hash, role, unit).await?;
    let mut e = actor.entry("user.add", "user", id, None);
    e.new = json!({ "username": username, "role": role.code(), "unit": unit, "disabled": false });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(id)
}

async fn named(tx: &mut storage::Conn, username: &str) -> Result<User, AppError> {
    storage::users::find_by_name(tx, username).await?.ok_or_else(|| AppError::Invalid(format!("没有账户 {username}")))
}

/// The account can no longer log in, and its sessions end.
///
/// # Errors
/// `Invalid` when there is no such account; a database error.
pub async fn disable(pool: &Pool, actor: Actor<'_>, username: &str) -> Result<(), AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(pool).await?;
    let user = named(&mut tx, username).await?;
    storage::users::set_disabled(&mut tx, user.id, true).await?;
    let mut e = actor.entry("user.disable", "user", user.id, None);
    (e.old, e.new) = (json!({ "disabled": user.disabled }), json!({ "disabled": true }));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// Turn off someone's second factor, for a user who lost both the phone and the recovery
/// codes (after checking who they are in person); they enrol again at the next login, which
/// their role may require.
///
/// # Errors
/// `Invalid` when there is no such account; a database error.
pub async fn reset_second_factor(pool: &Pool, actor: Actor<'_>, username: &str) -> Result<(), AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(pool).await?;
    let user = named(&mut tx, username).await?;
    storage::second_factor::disable(&mut tx, user.id).await?;
    let mut e = actor.entry("user.second_factor_reset", "user", user.id, None);
    e.new = json!({ "second_factor": false });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}
