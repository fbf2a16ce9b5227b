//! The pure engine: rules.md, section by section. No I/O, no async, no clock, no floats.
//!
//! Its one door is [`compute`]: `tiexi calc`, the web preview and the final figures all
//! call it, so they always agree.

pub mod allocation;
pub mod capital;
pub mod dates;
pub mod facts;
pub mod figures;
pub mod grants;
pub mod interest;
pub mod loan;
pub mod money;
pub mod performance;
pub mod policy;
pub mod project;
pub mod reasons;
pub mod report;
pub mod settle;
pub mod summary;

use std::collections::HashMap;

use ahash::RandomState;
use serde::Serialize;

pub use dates::{DayCount, Interval};
pub use facts::Facts;
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

/// The engine's one door: rules.md §3 to §7 over a round's projects, in workbook order,
/// with no facts from outside the workbook.
#[must_use]
pub fn compute(policy: &Policy, projects: &[Project]) -> RoundResult {
    compute_with(policy, projects, &Facts::default())
}

/// rules.md §3 to §9 over a round's projects, in workbook order, with the facts of §9
/// (cuts, certified interest, earlier rounds) from outside the workbook.
#[must_use]
pub fn compute_with(policy: &Policy, projects: &[Project], facts: &Facts) -> RoundResult {
    // The interface is settled; the rules of §9 are being written against it.
    let _ = facts;
    let rows = Rows::of(projects);
    let mut scratch = loan::Scratch::default();
    let mut results = Vec::with_capacity(projects.len());
    for (p, first) in projects.iter().zip(first_rows(projects)) {
        results.push(request(policy, p, (first, &rows.first[first..first + p.loans.len()]), &mut scratch));
    }
    let claims: Vec<grants::Claim> =
        projects.iter().zip(&results).map(|(p, r)| grants::Claim { requested: r.requested, score: p.score }).collect();
    let granted = grants::grants(policy.allocation, policy.budget(), &claims);
    let amounts: Vec<Money> = policy.pools.iter().map(|p| p.amount).collect();
    let (parts, remaining) = grants::split(&amounts, &granted);
    // rules.md §7: a contract counts once in `loans_unlocked`, by its first row of the round.
    let mut unlocked = vec![false; rows.first.len()];
    let mut tally = Tally::default();
    let each = results.iter_mut().zip(projects).zip(first_rows(projects)).zip(granted).zip(parts);
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

/// The round's loans in workbook order, numbered from 0 across its projects.
struct Rows {
    /// The first row of the round with the loan's contract number: the loan's own row, or
    /// the earlier one that makes it a `duplicate_contract` (rules.md §4).
    first: Vec<usize>,
}

impl Rows {
    fn of(projects: &[Project]) -> Rows {
        let loans = projects.iter().flat_map(|p| &p.loans);
        let n = loans.clone().count();
        let mut seen: HashMap<&str, usize, RandomState> = HashMap::with_capacity_and_hasher(n, RandomState::new());
        let mut first = Vec::with_capacity(n);
        for (row, loan) in loans.enumerate() {
            first.push(*seen.entry(loan.contract_no.as_str()).or_insert(row));
        }
        Rows { first }
    }
}

/// rules.md §4: why the loan on `row` earns nothing before its days are even counted:
/// `duplicate_contract` (an earlier row has its contract number, `first`) and
/// `rate_above_ceiling` (its contract rate on `d0` is above the ceiling). Mostly none,
/// and an empty list allocates nothing.
fn exclusions(policy: &Policy, loan: &Loan, row: usize, first: usize) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if first != row {
        reasons.push(Reason::DuplicateContract);
    }
    if policy.max_contract_percent.is_some_and(|max| loan::rate_on(loan, loan.disbursed_on) > max) {
        reasons.push(Reason::RateAboveCeiling);
    }
    reasons
}

/// The row of each project's first loan.
fn first_rows(projects: &[Project]) -> impl Iterator<Item = usize> + '_ {
    projects.iter().scan(0, |row, p| {
        let first = *row;
        *row += p.loans.len();
        Some(first)
    })
}

/// rules.md §4 and §5: the loans of one project and its request (grant not yet known).
/// `rows` is the row of the project's first loan and the `Rows::first` of its loans.
fn request(policy: &Policy, project: &Project, rows: (usize, &[usize]), scratch: &mut loan::Scratch) -> ProjectResult {
    let (row, first) = rows;
    let each = || project.loans.iter().zip(row..).zip(first).map(|((l, row), first)| (l, row, *first));
    let counted = each()
        .filter(|(l, row, first)| exclusions(policy, l, *row, *first).is_empty())
        .map(|(l, _, _)| l.principal)
        .sum();
    let factor = project::principal_factor(policy, project, counted);
    let mut reasons = project::ineligibility(policy, project);
    let eligible = reasons.is_empty();
    let mut loans = Vec::with_capacity(project.loans.len());
    for (loan, row, first) in each() {
        let excluded = exclusions(policy, loan, row, first);
        if !excluded.is_empty() {
            loans.push(LoanResult::excluded(loan, excluded));
            continue;
        }
        let mut r = loan::subsidy_with(policy, loan, factor, scratch);
        if !eligible {
            // cli.md: an ineligible project's loans keep their days, computed and reasons; subsidy 0.
            r.subsidy = Money::ZERO;
        }
        loans.push(r);
    }
    let mut requested = Money::ZERO;
    if eligible {
        let (req, capped) = project::request(policy, loans.iter().map(|l: &LoanResult| l.subsidy).sum());
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
