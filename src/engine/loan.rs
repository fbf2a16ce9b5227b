//! docs/rules.md §3 (the days of a loan that earn subsidy) and §4 (the subsidy of one loan).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::Serialize;

use super::caps::Caps;
use super::dates::{days, DayCount, Interval};
use super::facts::Cut;
use super::interest::Interest;
use super::money::Money;
use super::policy::{Policy, Rates};
use super::project::{EventKind, Loan};
use super::reasons::Reason;
use super::reconcile::Cause;

mod eligible;
use eligible::eligible_into;
pub use eligible::{eligible, overdue_periods, running};

/// One piece of constant balance and rate: what a person sums to check a subsidy by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The policy's day count, for [`Piece::amount`].
    pub day_count: DayCount,
}

impl Piece {
    /// `balance × s × days / basis`, in yuan, not rounded (before the project factor).
    /// Worked out when shown, not when computed: `computed` sums in integers.
    #[must_use]
    pub fn amount(&self) -> Decimal {
        interest(self.balance, self.subsidised_rate, self.days) / self.day_count.basis()
    }
}

/// docs/cli.md `pieces[]`: the fields in their order, `amount` last.
impl Serialize for Piece {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Piece", 7)?;
        out.serialize_field("from", &self.from)?;
        out.serialize_field("to", &self.to)?;
        out.serialize_field("days", &self.days)?;
        out.serialize_field("balance", &self.balance)?;
        out.serialize_field("rate", &self.rate)?;
        out.serialize_field("subsidised_rate", &self.subsidised_rate)?;
        out.serialize_field("amount", &self.amount())?;
        out.end()
    }
}

/// The result for one loan (docs/cli.md `loans[]`), with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanResult {
    pub contract_no: String,
    pub eligible_days: i64,
    pub computed: Money,
    pub subsidy: Money,
    pub reasons: Vec<Reason>,
    pub pieces: Vec<Piece>,
    /// docs/rules.md §4: `(C, ΣP)` when the project's principal cap made `f = C / ΣP` below 1.
    pub factor: Option<(Money, Money)>,
    /// docs/rules.md §9: the reviewer's cut of this loan, if any.
    pub cut: Option<Cut>,
    /// docs/rules.md §9: the bank's certified interest for the round, if its statement has any.
    pub certified: Option<Money>,
    /// docs/rules.md §9: the days of `E` removed because another round subsidised them.
    pub already_subsidised_days: i64,
    /// docs/cli.md: the statement less the interest at the contract rate for the same days, when
    /// more than 1 yuan either way (`engine::reconcile`).
    pub statement_difference: Option<Money>,
    /// Its likely cause.
    pub statement_cause: Option<Cause>,
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
            cut: None,
            certified: None,
            already_subsidised_days: 0,
            statement_difference: None,
            statement_cause: None,
        }
    }
}

/// docs/rules.md §4: the contract rate on a day, the last rate change on or before it winning.
#[must_use]
pub fn rate_on(loan: &Loan, day: NaiveDate) -> Decimal {
    // The greatest (date, rate), the last of equals: the workbook's event order never matters.
    let changes = loan.events.iter().filter_map(|e| match e.kind {
        EventKind::RateChange(r) if e.on <= day => Some((e.on, r)),
        _ => None,
    });
    changes.max().map_or(loan.rate, |c| c.1)
}

/// docs/rules.md §4: the balance on a day, repayments counting from their own date on.
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

/// docs/rules.md §4: split eligible intervals into pieces of constant balance and rate.
#[must_use]
pub fn pieces(policy: &Policy, loan: &Loan, intervals: &[Interval]) -> Vec<Piece> {
    pieces_with(policy, loan, intervals, &mut Rates::default())
}

fn pieces_with(policy: &Policy, loan: &Loan, intervals: &[Interval], rates: &mut Rates) -> Vec<Piece> {
    // One piece an interval unless a repayment or a rate change cuts it.
    let mut out = Vec::with_capacity(intervals.len());
    for interval in intervals {
        let mut from = interval.start;
        loop {
            let to = next_cut(loan, from, interval.end);
            let rate = rate_on(loan, from);
            out.push(Piece {
                from,
                to,
                days: days(from, to),
                balance: balance_on(loan, from),
                rate,
                subsidised_rate: rates.subsidised(policy.rate, rate),
                day_count: policy.day_count,
            });
            if to >= interval.end {
                break;
            }
            from = to;
        }
    }
    out
}

/// The first repayment or rate change after `from` and before `end`, else `end`.
fn next_cut(loan: &Loan, from: NaiveDate, end: NaiveDate) -> NaiveDate {
    let cuts = loan.events.iter().filter(|e| matches!(e.kind, EventKind::Repayment(_) | EventKind::RateChange(_)));
    cuts.map(|e| e.on).filter(|on| *on > from && *on < end).min().unwrap_or(end)
}

/// `B × s × days` in yuan·days, exact (s in percent).
fn interest(balance: Money, subsidised_rate: Decimal, days: i64) -> Decimal {
    balance.yuan() * subsidised_rate * Decimal::from(days) / Decimal::ONE_HUNDRED
}

/// docs/rules.md §4: `round_half_up_fen(f × Σ B·s·days / basis)`, summed by pieces and divided once.
/// `factor` is `(C, ΣP)` when the project's principal cap binds.
#[must_use]
pub fn computed(policy: &Policy, pieces: &[Piece], factor: Option<(Money, Money)>) -> Money {
    let mut sum = Interest::default();
    for p in pieces {
        sum.add(p.balance, p.subsidised_rate, p.days);
    }
    sum.computed(policy.day_count, factor).unwrap_or_else(|| computed_in_decimal(policy, pieces, factor))
}

/// The same in `rust_decimal`, for sums beyond an i128 (never for amounts a workbook holds).
fn computed_in_decimal(policy: &Policy, pieces: &[Piece], factor: Option<(Money, Money)>) -> Money {
    let total: Decimal = pieces.iter().map(|p| interest(p.balance, p.subsidised_rate, p.days)).sum();
    let value = match factor {
        Some((cap, principal)) => total * cap.yuan() / (principal.yuan() * policy.day_count.basis()),
        None => total / policy.day_count.basis(),
    };
    Money::round_half_up(value)
}

/// docs/rules.md §3 and §4: everything about one loan that is not excluded.
#[must_use]
pub fn subsidy(policy: &Policy, loan: &Loan, factor: Option<(Money, Money)>) -> LoanResult {
    subsidy_given(policy, loan, factor, LoanFacts::default())
}

/// docs/rules.md §9: what facts from outside the workbook say about one loan.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoanFacts<'a> {
    /// A reviewer's cut (核减).
    pub cut: Option<&'a Cut>,
    /// The bank's certified interest for the round (银行结息).
    pub certified: Option<Money>,
    /// The days of the contract that other rounds subsidised (docs/rules.md §9).
    pub subsidised: &'a [Interval],
}

/// [`subsidy`] with the facts of docs/rules.md §9.
#[must_use]
pub fn subsidy_given(policy: &Policy, loan: &Loan, factor: Option<(Money, Money)>, facts: LoanFacts<'_>) -> LoanResult {
    subsidy_with(policy, loan, factor, facts, &mut Scratch::default())
}

/// What the engine reuses from one loan to the next, so that a loan allocates only its result.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    intervals: Vec<Interval>,
    rates: Rates,
}

pub(crate) fn subsidy_with(
    policy: &Policy,
    loan: &Loan,
    factor: Option<(Money, Money)>,
    facts: LoanFacts<'_>,
    scratch: &mut Scratch,
) -> LoanResult {
    let mut result = LoanResult::excluded(loan, Vec::new());
    result.cut = facts.cut.cloned();
    result.certified = facts.certified;
    result.already_subsidised_days =
        eligible_into(policy, loan, facts.subsidised, &mut scratch.intervals, &mut result.reasons);
    if !scratch.intervals.is_empty() {
        result.factor = factor;
        result.pieces = pieces_with(policy, loan, &scratch.intervals, &mut scratch.rates);
        // The pieces cut the (non-empty) intervals without gaps, so their days are `E`'s days.
        result.eligible_days = result.pieces.iter().map(|p| p.days).sum();
        result.computed = computed(policy, &result.pieces, factor);
    }
    // docs/rules.md §9: a loan that a reviewer excluded keeps its days and computed amount,
    // so that the cut shows what it took away; only its subsidy is 0.
    let caps = Caps { interest_paid: loan.interest_paid, certified: facts.certified, cut: facts.cut };
    result.subsidy = caps.apply(result.computed, &mut result.reasons);
    result
}

#[cfg(test)]
mod tests;
