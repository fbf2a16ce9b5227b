//! The pure engine: docs/rules.md, section by section. No I/O, no async, no clock, no floats.
//!
//! Its one door is [`compute`]: `tiexi calc`, the web preview and the final figures all
//! call it, so they always agree.

pub mod allocation;
pub mod applicant;
pub mod capital;
pub mod caps;
pub mod certified;
pub mod compact;
pub mod dates;
pub mod facts;
pub mod figures;
pub mod grants;
pub mod interest;
pub mod loan;
pub mod money;
pub mod payment;
pub mod performance;
pub mod policy;
pub mod project;
pub mod reasons;
pub mod reconcile;
pub mod report;
mod request;
pub mod round;
pub mod settle;
pub mod summary;

use serde::Serialize;

pub use dates::{DayCount, Interval};
pub use facts::Facts;
pub use figures::{Figures, Tally};
pub use loan::{LoanResult, Piece};
pub use money::Money;
pub use policy::{Allocation, AllocationRule, OverdueRule, Policy, PolicyError, Pool, PoolKind, RateMode};
pub use project::{Applicant, ApplicantType, Event, EventKind, Loan, Project};
pub use reasons::Reason;
pub use reconcile::reconcile;
pub use round::RoundStatus;

/// docs/rules.md §6 statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// granted = requested > 0
    Funded,
    /// 0 < granted < requested
    PartiallyFunded,
    /// granted 0, requested > 0
    Waitlisted,
    /// requested 0
    Ineligible,
}

impl Status {
    #[must_use]
    pub fn of(requested: Money, granted: Money) -> Status {
        if !requested.is_positive() {
            Status::Ineligible
        } else if granted == requested {
            Status::Funded
        } else if granted.is_positive() {
            Status::PartiallyFunded
        } else {
            Status::Waitlisted
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Status::Funded => "funded",
            Status::PartiallyFunded => "partially_funded",
            Status::Waitlisted => "waitlisted",
            Status::Ineligible => "ineligible",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::Funded => "全额贴息",
            Status::PartiallyFunded => "部分贴息",
            Status::Waitlisted => "预算不足",
            Status::Ineligible => "不符合条件",
        }
    }

    pub const ALL: [Status; 4] = [Status::Funded, Status::PartiallyFunded, Status::Waitlisted, Status::Ineligible];

    #[must_use]
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The result for one project (docs/cli.md `projects[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectResult {
    pub key: String,
    pub status: Status,
    pub reasons: Vec<Reason>,
    pub requested: Money,
    pub granted: Money,
    /// One part per pool of the policy, in the policy's order.
    pub pools: Vec<Money>,
    pub loans: Vec<LoanResult>,
}

/// A pool after the round: its amount, what was granted from it and what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoolResult {
    pub name: String,
    pub kind: PoolKind,
    pub amount: Money,
    pub granted: Money,
    pub remaining: Money,
}

/// Everything the engine says about a round, projects in workbook order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundResult {
    pub year: i32,
    pub budget: Money,
    pub projects: Vec<ProjectResult>,
    pub pools: Vec<PoolResult>,
    pub totals: Figures,
}

/// The engine's one door: docs/rules.md §3 to §7 over a round's projects, in workbook order,
/// with no facts from outside the workbook.
#[must_use]
pub fn compute(policy: &Policy, projects: &[Project]) -> RoundResult {
    compute_with(policy, projects, &Facts::default())
}

/// docs/rules.md §3 to §9 over a round's projects, in workbook order, with the facts of §9
/// (cuts, certified interest, earlier rounds) from outside the workbook.
#[must_use]
pub fn compute_with(policy: &Policy, projects: &[Project], facts: &Facts) -> RoundResult {
    let rows = request::Rows::of(projects);
    let mut results = request::requests(policy, facts, projects, &rows);
    let claims: Vec<grants::Claim> =
        projects.iter().zip(&results).map(|(p, r)| grants::Claim { requested: r.requested, score: p.score }).collect();
    let granted = grants::grants(policy.allocation, policy.budget(), &claims);
    let amounts: Vec<Money> = policy.pools.iter().map(|p| p.amount).collect();
    let (parts, remaining) = grants::split(&amounts, &granted);
    // docs/rules.md §7: a contract counts once in `loans_unlocked`, by its first row of the round.
    let mut unlocked = vec![false; rows.first.len()];
    let mut tally = Tally::default();
    let each = results.iter_mut().zip(projects).zip(request::first_rows(projects)).zip(granted).zip(parts);
    for ((((result, project), first), grant), parts) in each {
        result.granted = grant;
        result.pools = parts;
        result.status = Status::of(result.requested, grant);
        let mut principal = Money::ZERO;
        if grant.is_positive() {
            for (loan, row) in project.loans.iter().zip(first..) {
                if !std::mem::replace(&mut unlocked[rows.first[row]], true) {
                    principal += loan.principal;
                }
            }
        }
        tally.add_unlocked(project, result.requested, grant, principal);
    }
    let pools = policy.pools.iter().zip(remaining).map(|(p, left)| PoolResult {
        name: p.name.clone(),
        kind: p.kind,
        amount: p.amount,
        granted: p.amount - left,
        remaining: left,
    });
    let pools = pools.collect();
    RoundResult { year: policy.year, budget: policy.budget(), projects: results, pools, totals: tally.figures() }
}
