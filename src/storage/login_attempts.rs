//! Login attempts, counted in SQL before any password is checked (issue 18): one row per
//! subject (`user:NAME`, `addr:IP`) with every attempt, the failures that set the growing
//! delay, and the time before which no password of that subject is checked. The caller
//! runs `claim` inside `begin_write`, whose lock serialises every claim of every process,
//! so that concurrent attempts are each counted and each sees the ones before it.

use sqlx::Row;

use super::Conn;

/// A subject's counters as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    pub attempts: i64,
    pub failures: i64,
    /// RFC 3339 UTC, `''` when none.
    pub last_failure_at: String,
    /// RFC 3339 UTC, `''` when no delay was ever set.
    pub not_before: String,
}

/// The subject's counters after counting one more attempt.
///
/// # Errors
/// A database error.
pub async fn count(conn: &mut Conn, subject: &str) -> Result<Counters, sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_attempts (subject, attempts) VALUES ($1, 1) \
         ON CONFLICT (subject) DO UPDATE SET attempts = login_attempts.attempts + 1",
    )
    .bind(subject)
    .execute(&mut *conn)
    .await?;
    find(conn, subject).await.map(Option::unwrap_or_default)
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, subject: &str) -> Result<Option<Counters>, sqlx::Error> {
    let row =
        sqlx::query("SELECT attempts, failures, last_failure_at, not_before FROM login_attempts WHERE subject = $1")
            .bind(subject)
            .fetch_optional(conn)
            .await?;
    row.map(|r| {
        Ok(Counters {
            attempts: r.try_get("attempts")?,
            failures: r.try_get("failures")?,
            last_failure_at: r.try_get("last_failure_at")?,
            not_before: r.try_get("not_before")?,
        })
    })
    .transpose()
}

/// Record a failure (counted before the check, so a check still running counts) and the
/// time before which the subject's next password is not checked.
///
/// # Errors
/// A database error.
pub async fn fail(
    conn: &mut Conn,
    subject: &str,
    failures: i64,
    now: &str,
    not_before: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_attempts SET failures = $1, last_failure_at = $2, not_before = $3 WHERE subject = $4")
        .bind(failures)
        .bind(now)
        .bind(not_before)
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

/// The right password (and second factor): the subject's failures are forgotten.
///
/// # Errors
/// A database error.
pub async fn clear(conn: &mut Conn, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_attempts SET failures = 0, last_failure_at = '', not_before = '' WHERE subject = $1")
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

/// Take back one failure counted before a check that then succeeded (the address's
/// counter, which a success does not clear).
///
/// # Errors
/// A database error.
pub async fn undo(conn: &mut Conn, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_attempts SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE subject = $1",
    )
    .bind(subject)
    .execute(conn)
    .await?;
    Ok(())
}
