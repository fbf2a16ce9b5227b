//! What `storage::history`'s lookups found, read as one JSON array per query rather than
//! one row per match. A 10,000-loan file over a program's earlier rounds finds thousands of
//! grants and loans; through sqlx's `Any` driver each row cost about 3.5 µs of decoding
//! and channel hand-over on SQLite (twice SQLite's own work: 37 ms for the 6,678 loans of
//! benches/history.rs's continuing case, where SQLite alone takes 12), which made the
//! preview over seven earlier rounds grow past issue 15 item 5's 1.5×. SQLite's
//! `json_group_array` and PostgreSQL's `json_agg` hand the same rows over as one text that
//! serde reads at once, in the order the plain query would have given them.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::super::{rows, Conn};
use crate::engine::facts::{EarlierGrant, History, Subsidised};
use crate::engine::{Event, Loan, Money, Policy};

/// The select list of one row holding the JSON array of `columns` of every row found
/// (`[]` for none), in the order of `order` (`""` for the plan's).
pub(super) fn array_of(conn: &Conn, columns: &str, order: &str) -> String {
    if conn.backend_name() == "PostgreSQL" {
        format!("COALESCE(json_agg(json_build_array({columns}){order})::text, '[]')")
    } else {
        format!("json_group_array(json_array({columns}){order})")
    }
}

fn decode<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, sqlx::Error> {
    serde_json::from_str(text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The columns of a project of another round that `Grant` reads, in its order.
pub(super) const GRANT: &str = "r.year, p.project_key, p.name, p.granted_fen, p.paid_fen, p.id_number, p.credit_code";

/// A project of another round with a grant: `GRANT`'s columns.
#[derive(Deserialize)]
struct Grant(i64, String, String, i64, i64, String, String);

/// The projects of `GRANT`'s array, each under each of its identities, once each: a
/// project found through both identities is listed once under each.
///
/// # Errors
/// The text is not `GRANT`'s array.
pub(super) fn add_grants(history: &mut History, text: &str) -> Result<(), sqlx::Error> {
    for Grant(year, project, name, granted, paid, id_number, credit_code) in decode::<Vec<Grant>>(text)? {
        let grant = EarlierGrant {
            year: i32::try_from(year).unwrap_or_default(),
            project,
            name,
            granted: Money::from_fen(granted),
            paid: Some(Money::from_fen(paid)),
        };
        for identity in [id_number, credit_code] {
            if identity.is_empty() {
                continue;
            }
            let list = history.applicants.entry(identity).or_default();
            if !list.iter().any(|g| g.year == grant.year && g.project == grant.project) {
                list.push(grant.clone());
            }
        }
    }
    Ok(())
}

/// The columns of a loan of another round that `FoundLoan` reads, in its order: what
/// `engine::Loan` holds but its events, and the year and key of the loan's project.
pub(super) const LOAN: &str = "l.id, l.round_id, l.contract_no, l.bank, l.principal_fen, l.rate, l.disbursed_on, \
                               l.maturity_on, l.settled_on, l.interest_paid_fen, l.source_row, r.year, p.project_key";

/// A loan of another round: `LOAN`'s columns.
#[derive(Deserialize)]
struct FoundLoan {
    id: i64,
    round_id: i64,
    contract_no: String,
    bank: String,
    principal_fen: i64,
    rate: String,
    disbursed_on: String,
    maturity_on: String,
    settled_on: Option<String>,
    interest_paid_fen: Option<i64>,
    source_row: i64,
    year: i64,
    project_key: String,
}

impl FoundLoan {
    fn loan(self, events: Vec<Event>) -> Result<Loan, sqlx::Error> {
        Ok(Loan {
            contract_no: self.contract_no,
            bank: self.bank,
            principal: Money::from_fen(self.principal_fen),
            rate: rows::decimal(&self.rate)?,
            disbursed_on: rows::date(&self.disbursed_on)?,
            maturity_on: rows::date(&self.maturity_on)?,
            settled_on: self.settled_on.as_deref().map(rows::date).transpose()?,
            interest_paid: self.interest_paid_fen.map(Money::from_fen),
            events,
            row: u32::try_from(self.source_row).unwrap_or(0),
        })
    }
}

/// docs/rules.md §9: the eligible days (§3 of its own round's policy) of each loan of
/// `LOAN`'s array, into `history`. A stored round's policy that no longer parses gives no
/// days (its round cannot be computed either).
///
/// # Errors
/// A database error, or the text is not `LOAN`'s array.
pub(super) async fn add_subsidised(conn: &mut Conn, text: &str, history: &mut History) -> Result<(), sqlx::Error> {
    let found: Vec<FoundLoan> = decode(text)?;
    if found.is_empty() {
        return Ok(());
    }
    let loan_ids: Vec<i64> = found.iter().map(|l| l.id).collect();
    let mut events = events_of(conn, &loan_ids).await?;
    let mut policies: BTreeMap<i64, Option<Policy>> = BTreeMap::new();
    for f in found {
        if let std::collections::btree_map::Entry::Vacant(e) = policies.entry(f.round_id) {
            e.insert(policy(conn, f.round_id).await?);
        }
        let Some(Some(policy)) = policies.get(&f.round_id) else { continue };
        let (year, project) = (i32::try_from(f.year).unwrap_or_default(), f.project_key.clone());
        let own = events.remove(&f.id).unwrap_or_default();
        let loan = f.loan(own)?;
        let days = crate::engine::loan::eligible(policy, &loan).unwrap_or_default();
        let list = history.contracts.entry(loan.contract_no).or_default();
        for d in days {
            list.push(Subsidised { year, project: project.clone(), start: d.start, end: d.end });
        }
    }
    Ok(())
}

/// An event of a loan of another round: its loan and the columns `rows::event_of` reads.
#[derive(Deserialize)]
struct FoundEvent(i64, String, String, Option<i64>, Option<String>, Option<String>);

/// The events of the loans, by loan, each loan's in the order they were stored.
async fn events_of(conn: &mut Conn, loan_ids: &[i64]) -> Result<HashMap<i64, Vec<Event>>, sqlx::Error> {
    let ids = if conn.backend_name() == "PostgreSQL" {
        "SELECT json_array_elements_text($1::json)::bigint"
    } else {
        "SELECT value FROM json_each($1)"
    };
    let columns = "loan_id, on_date, kind, amount_fen, rate, extended_to";
    let sql = format!("SELECT {} FROM events WHERE loan_id IN ({ids})", array_of(conn, columns, " ORDER BY id"));
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let text: String =
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(super::array(loan_ids)).fetch_one(&mut *conn).await?;
    let mut events: HashMap<i64, Vec<Event>> = HashMap::new();
    for FoundEvent(loan_id, on, kind, amount, rate, to) in decode::<Vec<FoundEvent>>(&text)? {
        let event = rows::event_of(&on, &kind, amount, rate.as_deref(), to.as_deref())?;
        events.entry(loan_id).or_default().push(event);
    }
    Ok(events)
}

/// A stored round's policy: storage keeps it as the TOML text the round was opened with,
/// read by the one reader of policies (as `tiexi calc` and the web read it).
async fn policy(conn: &mut Conn, round_id: i64) -> Result<Option<Policy>, sqlx::Error> {
    let toml: String =
        sqlx::query_scalar("SELECT policy_toml FROM rounds WHERE id = $1").bind(round_id).fetch_one(&mut *conn).await?;
    Ok(crate::policy::policy(&toml).ok())
}
