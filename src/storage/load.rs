//! Reading projects back: a whole round for the engine, one project, or a filtered page.

use std::collections::HashMap;

use sqlx::Row;

use super::projects::{Record, Scope};
use super::{rows, Conn};
use crate::engine::Project;

const PROJECT_COLUMNS: &str = "p.id, p.round_id, p.owner_id, p.state, p.requested_fen, p.granted_fen, p.paid_fen, p.calc_status, \
    p.project_key, p.name, p.unit, p.applicant_type, p.org_name, p.credit_code, p.leader, p.id_number, p.phone, p.union_member, \
    p.industry, p.households, p.hardship_households, p.radiated_households, p.income_increase_fen, p.score, p.note, p.extra_json";

fn record(r: &sqlx::any::AnyRow) -> Result<Record, sqlx::Error> {
    Ok(Record {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        owner_id: rows::opt(r, "owner_id")?,
        state: rows::code(r, "state", crate::review::State::parse)?,
        requested: rows::money(r, "requested_fen")?,
        granted: rows::money(r, "granted_fen")?,
        paid: rows::money(r, "paid_fen")?,
        calc_status: rows::code(r, "calc_status", crate::engine::Status::parse)?,
    })
}

/// Every project of a round with its loans and events, in workbook order: the engine's input.
///
/// # Errors
/// A database error.
pub async fn round(conn: &mut Conn, round_id: i64) -> Result<Vec<(Record, Project)>, sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.round_id = $1 ORDER BY p.position"
    )))
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(Record, Project)> =
        rows.iter().map(|r| Ok((record(r)?, rows::project(r)?))).collect::<Result<_, sqlx::Error>>()?;
    let at: HashMap<i64, usize> = out.iter().enumerate().map(|(i, (r, _))| (r.id, i)).collect();
    attach_loans(conn, "l.round_id = $1", round_id, &mut out, &at).await?;
    Ok(out)
}

async fn attach_loans(
    conn: &mut Conn,
    filter: &str,
    key: i64,
    out: &mut [(Record, Project)],
    at: &HashMap<i64, usize>,
) -> Result<(), sqlx::Error> {
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let loans = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT l.* FROM loans l WHERE {filter} ORDER BY l.project_id, l.position"
    )))
    .bind(key)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT e.* FROM events e JOIN loans l ON l.id = e.loan_id WHERE {filter} ORDER BY e.id"
    )))
    .bind(key)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_loan: HashMap<i64, Vec<crate::engine::Event>> = HashMap::new();
    for e in &events {
        by_loan.entry(e.try_get("loan_id")?).or_default().push(rows::event(e)?);
    }
    for l in &loans {
        let project_id: i64 = l.try_get("project_id")?;
        let Some(i) = at.get(&project_id) else { continue };
        let mut loan = rows::loan(l)?;
        loan.events = by_loan.remove(&l.try_get::<i64, _>("id")?).unwrap_or_default();
        out[*i].1.loans.push(loan);
    }
    Ok(())
}

/// One project with its loans, if the scope allows it (else `None`, which answers 404).
///
/// # Errors
/// A database error.
pub async fn project(conn: &mut Conn, id: i64, scope: &Scope) -> Result<Option<(Record, Project)>, sqlx::Error> {
    let (clause, scope_value) = scope_clause(scope, 2);
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.id = $1{clause}")))
            .bind(id)
            .bind(scope_value)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(r) = row else { return Ok(None) };
    let mut out = vec![(record(&r)?, rows::project(&r)?)];
    let at = HashMap::from([(id, 0)]);
    attach_loans(conn, "l.project_id = $1", id, &mut out, &at).await?;
    Ok(out.pop())
}

/// The SQL for a scope and its bound value, always text, so that the three scopes bind
/// one type (`Scope::All` compares the parameter with '' and matches every row).
pub(super) fn scope_clause(scope: &Scope, n: usize) -> (String, String) {
    match scope {
        Scope::All => (format!(" AND ${n} = ''"), String::new()),
        Scope::Unit(u) => (format!(" AND p.unit = ${n}"), u.clone()),
        // The cast is on the parameter, not the column, so the index `projects_owner` serves.
        Scope::Owner(o) => (format!(" AND p.owner_id = CAST(${n} AS BIGINT)"), o.to_string()),
    }
}

/// Filters of the project list (also the query string of the list page and the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, rocket::FromForm)]
pub struct Filter {
    pub unit: Option<String>,
    pub applicant_type: Option<String>,
    pub status: Option<String>,
    /// The review state (`crate::review::State` code).
    pub state: Option<String>,
}

impl Filter {
    /// The filter as the list page and its workbook read it: a field of white space only
    /// (the form's empty box) is no filter.
    #[must_use]
    pub fn without_blanks(self) -> Filter {
        let blank = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        Filter {
            unit: blank(self.unit),
            applicant_type: blank(self.applicant_type),
            status: blank(self.status),
            state: blank(self.state),
        }
    }
}

/// The WHERE clause of a filtered list (`$1` the round, `$2` the scope, `$3`..`$6` the
/// filters) and its binds: the scope's text, then each filter or NULL. An empty filter
/// (`?unit=` from the list's form) is no filter.
fn filtered(scope: &Scope, f: &Filter) -> (String, String, [Option<String>; 4]) {
    let (clause, scope_value) = scope_clause(scope, 2);
    let sql = format!(
        "p.round_id = $1{clause} AND ($3 IS NULL OR p.unit = $3) AND ($4 IS NULL OR p.applicant_type = $4) \
         AND ($5 IS NULL OR p.calc_status = $5) AND ($6 IS NULL OR p.state = $6)"
    );
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    (sql, scope_value, [given(&f.unit), given(&f.applicant_type), given(&f.status), given(&f.state)])
}

/// How many of a round's projects in scope match the filter.
///
/// # Errors
/// A database error.
pub async fn count(conn: &mut Conn, round_id: i64, scope: &Scope, f: &Filter) -> Result<i64, sqlx::Error> {
    let (sql, scope_value, filters) = filtered(scope, f);
    // The division's and a 团场's counts come from the tallies the triggers keep
    // (migration 0013): a few hundred rows, not the round (issue 19). An owner's few
    // projects are counted where they are.
    let sql = if matches!(scope, Scope::Owner(_)) {
        format!("SELECT COUNT(*) FROM projects p WHERE {sql}")
    } else {
        format!(
            "SELECT CAST(COALESCE(SUM(t.projects), 0) AS BIGINT) FROM project_tallies t WHERE {}",
            sql.replace("p.", "t.")
        )
    };
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let mut query = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(round_id).bind(scope_value);
    for f in filters {
        query = query.bind(f);
    }
    query.fetch_one(conn).await
}

/// One page of a round's projects (without loans) in workbook order: the index on
/// (`round_id`, `position`) gives the order, so a page reads `offset + limit` index entries
/// and no more (no sort of the round).
///
/// # Errors
/// A database error.
pub async fn page(
    conn: &mut Conn,
    round_id: i64,
    scope: &Scope,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> Result<Vec<(Record, Project)>, sqlx::Error> {
    let (sql, scope_value, filters) = filtered(scope, f);
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects p WHERE {sql} ORDER BY p.position LIMIT $7 OFFSET $8");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).bind(scope_value);
    for f in filters {
        query = query.bind(f);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(conn).await?;
    rows.iter().map(|r| Ok((record(r)?, rows::project(r)?))).collect()
}
