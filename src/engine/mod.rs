//! The pure engine: rules.md, section by section. No I/O, no async, no clock, no floats.
//!
//! Its one door is [`compute`]: `tiexi calc`, the web preview and the final figures all
//! call it, so they always agree.

pub mod allocation;
pub mod dates;
pub mod figures;
pub mod grants;
pub mod loan;
pub mod money;
pub mod policy;
pub mod project;
pub mod reasons;
pub mod report;
pub mod settle;
pub mod summary;

use std::collections::HashSet;

use serde::Serialize;

pub use dates::{DayCount, Interval};
pub use figures::{Figures, Tally};
pub use loan::{LoanResult, Piece};
pub use money::Money;
pub use policy::{Allocation, OverdueRule, Policy, PolicyError, Pool, PoolKind, RateMode};
pub use project::{Applicant, ApplicantType, Event, EventKind, Loan, Project};
pub use reasons::Reason;

/// rules.md §6 statuses.
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
            Status::Waitlisted => "候补",
            Status::Ineligible => "不符合条件",
        }
    }
}

/// The result for one project (cli.md `projects[]`).
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

/// The engine's one door: rules.md §3 to §7 over a round's projects, in workbook order.
#[must_use]
pub fn compute(policy: &Policy, projects: &[Project]) -> RoundResult {
    let excluded = exclusions(policy, projects);
    let mut results: Vec<ProjectResult> =
        projects.iter().zip(&excluded).map(|(p, ex)| request(policy, p, ex)).collect();
    let claims: Vec<grants::Claim> =
        projects.iter().zip(&results).map(|(p, r)| grants::Claim { requested: r.requested, score: p.score }).collect();
    let granted = grants::grants(policy.allocation, policy.budget(), &claims);
    let amounts: Vec<Money> = policy.pools.iter().map(|p| p.amount).collect();
    let (parts, remaining) = grants::split(&amounts, &granted);
    let mut tally = Tally::default();
    for (((result, project), grant), parts) in results.iter_mut().zip(projects).zip(granted).zip(parts) {
        result.granted = grant;
        result.pools = parts;
        result.status = Status::of(result.requested, grant);
        tally.add(project, result.requested, grant);
    }
    let pools = policy
        .pools
        .iter()
        .zip(remaining)
        .map(|(p, left)| PoolResult {
            name: p.name.clone(),
            kind: p.kind,
            amount: p.amount,
            granted: p.amount - left,
            remaining: left,
        })
        .collect();
    RoundResult { year: policy.year, budget: policy.budget(), projects: results, pools, totals: tally.figures() }
}

/// rules.md §4: per loan, `duplicate_contract` (an earlier row of the round has the
/// contract number) and `rate_above_ceiling` (contract rate on `d0` above the ceiling).
fn exclusions(policy: &Policy, projects: &[Project]) -> Vec<Vec<Vec<Reason>>> {
    let mut seen = HashSet::new();
    projects
        .iter()
        .map(|p| {
            p.loans
                .iter()
                .map(|loan| {
                    let mut reasons = Vec::new();
                    if !seen.insert(loan.contract_no.as_str()) {
                        reasons.push(Reason::DuplicateContract);
                    }
                    if policy.max_contract_percent.is_some_and(|max| loan::rate_on(loan, loan.disbursed_on) > max) {
                        reasons.push(Reason::RateAboveCeiling);
                    }
                    reasons
                })
                .collect()
        })
        .collect()
}

/// rules.md §4 and §5: the loans of one project and its request (grant not yet known).
fn request(policy: &Policy, project: &Project, excluded: &[Vec<Reason>]) -> ProjectResult {
    let counted = project.loans.iter().zip(excluded).filter(|(_, ex)| ex.is_empty()).map(|(l, _)| l.principal).sum();
    let factor = project::principal_factor(policy, project, counted);
    let mut reasons = project::ineligibility(policy, project);
    let eligible = reasons.is_empty();
    let loans: Vec<LoanResult> = project
        .loans
        .iter()
        .zip(excluded)
        .map(|(loan, ex)| {
            if !ex.is_empty() {
                return LoanResult::excluded(loan, ex.clone());
            }
            let mut r = loan::subsidy(policy, loan, factor);
            if !eligible {
                // cli.md: an ineligible project's loans keep their days, computed and reasons; subsidy 0.
                r.subsidy = Money::ZERO;
            }
            r
        })
        .collect();
    let mut requested = Money::ZERO;
    if eligible {
        let (req, capped) = project::request(policy, loans.iter().map(|l| l.subsidy).sum());
        requested = req;
        if capped {
            reasons.push(Reason::LimitedByProjectCap);
        }
    }
    ProjectResult {
        key: project.key.clone(),
        status: Status::Ineligible,
        reasons,
        requested,
        granted: Money::ZERO,
        pools: Vec::new(),
        loans,
    }
}
