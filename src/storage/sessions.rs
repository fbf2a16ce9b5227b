//! Server-side sessions: the cookie carries a random token; only its SHA-256 is stored.

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
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(super::now())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A live session: its user, CSRF token and expiry.
pub type Found = (User, String, String);

/// The live session's user, CSRF token and expiry: not expired, user not disabled.
///
/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, token_hash: &str, now: &str) -> Result<Option<Found>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.role, u.unit, u.display_name, u.disabled, s.csrf_token, s.expires_at FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let user = User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: r.try_get("role")?,
        unit: super::rows::opt(&r, "unit")?,
        display_name: r.try_get("display_name")?,
        disabled: false,
    };
    Ok(Some((user, r.try_get("csrf_token")?, r.try_get("expires_at")?)))
}

/// # Errors
/// A database error.
pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(conn).await?;
    Ok(())
}
