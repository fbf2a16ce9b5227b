//! Invariants of docs/rules.md that must hold for every input (proptest).

use crate::common;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;
use tiexi::engine::facts::{Cut, CutLimit, CutReason, EarlierGrant, StatementLine, Subsidised};
use tiexi::engine::grants::{grants, split, Claim};
use tiexi::engine::loan::{balance_on, eligible, pieces, rate_on};
use tiexi::engine::{
    compute, compute_with, Allocation, ApplicantType, DayCount, Event, EventKind, Facts, Loan, Money, OverdueRule,
    Policy, Pool, PoolKind, RateMode,
};

fn day(offset: u32) -> NaiveDate {
    common::date("2022-01-01") + Days::new(u64::from(offset))
}

fn money(max_fen: i64) -> impl Strategy<Value = Money> {
    (0..=max_fen).prop_map(Money::from_fen)
}

fn rate() -> impl Strategy<Value = Decimal> {
    (1_i64..=2400).prop_map(|bp| Decimal::new(bp, 2))
}

fn event() -> impl Strategy<Value = Event> {
    let kind = prop_oneof![
        money(5_000_000).prop_map(EventKind::Repayment),
        rate().prop_map(EventKind::RateChange),
        Just(EventKind::OverdueStart),
        Just(EventKind::OverdueEnd),
        (0_u32..1500).prop_map(|o| EventKind::Extension(day(o))),
    ];
    (0_u32..1500, kind).prop_map(|(o, kind)| Event { on: day(o), kind })
}

prop_compose! {
    fn a_loan()(principal in 1_i64..100_000_000, rate in rate(), start in 0_u32..900, len in 1_u32..1500,
                settled in proptest::option::of(0_u32..1500), paid in proptest::option::of(money(5_000_000)),
                events in proptest::collection::vec(event(), 0..6)) -> Loan {
        Loan {
            contract_no: format!("C{principal}-{start}"),
            bank: String::new(),
            principal: Money::from_fen(principal),
            rate,
            disbursed_on: day(start),
            maturity_on: day(start + len),
            settled_on: settled.map(day),
            interest_paid: paid,
            events,
            row: 0,
        }
    }
}

prop_compose! {
    fn a_policy()(mode in 0_u8..3, act365 in any::<bool>(), overdue in 0_u8..3, ext in any::<bool>(),
                  start in 300_u32..800, len in 30_u32..500, months in 1_u32..48,
                  pools in proptest::collection::vec(money(50_000_000), 1..4), priority in 0_u8..3) -> Policy {
        let mut p = Policy::example(2023);
        p.rate = match mode {
            0 => RateMode::Cap { cap_percent: Decimal::from(5), share_percent: Decimal::from(80) },
            1 => RateMode::Share { share_percent: Decimal::from(50) },
            _ => RateMode::BorrowerFloor { borrower_percent: Decimal::new(215, 2) },
        };
        p.day_count = if act365 { DayCount::Act365 } else { DayCount::Act360 };
        p.overdue = [OverdueRule::FromFirstOverdue, OverdueRule::ExcludeDays, OverdueRule::ForfeitLoan][usize::from(overdue)];
        p.subsidize_extensions = ext;
        p.window = tiexi::engine::Interval::new(day(start), day(start + len));
        p.term_months = months;
        p.allocation = match priority { 0 => Allocation::ProRata, 1 => Allocation::Priority { partial_last: true }, _ => Allocation::Priority { partial_last: false } };
        p.pools = pools.into_iter().enumerate().map(|(i, amount)| Pool { name: format!("pool{i}"), kind: PoolKind::Funded, amount }).collect();
        p
    }
}

fn projects(loans: &[Loan]) -> Vec<tiexi::engine::Project> {
    loans
        .chunks(2)
        .enumerate()
        .map(|(i, l)| common::project(&format!("P{i}"), ApplicantType::Cooperative, l.to_vec()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// docs/rules.md §6: grants never exceed the budget and sum to it exactly when oversubscribed
    /// (pro_rata, and priority with partial_last).
    #[test]
    fn grants_fit_the_budget(requests in proptest::collection::vec(money(10_000_000), 1..30), budget in money(100_000_000),
                             scores in proptest::collection::vec(proptest::option::of(0_i64..100), 30), method in 0_u8..3) {
        let claims: Vec<Claim> = requests.iter().zip(&scores).map(|(r, s)| Claim { requested: *r, score: s.map(Decimal::from) }).collect();
        let allocation = [Allocation::ProRata, Allocation::Priority { partial_last: true }, Allocation::Priority { partial_last: false }][usize::from(method)];
        let g = grants(allocation, budget, &claims);
        let total: Money = g.iter().copied().sum();
        let requested: Money = requests.iter().copied().sum();
        prop_assert!(total <= budget);
        prop_assert!(g.iter().zip(&requests).all(|(g, r)| *g <= *r && *g >= Money::ZERO));
        if requested > budget && method < 2 {
            prop_assert_eq!(total, budget);
        }
    }

    /// docs/rules.md §6: the pool split never takes a pool below zero, the parts sum to each
    /// grant, and every pool ends at zero when the whole budget is granted.
    #[test]
    fn the_pool_split_is_exact(pools in proptest::collection::vec(money(50_000_000), 1..5), cuts in proptest::collection::vec(1_u32..100, 1..20)) {
        let budget: Money = pools.iter().copied().sum();
        let weight: u32 = cuts.iter().sum();
        let mut gs: Vec<Money> = cuts.iter().map(|c| Money::from_fen(budget.fen() * i64::from(*c) / i64::from(weight))).collect();
        let short = budget - gs.iter().copied().sum::<Money>();
        gs[0] += short;
        let (parts, left) = split(&pools, &gs);
        prop_assert!(left.iter().all(|l| *l == Money::ZERO));
        for (p, g) in parts.iter().zip(&gs) {
            prop_assert_eq!(p.iter().copied().sum::<Money>(), *g);
            prop_assert!(p.iter().all(|x| *x >= Money::ZERO));
        }
    }

    /// docs/rules.md §4: a loan's subsidy never exceeds its interest paid; no pool below zero.
    #[test]
    fn subsidies_respect_interest_paid_and_pools(policy in a_policy(), loans in proptest::collection::vec(a_loan(), 1..8)) {
        let r = compute(&policy, &projects(&loans));
        for (l, res) in loans.iter().zip(r.projects.iter().flat_map(|p| &p.loans)) {
            if let Some(paid) = l.interest_paid { prop_assert!(res.subsidy <= paid); }
            prop_assert!(res.subsidy <= res.computed);
        }
        prop_assert!(r.pools.iter().all(|p| p.remaining >= Money::ZERO));
        prop_assert!(r.totals.granted <= policy.budget());
    }

    /// docs/rules.md §4: summing piece by piece equals summing day by day, exactly.
    #[test]
    fn pieces_sum_to_the_day_by_day_sum(policy in a_policy(), loan in a_loan()) {
        let Ok(intervals) = eligible(&policy, &loan) else { return Ok(()) };
        let by_piece: Decimal = pieces(&policy, &loan, &intervals).iter()
            .map(|p| p.balance.yuan() * p.subsidised_rate * Decimal::from(p.days)).sum();
        let mut by_day = Decimal::ZERO;
        for i in &intervals {
            let mut t = i.start;
            while t < i.end {
                by_day += balance_on(&loan, t).yuan() * policy.rate.subsidised(rate_on(&loan, t));
                t = t + Days::new(1);
            }
        }
        prop_assert_eq!(by_piece, by_day);
    }

    /// The result does not depend on the order of a workbook's events.
    #[test]
    fn event_order_does_not_matter(policy in a_policy(), mut loans in proptest::collection::vec(a_loan(), 1..6), seed in any::<u64>()) {
        let before = compute(&policy, &projects(&loans));
        for (i, l) in loans.iter_mut().enumerate() {
            let n = l.events.len();
            if n > 1 {
                let k = usize::try_from(seed % (n as u64)).unwrap_or(0);
                l.events.rotate_left(k.max(1));
                l.events.swap(0, (i + 1) % n);
            }
        }
        prop_assert_eq!(before, compute(&policy, &projects(&loans)));
    }
}

/// docs/rules.md §9 facts for the first loan of each pair: some days subsidised in 2022, a
/// statement line, a cut, an earlier grant of the applicant.
#[derive(Debug, Clone)]
struct SomeFacts {
    holes: Vec<(u32, u32)>,
    line: Option<(u32, u32, Money)>,
    cut: Option<CutLimit>,
    earlier: Option<Money>,
}

prop_compose! {
    fn some_facts()(holes in proptest::collection::vec((0_u32..1500, 0_u32..400), 0..4),
                    line in proptest::option::of((0_u32..1500, 0_u32..400, money(5_000_000))),
                    cut in proptest::option::of(proptest::option::of(money(5_000_000)).prop_map(|c| c.map_or(CutLimit::Excluded, CutLimit::Amount))),
                    earlier in proptest::option::of(money(5_000_000))) -> SomeFacts {
        SomeFacts { holes, line, cut, earlier }
    }
}

fn facts_of(loans: &[Loan], each: &[SomeFacts]) -> Facts {
    let mut facts = Facts::default();
    for (l, f) in loans.iter().zip(each) {
        let holes = f.holes.iter().map(|(o, n)| Subsidised {
            year: 2022,
            project: "P".into(),
            start: day(*o),
            end: day(o + n),
        });
        facts.history.contracts.entry(l.contract_no.clone()).or_default().extend(holes);
        if let Some((o, n, paid)) = f.line {
            facts.statements.entry(l.contract_no.clone()).or_default().push(StatementLine {
                from: day(o),
                to: day(o + n),
                paid,
            });
        }
        if let Some(limit) = f.cut {
            facts.cuts.insert(l.contract_no.clone(), Cut { limit, reason: CutReason::Other, text: "t".into() });
        }
    }
    facts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// docs/rules.md §9 with §4: with days already subsidised removed, the piece sum is still the
    /// day-by-day sum over the days left, exactly, rounded once.
    #[test]
    fn removed_days_leave_the_day_by_day_sum(policy in a_policy(), loan in a_loan(), f in some_facts()) {
        let facts = facts_of(std::slice::from_ref(&loan), std::slice::from_ref(&f));
        let r = compute_with(&policy, &projects(std::slice::from_ref(&loan)), &facts);
        let got = &r.projects[0].loans[0];
        let holes: Vec<(NaiveDate, NaiveDate)> = f.holes.iter().map(|(o, n)| (day(*o), day(o + n))).collect();
        let (mut by_day, mut n) = (Decimal::ZERO, 0);
        for i in eligible(&policy, &loan).unwrap_or_default() {
            let mut t = i.start;
            while t < i.end {
                if !holes.iter().any(|(a, b)| *a <= t && t < *b) {
                    by_day += balance_on(&loan, t).yuan() * policy.rate.subsidised(rate_on(&loan, t)) / Decimal::ONE_HUNDRED;
                    n += 1;
                }
                t = t + Days::new(1);
            }
        }
        prop_assert_eq!(got.eligible_days, n);
        prop_assert_eq!(got.computed, Money::round_half_up(by_day / policy.day_count.basis()));
    }

    /// docs/rules.md §9: a subsidy is at most every cap given; an excluded loan gets 0; a request
    /// is at most what the applicant total leaves; grants still sum exactly.
    #[test]
    fn subsidies_stay_under_every_cap(policy in a_policy(), loans in proptest::collection::vec(a_loan(), 1..8),
                                      each in proptest::collection::vec(some_facts(), 8), total in proptest::option::of(money(5_000_000))) {
        let mut policy = policy;
        policy.max_subsidy_per_applicant_total = total;
        let mut facts = facts_of(&loans, &each);
        let mut projects = projects(&loans);
        for (i, p) in projects.iter_mut().enumerate() {
            p.applicant.id_number = format!("ID{i}");
            if let Some(g) = each[i * 2].earlier {
                let grant = EarlierGrant { year: 2021, project: "Q".into(), name: String::new(), granted: g, paid: None };
                facts.history.applicants.insert(p.applicant.id_number.clone(), vec![grant]);
            }
        }
        let r = compute_with(&policy, &projects, &facts);
        for (l, got) in loans.iter().zip(r.projects.iter().flat_map(|p| &p.loans)) {
            prop_assert!(got.subsidy <= got.computed && got.subsidy >= Money::ZERO);
            if let Some(paid) = l.interest_paid { prop_assert!(got.subsidy <= paid); }
            if let Some(c) = got.certified { prop_assert!(got.subsidy <= c); }
            match facts.cuts.get(&l.contract_no).map(|c| c.limit) {
                Some(CutLimit::Excluded) => prop_assert_eq!(got.subsidy, Money::ZERO),
                Some(CutLimit::Amount(c)) => prop_assert!(got.subsidy <= c),
                None => {}
            }
        }
        for (p, res) in projects.iter().zip(&r.projects) {
            let sum: Money = res.loans.iter().map(|l| l.subsidy).sum();
            prop_assert!(res.requested <= sum);
            if let Some(t) = total {
                let earlier = facts.history.applicants.get(&p.applicant.id_number).map_or(Money::ZERO, |g| g[0].granted);
                prop_assert!(res.requested <= (t - earlier).max(Money::ZERO));
            }
            prop_assert_eq!(res.pools.iter().copied().sum::<Money>(), res.granted);
        }
        let requested: Money = r.projects.iter().map(|p| p.requested).sum();
        if requested > policy.budget() && policy.allocation != (Allocation::Priority { partial_last: false }) {
            prop_assert_eq!(r.totals.granted, policy.budget());
        } else if requested <= policy.budget() {
            prop_assert!(r.projects.iter().all(|p| p.granted == p.requested));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Issue 5: a first allocation run, nothing held and the pools whole, is exactly
    /// `engine::compute`'s grants and pool split.
    #[test]
    fn a_first_allocation_run_is_the_engines_grants(policy in a_policy(), loans in proptest::collection::vec(a_loan(), 1..10)) {
        let projects = projects(&loans);
        let r = compute(&policy, &projects);
        let whole: Vec<Money> = policy.pools.iter().map(|p| p.amount).collect();
        let run = tiexi::engine::allocation::run(&policy, &projects, &[], &whole);
        for (line, p) in run.lines.iter().zip(&r.projects) {
            prop_assert_eq!((line.requested, line.granted, &line.parts, line.status), (p.requested, p.granted, &p.pools, p.status));
        }
        let left: Vec<Money> = r.pools.iter().map(|p| p.remaining).collect();
        prop_assert_eq!(run.remaining_after, left);
    }
}
