//! The floors of the confirmed import (issue 19): the same projects and loans written into
//! a fresh round with nothing else, in one transaction. SQLite: multi-row `INSERT … VALUES`
//! of 500 rows (anonymous `?` parameters) through the same `Any` driver the server uses (one prepared statement per
//! shape); PostgreSQL: `COPY … FROM STDIN` on a plain `PgConnection`, the fastest way in.
//! No check, no recalculation, no audit: what the confirmed import is measured against.

use std::collections::HashMap;

use sqlx::{Connection, Row};
use tiexi::engine::Project;
use tiexi::storage;

const CHUNK: usize = 500;
const PROJECT_COLUMNS: &str = "round_id, project_key, position, name, unit, applicant_type, org_name, credit_code, \
    leader, id_number, phone, union_member, industry, households, hardship_households, radiated_households, \
    income_increase_fen, score, note, extra_json, created_at, updated_at";
const LOAN_COLUMNS: &str = "round_id, project_id, contract_no, occurrence, position, bank, principal_fen, rate, \
    disbursed_on, maturity_on, settled_on, interest_paid_fen, source_row";

/// A project row as text fields (None is NULL), in `PROJECT_COLUMNS` order.
fn project_row(round_id: i64, position: usize, p: &Project) -> Vec<Option<String>> {
    let a = &p.applicant;
    let now = "2026-01-01T00:00:00Z".to_string();
    vec![
        Some(round_id.to_string()),
        Some(p.key.clone()),
        Some(position.to_string()),
        Some(p.name.clone()),
        Some(a.unit.clone()),
        Some(p.applicant_type.code().to_string()),
        Some(a.org_name.clone()),
        Some(a.credit_code.clone()),
        Some(a.leader.clone()),
        Some(a.id_number.clone()),
        Some(a.phone.clone()),
        p.union_member.map(|u| i64::from(u).to_string()),
        Some(a.industry.clone()),
        Some(p.households.to_string()),
        a.hardship_households.map(|v| v.to_string()),
        a.radiated_households.map(|v| v.to_string()),
        p.income_increase.map(|m| m.fen().to_string()),
        p.score.map(|s| s.normalize().to_string()),
        Some(a.note.clone()),
        Some(serde_json::to_string(&a.extra).unwrap_or_default()),
        Some(now.clone()),
        Some(now),
    ]
}

/// The loan rows of the projects, given their ids, in `LOAN_COLUMNS` order.
fn loan_rows(round_id: i64, projects: &[Project], ids: &[i64]) -> Vec<Vec<Option<String>>> {
    let mut occurrence: HashMap<&str, i64> = HashMap::new();
    let mut out = Vec::new();
    for (p, id) in projects.iter().zip(ids) {
        for (at, l) in p.loans.iter().enumerate() {
            let k = occurrence.entry(&l.contract_no).or_insert(0);
            out.push(vec![
                Some(round_id.to_string()),
                Some(id.to_string()),
                Some(l.contract_no.clone()),
                Some(k.to_string()),
                Some(at.to_string()),
                Some(l.bank.clone()),
                Some(l.principal.fen().to_string()),
                Some(l.rate.normalize().to_string()),
                Some(l.disbursed_on.to_string()),
                Some(l.maturity_on.to_string()),
                l.settled_on.map(|d| d.to_string()),
                l.interest_paid.map(|m| m.fen().to_string()),
                Some(l.row.to_string()),
            ]);
            *k += 1;
        }
    }
    out
}

/// Integer columns (by index) of each table, bound as integers on the `Any` driver.
const PROJECT_INTS: &[usize] = &[0, 2, 11, 13, 14, 15, 16];
const LOAN_INTS: &[usize] = &[0, 1, 3, 4, 6, 11, 12];

async fn insert_rows(
    conn: &mut storage::Conn,
    table: &str,
    columns: &str,
    ints: &[usize],
    rows: &[Vec<Option<String>>],
) {
    for chunk in rows.chunks(CHUNK) {
        let width = chunk[0].len();
        let mut sql = format!("INSERT INTO {table} ({columns}) VALUES ");
        for r in 0..chunk.len() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            // Anonymous parameters, as storage::bulk writes them for SQLite (numbered ones
            // bind in quadratic time there).
            for c in 0..width {
                sql.push_str(if c > 0 { ", ?" } else { "?" });
            }
            sql.push(')');
        }
        // AssertSqlSafe: the bench's own SQL (table and column names of ours); values are bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for row in chunk {
            for (c, v) in row.iter().enumerate() {
                q = match (v, ints.contains(&c)) {
                    (Some(v), true) => q.bind(v.parse::<i64>().expect("an integer")),
                    (Some(v), false) => q.bind(v.clone()),
                    (None, true) => q.bind(None::<i64>),
                    (None, false) => q.bind(None::<String>),
                };
            }
        }
        q.execute(&mut *conn).await.expect("the floor's insert");
    }
}

async fn ids_by_position(conn: &mut storage::Conn, round_id: i64, n: usize) -> Vec<i64> {
    let rows = sqlx::query("SELECT id FROM projects WHERE round_id = $1 ORDER BY position")
        .bind(round_id)
        .fetch_all(conn)
        .await
        .expect("ids");
    let ids: Vec<i64> = rows.iter().map(|r| r.try_get(0).expect("an id")).collect();
    assert_eq!(ids.len(), n);
    ids
}

/// SQLite (and any backend through `Any`): multi-row INSERTs in one transaction.
pub async fn insert(pool: &storage::Pool, round_id: i64, projects: &[Project]) {
    let mut tx = pool.inner.begin().await.expect("a transaction");
    let rows: Vec<_> = projects.iter().enumerate().map(|(i, p)| project_row(round_id, i, p)).collect();
    insert_rows(&mut tx, "projects", PROJECT_COLUMNS, PROJECT_INTS, &rows).await;
    let ids = ids_by_position(&mut tx, round_id, projects.len()).await;
    insert_rows(&mut tx, "loans", LOAN_COLUMNS, LOAN_INTS, &loan_rows(round_id, projects, &ids)).await;
    tx.commit().await.expect("committed");
}

/// COPY's text format: tab-separated, `\N` for NULL, backslash escapes.
fn copy_text(rows: &[Vec<Option<String>>]) -> Vec<u8> {
    let mut out = String::new();
    for row in rows {
        for (c, v) in row.iter().enumerate() {
            if c > 0 {
                out.push('\t');
            }
            match v {
                None => out.push_str("\\N"),
                Some(v) => {
                    for ch in v.chars() {
                        match ch {
                            '\\' => out.push_str("\\\\"),
                            '\t' => out.push_str("\\t"),
                            '\n' => out.push_str("\\n"),
                            '\r' => out.push_str("\\r"),
                            ch => out.push(ch),
                        }
                    }
                }
            }
        }
        out.push('\n');
    }
    out.into_bytes()
}

async fn copy(conn: &mut sqlx::PgConnection, table: &str, columns: &str, rows: &[Vec<Option<String>>]) {
    let mut copy = conn.copy_in_raw(&format!("COPY {table} ({columns}) FROM STDIN")).await.expect("COPY starts");
    copy.send(copy_text(rows)).await.expect("COPY data");
    copy.finish().await.expect("COPY ends");
}

/// PostgreSQL: COPY of the same rows in one transaction.
pub async fn copy_in(url: &str, round_id: i64, projects: &[Project]) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("PostgreSQL");
    let mut tx = conn.begin().await.expect("a transaction");
    let rows: Vec<_> = projects.iter().enumerate().map(|(i, p)| project_row(round_id, i, p)).collect();
    copy(&mut tx, "projects", PROJECT_COLUMNS, &rows).await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE round_id = $1 ORDER BY position")
        .bind(round_id)
        .fetch_all(&mut *tx)
        .await
        .expect("ids");
    copy(&mut tx, "loans", LOAN_COLUMNS, &loan_rows(round_id, projects, &ids)).await;
    tx.commit().await.expect("committed");
}
