//! The facts of docs/rules.md §9 that a round's calculation takes from outside the
//! workbook, loaded in one place so that every computation of a round (the stored
//! calculation, previews, allocations, reports, project pages) gets the same: today the
//! review cuts in force.

use super::Conn;
use crate::engine::Facts;

/// The facts of a round for `engine::compute_with`.
///
/// # Errors
/// A database error.
pub async fn round(conn: &mut Conn, round_id: i64) -> Result<Facts, sqlx::Error> {
    let mut facts = Facts::default();
    // Oldest first: where two projects of the round carry one contract, the later cut wins.
    for stored in super::cuts::in_force(conn, round_id).await? {
        if let Some(cut) = stored.cut {
            facts.cuts.insert(stored.contract_no, cut);
        }
    }
    Ok(facts)
}
