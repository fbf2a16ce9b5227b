//! An allocation run of a round that is already under way (issue 5): docs/rules.md §6 against
//! what the pools have left, for what each project still lacks; and the pool split of the
//! lines that follow a grant (a release, a payment, a clawback).
//!
//! A first run, with nothing held and the pools whole, is exactly `engine::compute`'s grants
//! and pool split: the same claims against the same budget through the same `grants`.

use serde::Serialize;

use super::facts::Facts;
use super::grants::{self, Claim};
use super::money::Money;
use super::policy::{Allocation, Policy};
use super::project::Project;
use super::{compute_with, Status};

/// What a run says about one project, in the order the projects were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub key: String,
    /// The engine's request of the project (docs/rules.md §5).
    pub requested: Money,
    /// What the project already holds (active grants before this run).
    pub held: Money,
    /// What it still lacks: `requested − held`, never below zero.
    pub outstanding: Money,
    /// What this run grants it.
    pub granted: Money,
    /// This run's grant split across the pools, in the policy's order (docs/rules.md §6).
    pub parts: Vec<Money>,
    /// The project's status once this run counts: `Status::of(requested, held + granted)`.
    pub status: Status,
}

/// A whole run: every project's line and the pools before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub lines: Vec<Line>,
    /// The pools' remaining amounts before the run; their sum is the run's budget.
    pub remaining_before: Vec<Money>,
    /// What each pool has left once the run counts.
    pub remaining_after: Vec<Money>,
    pub budget: Money,
    pub outstanding: Money,
    pub granted: Money,
}

impl Outcome {
    /// The keys of the projects that still lack money and get none from this run (候补).
    #[must_use]
    pub fn waitlisted(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter(|l| l.outstanding.is_positive() && l.granted.is_zero())
            .map(|l| l.key.as_str())
            .collect()
    }
}

/// Run docs/rules.md §6 over `projects` (their requests from `engine::compute`), each asking for
/// what it lacks beyond `held[i]`, against the pools' `remaining` amounts (policy order).
///
/// # Panics
/// Never: `held` shorter than `projects` counts the missing entries as zero.
#[must_use]
pub fn run(policy: &Policy, projects: &[Project], held: &[Money], remaining: &[Money]) -> Outcome {
    run_with(policy, projects, &Facts::default(), held, remaining)
}

/// [`run`] with the facts of docs/rules.md §9 (cuts, certified interest, earlier rounds), so that
/// an allocation follows a reviewer's cut as the trial calculation does.
#[must_use]
pub fn run_with(policy: &Policy, projects: &[Project], facts: &Facts, held: &[Money], remaining: &[Money]) -> Outcome {
    let result = compute_with(policy, projects, facts);
    let claims: Vec<(Claim, Money)> = result
        .projects
        .iter()
        .zip(projects)
        .enumerate()
        .map(|(i, (r, p))| {
            let held = held.get(i).copied().unwrap_or(Money::ZERO);
            (Claim { requested: lacking(r.requested, held), score: p.score }, held)
        })
        .collect();
    let only: Vec<Claim> = claims.iter().map(|(c, _)| *c).collect();
    let (granted, parts, remaining_after) = grant(policy.allocation, &only, remaining);
    let lines = result
        .projects
        .iter()
        .zip(claims)
        .zip(granted.iter().zip(parts))
        .map(|((r, (claim, held)), (g, parts))| Line {
            key: r.key.clone(),
            requested: r.requested,
            held,
            outstanding: claim.requested,
            granted: *g,
            parts,
            status: Status::of(r.requested, held + *g),
        })
        .collect();
    Outcome {
        lines,
        remaining_before: remaining.to_vec(),
        remaining_after,
        budget: remaining.iter().sum(),
        outstanding: only.iter().map(|c| c.requested).sum(),
        granted: granted.iter().sum(),
    }
}

/// What a project still lacks: its request less what it holds, never below zero.
#[must_use]
pub fn lacking(requested: Money, held: Money) -> Money {
    if held >= requested {
        Money::ZERO
    } else {
        requested - held
    }
}

/// docs/rules.md §6 on claims against the pools' remaining amounts: the grants, each grant's
/// pool parts, and what the pools have left.
#[must_use]
pub fn grant(rule: Allocation, claims: &[Claim], remaining: &[Money]) -> (Vec<Money>, Vec<Vec<Money>>, Vec<Money>) {
    let budget: Money = remaining.iter().sum();
    let granted = grants::grants(rule, budget, claims);
    let (parts, left) = grants::split(remaining, &granted);
    (granted, parts, left)
}

/// The pool split of a line that follows a grant: `amount` (signed) in proportion to
/// `basis` (per pool, non-negative: what the line can draw on in each pool), exactly, by
/// largest remainders with ties to the pool listed first (docs/rules.md §6). The parts carry the
/// sign of `amount` and sum to it. A release splits by the project's unpaid grant parts, a
/// payment by its granted-and-unpaid parts, a clawback by its paid parts. When `|amount|`
/// is the whole basis, the parts are the basis itself, so no pool is ever left short.
#[must_use]
pub fn split_by(amount: Money, basis: &[Money]) -> Vec<Money> {
    let magnitude = if amount < Money::ZERO { Money::ZERO - amount } else { amount };
    let parts = grants::proportional(magnitude, basis);
    if amount < Money::ZERO {
        parts.into_iter().map(|p| Money::ZERO - p).collect()
    } else {
        parts
    }
}

/// Per pool, `a − b` (what is granted and not yet paid or reserved, per pool).
#[must_use]
pub fn less(a: &[Money], b: &[Money]) -> Vec<Money> {
    a.iter().enumerate().map(|(i, x)| *x - b.get(i).copied().unwrap_or(Money::ZERO)).collect()
}

/// The amounts in a batch: what a project is owed now, its grant less what is paid and
/// what other open batches already carry; never below zero.
#[must_use]
pub fn to_pay(granted: Money, paid: Money, in_open_batches: Money) -> Money {
    lacking(granted, paid + in_open_batches)
}

/// The sum of some amounts (a batch's control total, a proposal's total).
#[must_use]
pub fn total(amounts: &[Money]) -> Money {
    amounts.iter().sum()
}

/// The pools' remaining amounts: amount less granted, per pool.
#[must_use]
pub fn remaining(amounts: &[Money], granted: &[Money]) -> Vec<Money> {
    less(amounts, granted)
}

/// The opposite of an amount (a clawback's item, a release line).
#[must_use]
pub fn negate(amount: Money) -> Money {
    Money::ZERO - amount
}

/// What a new clawback may take back from each pool: what the pool has paid for the project
/// less what open clawbacks (negative open parts) already take back from it. Open payments
/// (positive parts) are not paid yet and take nothing back.
#[must_use]
pub fn clawback_basis(paid: &[Money], open: &[Money]) -> Vec<Money> {
    let clawing: Vec<Money> = open.iter().map(|m| if *m < Money::ZERO { negate(*m) } else { Money::ZERO }).collect();
    less(paid, &clawing)
}

mod fair;
pub mod line;
pub use fair::{run_fair, Fair};

#[cfg(test)]
mod tests;
