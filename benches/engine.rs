//! The engine on a synthetic round of 100,000 loans (50,000 projects, events on a third
//! of the loans, a principal cap and an oversubscribed budget so every rule runs).
//! `cargo bench --bench engine`; criterion prints loans per second (throughput).

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;
use tiexi::engine::{
    compute, Applicant, ApplicantType, Event, EventKind, Loan, Money, OverdueRule, Policy, Pool, PoolKind, Project,
};

/// A small deterministic generator (splitmix64), so every run computes the same round.
struct Seq(u64);

impl Seq {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

fn day(base: NaiveDate, offset: u64) -> NaiveDate {
    base + Days::new(offset)
}

fn loan(seq: &mut Seq, n: usize) -> Loan {
    let base = NaiveDate::from_ymd_opt(2021, 1, 1).expect("a date");
    let start = seq.next(1200);
    let principal = Money::from_fen(i64::try_from(seq.next(300_000_000) + 1_000_000).unwrap_or(1));
    let mut events = Vec::new();
    if n.is_multiple_of(3) {
        events.push(Event {
            on: day(base, start + 200),
            kind: EventKind::Repayment(Money::from_fen(principal.fen() / 4)),
        });
        events.push(Event { on: day(base, start + 400), kind: EventKind::RateChange(Decimal::new(385, 2)) });
    }
    if n.is_multiple_of(17) {
        events.push(Event { on: day(base, start + 300), kind: EventKind::OverdueStart });
        events.push(Event { on: day(base, start + 330), kind: EventKind::OverdueEnd });
    }
    Loan {
        contract_no: format!("HT{n:08}"),
        bank: String::new(),
        principal,
        rate: Decimal::new(i64::try_from(300 + seq.next(400)).unwrap_or(435), 2),
        disbursed_on: day(base, start),
        maturity_on: day(base, start + 365 * (1 + seq.next(3))),
        settled_on: None,
        interest_paid: None,
        events,
        row: 0,
    }
}

fn round(loans: usize) -> (Policy, Vec<Project>) {
    let mut seq = Seq(2024);
    let mut policy = Policy::example(2023);
    policy.overdue = OverdueRule::ExcludeDays;
    policy.principal_cap[ApplicantType::Cooperative.index()] = Some(Money::from_fen(300_000_000));
    policy.pools = vec![
        Pool { name: "兵团项目资金".into(), kind: PoolKind::Funded, amount: Money::from_fen(70_000_000_000) },
        Pool { name: "师市总工会自筹".into(), kind: PoolKind::Matched, amount: Money::from_fen(70_000_000_000) },
    ];
    let projects = (0..loans / 2)
        .map(|i| Project {
            key: format!("XX-2023-{i:06}"),
            name: String::new(),
            applicant_type: ApplicantType::ALL[i % 4],
            union_member: Some(true),
            households: 10,
            income_increase: Some(Money::from_fen(500_000)),
            score: None,
            applicant: Applicant::default(),
            loans: vec![loan(&mut seq, 2 * i), loan(&mut seq, 2 * i + 1)],
        })
        .collect();
    (policy, projects)
}

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    let n = 100_000_usize;
    let (policy, projects) = round(n);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(format!("compute {n} loans"), |b| b.iter(|| compute(&policy, &projects)));
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
