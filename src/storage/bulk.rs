//! Writing many rows at once: a confirmed import's new projects with their loans, events
//! and payees, the round's recalculated figures, and their audit rows. Each is a few
//! multi-row `INSERT … VALUES` (or `UPDATE … FROM (VALUES …)`) statements of a fixed number
//! of rows, so that one prepared statement serves every full chunk (issue 19: 100,000
//! loans written one statement at a time took 34 s of a 36 s confirmed import;
//! benches/RESULTS.md). Both backends take the same SQL; binds stay within SQLite's 32,766
//! variables and PostgreSQL's 65,535.

use std::collections::HashMap;

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::{Money, Project};

/// Rows per statement: every full chunk is the same statement (one prepared statement per
/// shape; the last, shorter chunk is a second shape).
const CHUNK: usize = 500;

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

/// A new project of an import and the payee its workbook gives (name, bank, account; empty
/// when none).
pub struct NewProject<'a> {
    pub project: &'a Project,
    pub payee: [&'a str; 3],
}

/// Insert new projects (keys the round does not hold: the caller checked, under the write
/// lock), last in the round and in the order given, with their loans, events and payees.
///
/// # Errors
/// A database error (a key the round holds already is a unique violation).
#[expect(clippy::too_many_lines, reason = "one multi-row statement and its binds, column by column")]
pub async fn add_projects(
    conn: &mut Conn,
    round_id: i64,
    new: &[NewProject<'_>],
    import: Option<i64>,
) -> Result<(), sqlx::Error> {
    if new.is_empty() {
        return Ok(());
    }
    let first: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(position), -1) + 1 AS BIGINT) FROM projects WHERE round_id = $1")
            .bind(round_id)
            .fetch_one(&mut *conn)
            .await?;
    let now = super::now();
    let columns = ["?"; 26];
    for (c, chunk) in new.chunks(CHUNK).enumerate() {
        let sql = format!(
            "INSERT INTO projects (round_id, project_key, position, name, unit, applicant_type, org_name, credit_code, \
             leader, id_number, phone, union_member, industry, households, hardship_households, radiated_households, \
             income_increase_fen, score, note, extra_json, created_at, updated_at, payee_name, payee_bank, payee_account, \
             import_id) VALUES {}",
            values(conn, chunk.len(), &columns)
        );
        let mut q = sqlx::query(&sql);
        for (i, n) in chunk.iter().enumerate() {
            let (p, a) = (n.project, &n.project.applicant);
            let position = first + i64::try_from(c * CHUNK + i).unwrap_or(i64::MAX);
            q = q
                .bind(round_id)
                .bind(p.key.as_str())
                .bind(position)
                .bind(p.name.as_str())
                .bind(a.unit.as_str())
                .bind(p.applicant_type.code())
                .bind(a.org_name.as_str())
                .bind(a.credit_code.as_str())
                .bind(a.leader.as_str())
                .bind(a.id_number.as_str())
                .bind(a.phone.as_str())
                .bind(p.union_member.map(i64::from))
                .bind(a.industry.as_str())
                .bind(i64::from(p.households))
                .bind(a.hardship_households.map(i64::from))
                .bind(a.radiated_households.map(i64::from))
                .bind(p.income_increase.map(Money::fen))
                .bind(p.score.map(|s| s.normalize().to_string()))
                .bind(a.note.as_str())
                .bind(serde_json::to_string(&a.extra).unwrap_or_else(|_| "[]".into()))
                .bind(now.as_str())
                .bind(now.as_str())
                .bind(n.payee[0])
                .bind(n.payee[1])
                .bind(n.payee[2])
                .bind(import);
        }
        q.execute(&mut *conn).await?;
    }
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
    Ok(())
}

/// The loans of new projects; the k-th row of a contract in the round is occurrence k,
/// counting what the round holds already (docs/rules.md §4 `duplicate_contract`).
#[expect(clippy::too_many_lines, reason = "one multi-row statement and its binds, column by column")]
async fn add_loans(conn: &mut Conn, round_id: i64, new: &[NewProject<'_>], ids: &[i64]) -> Result<(), sqlx::Error> {
    let mut next: HashMap<String, i64> = HashMap::new();
    for r in sqlx::query("SELECT contract_no, CAST(MAX(occurrence) AS BIGINT) AS last FROM loans WHERE round_id = $1 GROUP BY contract_no")
        .bind(round_id)
        .fetch_all(&mut *conn)
        .await?
    {
        next.insert(r.try_get("contract_no")?, r.try_get::<i64, _>("last")? + 1);
    }
    let loans: Vec<(i64, usize, &crate::engine::Loan)> = new
        .iter()
        .zip(ids)
        .flat_map(|(n, id)| n.project.loans.iter().enumerate().map(move |(at, l)| (*id, at, l)))
        .collect();
    let columns = ["?"; 13];
    for chunk in loans.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO loans (round_id, project_id, contract_no, occurrence, position, bank, principal_fen, rate, \
             disbursed_on, maturity_on, settled_on, interest_paid_fen, source_row) VALUES {}",
            values(conn, chunk.len(), &columns)
        );
        let mut q = sqlx::query(&sql);
        for (project_id, at, l) in chunk {
            let occurrence = next.entry(l.contract_no.clone()).or_insert(0);
            q = q
                .bind(round_id)
                .bind(*project_id)
                .bind(l.contract_no.as_str())
                .bind(*occurrence)
                .bind(i64::try_from(*at).unwrap_or(i64::MAX))
                .bind(l.bank.as_str())
                .bind(l.principal.fen())
                .bind(l.rate.normalize().to_string())
                .bind(l.disbursed_on.to_string())
                .bind(l.maturity_on.to_string())
                .bind(l.settled_on.map(|d| d.to_string()))
                .bind(l.interest_paid.map(Money::fen))
                .bind(i64::from(l.row));
            *occurrence += 1;
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The events of the new projects' loans, found by (project, position).
#[expect(clippy::too_many_lines, reason = "one multi-row statement and its binds, column by column")]
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
    let mut events = Vec::new();
    for (n, project_id) in new.iter().zip(ids) {
        for (at, l) in n.project.loans.iter().enumerate() {
            let key = (*project_id, i64::try_from(at).unwrap_or(i64::MAX));
            let loan_id = *loan_ids.get(&key).ok_or(sqlx::Error::RowNotFound)?;
            events.extend(l.events.iter().map(|e| (loan_id, e)));
        }
    }
    let columns = ["?"; 6];
    for chunk in events.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO events (loan_id, on_date, kind, amount_fen, rate, extended_to) VALUES {}",
            values(conn, chunk.len(), &columns)
        );
        let mut q = sqlx::query(&sql);
        for (loan_id, e) in chunk {
            let (kind, amount, rate, to) = rows::event_columns(e);
            q = q.bind(*loan_id).bind(e.on.to_string()).bind(kind).bind(amount).bind(rate).bind(to);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Store the engine's request and status of many projects: `(id, requested fen, status)`.
///
/// # Errors
/// A database error.
pub async fn set_calculations(conn: &mut Conn, figures: &[(i64, i64, &str)]) -> Result<(), sqlx::Error> {
    for chunk in figures.chunks(CHUNK) {
        // VALUES columns are column1, column2, … on both backends.
        let sql = format!(
            "UPDATE projects SET requested_fen = v.column2, calc_status = v.column3 FROM (VALUES {}) AS v \
             WHERE projects.id = v.column1",
            values(conn, chunk.len(), &["CAST(? AS BIGINT)", "CAST(? AS BIGINT)", "CAST(? AS TEXT)"])
        );
        let mut q = sqlx::query(&sql);
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
