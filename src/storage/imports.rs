//! Imports: the uploaded file and its preview are kept until confirmed; confirming is
//! a guarded state change, so a repeated confirm has no second effect.

use sqlx::Row;

use super::Conn;

/// Where an upload (an applicant workbook, a bank's statement) stands: previewed and kept
/// until confirmed (待确认), or confirmed (已确认), docs/glossary.md "Imports and documents".
/// No pure module owns an upload's life: it is this guarded state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Previewed,
    Confirmed,
}

impl Status {
    pub const ALL: [Status; 2] = [Status::Previewed, Status::Confirmed];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Status::Previewed => "previewed",
            Status::Confirmed => "confirmed",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::Previewed => "待确认",
            Status::Confirmed => "已确认",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A stored import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    pub id: i64,
    pub round_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub file_sha256: String,
    pub status: Status,
    pub preview_json: String,
    pub created_at: String,
    pub confirmed_at: Option<String>,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Import, sqlx::Error> {
    Ok(Import {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        user_id: r.try_get("user_id")?,
        file_name: r.try_get("file_name")?,
        file_sha256: r.try_get("file_sha256")?,
        status: super::rows::code(r, "status", Status::parse)?,
        preview_json: r.try_get("preview_json")?,
        created_at: r.try_get("created_at")?,
        confirmed_at: super::rows::opt(r, "confirmed_at")?,
    })
}

const COLUMNS: &str = "id, round_id, user_id, file_name, file_sha256, status, preview_json, created_at, confirmed_at";

/// The two uploads kept with their preview until confirmed: an applicant workbook (`imports`)
/// and a bank's interest statement (`statements`); both tables hold the file the same way.
#[derive(Clone, Copy)]
pub(crate) enum Previewed {
    Import,
    Statement,
}

/// A new previewed upload of either kind; returns its id.
///
/// # Errors
/// A database error.
#[expect(clippy::too_many_arguments, reason = "the columns of one row, each bound once")]
pub(crate) async fn insert_previewed(
    conn: &mut Conn,
    kind: Previewed,
    round_id: i64,
    user_id: i64,
    file_name: &str,
    sha: &str,
    bytes: &[u8],
    preview: &str,
) -> Result<i64, sqlx::Error> {
    let table = match kind {
        Previewed::Import => "imports",
        Previewed::Statement => "statements",
    };
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} (round_id, user_id, file_name, file_sha256, file_bytes, preview_json, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )))
    .bind(round_id)
    .bind(user_id)
    .bind(file_name)
    .bind(sha)
    .bind(bytes)
    .bind(preview)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Import>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM imports WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The stored bytes of an import, parsed again at confirmation (never trusted from the client).
///
/// # Errors
/// A database error.
pub async fn bytes(conn: &mut Conn, id: i64) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query("SELECT file_bytes FROM imports WHERE id = $1").bind(id).fetch_one(conn).await?.try_get(0)
}

/// An earlier confirmed import of the same file into the same round.
///
/// # Errors
/// A database error.
pub async fn confirmed_same_file(conn: &mut Conn, round_id: i64, sha: &str) -> Result<Option<Import>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM imports WHERE round_id = $1 AND file_sha256 = $2 AND status = 'confirmed' ORDER BY id LIMIT 1"
    )))
    .bind(round_id)
    .bind(sha)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Mark an import confirmed; `false` when it already was (the caller then does nothing).
///
/// # Errors
/// A database error.
pub async fn mark_confirmed(conn: &mut Conn, id: i64, only_valid: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE imports SET status = 'confirmed', only_valid = $1, confirmed_at = $2 WHERE id = $3 AND status = 'previewed'")
        .bind(i64::from(only_valid))
        .bind(super::now())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What the preview of an upload found, kept for the round's import history.
///
/// # Errors
/// A database error.
pub async fn set_counts(conn: &mut Conn, id: i64, projects: i64, loans: i64, errors: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE imports SET project_count = $1, loan_count = $2, error_count = $3 WHERE id = $4")
        .bind(projects)
        .bind(loans)
        .bind(errors)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One upload of a round's import history: who, when, the file and what its preview found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Listed {
    pub id: i64,
    pub user_id: i64,
    /// The uploader's name (display name, else user name).
    pub who: String,
    pub file_name: String,
    pub status: Status,
    pub created_at: String,
    pub confirmed_at: Option<String>,
    /// `None` for an upload made before the counts were kept (migration 0013).
    pub projects: Option<i64>,
    pub loans: Option<i64>,
    pub errors: Option<i64>,
}

/// The uploads of a round, newest first; only `user`'s when given.
///
/// # Errors
/// A database error.
pub async fn of_round(conn: &mut Conn, round_id: i64, user: Option<i64>) -> Result<Vec<Listed>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT i.id, i.user_id, COALESCE(NULLIF(u.display_name, ''), u.username) AS who, i.file_name, i.status, \
         i.created_at, i.confirmed_at, i.project_count, i.loan_count, i.error_count \
         FROM imports i JOIN users u ON u.id = i.user_id \
         WHERE i.round_id = $1 AND ($2 = 0 OR i.user_id = $2) ORDER BY i.id DESC",
    )
    .bind(round_id)
    .bind(user.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Listed {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                who: r.try_get("who")?,
                file_name: r.try_get("file_name")?,
                status: super::rows::code(r, "status", Status::parse)?,
                created_at: r.try_get("created_at")?,
                confirmed_at: super::rows::opt(r, "confirmed_at")?,
                projects: super::rows::opt(r, "project_count")?,
                loans: super::rows::opt(r, "loan_count")?,
                errors: super::rows::opt(r, "error_count")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn an_upload_status_reads_back_and_has_its_label() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        assert_eq!(Status::parse("Confirmed"), None);
        assert_eq!((Status::Previewed.label(), Status::Confirmed.label()), ("待确认", "已确认"));
    }
}
