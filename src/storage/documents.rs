//! Supporting documents of a project (贷款合同, 结息单): kept in the database under a
//! server-chosen `stored_name`, so that a backup holds them with the project.

use sqlx::Row;

use super::Conn;
use crate::review::DocumentKind;

/// A document's description (its bytes are read only for a download).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Document {
    pub id: i64,
    pub project_id: i64,
    pub kind: DocumentKind,
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// A new document, as checked by the web layer.
#[derive(Debug, Clone)]
pub struct New<'a> {
    pub project_id: i64,
    pub kind: DocumentKind,
    pub stored_name: &'a str,
    pub original_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: i64,
}

const COLUMNS: &str = "id, project_id, kind, stored_name, original_name, content_type, size_bytes, sha256, uploaded_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Document, sqlx::Error> {
    Ok(Document {
        id: r.try_get("id")?,
        project_id: r.try_get("project_id")?,
        kind: super::rows::code(r, "kind", DocumentKind::parse)?,
        stored_name: r.try_get("stored_name")?,
        original_name: r.try_get("original_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

/// Store a document; returns its id.
///
/// # Errors
/// A database error.
pub async fn insert(conn: &mut Conn, d: &New<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO documents (project_id, kind, stored_name, original_name, content_type, size_bytes, sha256, content, \
         uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.project_id)
    .bind(d.kind.code())
    .bind(d.stored_name)
    .bind(d.original_name)
    .bind(d.content_type)
    .bind(i64::try_from(d.content.len()).unwrap_or(i64::MAX))
    .bind(d.sha256)
    .bind(d.content)
    .bind(d.uploaded_by)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// The documents of a project, oldest first.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, project_id: i64) -> Result<Vec<Document>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE project_id = $1 ORDER BY id")))
            .bind(project_id)
            .fetch_all(conn)
            .await?;
    rows.iter().map(from_row).collect()
}

/// One document of a project, with its bytes.
///
/// # Errors
/// A database error.
pub async fn fetch(
    conn: &mut Conn,
    project_id: i64,
    stored_name: &str,
) -> Result<Option<(Document, Vec<u8>)>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS}, content FROM documents WHERE project_id = $1 AND stored_name = $2 AND purged_at IS NULL"
    )))
    .bind(project_id)
    .bind(stored_name)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("content")?))).transpose()
}
