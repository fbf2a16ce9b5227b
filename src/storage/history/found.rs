//! What `storage::history`'s lookups found, in the form each backend hands over fastest.
//!
//! SQLite: one JSON array per query (`json_group_array`) that serde reads at once, not one
//! row per match. A 10,000-loan file over a program's earlier rounds finds thousands of
//! grants and loans; through sqlx's `Any` driver each row cost about 3.5 µs of decoding and
//! channel hand-over (twice SQLite's own work: 37 ms for the 6,678 loans of
//! benches/history.rs's continuing case, where SQLite alone takes 12), which made the
//! preview over seven earlier rounds grow past issue 15 item 5's 1.5×.
//!
//! PostgreSQL: one row per match. Its `json_agg` of the same rows took the bench's worst
//! case (70,000 loans found) from 891 ms to 1,495 ms (benches/SCALE.md), presumably because
//! the server builds the whole array before the app decodes any of it, where rows stream
//! and the server's work overlaps the driver's. A packed `string_agg` text cost the server
//! about as much as `json_agg` in psql, so it would keep that wait.

use std::collections::{BTreeMap, HashMap};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::super::{rows, Conn};
use crate::engine::facts::{EarlierGrant, History, Subsidised};
use crate::engine::{Event, Loan, Money, Policy};

/// Whether the backend hands the rows over one by one (PostgreSQL) rather than as one
/// JSON array (SQLite).
fn rows_each(conn: &Conn) -> bool {
    conn.backend_name() == "PostgreSQL"
}

/// The statement of a lookup: `columns` of every row of `from` (its `FROM … WHERE …`), in
/// the order of `order` (`""` for the plan's), in the form `all` reads: on SQLite one row
/// holding the JSON array of them (`[]` for none), on PostgreSQL the rows themselves.
pub(super) fn select(conn: &Conn, columns: &str, from: &str, order: &str) -> String {
    let by = if order.is_empty() { String::new() } else { format!(" ORDER BY {order}") };
    if rows_each(conn) {
        format!("SELECT {columns} {from}{by}")
    } else {
        format!("SELECT json_group_array(json_array({columns}){by}) {from}")
    }
}

/// A kind of row a lookup finds: read from SQLite's JSON array by serde, or from a
/// PostgreSQL row column by column, in the order of its select list.
trait Found: DeserializeOwned {
    fn read(row: &AnyRow) -> Result<Self, sqlx::Error>;
}

/// What the `query` of a statement of `select` found, in its order.
async fn all<T: Found>(conn: &mut Conn, query: Query<'_, Any, AnyArguments>) -> Result<Vec<T>, sqlx::Error> {
    if rows_each(conn) {
        return query.fetch_all(&mut *conn).await?.iter().map(T::read).collect();
    }
    let text: String = query.fetch_one(&mut *conn).await?.try_get(0)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The columns of a project of another round that `Grant` reads, in its order.
pub(super) const GRANT: &str = "r.year, p.project_key, p.name, p.granted_fen, p.paid_fen, p.id_number, p.credit_code";

/// A project of another round with a grant: `GRANT`'s columns.
#[derive(Deserialize)]
struct Grant(i64, String, String, i64, i64, String, String);

impl Found for Grant {
    fn read(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Grant(
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
        ))
    }
}

/// The projects `query` (a statement of `select` of `GRANT`) finds, each under each of its
/// identities, once each: a project found through both identities is listed once under each.
///
/// # Errors
/// A database error.
pub(super) async fn add_grants(
    conn: &mut Conn,
    query: Query<'_, Any, AnyArguments>,
    history: &mut History,
) -> Result<(), sqlx::Error> {
    for Grant(year, project, name, granted, paid, id_number, credit_code) in all::<Grant>(conn, query).await? {
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

impl Found for FoundLoan {
    fn read(r: &AnyRow) -> Result<Self, sqlx::Error> {
        // Deliberately like the other `Found` rows of storage/history/found.rs: one `try_get` a column, in the SELECT's order.
        Ok(FoundLoan {
            id: r.try_get(0)?,
            round_id: r.try_get(1)?,
            contract_no: r.try_get(2)?,
            bank: r.try_get(3)?,
            principal_fen: r.try_get(4)?,
            rate: r.try_get(5)?,
            disbursed_on: r.try_get(6)?,
            maturity_on: r.try_get(7)?,
            settled_on: r.try_get(8)?,
            interest_paid_fen: r.try_get(9)?,
            source_row: r.try_get(10)?,
            year: r.try_get(11)?,
            project_key: r.try_get(12)?,
        })
    }
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

/// docs/rules.md §9: the eligible days (§3 of its own round's policy) of each loan `query`
/// (a statement of `select` of `LOAN`) finds, into `history`. A stored round's policy that
/// no longer parses gives no days (its round cannot be computed either).
///
/// # Errors
/// A database error.
pub(super) async fn add_subsidised(
    conn: &mut Conn,
    query: Query<'_, Any, AnyArguments>,
    history: &mut History,
) -> Result<(), sqlx::Error> {
    let found: Vec<FoundLoan> = all(conn, query).await?;
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

impl Found for FoundEvent {
    fn read(r: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(FoundEvent(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?))
    }
}

/// The events of the loans, by loan, each loan's in the order they were stored.
async fn events_of(conn: &mut Conn, loan_ids: &[i64]) -> Result<HashMap<i64, Vec<Event>>, sqlx::Error> {
    let ids = if conn.backend_name() == "PostgreSQL" {
        "SELECT json_array_elements_text($1::json)::bigint"
    } else {
        "SELECT value FROM json_each($1)"
    };
    let columns = "loan_id, on_date, kind, amount_fen, rate, extended_to";
    let sql = select(conn, columns, &format!("FROM events WHERE loan_id IN ({ids})"), "id");
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let found: Vec<FoundEvent> = all(conn, sqlx::query(sqlx::AssertSqlSafe(sql)).bind(super::array(loan_ids))).await?;
    let mut events: HashMap<i64, Vec<Event>> = HashMap::new();
    for FoundEvent(loan_id, on, kind, amount, rate, to) in found {
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
