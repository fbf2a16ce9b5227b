//! `engine::settle`: the round's figures with the grants on the books in place of the
//! trial allocation (docs/rules.md §6–§7), the reading reports and the API use once grants exist.

use crate::common;

use common::{loan, policy, project, yuan};
use tiexi::engine::settle::{settle, Decided};
use tiexi::engine::{compute, ApplicantType, Money, PoolKind, Status};

fn example_5() -> (tiexi::engine::Policy, Vec<tiexi::engine::Project>) {
    let mut p =
        policy(&[("兵团项目资金", PoolKind::Funded, "700000"), ("师市总工会自筹", PoolKind::Matched, "700000")]);
    p.max_subsidy_per_project = Some(yuan("900000"));
    let coop = ApplicantType::Cooperative;
    let a = project("A", coop, vec![loan("A", "20000000", "5", "2023-06-01", "2026-06-01")]);
    let mut b = project("B", coop, vec![loan("B", "20000000", "5", "2023-06-01", "2026-06-01")]);
    b.loans[0].interest_paid = Some(yuan("600000"));
    (p, vec![a, b])
}

#[test]
fn settling_on_the_trial_grants_changes_nothing() {
    let (p, projects) = example_5();
    let trial = compute(&p, &projects);
    let granted: Vec<Money> = trial.projects.iter().map(|r| r.granted).collect();
    assert_eq!(settle(trial.clone(), &projects, Decided { granted: &granted, pools: None }), trial);
}

#[test]
fn a_clawed_back_grant_leaves_its_project_waitlisted_and_the_pools_with_money() {
    let (p, projects) = example_5();
    let trial = compute(&p, &projects);
    // B's grant was withdrawn; A holds its trial grant; the ledger says the pools hold 840,000.
    let granted = [yuan("840000"), Money::ZERO];
    let pools = [yuan("420000"), yuan("420000")];
    let r = settle(trial, &projects, Decided { granted: &granted, pools: Some(&pools) });
    assert_eq!((r.projects[0].status, r.projects[1].status), (Status::PartiallyFunded, Status::Waitlisted));
    assert_eq!(r.pools.iter().map(|x| x.remaining).collect::<Vec<_>>(), vec![yuan("280000"), yuan("280000")]);
    assert_eq!(r.totals.granted, yuan("840000"));
    assert_eq!(r.totals.funded_projects, 1);
    assert_eq!(r.totals.loans_unlocked, yuan("20000000"), "only granted projects unlock loans (§7)");
}

#[test]
fn without_a_ledger_the_pools_follow_the_rules_split_of_the_decided_grants() {
    let (p, projects) = example_5();
    let trial = compute(&p, &projects);
    let granted = [yuan("900000"), yuan("500000")];
    let r = settle(trial, &projects, Decided { granted: &granted, pools: None });
    assert_eq!(r.projects[0].status, Status::Funded);
    assert_eq!(r.projects[0].pools, vec![yuan("450000"), yuan("450000")]);
    assert!(r.pools.iter().all(|x| x.remaining == Money::ZERO));
}
