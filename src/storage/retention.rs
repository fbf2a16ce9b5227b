//! How long uploads are kept (issue 18): a preview never confirmed goes whole after a few
//! days; the bytes of a confirmed import and of a supporting document go some years after
//! their round closed (the row stays: who uploaded what, its SHA-256). Expired sessions
//! and stale login counters go too. The caller decides the cut-offs and audits the result.

use sqlx::Row;

use super::Conn;

/// What one purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    /// Previews never confirmed: deleted with their preview.
    pub imports_deleted: Vec<i64>,
    /// Confirmed imports whose file and preview were removed.
    pub imports_emptied: Vec<i64>,
    /// Supporting documents whose bytes were removed.
    pub documents_emptied: Vec<i64>,
}

impl Purged {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.imports_deleted.is_empty() && self.imports_emptied.is_empty() && self.documents_emptied.is_empty()
    }
}

/// The cut-offs, RFC 3339 UTC.
#[derive(Debug, Clone)]
pub struct Cutoffs {
    pub now: String,
    /// Previews created before this are deleted.
    pub unconfirmed_before: String,
    /// Rounds closed (last updated) before this have their uploads emptied.
    pub closed_before: String,
    /// Sessions idle since before this are deleted.
    pub idle_before: String,
    /// Login counters quiet since before this are deleted.
    pub quiet_before: String,
}

async fn ids(conn: &mut Conn, sql: &'static str, binds: &[&str]) -> Result<Vec<i64>, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(conn).await?.iter().map(|r| r.try_get(0)).collect()
}

/// Remove what is past its time.
///
/// # Errors
/// A database error.
pub async fn purge(conn: &mut Conn, c: &Cutoffs) -> Result<Purged, sqlx::Error> {
    let imports_deleted = ids(
        conn,
        "DELETE FROM imports WHERE status = 'previewed' AND created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.import_id = imports.id) RETURNING id",
        &[&c.unconfirmed_before],
    )
    .await?;
    let closed = "SELECT id FROM rounds WHERE status = 'closed' AND updated_at < $2";
    let sql = format!(
        "UPDATE imports SET file_bytes = $3, preview_json = '{{}}', purged_at = $1 \
         WHERE status = 'confirmed' AND purged_at IS NULL AND round_id IN ({closed}) RETURNING id"
    );
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&c.now).bind(&c.closed_before).bind(Vec::<u8>::new());
    let imports_emptied = q.fetch_all(&mut *conn).await?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
    let sql = format!(
        "UPDATE documents SET content = $3, purged_at = $1 WHERE purged_at IS NULL AND project_id IN \
         (SELECT p.id FROM projects p WHERE p.round_id IN ({closed})) RETURNING id"
    );
    let q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&c.now).bind(&c.closed_before).bind(Vec::<u8>::new());
    let documents_emptied = q.fetch_all(&mut *conn).await?.iter().map(|r| r.try_get(0)).collect::<Result<_, _>>()?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(&c.now)
        .bind(&c.idle_before)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM login_attempts WHERE not_before < $1 AND last_failure_at < $1")
        .bind(&c.quiet_before)
        .execute(&mut *conn)
        .await?;
    let mut purged = Purged { imports_deleted, imports_emptied, documents_emptied };
    for list in [&mut purged.imports_deleted, &mut purged.imports_emptied, &mut purged.documents_emptied] {
        list.sort_unstable();
    }
    Ok(purged)
}
