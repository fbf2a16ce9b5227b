//! Writing many rows at once: a confirmed import's new projects with their loans, events
//! and payees, the round's recalculated figures, and their audit rows. Each is a few
//! statements of many rows (`batch`: multi-row `INSERT … VALUES` on SQLite, arrays through
//! `UNNEST` on PostgreSQL), so that one prepared statement serves every full chunk (issue
//! 19: 100,000 loans written one statement at a time took 34 s of a 36 s confirmed import;
//! benches/RESULTS.md). Binds stay within SQLite's 32,766 variables.

use std::collections::HashMap;

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::{Money, Project, Status};

pub(crate) mod batch;

use batch::{Cell, Table, Type};

/// Rows per multi-row statement on SQLite: every full chunk is the same statement (one
/// prepared statement per shape; the last, shorter chunk is a second shape).
const CHUNK: usize = batch::SQLITE_ROWS;

/// `(…), (…)` for `rows` rows of `columns`, each column an SQL expression in which `?` is
/// its placeholder: `$1`, `$2`, … in order on PostgreSQL, an anonymous `?` on SQLite.
/// SQLite finds a numbered parameter's name by walking the list of names (and sqlx asks for
/// every one), so a statement of n `$N` parameters binds in n² steps: 500 rows of 26 took
/// 0.1 s each, 28 s for the 100,000 loans (issue 19). Anonymous ones bind in order.
pub(super) fn values(conn: &Conn, rows: usize, columns: &[&str]) -> String {
    let numbered = conn.backend_name() != "SQLite";
    let mut sql = String::with_capacity(rows * columns.len() * 12);
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for (c, column) in columns.iter().enumerate() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            if numbered {
                sql.push_str(&column.replace('?', &format!("${n}")));
            } else {
                sql.push_str(column);
            }
        }
        sql.push(')');
    }
    sql
}

/// A new project of an import, the payee its workbook gives (name, bank, account; empty
/// when none) and its request and status (`super::projects::UNCALCULATED` before the
/// engine has run: a caller that computes the round afterwards).
pub struct NewProject<'a> {
    pub project: &'a Project,
    pub payee: [&'a str; 3],
    pub figures: (Money, Status),
}

/// Insert new projects (keys the round does not hold: the caller checked, under the write
/// lock), last in the round and in the order given, with their loans, events and payees.
/// Returns the new projects' ids, in the order given.
///
/// # Errors
/// A database error (a key the round holds already is a unique violation).
#[expect(clippy::too_many_lines, reason = "one row of cells, column by column")]
pub async fn add_projects(
    conn: &mut Conn,
    round_id: i64,
    new: &[NewProject<'_>],
    import: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let first: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM projects WHERE round_id = $1")
            .bind(round_id)
            .fetch_one(&mut *conn)
            .await?;
    let now = super::now();
    let mut cells = Vec::with_capacity(new.len() * PROJECTS.columns.len());
    for (i, n) in new.iter().enumerate() {
        let (p, a) = (n.project, &n.project.applicant);
        cells.extend([
            Cell::int(round_id),
            Cell::text(p.key.as_str()),
            Cell::int(first + i64::try_from(i).unwrap_or(i64::MAX)),
            Cell::text(p.name.as_str()),
            Cell::text(a.unit.as_str()),
            Cell::text(p.applicant_type.code()),
            Cell::text(a.org_name.as_str()),
            Cell::text(a.credit_code.as_str()),
            Cell::text(a.leader.as_str()),
            Cell::text(a.id_number.as_str()),
            Cell::text(a.phone.as_str()),
            Cell::Int(p.union_member.map(i64::from)),
            Cell::text(a.industry.as_str()),
            Cell::int(i64::from(p.households)),
            Cell::Int(a.hardship_households.map(i64::from)),
            Cell::Int(a.radiated_households.map(i64::from)),
            Cell::Int(p.income_increase.map(Money::fen)),
            Cell::Text(p.score.map(|s| s.normalize().to_string().into())),
            Cell::text(a.note.as_str()),
            Cell::text(serde_json::to_string(&a.extra).unwrap_or_else(|_| "[]".into())),
            Cell::text(now.as_str()),
            Cell::text(now.as_str()),
            Cell::text(n.payee[0]),
            Cell::text(n.payee[1]),
            Cell::text(n.payee[2]),
            Cell::Int(import),
            Cell::int(n.figures.0.fen()),
            Cell::text(n.figures.1.code()),
        ]);
    }
    batch::insert(conn, &PROJECTS, &cells).await?;
    drop(cells);
    let ids: HashMap<i64, i64> =
        sqlx::query("SELECT id, position FROM projects WHERE round_id = $1 AND position >= $2")
            .bind(round_id)
            .bind(first)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("position")?, r.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let project_ids: Vec<i64> = (0..new.len())
        .map(|i| ids.get(&(first + i64::try_from(i).unwrap_or(i64::MAX))).copied().ok_or(sqlx::Error::RowNotFound))
        .collect::<Result<_, _>>()?;
    add_loans(conn, round_id, new, &project_ids).await?;
    if new.iter().any(|n| n.project.loans.iter().any(|l| !l.events.is_empty())) {
        add_events(conn, round_id, first, new, &project_ids).await?;
    }
    Ok(project_ids)
}

const PROJECTS: Table<'static> = Table {
    name: "projects",
    columns: &[
        ("round_id", Type::Int),
        ("project_key", Type::Text),
        ("position", Type::Int),
        ("name", Type::Text),
        ("unit", Type::Text),
        ("applicant_type", Type::Text),
        ("org_name", Type::Text),
        ("credit_code", Type::Text),
        ("leader", Type::Text),
        ("id_number", Type::Text),
        ("phone", Type::Text),
        ("union_member", Type::Int),
        ("industry", Type::Text),
        ("households", Type::Int),
        ("hardship_households", Type::Int),
        ("radiated_households", Type::Int),
        ("income_increase_fen", Type::Int),
        ("score", Type::Text),
        ("note", Type::Text),
        ("extra_json", Type::Text),
        ("created_at", Type::Text),
        ("updated_at", Type::Text),
        ("payee_name", Type::Text),
        ("payee_bank", Type::Text),
        ("payee_account", Type::Text),
        ("import_id", Type::Int),
        ("requested_fen", Type::Int),
        ("calc_status", Type::Text),
    ],
};

const LOANS: Table<'static> = Table {
    name: "loans",
    columns: &[
        ("round_id", Type::Int),
        ("project_id", Type::Int),
        ("contract_no", Type::Text),
        ("occurrence", Type::Int),
        ("position", Type::Int),
        ("bank", Type::Text),
        ("principal_fen", Type::Int),
        ("rate", Type::Text),
        ("disbursed_on", Type::Text),
        ("maturity_on", Type::Text),
        ("settled_on", Type::Text),
        ("interest_paid_fen", Type::Int),
        ("source_row", Type::Int),
    ],
};

const EVENTS: Table<'static> = Table {
    name: "events",
    columns: &[
        ("loan_id", Type::Int),
        ("on_date", Type::Text),
        ("kind", Type::Text),
        ("amount_fen", Type::Int),
        ("rate", Type::Text),
        ("extended_to", Type::Text),
    ],
};

/// The loans of new projects; the k-th row of a contract in the round is occurrence k,
/// counting what the round holds already (docs/rules.md §4 `duplicate_contract`).
async fn add_loans(conn: &mut Conn, round_id: i64, new: &[NewProject<'_>], ids: &[i64]) -> Result<(), sqlx::Error> {
    let mut next: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT contract_no, CAST(MAX(occurrence) AS BIGINT) AS last FROM loans WHERE round_id = $1 GROUP BY contract_no")
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?
    {
        next.insert(r.try_get("contract_no")?, r.try_get::<i64, _>("last")? + 1);
    }
    let mut cells = Vec::new();
    for (n, project_id) in new.iter().zip(ids) {
        for (at, l) in n.project.loans.iter().enumerate() {
            let occurrence = next.entry(l.contract_no.clone()).or_insert(0);
            cells.extend([
                Cell::int(round_id),
                Cell::int(*project_id),
                Cell::text(l.contract_no.as_str()),
                Cell::int(*occurrence),
                Cell::int(i64::try_from(at).unwrap_or(i64::MAX)),
                Cell::text(l.bank.as_str()),
                Cell::int(l.principal.fen()),
                Cell::text(l.rate.normalize().to_string()),
                Cell::text(l.disbursed_on.to_string()),
                Cell::text(l.maturity_on.to_string()),
                Cell::Text(l.settled_on.map(|d| d.to_string().into())),
                Cell::Int(l.interest_paid.map(Money::fen)),
                Cell::int(i64::from(l.row)),
            ]);
            *occurrence += 1;
        }
    }
    batch::insert(conn, &LOANS, &cells).await
}

/// The events of the new projects' loans, found by (project, position).
async fn add_events(
    conn: &mut Conn,
    round_id: i64,
    first: i64,
    new: &[NewProject<'_>],
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    let loan_ids: HashMap<(i64, i64), i64> = sqlx::query(
        "SELECT l.id, l.project_id, l.position FROM loans l JOIN projects p ON p.id = l.project_id \
         WHERE p.round_id = $1 AND p.position >= $2",
    )
    .bind(round_id)
    .bind(first)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok(((r.try_get("project_id")?, r.try_get("position")?), r.try_get("id")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let mut cells = Vec::new();
    for (n, project_id) in new.iter().zip(ids) {
        for (at, l) in n.project.loans.iter().enumerate() {
            let key = (*project_id, i64::try_from(at).unwrap_or(i64::MAX));
            let loan_id = *loan_ids.get(&key).ok_or(sqlx::Error::RowNotFound)?;
            for e in &l.events {
                let (kind, amount, rate, to) = rows::event_columns(e);
                cells.extend([
                    Cell::int(loan_id),
                    Cell::text(e.on.to_string()),
                    Cell::text(kind),
                    Cell::Int(amount),
                    Cell::Text(rate.map(Into::into)),
                    Cell::Text(to.map(Into::into)),
                ]);
            }
        }
    }
    batch::insert(conn, &EVENTS, &cells).await
}

/// Store the engine's request and status of many projects: `(id, requested fen, status)`.
///
/// # Errors
/// A database error.
pub async fn set_calculations(conn: &mut Conn, figures: &[(i64, i64, &str)]) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        const FIGURES: Table<'static> =
            Table { name: "v", columns: &[("id", Type::Int), ("fen", Type::Int), ("status", Type::Text)] };
        let sql = format!(
            "UPDATE projects SET requested_fen = v.fen, calc_status = v.status FROM {} WHERE projects.id = v.id",
            batch::unnest(FIGURES.columns, 1).replace("AS x(", "AS v(")
        );
        for chunk in figures.chunks(10_000) {
            let cells: Vec<Cell<'_>> = chunk
                .iter()
                .flat_map(|(id, fen, status)| [Cell::int(*id), Cell::int(*fen), Cell::text(*status)])
                .collect();
            // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for array in batch::arrays(&FIGURES, &cells) {
                q = q.bind(array);
            }
            q.execute(&mut *conn).await?;
        }
        return Ok(());
    }
    for chunk in figures.chunks(CHUNK) {
        // VALUES columns are column1, column2, … on both backends.
        let sql = format!(
            "UPDATE projects SET requested_fen = v.column2, calc_status = v.column3 FROM (VALUES {}) AS v \
             WHERE projects.id = v.column1",
            values(conn, chunk.len(), &["CAST(? AS BIGINT)", "CAST(? AS BIGINT)", "CAST(? AS TEXT)"])
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, fen, status) in chunk {
            q = q.bind(*id).bind(*fen).bind(*status);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// From how many new projects a write is large enough to refresh the statistics.
const GREW: usize = 1_000;

/// The planner's statistics of the tables a large write grew (`added` new projects, at
/// least [`GREW`]), in the write's transaction (PostgreSQL only). Autovacuum analyzes them only later; until then the reads of the same
/// transaction (the recalculation) and of the next preview (the earlier rounds' contracts,
/// `storage::history`) are planned as if the tables held what they held before: a second
/// import of 100,000 loans spent minutes there. SQLite plans without statistics here.
///
/// # Errors
/// A database error.
pub async fn analyze_grown(conn: &mut Conn, added: usize) -> Result<(), sqlx::Error> {
    if added >= GREW && conn.backend_name() == "PostgreSQL" {
        sqlx::query("ANALYZE projects, loans, events").execute(&mut *conn).await?;
    }
    Ok(())
}
