//! The banks' statements against the workbook (issue 15, docs/facts.md): per loan, the
//! certified interest, the interest at the contract rate for the same days, the difference
//! and its likely cause, and whether the loan lacks a statement.
//!
//! "The same days" are the statement's days inside the window; on each the workbook's
//! balance `B(t)` and contract rate `r(t)` give `B(t) × r(t) / basis`, and nothing on a day
//! the workbook's loan does not run (before 放款日期, from its maturity or 结清日期 on).

use rust_decimal::Decimal;
use serde::Serialize;

use super::certified::{self, inside};
use super::dates::{DayCount, Interval};
use super::facts::{Facts, StatementLine};
use super::loan::{self, Piece};
use super::money::Money;
use super::policy::Policy;
use super::project::{Loan, Project};

mod cause;
pub use cause::Cause;

/// A difference up to this is rounding, not a difference (docs/cli.md: "more than 1 yuan").
pub const TOLERANCE: Money = Money::from_fen(100);

/// One statement line with a day inside the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub line: StatementLine,
    /// The line's days inside the window.
    pub days: i64,
    /// Of those, the days on which the workbook's loan does not run.
    pub days_not_running: i64,
    /// The line's share of the window (docs/rules.md §9).
    pub certified: Money,
    /// The interest at the contract rate on the same days, half-up to the fen.
    pub contract_interest: Money,
}

/// One loan's reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    /// The project's key (docs/cli.md `key`).
    pub project: String,
    pub contract_no: String,
    /// No statement line of the contract has a day inside the window.
    pub lacks_statement: bool,
    /// The statement's days inside the window.
    pub days: i64,
    /// docs/rules.md §9: the certified interest for the round.
    pub certified: Option<Money>,
    /// The interest at the contract rate for the same days, rounded once.
    pub contract_interest: Option<Money>,
    /// `certified − contract_interest`.
    pub difference: Option<Money>,
    /// Why, when the difference is more than [`TOLERANCE`].
    pub cause: Option<Cause>,
    pub rows: Vec<Row>,
}

impl Reconciled {
    /// docs/cli.md `statement_difference`: the difference, only when it is more than 1 yuan.
    #[must_use]
    pub fn statement_difference(&self) -> Option<Money> {
        self.difference.filter(|d| beyond(*d))
    }
}

/// Whether a difference is more than [`TOLERANCE`] either way.
#[must_use]
pub fn beyond(difference: Money) -> bool {
    difference > TOLERANCE || difference < Money::ZERO - TOLERANCE
}

/// Every loan of the round in workbook order, once per contract (a duplicate row is its
/// first row's contract), with the statements of `facts`.
#[must_use]
pub fn reconcile(policy: &Policy, projects: &[Project], facts: &Facts) -> Vec<Reconciled> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for p in projects {
        for l in p.loans.iter().filter(|l| seen.insert(l.contract_no.as_str())) {
            let lines = facts.statements.get(&l.contract_no).map_or(&[][..], Vec::as_slice);
            out.push(loan_with(policy, &p.key, l, lines));
        }
    }
    out
}

/// One loan against its statement lines.
#[must_use]
pub fn loan_with(policy: &Policy, project: &str, loan: &Loan, lines: &[StatementLine]) -> Reconciled {
    let running = loan::running(loan);
    let mut rows = Vec::new();
    let mut exact = Vec::new();
    for line in lines {
        let days = inside(policy.window, line);
        let Some(certified) = certified::line_in_window(policy.window, line) else { continue };
        let on = Interval::new(days.start.max(running.start), days.end.min(running.end));
        let pieces = if on.is_empty() { Vec::new() } else { loan::pieces(policy, loan, &[on]) };
        let x = numerator(&pieces);
        let days_not_running = days.days() - on.days().max(0);
        let contract_interest = Money::round_half_up(yuan(x, policy.day_count));
        rows.push(Row { line: *line, days: days.days(), days_not_running, certified, contract_interest });
        exact.push((x, pieces));
    }
    let certified = (!rows.is_empty()).then(|| rows.iter().map(|r| r.certified).sum::<Money>());
    // Summed exactly and divided once, as docs/rules.md §4 does for `computed`.
    let total: Decimal = exact.iter().map(|(x, _)| *x).sum();
    let interest = (!rows.is_empty()).then(|| Money::round_half_up(yuan(total, policy.day_count)));
    let difference = certified.zip(interest).map(|(c, x)| c - x);
    let cause = difference.filter(|d| beyond(*d)).map(|_| cause::of(policy.day_count, &rows, &exact));
    Reconciled {
        project: project.to_string(),
        contract_no: loan.contract_no.clone(),
        lacks_statement: rows.is_empty(),
        days: rows.iter().map(|r| r.days).sum(),
        certified,
        contract_interest: interest,
        difference,
        cause,
        rows,
    }
}

/// `Σ B × r × days` (yuan, percent, days), exact: the interest at the contract rate before
/// it is divided by 100 and the day basis.
fn numerator(pieces: &[Piece]) -> Decimal {
    pieces.iter().map(|p| p.balance.yuan() * p.rate * Decimal::from(p.days)).sum()
}

/// A numerator of [`numerator`] in yuan.
fn yuan(numerator: Decimal, day_count: DayCount) -> Decimal {
    numerator / (Decimal::ONE_HUNDRED * day_count.basis())
}

#[cfg(test)]
mod tests;
