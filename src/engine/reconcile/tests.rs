//! Reconciliation: one table per cause, on a loan of 50 yuan a day at its contract rate.

use chrono::NaiveDate;

use super::*;
use crate::engine::project::{Event, EventKind};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(s: &str) -> Money {
    s.parse().unwrap()
}

/// 360,000 at 5%: 50.00 yuan a day on ACT/360.
fn the_loan(from: &str) -> Loan {
    Loan {
        contract_no: "C1".into(),
        bank: String::new(),
        principal: yuan("360000"),
        rate: "5".parse().unwrap(),
        disbursed_on: d(from),
        maturity_on: d("2026-06-01"),
        settled_on: None,
        interest_paid: None,
        events: vec![],
        row: 0,
    }
}

fn lines(paid: &[&str]) -> Vec<StatementLine> {
    let periods = [("2024-01-01", "2024-03-31"), ("2024-04-01", "2024-06-30")];
    periods.iter().zip(paid).map(|((f, t), p)| StatementLine { from: d(f), to: d(t), paid: yuan(p) }).collect()
}

fn run(loan: &Loan, paid: &[&str]) -> Reconciled {
    loan_with(&Policy::example(2024), "X", loan, &lines(paid))
}

/// Two quarters of 91 days: 4,550.00 each at the contract rate.
#[test]
fn a_statement_that_matches_has_no_cause() {
    let r = run(&the_loan("2023-06-01"), &["4550.00", "4551.00"]);
    assert_eq!((r.certified, r.contract_interest), (Some(yuan("9101.00")), Some(yuan("9100.00"))));
    assert_eq!((r.difference, r.cause, r.statement_difference()), (Some(yuan("1.00")), None, None));
    assert_eq!((r.days, r.lacks_statement), (182, false));
}

/// Each case: the bank's two quarters, and the cause the difference is put down to.
#[test]
fn a_difference_is_put_down_to_days_rate_or_balance() {
    let mut repaid = the_loan("2023-06-01");
    repaid.events.push(Event { on: d("2024-03-01"), kind: EventKind::Repayment(yuan("60000")) });
    for (loan, paid, difference, cause) in [
        // 算头算尾: 92 days a quarter.
        (the_loan("2023-06-01"), ["4600.00", "4600.00"], "100.00", Cause::Days),
        // One day less a quarter.
        (the_loan("2023-06-01"), ["4500.00", "4500.00"], "-100.00", Cause::Days),
        // ACT/365: 91 × 360,000 × 5% / 365 = 4,487.67.
        (the_loan("2023-06-01"), ["4487.67", "4487.67"], "-124.66", Cause::Days),
        // The workbook's loan starts on 2024-02-01: the bank charged January too.
        (the_loan("2024-02-01"), ["4550.00", "4550.00"], "1550.00", Cause::Days),
        // 4.5%: 45.00 a day.
        (the_loan("2023-06-01"), ["4095.00", "4095.00"], "-910.00", Cause::Rate),
        // A rate change to 4.5% on 2024-04-01 that the workbook lacks.
        (the_loan("2023-06-01"), ["4550.00", "4095.00"], "-455.00", Cause::Rate),
        // The bank's balance fell to 300,000 on 2024-03-01 (41.666… a day) and the
        // workbook says nothing of it: 3,000 + 1,291.67 and 3,791.67.
        (the_loan("2023-06-01"), ["4291.67", "3791.67"], "-1016.66", Cause::Balance),
        // The same repayment in the workbook, and the bank at 4.5% on the new balance.
        (repaid, ["3862.50", "3412.50"], "-808.33", Cause::Rate),
    ] {
        let r = run(&loan, &paid);
        assert_eq!(r.statement_difference(), Some(yuan(difference)), "{paid:?}");
        assert_eq!(r.cause, Some(cause), "{paid:?}");
    }
}

/// A line outside the window counts for nothing; a loan without a line in the window
/// lacks a statement.
#[test]
fn a_loan_without_a_line_in_the_window_lacks_a_statement() {
    let outside = [StatementLine { from: d("2023-10-01"), to: d("2023-12-31"), paid: yuan("4600") }];
    for given in [&outside[..], &[]] {
        let r = loan_with(&Policy::example(2024), "X", &the_loan("2023-06-01"), given);
        assert!(r.lacks_statement);
        assert_eq!((r.certified, r.contract_interest, r.difference, r.days), (None, None, None, 0));
    }
}

/// `reconcile` lists every contract once, in workbook order, a duplicate row not again.
#[test]
fn the_round_lists_each_contract_once() {
    let mut other = the_loan("2023-06-01");
    other.contract_no = "C2".into();
    let project = |key: &str, loans: Vec<Loan>| Project {
        key: key.into(),
        name: String::new(),
        applicant_type: crate::engine::ApplicantType::Cooperative,
        union_member: Some(true),
        households: 1,
        income_increase: None,
        score: None,
        applicant: crate::engine::Applicant::default(),
        loans,
    };
    let projects = [project("A", vec![the_loan("2023-06-01"), other]), project("B", vec![the_loan("2023-06-01")])];
    let mut facts = Facts::default();
    facts.statements.insert("C2".into(), lines(&["4550.00", "4550.00"]));
    let r = reconcile(&Policy::example(2024), &projects, &facts);
    let got: Vec<(&str, &str, bool)> =
        r.iter().map(|x| (x.project.as_str(), x.contract_no.as_str(), x.lacks_statement)).collect();
    assert_eq!(got, vec![("A", "C1", true), ("A", "C2", false)]);
}
