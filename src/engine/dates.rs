//! Calendar dates, half-open intervals and the day count (docs/rules.md §1, §2, §3).
//!
//! No clock: every date is an argument.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The days of `[a, b)` (算头不算尾): `b − a`, never negative. docs/rules.md §1.
#[must_use]
pub fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days().max(0)
}

/// docs/rules.md §3.2: add months keeping the day of the month, clamped to the month's last day
/// (2024-01-31 + 1 month = 2024-02-29).
#[must_use]
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    // chrono's checked_add_months clamps to the month end, as the rule says.
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// A half-open interval of days `[start, end)`; empty when `end <= start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Interval {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Interval {
    #[must_use]
    pub fn new(start: NaiveDate, end: NaiveDate) -> Interval {
        Interval { start, end }
    }

    #[must_use]
    pub fn days(self) -> i64 {
        days(self.start, self.end)
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The part of `self` before `date` (docs/rules.md §3.4 `from_first_overdue`).
    #[must_use]
    pub fn cut_at(self, date: NaiveDate) -> Interval {
        Interval::new(self.start, self.end.min(date))
    }

    /// The parts of `self` outside `hole`: zero, one or two intervals.
    #[must_use]
    pub fn minus(self, hole: Interval) -> Vec<Interval> {
        if hole.is_empty() || hole.end <= self.start || hole.start >= self.end {
            return vec![self];
        }
        [Interval::new(self.start, hole.start), Interval::new(hole.end, self.end)]
            .into_iter()
            .filter(|i| !i.is_empty())
            .collect()
    }
}

/// docs/rules.md §2 `day_count`: the divisor that turns an annual rate into a daily one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DayCount {
    #[default]
    #[serde(rename = "ACT/360")]
    Act360,
    #[serde(rename = "ACT/365")]
    Act365,
}

impl DayCount {
    /// 360 or 365, in every year, leap or not.
    #[must_use]
    pub fn basis(self) -> Decimal {
        match self {
            DayCount::Act360 => Decimal::from(360),
            DayCount::Act365 => Decimal::from(365),
        }
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            DayCount::Act360 => "ACT/360",
            DayCount::Act365 => "ACT/365",
        }
    }
}

/// January 1 of `year`; the default window edges of docs/rules.md §2.
#[must_use]
pub fn new_year(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// docs/rules.md §3.2: month ends clamp.
    #[test]
    fn adding_months_clamps_to_the_month_end() {
        for (from, months, to) in [
            ("2024-01-31", 1, "2024-02-29"),
            ("2023-01-31", 1, "2023-02-28"),
            ("2023-06-15", 36, "2026-06-15"),
            ("2024-02-29", 12, "2025-02-28"),
            ("2023-08-31", 6, "2024-02-29"),
        ] {
            assert_eq!(add_months(d(from), months), d(to), "{from} + {months}");
        }
    }

    /// docs/rules.md §1: 算头不算尾.
    #[test]
    fn an_interval_counts_its_first_day_and_not_its_last() {
        assert_eq!(days(d("2024-01-01"), d("2025-01-01")), 366);
        assert_eq!(days(d("2024-03-10"), d("2024-09-10")), 184);
        assert_eq!(days(d("2024-03-10"), d("2024-03-01")), 0);
    }

    #[test]
    fn removing_a_hole_leaves_the_days_around_it() {
        let e = Interval::new(d("2024-01-01"), d("2025-01-01"));
        let parts = e.minus(Interval::new(d("2024-02-01"), d("2024-03-01")));
        assert_eq!(parts.iter().map(|p| p.days()).sum::<i64>(), 366 - 29);
        assert_eq!(e.minus(Interval::new(d("2023-01-01"), d("2026-01-01"))), vec![]);
    }
}
