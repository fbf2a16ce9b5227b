//! Accounts. Password hashing is the caller's (web/cli); this module only stores.

use sqlx::Row;

use super::Conn;

/// A user row (never carries the password hash out of storage except for verification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub unit: Option<String>,
    pub display_name: String,
    pub disabled: bool,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: r.try_get("role")?,
        unit: super::rows::opt(r, "unit")?,
        display_name: r.try_get("display_name")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
    })
}

/// # Errors
/// A database error, e.g. the username is taken.
pub async fn insert(
    conn: &mut Conn,
    username: &str,
    password_hash: &str,
    role: &str,
    unit: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, password_hash, role, unit, display_name, created_at) VALUES ($1, $2, $3, NULLIF($4, ''), $1, $5) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(role)
    .bind(super::nullable(unit))
    .bind(super::now())
    .fetch_one(&mut *conn)
    .await?;
    // A regiment's 团场 belongs to the division's list (storage::units), as migration 0007
    // seeded it from the accounts of its day.
    if let Some(unit) = unit.filter(|u| role == "regiment_staff" && !u.trim().is_empty()) {
        super::units::add(conn, unit.trim()).await?;
    }
    row.try_get(0)
}

/// The user and their password hash, for logging in.
///
/// # Errors
/// A database error.
pub async fn find_for_login(conn: &mut Conn, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, username, role, unit, display_name, disabled, password_hash FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("password_hash")?))).transpose()
}

/// # Errors
/// A database error.
pub async fn find_by_name(conn: &mut Conn, username: &str) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, unit, display_name, disabled FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Disable or enable an account; disabling ends its sessions in the same statement group.
///
/// # Errors
/// A database error.
pub async fn set_disabled(conn: &mut Conn, id: i64, disabled: bool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(conn).await?;
    }
    Ok(())
}

/// How many accounts exist (a fresh database has none).
///
/// # Errors
/// A database error.
pub async fn count(conn: &mut Conn) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) FROM users").fetch_one(conn).await?.try_get(0)
}

/// The names people are shown by (the display name, else the username), for the accounts
/// a page names: who proposed, approved or paid. Unknown ids are left out.
///
/// # Errors
/// A database error.
pub async fn names(conn: &mut Conn, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT id, username, display_name FROM users WHERE id IN ({})", marks.join(", "));
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut names = std::collections::HashMap::new();
    for r in query.fetch_all(conn).await? {
        let shown: String = r.try_get("display_name")?;
        let name = if shown.trim().is_empty() { r.try_get("username")? } else { shown };
        names.insert(r.try_get("id")?, name);
    }
    Ok(names)
}
