//! Projects with their loans and events: upserts by natural key, loading a round for the
//! engine, and lists filtered by what the caller may see.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::{rows, Conn};
use crate::engine::{Loan, Money, Project, Status};

/// Who may see which projects; the web layer decides, the SQL applies it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    All,
    Unit(String),
    Owner(i64),
}

/// What storage knows about a project beyond the engine's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub round_id: i64,
    pub owner_id: Option<i64>,
    pub state: crate::review::State,
    pub requested: Money,
    pub granted: Money,
    pub paid: Money,
    pub calc_status: Status,
}

/// The request and status of a project not computed yet: the columns' defaults
/// (migrations 0003), what an inserted project holds until the engine's figures are stored.
pub const UNCALCULATED: (Money, Status) = (Money::ZERO, Status::Ineligible);

impl Record {
    /// The record of a project just inserted into a round (a workbook's: submitted, no
    /// owner, nothing granted), with `UNCALCULATED` figures.
    #[must_use]
    pub fn inserted(id: i64, round_id: i64) -> Record {
        Record {
            id,
            round_id,
            owner_id: None,
            state: crate::review::State::Submitted,
            requested: UNCALCULATED.0,
            granted: Money::ZERO,
            paid: Money::ZERO,
            calc_status: UNCALCULATED.1,
        }
    }
}

/// Insert or update a project by (round, key); returns its id. A new project goes last.
/// Only a project still in the applicant's hands (draft, submitted, returned) and holding
/// no money is updated (docs/rules.md §10); the callers check that first and say why, and
/// the statement holds to it regardless.
#[expect(clippy::too_many_lines, reason = "one statement and its 22 binds")]
///
/// # Errors
/// A database error; `RowNotFound` when the project exists and is no longer open to change.
pub async fn upsert(
    conn: &mut Conn,
    round_id: i64,
    p: &Project,
    owner: Option<i64>,
    import: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let a = &p.applicant;
    let row = sqlx::query(
        "INSERT INTO projects (round_id, project_key, position, name, unit, applicant_type, org_name, credit_code, leader, \
         id_number, phone, union_member, industry, households, hardship_households, radiated_households, income_increase_fen, \
         score, note, extra_json, owner_id, import_id, created_at, updated_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM projects WHERE round_id = $1), $3, $4, $5, $6, $7, $8, $9, \
         $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, \
         $21, $22, $22) \
         ON CONFLICT (round_id, project_key) DO UPDATE SET name = excluded.name, unit = excluded.unit, \
         applicant_type = excluded.applicant_type, org_name = excluded.org_name, credit_code = excluded.credit_code, \
         leader = excluded.leader, id_number = excluded.id_number, phone = excluded.phone, union_member = excluded.union_member, \
         industry = excluded.industry, households = excluded.households, hardship_households = excluded.hardship_households, \
         radiated_households = excluded.radiated_households, income_increase_fen = excluded.income_increase_fen, \
         score = excluded.score, note = excluded.note, extra_json = excluded.extra_json, \
         owner_id = COALESCE(excluded.owner_id, projects.owner_id), import_id = excluded.import_id, updated_at = excluded.updated_at \
         WHERE projects.state IN ('draft', 'submitted', 'returned') AND projects.granted_fen = 0 AND projects.paid_fen = 0 \
         RETURNING id",
    )
    .bind(round_id)
    .bind(&p.key)
    .bind(&p.name)
    .bind(&a.unit)
    .bind(p.applicant_type.code())
    .bind(&a.org_name)
    .bind(&a.credit_code)
    .bind(&a.leader)
    .bind(&a.id_number)
    .bind(&a.phone)
    .bind(p.union_member.map(i64::from))
    .bind(&a.industry)
    .bind(i64::from(p.households))
    .bind(a.hardship_households.map(i64::from))
    .bind(a.radiated_households.map(i64::from))
    .bind(p.income_increase.map(crate::engine::Money::fen))
    .bind(p.score.map(|s| s.normalize().to_string()))
    .bind(&a.note)
    .bind(serde_json::to_string(&a.extra).unwrap_or_else(|_| "[]".into()))
    .bind(owner)
    .bind(import)
    .bind(super::now())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get(0)?;
    replace_loans(conn, round_id, id, &p.loans).await?;
    Ok(id)
}

/// Make the project's loans those given: matched by contract number (the k-th row of a
/// contract to the k-th stored one), inserted, or deleted; events replaced.
async fn replace_loans(conn: &mut Conn, round_id: i64, project_id: i64, loans: &[Loan]) -> Result<(), sqlx::Error> {
    let existing = sqlx::query("SELECT id, contract_no FROM loans WHERE project_id = $1 ORDER BY occurrence")
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut by_contract: HashMap<String, Vec<i64>> = HashMap::new();
    for r in &existing {
        by_contract.entry(r.try_get("contract_no")?).or_default().push(r.try_get("id")?);
    }
    for list in by_contract.values_mut() {
        list.reverse();
    }
    for (position, loan) in loans.iter().enumerate() {
        let reuse = by_contract.get_mut(&loan.contract_no).and_then(Vec::pop);
        let id = match reuse {
            Some(id) => update_loan(conn, id, position, loan).await?,
            None => insert_loan(conn, round_id, project_id, position, loan).await?,
        };
        replace_events(conn, id, loan).await?;
    }
    for id in by_contract.into_values().flatten() {
        sqlx::query("DELETE FROM loans WHERE id = $1").bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

fn position(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

async fn insert_loan(conn: &mut Conn, round_id: i64, project_id: i64, at: usize, l: &Loan) -> Result<i64, sqlx::Error> {
    let insert = sqlx::query(
        "INSERT INTO loans (round_id, project_id, contract_no, occurrence, position, bank, principal_fen, rate, disbursed_on, \
         maturity_on, settled_on, interest_paid_fen, source_row) VALUES ($1, $2, $3, \
         (SELECT COALESCE(MAX(occurrence), -1) + 1 FROM loans WHERE round_id = $1 AND contract_no = $3), $4, $5, $6, $7, $8, $9, \
         $10, $11, $12) RETURNING id",
    )
    .bind(round_id)
    .bind(project_id)
    .bind(&l.contract_no);
    bind_loan(insert, at, l).fetch_one(conn).await?.try_get(0)
}

async fn update_loan(conn: &mut Conn, id: i64, at: usize, l: &Loan) -> Result<i64, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE loans SET position = $1, bank = $2, principal_fen = $3, rate = $4, disbursed_on = $5, maturity_on = $6, \
         settled_on = $7, interest_paid_fen = $8, source_row = $9 WHERE id = $10",
    );
    bind_loan(update, at, l).bind(id).execute(conn).await?;
    Ok(id)
}

/// A loan's columns from `position` to `source_row`, bound in the order both the insert and
/// the update name them.
fn bind_loan<'q>(query: super::Query<'q>, at: usize, l: &'q Loan) -> super::Query<'q> {
    query
        .bind(position(at))
        .bind(&l.bank)
        .bind(l.principal.fen())
        .bind(l.rate.normalize().to_string())
        .bind(l.disbursed_on.to_string())
        .bind(l.maturity_on.to_string())
        .bind(l.settled_on.map(|d| d.to_string()))
        .bind(l.interest_paid.map(crate::engine::Money::fen))
        .bind(i64::from(l.row))
}

async fn replace_events(conn: &mut Conn, loan_id: i64, l: &Loan) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM events WHERE loan_id = $1").bind(loan_id).execute(&mut *conn).await?;
    for e in &l.events {
        let (kind, amount, rate, to) = rows::event_columns(e);
        sqlx::query("INSERT INTO events (loan_id, on_date, kind, amount_fen, rate, extended_to) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(loan_id)
            .bind(e.on.to_string())
            .bind(kind)
            .bind(amount)
            .bind(rate)
            .bind(to)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The projects of a round that hold any grant line or payment not cancelled (proposed
/// or active grants, batch items): an import must not change them.
///
/// # Errors
/// A database error.
pub async fn holding_money(conn: &mut Conn, round_id: i64) -> Result<HashSet<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT project_id FROM grants WHERE round_id = $1 AND state <> 'cancelled' \
         UNION SELECT i.project_id FROM batch_items i JOIN batches b ON b.id = i.batch_id \
         WHERE b.round_id = $1 AND b.state <> 'cancelled'",
    )
    .bind(round_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// A closed round's project as granted and paid in full (the demo's history).
///
/// # Errors
/// A database error.
pub async fn set_paid(conn: &mut Conn, id: i64, amount: Money) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE projects SET granted_fen = $1, paid_fen = $1, state = 'approved' WHERE id = $2")
        .bind(amount.fen())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
