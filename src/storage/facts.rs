//! The facts of docs/rules.md §9 that a round's calculation takes from outside the
//! workbook, loaded in one place so that every computation of a round (the stored
//! calculation, previews, allocations, reports, project pages) gets the same: the review
//! cuts in force, the lines of the round's confirmed bank statements, and what other rounds
//! granted to the same applicants and subsidised on the same contracts (docs/facts.md).

use std::collections::BTreeSet;

use super::Conn;
use crate::engine::facts::History;
use crate::engine::{Facts, Project};

/// The facts of a round for `engine::compute_with`.
///
/// # Errors
/// A database error.
pub async fn round(conn: &mut Conn, round_id: i64) -> Result<Facts, sqlx::Error> {
    let mut facts = own(conn, round_id).await?;
    let year: i64 =
        sqlx::query_scalar("SELECT year FROM rounds WHERE id = $1").bind(round_id).fetch_one(&mut *conn).await?;
    let year = i32::try_from(year).unwrap_or_default();
    facts.history = super::history::of_round(conn, year, round_id).await?;
    Ok(facts)
}

/// `round` for a round about to hold `projects` (every project, counted or not), before
/// they are written: a confirmed import computes first and writes its new projects with
/// their figures (`app::imports::write`). The history is that of their keys, which is what
/// `round` finds from the stored keys once they are written.
///
/// # Errors
/// A database error.
pub async fn round_holding(
    conn: &mut Conn,
    round_id: i64,
    year: i32,
    projects: &[Project],
) -> Result<Facts, sqlx::Error> {
    let mut facts = own(conn, round_id).await?;
    facts.history = history_for(conn, year, projects).await?;
    Ok(facts)
}

/// The round's own facts (its cuts and bank statements) without the history of other
/// rounds: for an import's preview, whose history is that of the file's keys
/// (`history_for`), not of the round's stored projects (issue 15 item 5: reading both
/// cost the preview a second lookup of every earlier round).
///
/// # Errors
/// A database error.
pub async fn own(conn: &mut Conn, round_id: i64) -> Result<Facts, sqlx::Error> {
    let mut facts = Facts::default();
    // Oldest first: where two projects of the round carry one contract, the later cut wins.
    for stored in super::cuts::in_force(conn, round_id).await? {
        if let Some(cut) = stored.cut {
            facts.cuts.insert(stored.contract_no, cut);
        }
    }
    facts.statements = super::statements::by_contract(conn, round_id).await?;
    Ok(facts)
}

/// docs/rules.md §9 for projects not stored yet (an import's preview): the history of other
/// rounds than `year` for their applicants and contracts.
///
/// # Errors
/// A database error.
pub async fn history_for(conn: &mut Conn, year: i32, projects: &[Project]) -> Result<History, sqlx::Error> {
    let mut identities = BTreeSet::new();
    let mut contracts = BTreeSet::new();
    for p in projects {
        identities.insert(p.applicant.id_number.clone());
        identities.insert(p.applicant.credit_code.clone());
        contracts.extend(p.loans.iter().map(|l| l.contract_no.clone()));
    }
    identities.remove("");
    super::history::for_keys(conn, year, &identities, &contracts).await
}
