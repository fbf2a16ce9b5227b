//! The engine as it was before issue 7 (main at 50b4487), kept as the reference that
//! `engine_reference` compares the faster engine with: `rust_decimal` products and a division
//! per piece, the events filtered and sorted again for every piece, a list of exclusions
//! per loan, and a hash set of cloned contract numbers for `loans_unlocked`. The parts that
//! issue 7 did not touch (dates, overdue periods, the rate modes, the project rules) are
//! the engine's own, and so is `grants::priority`.

mod grants;

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use tiexi::engine::dates::add_months;
use tiexi::engine::loan::overdue_periods;
use tiexi::engine::{
    project, EventKind, Figures, Interval, Loan, LoanResult, Money, OverdueRule, Piece, Policy, PoolResult, Project,
    ProjectResult, Reason, RoundResult, Status,
};

fn rate_on(loan: &Loan, day: NaiveDate) -> Decimal {
    let mut changes: Vec<(NaiveDate, Decimal)> = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RateChange(r) if e.on <= day => Some((e.on, r)),
            _ => None,
        })
        .collect();
    changes.sort();
    changes.last().map_or(loan.rate, |c| c.1)
}

fn balance_on(loan: &Loan, day: NaiveDate) -> Money {
    let repaid: Money = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Repayment(m) if e.on <= day => Some(m),
            _ => None,
        })
        .sum();
    (loan.principal - repaid).max(Money::ZERO)
}

fn loan_end(policy: &Policy, loan: &Loan) -> NaiveDate {
    let mut maturity = loan.maturity_on;
    if policy.subsidize_extensions {
        let extended = loan.events.iter().filter_map(|e| match e.kind {
            EventKind::Extension(to) => Some(to),
            _ => None,
        });
        maturity = extended.fold(maturity, NaiveDate::max);
    }
    loan.settled_on.map_or(maturity, |s| maturity.min(s))
}

fn eligible(policy: &Policy, loan: &Loan) -> Result<Vec<Interval>, Reason> {
    let term_end = add_months(loan.disbursed_on, policy.term_months);
    let start = loan.disbursed_on.max(policy.window.start);
    let end = loan_end(policy, loan).min(term_end).min(policy.window.end);
    let e = Interval::new(start, end);
    if e.is_empty() {
        return Err(Reason::NoOverlap);
    }
    let periods = overdue_periods(policy, loan);
    let left = match policy.overdue {
        OverdueRule::FromFirstOverdue => match periods.iter().map(|p| p.start).min() {
            Some(first) => vec![e.cut_at(first)],
            None => vec![e],
        },
        OverdueRule::ExcludeDays => {
            periods.iter().fold(vec![e], |parts, hole| parts.into_iter().flat_map(|p| p.minus(*hole)).collect())
        }
        OverdueRule::ForfeitLoan if periods.is_empty() => vec![e],
        OverdueRule::ForfeitLoan => vec![],
    };
    let left: Vec<Interval> = left.into_iter().filter(|i| !i.is_empty()).collect();
    if left.is_empty() {
        return Err(Reason::OverdueForfeit);
    }
    Ok(left)
}

/// The pieces, and each one's amount as the old `Piece.amount` held it.
fn pieces(policy: &Policy, loan: &Loan, intervals: &[Interval]) -> Vec<(Piece, Decimal)> {
    let mut cuts: Vec<NaiveDate> = loan
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Repayment(_) | EventKind::RateChange(_)))
        .map(|e| e.on)
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut out = Vec::new();
    for interval in intervals {
        let mut from = interval.start;
        let inner = cuts.iter().copied().filter(|c| *c > interval.start && *c < interval.end);
        for to in inner.chain(std::iter::once(interval.end)) {
            let (balance, rate) = (balance_on(loan, from), rate_on(loan, from));
            let subsidised_rate = policy.rate.subsidised(rate);
            let days = Interval::new(from, to).days();
            let piece = Piece { from, to, days, balance, rate, subsidised_rate, day_count: policy.day_count };
            out.push((piece, interest(balance, subsidised_rate, days) / policy.day_count.basis()));
            from = to;
        }
    }
    out
}

fn interest(balance: Money, subsidised_rate: Decimal, days: i64) -> Decimal {
    balance.yuan() * subsidised_rate * Decimal::from(days) / Decimal::ONE_HUNDRED
}

fn computed(policy: &Policy, pieces: &[Piece], factor: Option<(Money, Money)>) -> Money {
    let total: Decimal = pieces.iter().map(|p| interest(p.balance, p.subsidised_rate, p.days)).sum();
    let value = match factor {
        Some((cap, principal)) => total * cap.yuan() / (principal.yuan() * policy.day_count.basis()),
        None => total / policy.day_count.basis(),
    };
    Money::round_half_up(value)
}

fn subsidy(policy: &Policy, loan: &Loan, factor: Option<(Money, Money)>, amounts: &mut Vec<Decimal>) -> LoanResult {
    let mut result = LoanResult::excluded(loan, Vec::new());
    match eligible(policy, loan) {
        Err(reason) => result.reasons.push(reason),
        Ok(intervals) => {
            result.factor = factor;
            result.eligible_days = intervals.iter().map(|i| i.days()).sum();
            let (pieces, shown): (Vec<Piece>, Vec<Decimal>) = pieces(policy, loan, &intervals).into_iter().unzip();
            amounts.extend(shown);
            result.pieces = pieces;
            result.computed = computed(policy, &result.pieces, factor);
            result.subsidy = result.computed;
            if let Some(paid) = loan.interest_paid.filter(|paid| *paid < result.computed) {
                result.subsidy = paid;
                result.reasons.push(Reason::LimitedByInterestPaid);
            }
        }
    }
    result
}

/// The round as the old `engine::compute` gave it, and every piece's amount in order.
pub fn compute(policy: &Policy, projects: &[Project]) -> (RoundResult, Vec<Decimal>) {
    let mut amounts = Vec::new();
    let excluded = exclusions(policy, projects);
    let mut results: Vec<ProjectResult> =
        projects.iter().zip(&excluded).map(|(p, ex)| request(policy, p, ex, &mut amounts)).collect();
    let claims: Vec<tiexi::engine::grants::Claim> = projects
        .iter()
        .zip(&results)
        .map(|(p, r)| tiexi::engine::grants::Claim { requested: r.requested, score: p.score })
        .collect();
    let granted = grants::grants(policy.allocation, policy.budget(), &claims);
    let amounts_of_pools: Vec<Money> = policy.pools.iter().map(|p| p.amount).collect();
    let (parts, remaining) = grants::split(&amounts_of_pools, &granted);
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
    let round =
        RoundResult { year: policy.year, budget: policy.budget(), projects: results, pools, totals: tally.figures() };
    (round, amounts)
}

fn exclusions(policy: &Policy, projects: &[Project]) -> Vec<Vec<Vec<Reason>>> {
    let mut seen = HashSet::new();
    let of = |loan: &Loan, seen: &mut HashSet<String>| {
        let mut reasons = Vec::new();
        if !seen.insert(loan.contract_no.clone()) {
            reasons.push(Reason::DuplicateContract);
        }
        if policy.max_contract_percent.is_some_and(|max| rate_on(loan, loan.disbursed_on) > max) {
            reasons.push(Reason::RateAboveCeiling);
        }
        reasons
    };
    projects.iter().map(|p| p.loans.iter().map(|loan| of(loan, &mut seen)).collect()).collect()
}

fn request(policy: &Policy, project: &Project, excluded: &[Vec<Reason>], amounts: &mut Vec<Decimal>) -> ProjectResult {
    let counted = project.loans.iter().zip(excluded).filter(|(_, ex)| ex.is_empty()).map(|(l, _)| l.principal).sum();
    let factor = project::principal_factor(policy, project, counted);
    let mut reasons = project::ineligibility(policy, project);
    let eligible = reasons.is_empty();
    let mut loans = Vec::new();
    for (loan, ex) in project.loans.iter().zip(excluded) {
        if !ex.is_empty() {
            loans.push(LoanResult::excluded(loan, ex.clone()));
            continue;
        }
        let mut r = subsidy(policy, loan, factor, amounts);
        if !eligible {
            r.subsidy = Money::ZERO;
        }
        loans.push(r);
    }
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

/// The old `figures::Tally`: cloned contract numbers, the income sum in Decimal.
#[derive(Default)]
struct Tally {
    projects: usize,
    funded_projects: usize,
    requested: Money,
    granted: Money,
    loans_unlocked: Money,
    households: u64,
    income_weighted: Decimal,
    income_households: u64,
    contracts: HashSet<String>,
}

impl Tally {
    fn add(&mut self, project: &Project, requested: Money, granted: Money) {
        self.projects += 1;
        self.requested += requested;
        if !granted.is_positive() {
            return;
        }
        self.funded_projects += 1;
        self.granted += granted;
        self.households += u64::from(project.households);
        for loan in &project.loans {
            if self.contracts.insert(loan.contract_no.clone()) {
                self.loans_unlocked += loan.principal;
            }
        }
        if let Some(income) = project.income_increase {
            self.income_weighted += income.yuan() * Decimal::from(project.households);
            self.income_households += u64::from(project.households);
        }
    }

    fn figures(&self) -> Figures {
        let leverage = self.granted.is_positive().then(|| round2(self.loans_unlocked.yuan() / self.granted.yuan()));
        let avg_income_increase =
            (self.income_households > 0).then(|| round2(self.income_weighted / Decimal::from(self.income_households)));
        Figures {
            projects: self.projects,
            funded_projects: self.funded_projects,
            requested: self.requested,
            granted: self.granted,
            loans_unlocked: self.loans_unlocked,
            leverage,
            households: self.households,
            avg_income_increase,
        }
    }
}

fn round2(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}
