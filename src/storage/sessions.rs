//! Server-side sessions: the cookie carries a random token; only its SHA-256 is stored.
//! A session ends at its absolute expiry, after an idle time without requests
//! (`last_seen_at`), at logout, or when the same browser logs in again. One that still
//! waits for its second factor (`second_factor_pending`) opens nothing but that step.

use sqlx::Row;

use super::users::User;
use super::Conn;

/// # Errors
/// A database error.
pub async fn insert(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    expires_at: &str,
    second_factor_pending: bool,
) -> Result<(), sqlx::Error> {
    let now = super::now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, \
         second_factor_pending) VALUES ($1, $2, $3, $4, $5, $4, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(now)
    .bind(expires_at)
    .bind(i64::from(second_factor_pending))
    .execute(conn)
    .await?;
    Ok(())
}

/// A live session as found.
#[derive(Debug, Clone)]
pub struct Found {
    pub user: User,
    pub csrf: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
    /// RFC 3339 UTC: the last request that was written down (at most a minute behind).
    pub last_seen_at: String,
    /// The user has a confirmed TOTP secret.
    pub second_factor: bool,
    /// The user must replace a one-time password first (docs/accounts.md).
    pub must_change_password: bool,
}

/// The live session: not expired, not idle since `idle_since`, past its second factor,
/// user not disabled.
///
/// # Errors
/// A database error.
pub async fn find(
    conn: &mut Conn,
    token_hash: &str,
    now: &str,
    idle_since: &str,
) -> Result<Option<Found>, sqlx::Error> {
    find_stage(conn, token_hash, now, idle_since, false).await
}

/// A session that waits for its second factor (password checked a moment ago).
///
/// # Errors
/// A database error.
pub async fn find_pending(conn: &mut Conn, token_hash: &str, now: &str) -> Result<Option<Found>, sqlx::Error> {
    find_stage(conn, token_hash, now, "", true).await
}

async fn find_stage(
    conn: &mut Conn,
    token_hash: &str,
    now: &str,
    idle_since: &str,
    pending: bool,
) -> Result<Option<Found>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.role, u.unit, u.display_name, s.csrf_token, s.expires_at, s.last_seen_at, \
         CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS totp, u.must_change_password FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND s.second_factor_pending = $4 \
         AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_since)
    .bind(i64::from(pending))
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let user = User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: super::rows::code(&r, "role", crate::accounts::Role::parse)?,
        unit: super::rows::opt(&r, "unit")?,
        display_name: r.try_get("display_name")?,
        disabled: false,
    };
    Ok(Some(Found {
        user,
        csrf: r.try_get("csrf_token")?,
        expires_at: r.try_get("expires_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        second_factor: r.try_get::<i64, _>("totp")? == 1,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
    }))
}

/// Write down a request's time (the caller does so at most once a minute per session).
/// Not a business write: it goes outside `begin_write`, so that it leaves the write
/// generation, and with it every cached page, alone.
///
/// # Errors
/// A database error.
pub async fn touch(conn: &mut Conn, token_hash: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// # Errors
/// A database error.
pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(conn).await?;
    Ok(())
}

/// Forget sessions past their absolute expiry or idle since `idle_since`.
///
/// # Errors
/// A database error.
pub async fn delete_expired(conn: &mut Conn, now: &str, idle_since: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(idle_since)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
