//! Consistent copies of a SQLite database while the server runs (docs/hazards.md: a plain file
//! copy of a live WAL database can lose recent writes): `VACUUM INTO` reads one snapshot
//! in a single read transaction and writes a compact, self-contained file.

use sqlx::{Connection, Row};

use super::{Backend, Conn, Pool};

/// Write a snapshot of the pool's SQLite database to `path` (which must not exist, or be empty).
///
/// # Errors
/// Not SQLite, or a database error.
pub async fn vacuum_into(pool: &Pool, path: &str) -> Result<(), sqlx::Error> {
    if pool.backend != Backend::Sqlite {
        return Err(sqlx::Error::Configuration("VACUUM INTO is SQLite's".into()));
    }
    sqlx::query("VACUUM INTO $1").bind(path).execute(&pool.inner).await?;
    Ok(())
}

/// Open a SQLite file read-only, without migrating or changing it.
///
/// # Errors
/// The file cannot be opened as a database.
pub async fn open_read_only(path: &str) -> Result<Conn, sqlx::Error> {
    sqlx::any::install_default_drivers();
    Conn::connect(&format!("sqlite://{path}?mode=ro")).await
}

/// `PRAGMA integrity_check`: `["ok"]` for a sound file, else its complaints.
///
/// # Errors
/// A database error.
pub async fn integrity_check(conn: &mut Conn) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("PRAGMA integrity_check").fetch_all(conn).await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}
