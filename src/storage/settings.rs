//! The division's settings (issue 16): what the reports print about the division (its full
//! name, the signature line, the 制表人, the paying account, where to object to a 公示).
//! Key and text; which keys exist is `crate::app::division::settings`'s to say.

use std::collections::HashMap;

use sqlx::Row;

use super::Conn;

/// Every stored setting.
///
/// # Errors
/// A database error.
pub async fn all(conn: &mut Conn) -> Result<HashMap<String, String>, sqlx::Error> {
    let rows = sqlx::query("SELECT key, value FROM division_settings").fetch_all(conn).await?;
    rows.iter().map(|r| Ok((r.try_get("key")?, r.try_get("value")?))).collect()
}

/// Store a setting; returns the value it replaces, if any.
///
/// # Errors
/// A database error.
pub async fn set(conn: &mut Conn, key: &str, value: &str, by: Option<i64>) -> Result<Option<String>, sqlx::Error> {
    let old: Option<String> = sqlx::query("SELECT value FROM division_settings WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    sqlx::query(
        "INSERT INTO division_settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(by)
    .bind(super::now())
    .execute(conn)
    .await?;
    Ok(old)
}
