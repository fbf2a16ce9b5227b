//! Accounts. Password hashing is the caller's (web/cli); this module only stores.

use sqlx::Row;

use super::Conn;
use crate::accounts::Role;

/// A user row (never carries the password hash out of storage except for verification).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub unit: Option<String>,
    pub display_name: String,
    pub disabled: bool,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: super::rows::code(r, "role", Role::parse)?,
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
    role: Role,
    unit: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, password_hash, role, unit, display_name, created_at) VALUES ($1, $2, $3, $4, $1, $5) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .bind(role.code())
    .bind(unit)
    .bind(super::now())
    .fetch_one(&mut *conn)
    .await?;
    // A regiment's 团场 belongs to the division's list (storage::units), as migration 0007
    // seeded it from the accounts of its day.
    if let Some(unit) = unit.filter(|u| role == Role::RegimentStaff && !u.trim().is_empty()) {
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
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
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

/// An account as the accounts page lists it (docs/accounts.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub user: User,
    /// The user must replace a one-time password at the next login.
    pub must_change_password: bool,
    /// RFC 3339 UTC, or `None` before the first login.
    pub last_login_at: Option<String>,
}

const LISTED: &str =
    "SELECT id, username, role, unit, display_name, disabled, must_change_password, last_login_at FROM users";

fn listed(r: &sqlx::any::AnyRow) -> Result<Listed, sqlx::Error> {
    Ok(Listed {
        user: from_row(r)?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        last_login_at: super::rows::opt(r, "last_login_at")?,
    })
}

/// Every account, by username.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn) -> Result<Vec<Listed>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{LISTED} ORDER BY username"))).fetch_all(conn).await?;
    rows.iter().map(listed).collect()
}

/// One account by id.
///
/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Listed>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{LISTED} WHERE id = $1"))).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(listed).transpose()
}

/// A new password: one set by staff must be changed at the next login (`must_change`).
/// Staff setting it end the user's sessions; a user changing their own keeps this one
/// (`keep_session`, the hash of its token) and ends the others.
///
/// # Errors
/// A database error.
pub async fn set_password(
    conn: &mut Conn,
    id: i64,
    password_hash: &str,
    must_change: bool,
    keep_session: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3")
        .bind(password_hash)
        .bind(i64::from(must_change))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(id)
        .bind(keep_session.unwrap_or_default())
        .execute(conn)
        .await?;
    Ok(())
}

/// A new role and 团场 (`None` for roles without one); the user's sessions end, so that
/// the new role applies from the next login. A regiment's 团场 joins the division's list.
///
/// # Errors
/// A database error (a regiment without a 团场 breaks the table's check).
pub async fn set_role(conn: &mut Conn, id: i64, role: Role, unit: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = $1, unit = $2 WHERE id = $3")
        .bind(role.code())
        .bind(unit)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *conn).await?;
    if let Some(unit) = unit.filter(|u| role == Role::RegimentStaff && !u.trim().is_empty()) {
        super::units::add(conn, unit.trim()).await?;
    }
    Ok(())
}

/// Whether the user must replace a one-time password before anything else.
///
/// # Errors
/// A database error.
pub async fn must_change_password(conn: &mut Conn, id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT must_change_password FROM users WHERE id = $1").bind(id).fetch_optional(conn).await?;
    Ok(row.map(|r| r.try_get::<i64, _>(0)).transpose()?.unwrap_or(0) != 0)
}

/// Write down a login (shown on the accounts page).
///
/// # Errors
/// A database error.
pub async fn logged_in(conn: &mut Conn, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2").bind(super::now()).bind(id).execute(conn).await?;
    Ok(())
}
