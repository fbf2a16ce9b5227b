//! The likely cause of a difference between a bank's statement and the interest at the
//! contract rate for the same days (docs/facts.md "Reconciliation"). Each cause is a
//! change of one thing that brings the workbook's interest to within 1 yuan of the
//! statement; they are tried in this order, and the balance is what is left.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::{yuan, Row};
use crate::engine::dates::DayCount;
use crate::engine::loan::Piece;
use crate::engine::money::Money;

/// Why a statement differs from the workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// The bank counted other days: the statement charges days on which the workbook's
    /// loan does not run, or it matches with one day more or less in each period
    /// (算头算尾), or with the other day basis (365 for 360 or the reverse).
    Days,
    /// The bank charged another rate: each period that differs matches at a rate of two
    /// decimals (percent) other than the workbook's.
    Rate,
    /// Neither: the bank charged interest on another balance (a repayment, or the
    /// principal, not as the workbook says).
    Balance,
}

impl Cause {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Cause::Days => "days",
            Cause::Rate => "rate",
            Cause::Balance => "balance",
        }
    }

    /// For pages and reports.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Cause::Days => "计息天数不一致",
            Cause::Rate => "利率不一致",
            Cause::Balance => "贷款余额不一致",
        }
    }
}

/// The cause of a difference above the tolerance; `exact` holds each row's numerator
/// (`Σ B × r × days`) and pieces.
pub(super) fn of(day_count: DayCount, rows: &[Row], exact: &[(Decimal, Vec<Piece>)]) -> Cause {
    let certified: Money = rows.iter().map(|r| r.certified).sum();
    let fits = |numerator: Decimal, basis: DayCount| {
        let gap = certified - Money::round_half_up(yuan(numerator, basis));
        !super::beyond(gap)
    };
    let total: Decimal = exact.iter().map(|(x, _)| *x).sum();
    let other = match day_count {
        DayCount::Act360 => DayCount::Act365,
        DayCount::Act365 => DayCount::Act360,
    };
    let one_day: Decimal = exact.iter().filter_map(|(_, p)| p.last()).map(|p| p.balance.yuan() * p.rate).sum();
    if rows.iter().any(|r| r.days_not_running > 0)
        || fits(total + one_day, day_count)
        || fits(total - one_day, day_count)
        || fits(total, other)
    {
        return Cause::Days;
    }
    if at_other_rates(day_count, rows, exact).is_some_and(|n| fits(n, day_count)) {
        return Cause::Rate;
    }
    Cause::Balance
}

/// The numerator with each row that differs by more than the tolerance taken at the rate
/// of two decimals its certified interest implies on the workbook's balances; `None` when
/// a row has no balance to charge, or implies a rate outside (0, 24].
fn at_other_rates(day_count: DayCount, rows: &[Row], exact: &[(Decimal, Vec<Piece>)]) -> Option<Decimal> {
    let basis = Decimal::ONE_HUNDRED * day_count.basis();
    let mut total = Decimal::ZERO;
    for (row, (numerator, pieces)) in rows.iter().zip(exact) {
        if !super::beyond(row.certified - row.contract_interest) {
            total += numerator;
            continue;
        }
        let balance_days: Decimal = pieces.iter().map(|p| p.balance.yuan() * Decimal::from(p.days)).sum();
        if balance_days.is_zero() {
            return None;
        }
        let implied = row.certified.yuan() * basis / balance_days;
        let rate = implied.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if rate <= Decimal::ZERO || rate > Decimal::from(24) {
            return None;
        }
        total += rate * balance_days;
    }
    Some(total)
}
