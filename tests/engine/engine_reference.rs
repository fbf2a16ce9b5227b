//! Issue 7: the engine computes in integers and allocates little, and must still give every
//! result it gave before, to the digit. `reference` is the engine as it was (`rust_decimal`
//! per piece, rescans of the events, a hash set of contract numbers); the proptest compares
//! the two over random rounds, as JSON text so that even a decimal's scale must agree.

use crate::common;
use crate::reference;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tiexi::engine::{
    compute, Allocation, ApplicantType, DayCount, Event, EventKind, Loan, Money, OverdueRule, Policy, Pool, PoolKind,
    RateMode,
};

fn day(offset: u32) -> NaiveDate {
    common::date("2022-01-01") + Days::new(u64::from(offset))
}

/// A percentage with up to 4 decimals (and sometimes trailing zeros: `4.3500`).
fn percent(max: i64) -> impl Strategy<Value = Decimal> {
    (0_u32..=4).prop_flat_map(move |scale| (0..=max * 10_i64.pow(scale)).prop_map(move |m| Decimal::new(m, scale)))
}

fn event() -> impl Strategy<Value = Event> {
    let kind = prop_oneof![
        (0_i64..50_000_000).prop_map(|f| EventKind::Repayment(Money::from_fen(f))),
        percent(24).prop_map(EventKind::RateChange),
        Just(EventKind::OverdueStart),
        Just(EventKind::OverdueEnd),
        (0_u32..1500).prop_map(|o| EventKind::Extension(day(o))),
    ];
    (0_u32..1500, kind).prop_map(|(o, kind)| Event { on: day(o), kind })
}

prop_compose! {
    fn a_loan()(contract in 0_u8..40, principal in 1_i64..10_000_000_000, rate in percent(24), start in 0_u32..900,
                len in 1_u32..1500, settled in proptest::option::of(0_u32..1500),
                paid in proptest::option::of(0_i64..50_000_000), events in proptest::collection::vec(event(), 0..6)) -> Loan {
        Loan {
            contract_no: format!("C{contract}"),
            bank: String::new(),
            principal: Money::from_fen(principal),
            rate,
            disbursed_on: day(start),
            maturity_on: day(start + len),
            settled_on: settled.map(day),
            interest_paid: paid.map(Money::from_fen),
            events,
            row: 0,
        }
    }
}

fn rate_mode() -> impl Strategy<Value = RateMode> {
    prop_oneof![
        (percent(8), percent(100))
            .prop_map(|(cap_percent, share_percent)| RateMode::Cap { cap_percent, share_percent }),
        percent(100).prop_map(|share_percent| RateMode::Share { share_percent }),
        percent(6).prop_map(|borrower_percent| RateMode::BorrowerFloor { borrower_percent }),
    ]
}

prop_compose! {
    fn a_policy()(rate in rate_mode(), act365 in any::<bool>(), overdue in 0_usize..3, ext in any::<bool>(),
                  start in 300_u32..800, len in 30_u32..700, months in 1_u32..48,
                  ceiling in proptest::option::of(percent(12)),
                  caps in proptest::collection::vec(proptest::option::of(0_i64..20_000_000_000), 4),
                  project_cap in proptest::option::of(0_i64..1_000_000_000),
                  pools in proptest::collection::vec(0_i64..5_000_000_000, 1..4), method in 0_u8..3) -> Policy {
        let mut p = Policy::example(2023);
        p.rate = rate;
        p.day_count = if act365 { DayCount::Act365 } else { DayCount::Act360 };
        p.overdue = [OverdueRule::FromFirstOverdue, OverdueRule::ExcludeDays, OverdueRule::ForfeitLoan][overdue];
        p.subsidize_extensions = ext;
        p.window = tiexi::engine::Interval::new(day(start), day(start + len));
        p.term_months = months;
        p.max_contract_percent = ceiling;
        for (slot, cap) in p.principal_cap.iter_mut().zip(caps) {
            *slot = cap.map(Money::from_fen);
        }
        p.max_subsidy_per_project = project_cap.map(Money::from_fen);
        p.eligible_types = vec![ApplicantType::Cooperative, ApplicantType::Enterprise, ApplicantType::Individual];
        p.allocation = match method {
            0 => Allocation::ProRata,
            1 => Allocation::Priority { partial_last: true },
            _ => Allocation::Priority { partial_last: false },
        };
        p.pools = pools.into_iter().enumerate()
            .map(|(i, f)| Pool { name: format!("pool{i}"), kind: PoolKind::Funded, amount: Money::from_fen(f) })
            .collect();
        p
    }
}

prop_compose! {
    fn a_project()(kind in 0_usize..4, member in proptest::option::of(any::<bool>()), households in 0_u32..300,
                   income in proptest::option::of(0_i64..1_000_000), score in proptest::option::of(0_i64..100),
                   loans in proptest::collection::vec(a_loan(), 1..4)) -> tiexi::engine::Project {
        let mut p = common::project("P", ApplicantType::ALL[kind], loans);
        p.union_member = member;
        p.households = households;
        p.income_increase = income.map(Money::from_fen);
        p.score = score.map(Decimal::from);
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// The round, every loan's pieces (with their amounts) and the figures are, as JSON
    /// text, exactly what the engine gave before issue 7.
    #[test]
    fn the_engine_gives_what_it_gave_before(policy in a_policy(), projects in proptest::collection::vec(a_project(), 1..12)) {
        let mut projects = projects;
        for (i, p) in projects.iter_mut().enumerate() {
            p.key = format!("P{i}");
        }
        let (old, amounts) = reference::compute(&policy, &projects);
        let new = compute(&policy, &projects);
        prop_assert_eq!(serde_json::to_string(&new).unwrap(), serde_json::to_string(&old).unwrap());
        let pieces = new.projects.iter().flat_map(|p| &p.loans).flat_map(|l| &l.pieces);
        let shown: Vec<String> = pieces.map(|p| p.amount().to_string()).collect();
        prop_assert_eq!(shown, amounts.iter().map(ToString::to_string).collect::<Vec<_>>());
    }
}
