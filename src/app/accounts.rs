//! The accounts page's use cases (issue 17 item 1, docs/accounts.md): division staff add an
//! account, disable or re-enable one, reset a password, change a role or 团场; every user
//! changes their own password. Staff never choose a password for someone else: they get a
//! one-time password (`policy::one_time`) that its user must replace at the first login.
//! Each change is audited through [`Actor::entry`] with old and new values, never a password.
//! Hashing is the caller's (`Passwords`): the web runs argon2id under its login limit.

use std::future::Future;

use serde_json::json;

use super::Actor;
use crate::accounts::{policy, Role};
use crate::error::AppError;
pub use crate::storage::users::{Listed, User};
use crate::storage::{self, Db};

pub mod operator;

/// Hashing and checking passwords, off the async threads and under a limit the caller
/// keeps (argon2id takes 19 MiB and tens of milliseconds a check).
pub trait Passwords {
    /// The stored form of `password`.
    fn hash(&self, password: String) -> impl Future<Output = Result<String, AppError>> + Send;
    /// Whether `password` matches the stored hash.
    fn verify(&self, password: String, stored: String) -> impl Future<Output = Result<bool, AppError>> + Send;
}

/// What the accounts page lists: every account and the division's active 团场.
pub struct Listing {
    pub users: Vec<Listed>,
    pub units: Vec<String>,
}

/// A one-time password to hand over, shown once.
pub struct Issued {
    pub username: String,
    pub password: String,
}

/// The account of `username` and its stored password hash, for the login to check.
///
/// # Errors
/// A database error.
pub async fn for_login(db: &Db, username: &str) -> Result<Option<(User, String)>, AppError> {
    Ok(storage::users::find_for_login(&mut *db.inner.acquire().await?, username).await?)
}

/// The names of who prepared and who approved (an allocation proposal, a disbursement).
///
/// # Errors
/// A database error.
pub async fn signers(
    conn: &mut storage::Conn,
    maker: i64,
    checker: Option<i64>,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    let names = storage::users::names(conn, &[Some(maker), checker].into_iter().flatten().collect::<Vec<_>>()).await?;
    Ok((names.get(&maker).cloned(), checker.and_then(|id| names.get(&id).cloned())))
}

/// The accounts and 团场 for the page.
///
/// # Errors
/// `Forbidden` for anyone but division staff; a database error.
pub async fn listing(db: &Db, actor: Actor<'_>) -> Result<Listing, AppError> {
    actor.require_staff()?;
    let mut conn = db.inner.acquire().await?;
    let users = storage::users::list(&mut conn).await?;
    let units = storage::units::list(&mut conn, true).await?.into_iter().map(|u| u.name).collect();
    Ok(Listing { users, units })
}

/// A role and 团场 from a form: a regiment's 团场 must be on the division's list; other
/// roles keep none.
async fn role_and_unit(db: &Db, role: &str, unit: &str) -> Result<(Role, Option<String>), AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::Invalid("请选择角色".into()))?;
    if role != Role::RegimentStaff {
        return Ok((role, None));
    }
    let unit = unit.trim();
    if unit.is_empty() {
        return Err(AppError::Invalid("团场工会账户须选择团场".into()));
    }
    if !storage::units::is_active(&mut *db.inner.acquire().await?, unit).await? {
        return Err(AppError::Invalid(format!("“{unit}”不在本师团场名单中，请从名单中选择")));
    }
    Ok((role, Some(unit.to_string())))
}

/// A new account with a one-time password (`Invalid` with the reason for a bad name,
/// role or 团场, or a name already taken).
///
/// # Errors
/// `Forbidden`, `Invalid`, a hashing or database error.
pub async fn add(
    db: &Db,
    actor: Actor<'_>,
    passwords: &impl Passwords,
    username: &str,
    role: &str,
    unit: &str,
) -> Result<Issued, AppError> {
    actor.require_staff()?;
    let username = crate::bidi::strip(username.trim()).into_owned();
    if !(1..=50).contains(&username.chars().count()) || username.chars().any(char::is_whitespace) {
        return Err(AppError::Invalid("用户名不能为空、不含空格，最多 50 个字".into()));
    }
    let (role, unit) = role_and_unit(db, role, unit).await?;
    let password = policy::one_time();
    let hashed = passwords.hash(password.clone()).await?;
    let mut tx = storage::begin_write(db).await?;
    if storage::users::find_by_name(&mut tx, &username).await?.is_some() {
        return Err(AppError::Invalid(format!("用户名“{username}”已存在")));
    }
    let id = storage::users::insert(&mut tx, &username, &hashed, role, unit.as_deref()).await?;
    storage::users::set_password(&mut tx, id, &hashed, true, None).await?;
    let mut e = actor.entry("user.add", "user", id, None);
    e.new = json!({ "username": username, "role": role.code(), "unit": unit, "disabled": false, "must_change_password": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Issued { username, password })
}

/// The account a staff action is about; never the actor's own (no one locks themselves out).
async fn other(db: &Db, actor: Actor<'_>, id: i64) -> Result<Listed, AppError> {
    actor.require_staff()?;
    let found = storage::users::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    if Some(found.user.id) == actor.id {
        return Err(AppError::Conflict("不能停用、重置或更改自己的账户；修改自己的密码请用“修改密码”".into()));
    }
    Ok(found)
}

/// Disable an account (its sessions end at once) or re-enable it; returns its username.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` for one's own account, a database error.
pub async fn set_disabled(db: &Db, actor: Actor<'_>, id: i64, disabled: bool) -> Result<String, AppError> {
    let before = other(db, actor, id).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_disabled(&mut tx, id, disabled).await?;
    let action = if disabled { "user.disable" } else { "user.enable" };
    let mut e = actor.entry(action, "user", id, None);
    (e.old, e.new) = (json!({ "disabled": before.user.disabled }), json!({ "disabled": disabled }));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(before.user.username)
}

/// A new one-time password for someone else; their sessions end.
///
/// # Errors
/// As `set_disabled`, and a hashing error.
pub async fn reset(db: &Db, actor: Actor<'_>, passwords: &impl Passwords, id: i64) -> Result<Issued, AppError> {
    let before = other(db, actor, id).await?;
    let password = policy::one_time();
    let hashed = passwords.hash(password.clone()).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_password(&mut tx, id, &hashed, true, None).await?;
    let mut e = actor.entry("user.password_reset", "user", id, None);
    e.old = json!({ "must_change_password": before.must_change_password });
    e.new = json!({ "must_change_password": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Issued { username: before.user.username, password })
}

/// A role and 团场 as changed: the account's username, the role, the 团场.
pub struct RoleChanged {
    pub username: String,
    pub role: Role,
    pub unit: Option<String>,
}

/// A new role or 团场 (`Invalid` when the form's are wrong or unchanged); the user's
/// sessions end.
///
/// # Errors
/// As `set_disabled`, and `Invalid`.
pub async fn set_role(db: &Db, actor: Actor<'_>, id: i64, role: &str, unit: &str) -> Result<RoleChanged, AppError> {
    let before = other(db, actor, id).await?;
    let (role, unit) = role_and_unit(db, role, unit).await?;
    if role == before.user.role && unit == before.user.unit {
        return Err(AppError::Invalid(format!("“{}”的角色和团场没有变化", before.user.username)));
    }
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_role(&mut tx, id, role, unit.as_deref()).await?;
    let mut e = actor.entry("user.role", "user", id, None);
    e.old = json!({ "role": before.user.role, "unit": before.user.unit });
    e.new = json!({ "role": role.code(), "unit": unit });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(RoleChanged { username: before.user.username, role, unit })
}

/// Whether the actor must still replace a one-time password.
///
/// # Errors
/// `Forbidden` without an account; a database error.
pub async fn must_change_password(db: &Db, actor: Actor<'_>) -> Result<bool, AppError> {
    let id = actor.account()?;
    Ok(storage::users::must_change_password(&mut *db.inner.acquire().await?, id).await?)
}

/// The actor's own new password, after the current one (`Unauthorized` when it is wrong;
/// `Invalid` when the new one breaks the policy). The session `keep` (its token's hash)
/// stays; the actor's other sessions end.
///
/// # Errors
/// `Unauthorized`, `Invalid`, `Forbidden` without an account, a hashing or database error.
pub async fn change_own(
    db: &Db,
    actor: Actor<'_>,
    passwords: &impl Passwords,
    keep: Option<&str>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let id = actor.account()?;
    policy::check(new).map_err(|why| AppError::Invalid(why.to_string()))?;
    let found = storage::users::find_for_login(&mut *db.inner.acquire().await?, actor.name).await?;
    let (_, stored) = found.ok_or(AppError::NotFound)?;
    if !passwords.verify(current.to_string(), stored).await? {
        return Err(AppError::Unauthorized);
    }
    let hashed = passwords.hash(new.to_string()).await?;
    let was_required = must_change_password(db, actor).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_password(&mut tx, id, &hashed, false, keep).await?;
    let mut e = actor.entry("user.password_change", "user", id, None);
    e.old = json!({ "must_change_password": was_required });
    e.new = json!({ "must_change_password": false });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}
