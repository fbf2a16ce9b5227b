//! The banks' interest statements of a round (银行结息清单, docs/rules.md §9, docs/facts.md):
//! the uploaded file and its preview until confirmed, then its lines. Confirming is a
//! guarded state change (a repeated confirm has no second effect) that writes every line
//! or none; a file already confirmed in the round is found by its SHA-256. Lines are never
//! edited (triggers refuse): a correction is a statement of its own.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::Conn;
use crate::engine::facts::StatementLine;
use crate::engine::Money;

/// A stored statement upload.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Upload {
    pub id: i64,
    pub round_id: i64,
    pub user_id: i64,
    pub file_name: String,
    pub file_sha256: String,
    pub status: super::imports::Status,
    #[serde(skip)]
    pub preview_json: String,
    pub created_at: String,
    pub confirmed_at: Option<String>,
}

const COLUMNS: &str = "id, round_id, user_id, file_name, file_sha256, status, preview_json, created_at, confirmed_at";

fn upload(r: &sqlx::any::AnyRow) -> Result<Upload, sqlx::Error> {
    Ok(Upload {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        user_id: r.try_get("user_id")?,
        file_name: r.try_get("file_name")?,
        file_sha256: r.try_get("file_sha256")?,
        status: super::rows::code(r, "status", super::imports::Status::parse)?,
        preview_json: r.try_get("preview_json")?,
        created_at: r.try_get("created_at")?,
        confirmed_at: super::rows::opt(r, "confirmed_at")?,
    })
}

/// One line of a statement, as stored (and as the preview checked it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
// Deliberately like `import::statements::Line` (import/statements.rs): the line as stored (sheet by name, file) against the line as read (sheet by index).
pub struct Line {
    pub contract_no: String,
    pub from: NaiveDate,
    /// The last day of the period, included.
    pub to: NaiveDate,
    pub paid: Money,
    pub penalty: Option<Money>,
    pub bank: String,
    pub sheet: String,
    pub row: u32,
    /// The file it came from (when read back).
    pub file_name: String,
}

/// # Errors
/// A database error.
pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<Upload>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM statements WHERE id = $1")))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(upload).transpose()
}

/// The round's statement uploads, newest first; with `unit`, those uploaded by its users.
///
/// # Errors
/// A database error.
pub async fn list(conn: &mut Conn, round_id: i64, unit: Option<&str>) -> Result<Vec<Upload>, sqlx::Error> {
    let rows = match unit {
        None => {
            // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM statements WHERE round_id = $1 ORDER BY id DESC"
            )))
            .bind(round_id)
            .fetch_all(conn)
            .await?
        }
        Some(unit) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM statements WHERE round_id = $1 \
                 AND user_id IN (SELECT id FROM users WHERE unit = $2) ORDER BY id DESC"
            )))
            .bind(round_id)
            .bind(unit)
            .fetch_all(conn)
            .await?
        }
    };
    rows.iter().map(upload).collect()
}

/// The stored bytes, parsed again at confirmation (never trusted from the client).
///
/// # Errors
/// A database error.
pub async fn bytes(conn: &mut Conn, id: i64) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query("SELECT file_bytes FROM statements WHERE id = $1").bind(id).fetch_one(conn).await?.try_get(0)
}

/// An earlier confirmed statement of the same file in the same round.
///
/// # Errors
/// A database error.
pub async fn confirmed_same_file(conn: &mut Conn, round_id: i64, sha: &str) -> Result<Option<Upload>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM statements WHERE round_id = $1 AND file_sha256 = $2 AND status = 'confirmed' \
         ORDER BY id LIMIT 1"
    )))
    .bind(round_id)
    .bind(sha)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(upload).transpose()
}

/// Confirm a previewed statement and store its lines, in the caller's transaction; `false`
/// when it was confirmed already (then nothing is written).
///
/// # Errors
/// A database error.
pub async fn confirm(conn: &mut Conn, upload: &Upload, lines: &[Line]) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE statements SET status = 'confirmed', confirmed_at = $1 WHERE id = $2 AND status = 'previewed'",
    )
    .bind(super::now())
    .bind(upload.id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    for l in lines {
        sqlx::query(
            "INSERT INTO statement_lines (statement_id, round_id, contract_no, from_on, to_on, paid_fen, penalty_fen, \
             bank, sheet, source_row) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(upload.id)
        .bind(upload.round_id)
        .bind(&l.contract_no)
        .bind(l.from.to_string())
        .bind(l.to.to_string())
        .bind(l.paid.fen())
        .bind(l.penalty.map(Money::fen))
        .bind(&l.bank)
        .bind(&l.sheet)
        .bind(i64::from(l.row))
        .execute(&mut *conn)
        .await?;
    }
    Ok(true)
}

fn date(s: &str) -> Result<NaiveDate, sqlx::Error> {
    s.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Every confirmed line of a round, in the order confirmed (the reconciliation's and the
/// overlap check's input).
///
/// # Errors
/// A database error.
// Deliberately like `cuts::of_project` (storage/cuts.rs): a join and its rows, each of its own tables.
pub async fn lines(conn: &mut Conn, round_id: i64) -> Result<Vec<Line>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.contract_no, l.from_on, l.to_on, l.paid_fen, l.penalty_fen, l.bank, l.sheet, l.source_row, s.file_name \
         FROM statement_lines l JOIN statements s ON s.id = l.statement_id WHERE l.round_id = $1 ORDER BY l.id",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Line {
                contract_no: r.try_get("contract_no")?,
                from: date(&r.try_get::<String, _>("from_on")?)?,
                to: date(&r.try_get::<String, _>("to_on")?)?,
                paid: Money::from_fen(r.try_get("paid_fen")?),
                penalty: super::rows::opt::<i64>(r, "penalty_fen")?.map(Money::from_fen),
                bank: r.try_get("bank")?,
                sheet: r.try_get("sheet")?,
                row: u32::try_from(r.try_get::<i64, _>("source_row")?).unwrap_or(0),
                file_name: r.try_get("file_name")?,
            })
        })
        .collect()
}

/// docs/rules.md §9: the confirmed lines of a round by contract, for `engine::Facts`.
///
/// # Errors
/// A database error.
pub async fn by_contract(conn: &mut Conn, round_id: i64) -> Result<HashMap<String, Vec<StatementLine>>, sqlx::Error> {
    let mut out: HashMap<String, Vec<StatementLine>> = HashMap::new();
    for l in lines(conn, round_id).await? {
        out.entry(l.contract_no).or_default().push(StatementLine { from: l.from, to: l.to, paid: l.paid });
    }
    Ok(out)
}
