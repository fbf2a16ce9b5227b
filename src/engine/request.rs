//! docs/rules.md §4, §5 and §9 for one project: its loans' subsidies with the facts from outside
//! the workbook, and its request (the grant is not yet known).

use std::collections::HashMap;

use ahash::RandomState;

use super::applicant::Applicants;
use super::dates::Interval;
use super::facts::{Facts, Granted};
use super::loan::{self, LoanResult};
use super::money::Money;
use super::policy::Policy;
use super::project::{self, Loan, Project};
use super::reasons::Reason;
use super::reconcile;
use super::{ProjectResult, Status};

/// The round's loans in workbook order, numbered from 0 across its projects.
pub(super) struct Rows {
    /// The first row of the round with the loan's contract number: the loan's own row, or
    /// the earlier one that makes it a `duplicate_contract` (docs/rules.md §4).
    pub(super) first: Vec<usize>,
}

impl Rows {
    pub(super) fn of(projects: &[Project]) -> Rows {
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

/// docs/rules.md §4: why the loan on `row` earns nothing before its days are even counted:
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
pub(super) fn first_rows(projects: &[Project]) -> impl Iterator<Item = usize> + '_ {
    projects.iter().scan(0, |row, p| {
        let first = *row;
        *row += p.loans.len();
        Some(first)
    })
}

/// docs/rules.md §4, §5 and §9: every project's loans and request, in workbook order.
pub(super) fn requests(policy: &Policy, facts: &Facts, projects: &[Project], rows: &Rows) -> Vec<ProjectResult> {
    let mut scratch = loan::Scratch::default();
    let mut applicants = Applicants::new(policy, &facts.history);
    let mut results = Vec::with_capacity(projects.len());
    for (index, (p, first)) in projects.iter().zip(first_rows(projects)).enumerate() {
        let own = (first, &rows.first[first..first + p.loans.len()]);
        let earlier = applicants.earlier(p);
        let barred = applicants.round_limit_reached(earlier);
        let mut r = request(policy, facts, p, own, barred, &mut scratch);
        if !barred {
            limit(&mut applicants, index, p, earlier, &mut r);
        }
        results.push(r);
    }
    results
}

/// docs/rules.md §9 "Earlier rounds of the same applicant", after §5: a request is at most
/// what `max_subsidy_per_applicant_total` leaves, after `max_subsidy_per_project`.
fn limit<'a>(
    applicants: &mut Applicants<'a>,
    index: usize,
    project: &'a Project,
    earlier: Granted,
    r: &mut ProjectResult,
) {
    if let Some(left) = applicants.left(index, project, earlier) {
        if r.requested > left {
            r.requested = left;
            r.reasons.push(Reason::LimitedByApplicantTotal);
        }
    }
    applicants.record(index, project, r.requested);
}

/// docs/rules.md §4, §5 and §9: the loans of one project and its request (grant not yet known).
/// `rows` is the row of the project's first loan and the `Rows::first` of its loans;
/// `barred`: the applicant reached `max_rounds_per_applicant` (docs/rules.md §9), which makes the
/// project not eligible like the reasons of §5 (its loans keep their figures, subsidy 0).
fn request(
    policy: &Policy,
    facts: &Facts,
    project: &Project,
    rows: (usize, &[usize]),
    barred: bool,
    scratch: &mut loan::Scratch,
) -> ProjectResult {
    let (row, first) = rows;
    let each = || project.loans.iter().zip(row..).zip(first).map(|((l, row), first)| (l, row, *first));
    let counted = each()
        .filter(|(l, row, first)| exclusions(policy, l, *row, *first).is_empty())
        .map(|(l, _, _)| l.principal)
        .sum();
    let factor = project::principal_factor(policy, project, counted);
    let mut reasons = project::ineligibility(policy, project);
    if barred {
        reasons.push(Reason::RoundLimitReached);
    }
    let eligible = reasons.is_empty();
    let loans = loans(policy, facts, (project, rows), (factor, eligible), scratch);
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

/// The loans of one project (its rows as for [`request`]), with the project's principal
/// factor and whether the project is eligible.
fn loans(
    policy: &Policy,
    facts: &Facts,
    (project, (row, first)): (&Project, (usize, &[usize])),
    (factor, eligible): (Option<(Money, Money)>, bool),
    scratch: &mut loan::Scratch,
) -> Vec<LoanResult> {
    let mut loans = Vec::with_capacity(project.loans.len());
    for ((loan, row), &first) in project.loans.iter().zip(row..).zip(first) {
        // The statement belongs to the contract's first row; on a loan above the ceiling it
        // is still shown, as a fact about the contract.
        let statement = facts
            .statement(&loan.contract_no)
            .filter(|_| row == first)
            .map(|lines| reconcile::loan_with(policy, &project.key, loan, lines));
        let certified = statement.as_ref().and_then(|s| s.certified);
        let excluded = exclusions(policy, loan, row, first);
        let mut r = if excluded.is_empty() {
            let subsidised: Vec<Interval> = facts.history.subsidised(policy.year, &loan.contract_no).collect();
            let given = loan::LoanFacts { cut: facts.cut(&loan.contract_no), certified, subsidised: &subsidised };
            loan::subsidy_with(policy, loan, factor, given, scratch)
        } else {
            LoanResult::excluded(loan, excluded)
        };
        r.certified = certified;
        if let Some(s) = statement.filter(|s| s.statement_difference().is_some()) {
            r.statement_difference = s.difference;
            r.statement_cause = s.cause;
        }
        if !eligible {
            // docs/cli.md: an ineligible project's loans keep their days, computed and reasons; subsidy 0.
            r.subsidy = Money::ZERO;
        }
        loans.push(r);
    }
    loans
}
