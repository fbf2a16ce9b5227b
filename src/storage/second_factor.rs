//! A user's TOTP secret (confirmed, or being enrolled), the last time step accepted, and
//! the SHA-256 of their one-time recovery codes. The guards are in the SQL: a step is
//! taken only if it is later than the last one, a code only if it is unused, so that two
//! requests with the same code cannot both pass.

use sqlx::Row;

use super::Conn;

/// What a user has of a second factor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub secret: Option<String>,
    pub pending: Option<String>,
    pub last_step: i64,
    /// Unused recovery codes.
    pub codes_left: i64,
}

/// # Errors
/// A database error.
pub async fn state(conn: &mut Conn, user_id: i64) -> Result<State, sqlx::Error> {
    let row = sqlx::query(
        "SELECT totp_secret, totp_pending_secret, totp_last_step, (SELECT COUNT(*) FROM recovery_codes c \
         WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes_left FROM users u WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(State::default()) };
    Ok(State {
        secret: super::rows::opt(&r, "totp_secret")?,
        pending: super::rows::opt(&r, "totp_pending_secret")?,
        last_step: r.try_get("totp_last_step")?,
        codes_left: r.try_get("codes_left")?,
    })
}

/// Start (or restart) an enrolment with a new secret; the confirmed one, if any, stays.
///
/// # Errors
/// A database error.
pub async fn set_pending(conn: &mut Conn, user_id: i64, secret: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_pending_secret = $1 WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Confirm the pending secret (its first code was right, at `step`) and replace the
/// recovery codes; `false` when no enrolment was pending.
///
/// # Errors
/// A database error.
pub async fn enable(conn: &mut Conn, user_id: i64, step: i64, code_hashes: &[String]) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_last_step = $1 \
         WHERE id = $2 AND totp_pending_secret IS NOT NULL",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    let now = super::now();
    for hash in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(hash)
            .bind(&now)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

/// Turn the second factor off: secret, enrolment and recovery codes go.
///
/// # Errors
/// A database error.
pub async fn disable(conn: &mut Conn, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(())
}

/// Take a time step: `true` only when it is later than every step taken before.
///
/// # Errors
/// A database error.
pub async fn take_step(conn: &mut Conn, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
        .bind(step)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Use a recovery code: `true` only for an unused code of this user.
///
/// # Errors
/// A database error.
pub async fn use_recovery_code(conn: &mut Conn, user_id: i64, code_hash: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(super::now())
            .bind(user_id)
            .bind(code_hash)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
