//! The TOTP second factor of an account (ASVS 5.0 6.3.2, 6.5; docs/accounts.md): whether a
//! user has it on, enrolling (a new secret, then a first code, then ten one-time recovery
//! codes shown once), turning it off, and checking a code at the login (a time step taken
//! once, a recovery code used up). Confirming, turning off and using a recovery code are
//! audited (docs/ARCHITECTURE.md, "The audit trail"). Who must enrol, and the login limit
//! that counts every code tried, are the web's.

use super::Actor;
use crate::error::AppError;
use crate::second_factor;
use crate::storage::{self, Db};

use super::accounts::User;

pub use crate::storage::second_factor::State;

/// Whether user `user_id` has the second factor on (a login then waits for a code).
///
/// # Errors
/// A database error.
pub async fn is_on(db: &Db, user_id: i64) -> Result<bool, AppError> {
    Ok(storage::second_factor::state(&mut *db.inner.acquire().await?, user_id).await?.secret.is_some())
}

/// The actor's own second factor: on or not, recovery codes left, an enrolment under way.
///
/// # Errors
/// `Forbidden` without an account, or a database error.
pub async fn state(db: &Db, actor: Actor<'_>) -> Result<State, AppError> {
    Ok(storage::second_factor::state(&mut *db.inner.acquire().await?, actor.account()?).await?)
}

/// Start (or restart) the actor's enrolment: a new secret, not yet in force.
///
/// # Errors
/// `Forbidden` without an account, or a database error.
pub async fn start(db: &Db, actor: Actor<'_>) -> Result<(), AppError> {
    let id = actor.account()?;
    let mut tx = storage::begin_write(db).await?;
    storage::second_factor::set_pending(&mut tx, id, &second_factor::new_secret()).await?;
    tx.commit().await?;
    Ok(())
}

/// What a first code did to an enrolment.
pub enum Confirmed {
    /// No enrolment under way.
    NotStarted,
    /// Not a code of the pending secret now.
    WrongCode,
    /// The second factor is on; the recovery codes, to show this once.
    On(Vec<String>),
}

/// Confirm the actor's enrolment with a first code of the pending secret.
///
/// # Errors
/// `Forbidden` without an account, or a database error.
pub async fn confirm(db: &Db, actor: Actor<'_>, code: &str) -> Result<Confirmed, AppError> {
    let id = actor.account()?;
    let mut tx = storage::begin_write(db).await?;
    let state = storage::second_factor::state(&mut tx, id).await?;
    let Some(pending) = state.pending else { return Ok(Confirmed::NotStarted) };
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
    let Some(step) = second_factor::accept(&pending, code, now, 0) else { return Ok(Confirmed::WrongCode) };
    let codes = second_factor::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| second_factor::recovery_hash(c)).collect();
    storage::second_factor::enable(&mut tx, id, step, &hashes).await?;
    let mut e = actor.entry("user.second_factor_on", "user", id, None);
    e.old = serde_json::json!({ "second_factor": state.secret.is_some() });
    e.new = serde_json::json!({ "second_factor": true, "recovery_codes": codes.len() });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(Confirmed::On(codes))
}

/// Turn the actor's second factor off (the caller checked a current code through [`check`]).
///
/// # Errors
/// `Forbidden` without an account, or a database error.
pub async fn turn_off(db: &Db, actor: Actor<'_>) -> Result<(), AppError> {
    let id = actor.account()?;
    let mut tx = storage::begin_write(db).await?;
    storage::second_factor::disable(&mut tx, id).await?;
    let mut e = actor.entry("user.second_factor_off", "user", id, None);
    e.old = serde_json::json!({ "second_factor": true });
    e.new = serde_json::json!({ "second_factor": false });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `code` is the user's: a TOTP code of now (6 digits, each time step once) or an
/// unused recovery code (used up by this, audited by the user). The caller counted the attempt.
///
/// # Errors
/// A database error.
pub async fn check(db: &Db, user: &User, code: &str) -> Result<bool, AppError> {
    let code = code.trim();
    let mut tx = storage::begin_write(db).await?;
    let state = storage::second_factor::state(&mut tx, user.id).await?;
    let Some(secret) = state.secret else { return Ok(false) };
    let digits = code.chars().filter(|c| !c.is_whitespace()).count() == 6;
    let ok = if digits {
        let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
        match second_factor::accept(&secret, code, now, state.last_step) {
            Some(step) => storage::second_factor::take_step(&mut tx, user.id, step).await?,
            None => false,
        }
    } else {
        let hash = second_factor::recovery_hash(code);
        let spent = storage::second_factor::use_recovery_code(&mut tx, user.id, &hash).await?;
        if spent {
            let actor = Actor { id: Some(user.id), name: &user.username, role: user.role, unit: user.unit.as_deref() };
            let mut e = actor.entry("user.recovery_code_use", "user", user.id, None);
            e.old = serde_json::json!({});
            e.new = serde_json::json!({ "recovery_codes_left": state.codes_left - 1 });
            storage::audit::append(&mut tx, &e).await?;
        }
        spent
    };
    tx.commit().await?;
    Ok(ok)
}
