//! Idempotency keys: a repeated form submission (its one-time key) or API call (its
//! `Idempotency-Key`) finds the first request's row: pending while it runs, then done with
//! the stored response. The web fairing (`web::kernel::idempotency`) decides what to do with it.

use sqlx::Row;

use super::Conn;

/// How long a key is remembered.
pub const KEEP_HOURS: i64 = 24;

/// The first request's answer, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
}

/// What a key already holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The first request with this key is still running (or ended without storing).
    Pending {
        request: String,
    },
    Done {
        request: String,
        response: Stored,
    },
}

/// Claim a key for a request (`METHOD path`); `None` when it was free (now pending), else
/// what the first request left. Keys older than `KEEP_HOURS` are forgotten first.
///
/// # Errors
/// A database error.
pub async fn claim(conn: &mut Conn, user_id: i64, key: &str, request: &str) -> Result<Option<Found>, sqlx::Error> {
    let cutoff = (chrono::Utc::now() - chrono::Duration::hours(KEEP_HOURS)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    sqlx::query("DELETE FROM idempotency WHERE created_at < $1").bind(cutoff).execute(&mut *conn).await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency (user_id, key, request, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(request)
    .bind(super::now())
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    find(conn, user_id, key).await
}

/// What a key holds now, without claiming it (a repeat waiting for the first's answer).
///
/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, user_id: i64, key: &str) -> Result<Option<Found>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT request, state, status, content_type, location, body FROM idempotency WHERE user_id = $1 AND key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let request: String = r.try_get("request")?;
    if r.try_get::<String, _>("state")? != "done" {
        return Ok(Some(Found::Pending { request }));
    }
    let status: i64 = super::rows::opt(&r, "status")?.unwrap_or(500);
    let response = Stored {
        status: u16::try_from(status).unwrap_or(500),
        content_type: super::rows::opt(&r, "content_type")?,
        location: super::rows::opt(&r, "location")?,
        body: super::rows::opt(&r, "body")?.unwrap_or_default(),
    };
    Ok(Some(Found::Done { request, response }))
}

/// Store the first request's answer.
///
/// # Errors
/// A database error.
pub async fn finish(conn: &mut Conn, user_id: i64, key: &str, response: &Stored) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency SET state = 'done', status = $1, content_type = $2, location = $3, \
         body = $4 WHERE user_id = $5 AND key = $6",
    )
    .bind(i64::from(response.status))
    .bind(response.content_type.as_deref())
    .bind(response.location.as_deref())
    .bind(&response.body)
    .bind(user_id)
    .bind(key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forget a key whose request failed on our side (5xx), so that it may be tried again.
///
/// # Errors
/// A database error.
pub async fn release(conn: &mut Conn, user_id: i64, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND state = 'pending'")
        .bind(user_id)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}
