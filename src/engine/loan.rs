//! rules.md §3 (the days of a loan that earn subsidy) and §4 (the subsidy of one loan).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates::{add_months, Interval};
use super::money::Money;
use super::policy::{OverdueRule, Policy};
use super::project::{EventKind, Loan};
use super::reasons::Reason;

/// One piece of constant balance and rate: what a person sums to check a subsidy by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub from: NaiveDate,
    /// The first day not included (算头不算尾).
    pub to: NaiveDate,
    pub days: i64,
    pub balance: Money,
    /// The contract rate on these days, percent.
    pub rate: Decimal,
    /// The subsidised rate `s`, percent.
    pub subsidised_rate: Decimal,
    /// `balance × s × days / basis`, in yuan, not rounded (before the project factor).
    pub amount: Decimal,
}

/// The result for one loan (cli.md `loans[]`), with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanResult {
    pub contract_no: String,
    pub eligible_days: i64,
    pub computed: Money,
    pub subsidy: Money,
    pub reasons: Vec<Reason>,
    pub pieces: Vec<Piece>,
    /// rules.md §4: `(C, ΣP)` when the project's principal cap made `f = C / ΣP` below 1.
    pub factor: Option<(Money, Money)>,
}

impl LoanResult {
    /// A loan excluded by `duplicate_contract` or `rate_above_ceiling`: only those reasons.
    #[must_use]
    pub fn excluded(loan: &Loan, reasons: Vec<Reason>) -> LoanResult {
        LoanResult {
            contract_no: loan.contract_no.clone(),
            eligible_days: 0,
            computed: Money::ZERO,
            subsidy: Money::ZERO,
            reasons,
            pieces: Vec::new(),
            factor: None,
        }
    }
}

/// rules.md §4: the contract rate on a day, the last rate change on or before it winning.
#[must_use]
pub fn rate_on(loan: &Loan, day: NaiveDate) -> Decimal {
    let mut changes: Vec<(NaiveDate, Decimal)> = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::RateChange(r) if e.on <= day => Some((e.on, r)),
            _ => None,
        })
        .collect();
    // Sorted by date and then rate, so that the workbook's event order never matters.
    changes.sort();
    changes.last().map_or(loan.rate, |c| c.1)
}

/// rules.md §4: the balance on a day, repayments counting from their own date on.
#[must_use]
pub fn balance_on(loan: &Loan, day: NaiveDate) -> Money {
    let repaid: Money = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Repayment(m) if e.on <= day => Some(m),
            _ => None,
        })
        .sum();
    // Over-repayment is an input error (import reports it); the engine never goes below zero.
    (loan.principal - repaid).max(Money::ZERO)
}

/// rules.md §3.1: the end of the loan's life, extensions applied where the policy pays them.
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

/// rules.md §3.4: the overdue periods `[start, end)` that count (start before `window.end`).
#[must_use]
pub fn overdue_periods(policy: &Policy, loan: &Loan) -> Vec<Interval> {
    let mut marks: Vec<(NaiveDate, bool)> = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::OverdueStart => Some((e.on, false)),
            EventKind::OverdueEnd => Some((e.on, true)),
            _ => None,
        })
        .collect();
    // On one day a start sorts before an end, whatever the workbook's order.
    marks.sort();
    let mut periods = Vec::new();
    let mut open: Option<NaiveDate> = None;
    for (on, is_end) in marks {
        match (open, is_end) {
            (None, false) => open = Some(on),
            (Some(start), true) => {
                periods.push(Interval::new(start, on));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        periods.push(Interval::new(start, NaiveDate::MAX));
    }
    periods.retain(|p| p.start < policy.window.end);
    periods
}

/// rules.md §3: the eligible intervals of a loan, or the reason it has none.
///
/// # Errors
/// `NoOverlap` when `E` is empty, `OverdueForfeit` when the overdue rule empties it.
pub fn eligible(policy: &Policy, loan: &Loan) -> Result<Vec<Interval>, Reason> {
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

/// rules.md §4: split eligible intervals into pieces of constant balance and rate.
#[must_use]
pub fn pieces(policy: &Policy, loan: &Loan, intervals: &[Interval]) -> Vec<Piece> {
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
            out.push(piece(policy, loan, Interval::new(from, to)));
            from = to;
        }
    }
    out
}

fn piece(policy: &Policy, loan: &Loan, span: Interval) -> Piece {
    let balance = balance_on(loan, span.start);
    let rate = rate_on(loan, span.start);
    let subsidised_rate = policy.rate.subsidised(rate);
    let days = span.days();
    Piece {
        from: span.start,
        to: span.end,
        days,
        balance,
        rate,
        subsidised_rate,
        amount: interest(balance, subsidised_rate, days) / policy.day_count.basis(),
    }
}

/// `B × s × days` in yuan·days, exact (s in percent).
fn interest(balance: Money, subsidised_rate: Decimal, days: i64) -> Decimal {
    balance.yuan() * subsidised_rate * Decimal::from(days) / Decimal::ONE_HUNDRED
}

/// rules.md §4: `round_half_up_fen(f × Σ B·s·days / basis)`, summed by pieces and divided once.
/// `factor` is `(C, ΣP)` when the project's principal cap binds.
#[must_use]
pub fn computed(policy: &Policy, pieces: &[Piece], factor: Option<(Money, Money)>) -> Money {
    let total: Decimal = pieces.iter().map(|p| interest(p.balance, p.subsidised_rate, p.days)).sum();
    let value = match factor {
        Some((cap, principal)) => total * cap.yuan() / (principal.yuan() * policy.day_count.basis()),
        None => total / policy.day_count.basis(),
    };
    Money::round_half_up(value)
}

/// rules.md §3 and §4: everything about one loan that is not excluded.
#[must_use]
pub fn subsidy(policy: &Policy, loan: &Loan, factor: Option<(Money, Money)>) -> LoanResult {
    let mut result = LoanResult::excluded(loan, Vec::new());
    match eligible(policy, loan) {
        Err(reason) => result.reasons.push(reason),
        Ok(intervals) => {
            result.factor = factor;
            result.eligible_days = intervals.iter().map(|i| i.days()).sum();
            result.pieces = pieces(policy, loan, &intervals);
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

#[cfg(test)]
mod tests;
