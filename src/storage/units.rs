//! The division's 团场 (units): the list the online application picks from and a project's
//! 团场 is corrected to. Names are never deleted (projects and users keep them as text);
//! a retired one is only no longer offered.

use sqlx::Row;

use super::Conn;

/// A 团场 of the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// Every 团场 of the list in its order; `active_only` leaves out the retired ones.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, active_only: bool) -> Result<Vec<Unit>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, active FROM units WHERE active = 1 OR $1 = 0 ORDER BY position, id")
        .bind(i64::from(active_only))
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Unit { id: r.try_get("id")?, name: r.try_get("name")?, active: r.try_get::<i64, _>("active")? == 1 })
        })
        .collect()
}

/// Whether `name` is an active 团场 of the list.
///
/// # Errors
/// A database error.
pub async fn is_active(conn: &mut Conn, name: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE name = $1 AND active = 1")
        .bind(name)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Add a 团场 at the end of the list; `None` when the name is already there.
///
/// # Errors
/// A database error.
pub async fn add(conn: &mut Conn, name: &str) -> Result<Option<i64>, sqlx::Error> {
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM units WHERE name = $1").bind(name).fetch_one(&mut *conn).await?;
    if taken > 0 {
        return Ok(None);
    }
    let id = sqlx::query(
        "INSERT INTO units (name, position, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(position), -1) + 1 FROM units), $2) RETURNING id",
    )
    .bind(name)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(Some(id))
}

/// Offer a 团场 again or no longer; returns it as it was, `None` when there is no such id.
///
/// # Errors
/// A database error.
pub async fn set_active(conn: &mut Conn, id: i64, active: bool) -> Result<Option<Unit>, sqlx::Error> {
    let row =
        sqlx::query("SELECT id, name, active FROM units WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
    let Some(r) = row else { return Ok(None) };
    let before = Unit { id: r.try_get("id")?, name: r.try_get("name")?, active: r.try_get::<i64, _>("active")? == 1 };
    sqlx::query("UPDATE units SET active = $1 WHERE id = $2").bind(i64::from(active)).bind(id).execute(conn).await?;
    Ok(Some(before))
}

/// Correct a project's 团场; returns the old name, `None` when there is no such project.
///
/// # Errors
/// A database error.
pub async fn set_project_unit(conn: &mut Conn, project_id: i64, unit: &str) -> Result<Option<String>, sqlx::Error> {
    let old: Option<String> = sqlx::query_scalar("SELECT unit FROM projects WHERE id = $1")
        .bind(project_id)
        .fetch_optional(&mut *conn)
        .await?;
    if old.is_some() {
        sqlx::query("UPDATE projects SET unit = $1, updated_at = $2 WHERE id = $3")
            .bind(unit)
            .bind(super::now())
            .bind(project_id)
            .execute(conn)
            .await?;
    }
    Ok(old)
}
