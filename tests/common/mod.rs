//! Builders shared by the integration tests: money and dates from strings, small projects.

#![allow(dead_code, reason = "each test binary uses a different part")]

use chrono::NaiveDate;
use rust_decimal::Decimal;
use tiexi::engine::{Applicant, ApplicantType, Event, EventKind, Loan, Money, Policy, Pool, PoolKind, Project};

pub fn yuan(s: &str) -> Money {
    s.parse().expect("a yuan amount")
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("an ISO date")
}

pub fn pct(s: &str) -> Decimal {
    s.parse().expect("a decimal")
}

/// docs/rules.md §8's policy with the given pools (name, kind, amount).
pub fn policy(pools: &[(&str, PoolKind, &str)]) -> Policy {
    let mut p = Policy::example(2024);
    p.pools = pools.iter().map(|(n, k, a)| Pool { name: (*n).to_string(), kind: *k, amount: yuan(a) }).collect();
    p
}

pub fn loan(contract: &str, principal: &str, rate: &str, from: &str, to: &str) -> Loan {
    Loan {
        contract_no: contract.to_string(),
        bank: String::new(),
        principal: yuan(principal),
        rate: pct(rate),
        disbursed_on: date(from),
        maturity_on: date(to),
        settled_on: None,
        interest_paid: None,
        events: vec![],
        row: 0,
    }
}

pub fn event(on: &str, kind: EventKind) -> Event {
    Event { on: date(on), kind }
}

pub fn project(key: &str, t: ApplicantType, loans: Vec<Loan>) -> Project {
    Project {
        key: key.to_string(),
        name: format!("{key}项目"),
        applicant_type: t,
        union_member: Some(true),
        households: 10,
        income_increase: None,
        score: None,
        applicant: Applicant::default(),
        loans,
    }
}

/// 360,000 at 5% over the 366 days of 2024 on ACT/360 earns exactly 18,300.00.
pub fn loan_earning_18300(contract: &str) -> Loan {
    loan(contract, "360000", "5", "2023-06-01", "2026-06-01")
}

/// Every field of `expected` must be in `got` with the same value; lists compare item by item.
pub fn subset(expected: &serde_json::Value, got: &serde_json::Value, path: &str, diffs: &mut Vec<String>) {
    match (expected, got) {
        (serde_json::Value::Object(e), serde_json::Value::Object(g)) => {
            for (k, v) in e {
                subset(v, g.get(k).unwrap_or(&serde_json::Value::Null), &format!("{path}.{k}"), diffs);
            }
        }
        (serde_json::Value::Array(e), serde_json::Value::Array(g)) if e.len() == g.len() => {
            for (i, (a, b)) in e.iter().zip(g).enumerate() {
                subset(a, b, &format!("{path}[{i}]"), diffs);
            }
        }
        _ if expected == got => {}
        _ => diffs.push(format!("{path}: expected {expected}, got {got}")),
    }
}
