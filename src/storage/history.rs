//! What other rounds granted and subsidised (docs/rules.md §9, docs/facts.md "Days already
//! subsidised" and "Earlier rounds of the same applicant"), read as `engine::facts::History`
//! for the identities and contracts asked about. Set-based: the keys go in as one JSON array
//! and each kind is one query joining it to its index (`loans_contract`, `projects_id_number`,
//! `projects_credit_code`), never a loop over earlier projects, so a database of many rounds
//! previews an import about as fast as an empty one (issue 15 item 5, benches/history.rs).
//!
//! Not chunks of `IN ($2, …, $501)`: PostgreSQL plans such a list as a filter compared
//! element by element, and chose a scan of every loan for each of the 20 chunks of a
//! 10,000-loan file (1 s of a 1.5 s preview over seven earlier rounds), where the array's
//! elements probe the index once each. What each query finds comes back on SQLite as one JSON
//! array, on PostgreSQL as one row per match (`found`).

use std::collections::BTreeSet;

use sqlx::Row;

use super::Conn;
use crate::engine::facts::History;

mod found;
use found::{select, GRANT, LOAN};

/// A subquery giving the elements of the JSON array of strings bound at `$n`, as text.
fn elements(conn: &Conn, n: usize) -> String {
    if conn.backend_name() == "PostgreSQL" {
        format!("SELECT json_array_elements_text(${n}::json)")
    } else {
        format!("SELECT value FROM json_each(${n})")
    }
}

/// The keys as one JSON array, to bind as one parameter whatever their number. Strings and
/// integers always serialize; were one not to, the empty text is no JSON array and the
/// query fails rather than finding nothing.
fn array<T: serde::Serialize>(keys: &[T]) -> String {
    serde_json::to_string(keys).unwrap_or_default()
}

/// The history of other rounds than `year` for the applicants known by `identities` (a
/// leader's 身份证号 or an organisation's 统一社会信用代码) and the `contracts`. A stored
/// round's policy that no longer parses gives no days (its round cannot be computed either).
///
/// # Errors
/// A database error.
pub async fn for_keys(
    conn: &mut Conn,
    year: i32,
    identities: &BTreeSet<String>,
    contracts: &BTreeSet<String>,
) -> Result<History, sqlx::Error> {
    let mut history = History::default();
    let ids: Vec<&String> = identities.iter().filter(|i| !i.is_empty()).collect();
    if !ids.is_empty() {
        let ids = array(&ids);
        // Either identity of the file against either column, one indexed join each; a
        // project found through both is listed once under each identity (`found::add_grants`).
        for column in ["id_number", "credit_code"] {
            let from = format!(
                "FROM projects p JOIN rounds r ON r.id = p.round_id \
                 WHERE p.{column} IN ({}) AND r.year <> $1 AND p.granted_fen > 0",
                elements(conn, 2)
            );
            let sql = select(conn, GRANT, &from, "");
            // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
            found::add_grants(
                conn,
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year)).bind(&ids),
                &mut history,
            )
            .await?;
        }
    }
    if !contracts.is_empty() {
        let contracts: Vec<&String> = contracts.iter().collect();
        subsidised(conn, year, &array(&contracts), &mut history).await?;
    }
    Ok(history)
}

/// docs/rules.md §9: the eligible days of each loan of another round holding one of the
/// `contracts` (a JSON array), whose project holds a grant above 0. The first row of a
/// contract in its round only: a repeated row is a `duplicate_contract` and earned nothing.
async fn subsidised(conn: &mut Conn, year: i32, contracts: &str, history: &mut History) -> Result<(), sqlx::Error> {
    let from = format!(
        "FROM loans l JOIN projects p ON p.id = l.project_id JOIN rounds r ON r.id = l.round_id \
         WHERE l.contract_no IN ({}) AND l.occurrence = 0 AND r.year <> $1 AND p.granted_fen > 0",
        elements(conn, 2)
    );
    let sql = select(conn, LOAN, &from, "");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    found::add_subsidised(conn, sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year)).bind(contracts), history)
        .await
}

/// `for_keys` of a stored round's own identities and contracts (what `keys_of_round` gives),
/// each kind in one query joining the round's keys in SQL. Binding the keys of a round of
/// 100,000 loans chunk by chunk took 8.7 s of a confirmed import on PostgreSQL (issue 19).
///
/// # Errors
/// A database error.
pub async fn of_round(conn: &mut Conn, year: i32, round_id: i64) -> Result<History, sqlx::Error> {
    let mut history = History::default();
    // Either identity of the round against either column, as `keys_of_round` mixes them.
    for column in ["id_number", "credit_code"] {
        let from = format!(
            "FROM projects p JOIN rounds r ON r.id = p.round_id \
             WHERE p.{column} IN (SELECT k.id_number FROM projects k WHERE k.round_id = $2 AND k.id_number <> '' \
             UNION SELECT k.credit_code FROM projects k WHERE k.round_id = $2 AND k.credit_code <> '') \
             AND r.year <> $1 AND p.granted_fen > 0"
        );
        let sql = select(conn, GRANT, &from, "");
        // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
        found::add_grants(
            conn,
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year)).bind(round_id),
            &mut history,
        )
        .await?;
    }
    let from = "FROM loans l JOIN projects p ON p.id = l.project_id JOIN rounds r ON r.id = l.round_id \
                WHERE l.contract_no IN (SELECT k.contract_no FROM loans k WHERE k.round_id = $2) \
                AND l.occurrence = 0 AND r.year <> $1 AND p.granted_fen > 0";
    let sql = select(conn, LOAN, from, "");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    found::add_subsidised(
        conn,
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(i64::from(year)).bind(round_id),
        &mut history,
    )
    .await?;
    Ok(history)
}

/// The identities (身份证号, 统一社会信用代码) and contracts of a stored round.
///
/// # Errors
/// A database error.
pub async fn keys_of_round(
    conn: &mut Conn,
    round_id: i64,
) -> Result<(BTreeSet<String>, BTreeSet<String>), sqlx::Error> {
    let mut identities = BTreeSet::new();
    for r in sqlx::query("SELECT DISTINCT id_number, credit_code FROM projects WHERE round_id = $1")
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?
    {
        identities.insert(r.try_get::<String, _>(0)?);
        identities.insert(r.try_get::<String, _>(1)?);
    }
    identities.remove("");
    let contracts = sqlx::query_scalar("SELECT DISTINCT contract_no FROM loans WHERE round_id = $1")
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    Ok((identities, contracts))
}

/// One project of an applicant, in any round, with what it holds and was paid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApplicantProject {
    pub year: i32,
    pub project_id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub state: crate::review::State,
    pub requested: crate::engine::Money,
    pub granted: crate::engine::Money,
    pub paid: crate::engine::Money,
    pub contracts: Vec<String>,
}

/// Every project of the applicant known by `identity` (身份证号 or 统一社会信用代码), in
/// every round, oldest first: the auditor's view of one applicant (`GET /api/v1/history`).
///
/// # Errors
/// A database error.
pub async fn of_applicant(conn: &mut Conn, identity: &str) -> Result<Vec<ApplicantProject>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.year, p.id, p.project_key, p.name, p.unit, p.state, p.requested_fen, p.granted_fen, p.paid_fen \
         FROM projects p JOIN rounds r ON r.id = p.round_id WHERE p.id_number = $1 \
         UNION SELECT r.year, p.id, p.project_key, p.name, p.unit, p.state, p.requested_fen, p.granted_fen, p.paid_fen \
         FROM projects p JOIN rounds r ON r.id = p.round_id WHERE p.credit_code = $1 ORDER BY 1, 2",
    )
    .bind(identity)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let contracts = sqlx::query_scalar("SELECT contract_no FROM loans WHERE project_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        out.push(ApplicantProject {
            year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default(),
            project_id: id,
            key: r.try_get("project_key")?,
            name: r.try_get("name")?,
            unit: r.try_get("unit")?,
            state: super::rows::code(&r, "state", crate::review::State::parse)?,
            requested: super::rows::money(&r, "requested_fen")?,
            granted: super::rows::money(&r, "granted_fen")?,
            paid: super::rows::money(&r, "paid_fen")?,
            contracts,
        });
    }
    Ok(out)
}
