//! A round after its grants are decided (docs/rules.md §6–§7). The trial allocation of
//! [`super::compute`] is what the policy would grant; once grants are approved, withdrawn or
//! clawed back, the grants on the books are the truth. `settle` keeps the engine's requests,
//! loans and reasons and puts the decided grants in place of the trial ones, so that
//! statuses, pool balances and the round's figures all follow from the same numbers.

use super::{grants, Money, Project, RoundResult, Status, Tally};

/// The decided grants of a round, project by project in workbook order, and per pool in the
/// policy's order when the round keeps a ledger of grant lines. Without one (a past round
/// recorded as totals only), the pools' parts follow docs/rules.md §6's split of the grants.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    pub granted: &'a [Money],
    pub pools: Option<&'a [Money]>,
}

/// The result with the decided grants: each project's grant and status (§6), each pool's
/// granted and remaining amount, and the figures (§7) over the projects granted above 0.
#[must_use]
pub fn settle(mut result: RoundResult, projects: &[Project], decided: Decided<'_>) -> RoundResult {
    let amounts: Vec<Money> = result.pools.iter().map(|p| p.amount).collect();
    let granted: Vec<Money> =
        (0..result.projects.len()).map(|i| decided.granted.get(i).copied().unwrap_or_default()).collect();
    let (parts, left) = grants::split(&amounts, &granted);
    let mut tally = Tally::default();
    for (((r, project), grant), parts) in result.projects.iter_mut().zip(projects).zip(&granted).zip(parts) {
        r.granted = *grant;
        r.status = Status::of(r.requested, *grant);
        // Per-project parts are known only from the ledger's lines, not here.
        r.pools = if decided.pools.is_some() { Vec::new() } else { parts };
        tally.add(project, r.requested, *grant);
    }
    for (k, pool) in result.pools.iter_mut().enumerate() {
        let taken = match decided.pools {
            Some(stored) => stored.get(k).copied().unwrap_or_default(),
            None => pool.amount - left.get(k).copied().unwrap_or(pool.amount),
        };
        pool.granted = taken;
        pool.remaining = pool.amount - taken;
    }
    result.totals = tally.figures();
    result
}
