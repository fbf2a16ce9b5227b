//! docs/rules.md §4-§7 through `engine::compute`, one table per rule.

use crate::common;

use common::{date, event, loan, loan_earning_18300, pct, policy, project, yuan};
use tiexi::engine::{compute, Allocation, ApplicantType, EventKind, Money, PoolKind, Reason, Status};

const COOP: ApplicantType = ApplicantType::Cooperative;

/// docs/rules.md §8 example 5 through the whole engine: grants, pool split, statuses.
#[test]
fn example_5_two_projects_against_two_pools_pro_rata() {
    let mut p =
        policy(&[("兵团项目资金", PoolKind::Funded, "700000"), ("师市总工会自筹", PoolKind::Matched, "700000")]);
    // Requests of exactly 900,000 and 600,000: one cut by the project cap, one by the interest paid.
    p.max_subsidy_per_project = Some(yuan("900000"));
    let a = project("A", COOP, vec![loan("A", "20000000", "5", "2023-06-01", "2026-06-01")]);
    let mut b = project("B", COOP, vec![loan("B", "20000000", "5", "2023-06-01", "2026-06-01")]);
    b.loans[0].interest_paid = Some(yuan("600000"));
    let r = compute(&p, &[a, b]);
    assert_eq!(r.projects[0].requested, yuan("900000"));
    assert_eq!(r.projects[1].requested, yuan("600000"));
    assert_eq!((r.projects[0].granted, r.projects[1].granted), (yuan("840000"), yuan("560000")));
    assert_eq!(r.projects[0].pools, vec![yuan("420000"), yuan("420000")]);
    assert_eq!(r.projects[1].pools, vec![yuan("280000"), yuan("280000")]);
    assert!(r.pools.iter().all(|pool| pool.remaining == Money::ZERO));
    assert!(r.projects.iter().all(|x| x.status == Status::PartiallyFunded));
}

/// docs/rules.md §5: type and membership make a project ineligible; its loans keep their figures.
#[test]
fn an_ineligible_project_requests_nothing_but_its_loans_keep_their_days() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.eligible_types = vec![ApplicantType::Enterprise];
    let mut x = project("X", COOP, vec![loan_earning_18300("L1")]);
    x.union_member = Some(false);
    let r = compute(&p, &[x]);
    let pr = &r.projects[0];
    assert_eq!(pr.reasons, vec![Reason::TypeNotAllowed, Reason::NotUnionMember]);
    assert_eq!((pr.requested, pr.status), (Money::ZERO, Status::Ineligible));
    let l = &pr.loans[0];
    assert_eq!((l.eligible_days, l.computed, l.subsidy), (366, yuan("18300.00"), Money::ZERO));
}

/// docs/rules.md §5: the project cap binds.
#[test]
fn the_project_cap_limits_the_request() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.max_subsidy_per_project = Some(yuan("20000"));
    let r = compute(&p, &[project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")])]);
    assert_eq!(r.projects[0].requested, yuan("20000"));
    assert_eq!(r.projects[0].reasons, vec![Reason::LimitedByProjectCap]);
}

/// docs/rules.md §4: the second row of a contract earns nothing; the first keeps its subsidy,
/// also across projects; the duplicate does not count in the principal factor.
#[test]
fn a_duplicate_contract_earns_nothing_and_is_left_out_of_the_factor() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.principal_cap[COOP.index()] = Some(yuan("360000"));
    let a = project("A", COOP, vec![loan_earning_18300("L1")]);
    let b = project("B", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")]);
    let r = compute(&p, &[a, b]);
    assert_eq!(r.projects[0].loans[0].subsidy, yuan("18300.00"));
    let dup = &r.projects[1].loans[0];
    assert_eq!(
        (dup.reasons.clone(), dup.eligible_days, dup.computed),
        (vec![Reason::DuplicateContract], 0, Money::ZERO)
    );
    // ΣP counts only L2, so f = 1.
    assert_eq!(r.projects[1].loans[1].subsidy, yuan("18300.00"));
}

/// docs/rules.md §4: the ceiling is judged on the rate in force on the disbursement date.
#[test]
fn a_contract_rate_above_the_ceiling_is_not_eligible() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.max_contract_percent = Some(pct("6.15"));
    let high = loan("H", "100000", "6.2", "2024-01-01", "2025-01-01");
    let mut lowered = loan("M", "100000", "6.2", "2024-01-01", "2025-01-01");
    lowered.events.push(event("2024-01-01", EventKind::RateChange(pct("6"))));
    let r = compute(
        &p,
        &[project("X", COOP, vec![high, lowered, loan("L", "100000", "6.15", "2024-01-01", "2025-01-01")])],
    );
    let reasons: Vec<Vec<Reason>> = r.projects[0].loans.iter().map(|l| l.reasons.clone()).collect();
    assert_eq!(reasons, vec![vec![Reason::RateAboveCeiling], vec![], vec![]]);
}

/// docs/rules.md §4: the principal cap applies to all the project's loans together.
#[test]
fn the_principal_cap_scales_every_loan_of_the_project() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.principal_cap[COOP.index()] = Some(yuan("360000"));
    let r = compute(&p, &[project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")])]);
    let subsidies: Vec<Money> = r.projects[0].loans.iter().map(|l| l.subsidy).collect();
    assert_eq!(subsidies, vec![yuan("9150.00"), yuan("9150.00")]);
}

/// docs/rules.md §6: priority with and without `partial_last`; waitlist after the first misfit.
#[test]
fn priority_grants_follow_the_score_and_waitlist_the_rest() {
    let mut p = policy(&[("a", PoolKind::Funded, "20000"), ("b", PoolKind::Matched, "10000")]);
    let mut projects: Vec<_> =
        ["P1", "P2", "P3"].iter().map(|k| project(k, COOP, vec![loan_earning_18300(k)])).collect();
    projects[0].score = Some(pct("60"));
    projects[1].score = Some(pct("90"));
    p.allocation = Allocation::Priority { partial_last: true };
    let r = compute(&p, &projects);
    let got: Vec<(Money, Status)> = r.projects.iter().map(|x| (x.granted, x.status)).collect();
    assert_eq!(
        got,
        vec![
            (yuan("11700"), Status::PartiallyFunded),
            (yuan("18300"), Status::Funded),
            (Money::ZERO, Status::Waitlisted)
        ]
    );
    p.allocation = Allocation::Priority { partial_last: false };
    let r = compute(&p, &projects);
    assert_eq!(r.projects[0].status, Status::Waitlisted);
    assert_eq!(r.pools.iter().map(|x| x.remaining).sum::<Money>(), yuan("11700"));
}

/// docs/rules.md §6: three pools, oversubscribed `pro_rata`: every pool ends at zero.
#[test]
fn three_pools_end_at_zero_when_the_whole_budget_is_granted() {
    let p = policy(&[
        ("a", PoolKind::Funded, "10000.01"),
        ("b", PoolKind::Matched, "7000.03"),
        ("c", PoolKind::Matched, "3333.33"),
    ]);
    let projects: Vec<_> = ["P1", "P2", "P3"].iter().map(|k| project(k, COOP, vec![loan_earning_18300(k)])).collect();
    let r = compute(&p, &projects);
    assert_eq!(r.totals.granted, yuan("20333.37"));
    assert!(r.pools.iter().all(|x| x.remaining == Money::ZERO), "{:?}", r.pools);
    for pr in &r.projects {
        assert_eq!(pr.pools.iter().copied().sum::<Money>(), pr.granted);
    }
}

/// docs/rules.md §7: figures over funded projects; a contract counts once; weighted income.
#[test]
fn round_figures_count_funded_projects_and_each_contract_once() {
    let pol = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let mut first = project("A", COOP, vec![loan_earning_18300("L1")]);
    first.households = 30;
    first.income_increase = Some(yuan("5000"));
    let mut second = project("B", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")]);
    second.households = 10;
    second.income_increase = Some(yuan("6000"));
    let mut unfunded = project("C", COOP, vec![loan("L3", "100000", "4", "2020-01-01", "2021-01-01")]);
    unfunded.households = 99;
    let r = compute(&pol, &[first, second, unfunded]);
    let t = &r.totals;
    assert_eq!((t.projects, t.funded_projects, t.households), (3, 2, 40));
    assert_eq!(t.loans_unlocked, yuan("720000"));
    assert_eq!(t.granted, yuan("36600"));
    assert_eq!(t.leverage.map(|l| l.to_string()), Some("19.67".to_string()));
    assert_eq!(t.avg_income_increase.map(|l| l.to_string()), Some("5250.00".to_string()));
    assert_eq!(r.projects[2].loans[0].reasons, vec![Reason::NoOverlap]);
}

/// docs/rules.md §3: a window that is not the calendar year, with a leap day inside.
#[test]
fn a_window_off_the_calendar_year_counts_the_leap_day() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.window = tiexi::engine::Interval::new(date("2023-12-21"), date("2024-12-21"));
    let r = compute(&p, &[project("X", COOP, vec![loan("L", "360000", "5", "2023-01-01", "2026-01-01")])]);
    assert_eq!(r.projects[0].loans[0].eligible_days, 366);
}
