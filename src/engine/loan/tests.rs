//! docs/rules.md §3 and §4, one table per rule; §8's worked examples by name.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::engine::dates::Interval;
use crate::engine::policy::{OverdueRule, Policy, RateMode};
use crate::engine::project::{Event, EventKind, Loan};
use crate::engine::{DayCount, Money, Reason};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(s: &str) -> Money {
    s.parse().unwrap()
}

fn pct(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// docs/rules.md §8: cap 5%, share 100%, ACT/360, window 2024, 36 months.
fn example_policy() -> Policy {
    Policy::example(2024)
}

fn loan(principal: &str, rate: &str, from: &str, to: &str) -> Loan {
    Loan {
        contract_no: "C1".into(),
        bank: String::new(),
        principal: yuan(principal),
        rate: pct(rate),
        disbursed_on: d(from),
        maturity_on: d(to),
        settled_on: None,
        interest_paid: None,
        events: vec![],
        row: 0,
    }
}

fn with(mut l: Loan, on: &str, kind: EventKind) -> Loan {
    l.events.push(Event { on: d(on), kind });
    l
}

fn computed(policy: &Policy, l: &Loan) -> LoanResult {
    subsidy(policy, l, None)
}

/// docs/rules.md §8, examples 1 and 2: `cap` pays the loan rate, at most 5%.
#[test]
fn example_1_and_2_cap_mode_pays_the_loan_rate_up_to_the_cap() {
    for (rate, expected) in [("4.35", "44225.00"), ("6.00", "50833.33")] {
        let r = computed(&example_policy(), &loan("1000000.00", rate, "2023-06-15", "2026-06-15"));
        assert_eq!(r.eligible_days, 366);
        assert_eq!(r.computed, yuan(expected), "rate {rate}");
    }
}

/// docs/rules.md §8, example 3: a repayment lowers the balance from its own date on.
#[test]
fn example_3_a_repayment_lowers_the_balance_from_its_date() {
    let l =
        with(loan("300000.00", "4.00", "2024-03-10", "2025-03-10"), "2024-09-10", EventKind::Repayment(yuan("100000")));
    let r = computed(&example_policy(), &l);
    assert_eq!(r.eligible_days, 297);
    let days: Vec<(i64, Money)> = r.pieces.iter().map(|p| (p.days, p.balance)).collect();
    assert_eq!(days, vec![(184, yuan("300000")), (113, yuan("200000"))]);
    assert_eq!(r.computed, yuan("8644.44"));
}

/// docs/rules.md §8, example 4: the subsidy never exceeds the interest paid.
#[test]
fn example_4_the_subsidy_is_limited_by_the_interest_paid() {
    let mut l =
        with(loan("300000.00", "4.00", "2024-03-10", "2025-03-10"), "2024-09-10", EventKind::Repayment(yuan("100000")));
    l.interest_paid = Some(yuan("8000.00"));
    let r = computed(&example_policy(), &l);
    assert_eq!((r.computed, r.subsidy), (yuan("8644.44"), yuan("8000.00")));
    assert_eq!(r.reasons, vec![Reason::LimitedByInterestPaid]);
    l.interest_paid = Some(yuan("9000.00"));
    assert_eq!(computed(&example_policy(), &l).reasons, vec![]);
}

/// docs/rules.md §4: the three rate modes.
#[test]
fn the_subsidised_rate_follows_the_rate_mode() {
    let cap = |c: &str, s: &str| RateMode::Cap { cap_percent: pct(c), share_percent: pct(s) };
    for (mode, r, s) in [
        (cap("5", "100"), "6.15", "5"),
        (cap("5", "80"), "4.35", "3.48"),
        (RateMode::Share { share_percent: pct("50") }, "4.35", "2.175"),
        (RateMode::BorrowerFloor { borrower_percent: pct("2.15") }, "4.35", "2.2"),
        (RateMode::BorrowerFloor { borrower_percent: pct("2.15") }, "2.00", "0"),
    ] {
        assert_eq!(mode.subsidised(pct(r)), pct(s), "{mode:?} {r}");
    }
}

/// docs/rules.md §3.1-§3.3: the window, the term (month-end clamping), settlement.
#[test]
fn eligible_days_are_cut_by_window_term_and_settlement() {
    let p = example_policy();
    let mut settled = loan("100000", "4", "2023-01-01", "2026-01-01");
    settled.settled_on = Some(d("2024-03-01"));
    let cases = [
        (loan("100000", "4", "2021-01-31", "2026-01-01"), Ok(30)), // term ends 2024-01-31
        (loan("100000", "4", "2021-02-28", "2026-01-01"), Ok(58)),
        (loan("100000", "4", "2024-12-31", "2025-06-30"), Ok(1)),
        (loan("100000", "4", "2022-01-01", "2023-12-31"), Err(Reason::NoOverlap)),
        (settled, Ok(60)),
    ];
    for (l, expected) in cases {
        let got = eligible(&p, &l).map(|e| e.iter().map(|i| i.days()).sum::<i64>());
        assert_eq!(got, expected, "{}", l.disbursed_on);
    }
}

/// docs/rules.md §3.2: the term limit keeps the day and clamps to the month end (leap day).
#[test]
fn the_term_ends_on_the_clamped_month_end() {
    let mut p = example_policy();
    p.term_months = 1;
    let e = eligible(&p, &loan("100000", "4", "2024-01-31", "2025-01-31")).unwrap();
    assert_eq!(e, vec![Interval::new(d("2024-01-31"), d("2024-02-29"))]);
}

/// docs/rules.md §3.1: an extension counts only where the policy subsidises extensions.
#[test]
fn an_extension_moves_the_end_only_when_subsidised() {
    let mut p = example_policy();
    let l = with(loan("100000", "4", "2023-07-01", "2024-07-01"), "2024-06-20", EventKind::Extension(d("2024-10-01")));
    assert_eq!(computed(&p, &l).eligible_days, 182);
    p.subsidize_extensions = true;
    assert_eq!(computed(&p, &l).eligible_days, 274);
    let mut settled = l.clone();
    settled.settled_on = Some(d("2024-08-01"));
    assert_eq!(computed(&p, &settled).eligible_days, 213);
}

/// docs/rules.md §3.4: the three overdue policies, and periods starting after the window.
#[test]
fn overdue_periods_cut_exclude_or_forfeit() {
    let base = loan("100000", "4", "2023-06-01", "2026-06-01");
    let l = with(with(base.clone(), "2024-03-01", EventKind::OverdueStart), "2024-04-01", EventKind::OverdueEnd);
    let mut p = example_policy();
    for (rule, expected) in [
        (OverdueRule::FromFirstOverdue, Ok(60)),
        (OverdueRule::ExcludeDays, Ok(366 - 31)),
        (OverdueRule::ForfeitLoan, Err(Reason::OverdueForfeit)),
    ] {
        p.overdue = rule;
        let got = eligible(&p, &l).map(|e| e.iter().map(|i| i.days()).sum::<i64>());
        assert_eq!(got, expected, "{rule:?}");
    }
    // A start with no end lasts forever; one on or after window.end does not count.
    p.overdue = OverdueRule::ExcludeDays;
    assert_eq!(computed(&p, &with(base.clone(), "2024-12-01", EventKind::OverdueStart)).eligible_days, 335);
    p.overdue = OverdueRule::ForfeitLoan;
    assert_eq!(computed(&p, &with(base, "2025-01-01", EventKind::OverdueStart)).eligible_days, 366);
}

/// docs/rules.md §3.4: an overdue start before the eligible days cuts everything.
#[test]
fn from_first_overdue_before_the_window_leaves_nothing() {
    let l = with(
        with(loan("100000", "4", "2023-06-01", "2026-06-01"), "2023-09-01", EventKind::OverdueStart),
        "2023-10-01",
        EventKind::OverdueEnd,
    );
    let r = computed(&example_policy(), &l);
    assert_eq!((r.eligible_days, r.reasons.clone()), (0, vec![Reason::OverdueForfeit]));
    assert_eq!(r.computed, Money::ZERO);
}

/// docs/rules.md §4: a rate change applies from its own date on.
#[test]
fn a_rate_change_applies_from_its_date() {
    let l = with(loan("360000", "4", "2023-01-01", "2026-01-01"), "2024-07-01", EventKind::RateChange(pct("3")));
    let r = computed(&example_policy(), &l);
    let rates: Vec<(i64, Decimal)> = r.pieces.iter().map(|p| (p.days, p.subsidised_rate)).collect();
    assert_eq!(rates, vec![(182, pct("4")), (184, pct("3"))]);
    // 360000 × (0.04 × 182 + 0.03 × 184) / 360 = 7280 + 5520
    assert_eq!(r.computed, yuan("12800.00"));
}

/// docs/rules.md §2: ACT/365 divides by 365 in a leap year too.
#[test]
fn act_365_divides_by_365_in_a_leap_year() {
    let mut p = example_policy();
    p.day_count = DayCount::Act365;
    let r = computed(&p, &loan("365000", "4", "2023-01-01", "2026-01-01"));
    assert_eq!(r.computed, yuan("14640.00"));
}

/// docs/rules.md §4: the principal factor scales the rounded-once subsidy.
#[test]
fn the_principal_factor_scales_before_the_single_rounding() {
    let l = loan("1000000.00", "4.35", "2023-06-15", "2026-06-15");
    let r = subsidy(&example_policy(), &l, Some((yuan("300000"), yuan("900000"))));
    // 44225.00 × 1/3 = 14741.666… → 14741.67
    assert_eq!(r.computed, yuan("14741.67"));
}
