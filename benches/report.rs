//! The annual report of a synthetic round of 100,000 projects (one loan each), built in
//! memory with the engine's types, next to a bare `rust_xlsxwriter` constant-memory write of
//! the same cells (项目明细's 14 columns). `cargo bench --bench report`. Peak memory:
//! `/usr/bin/time -v target/release/deps/report-* --bench` (README).

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use tiexi::engine::report::by_year;
use tiexi::engine::{compute, Applicant, ApplicantType, Loan, Money, Policy, Pool, PoolKind, Project, RoundResult};
use tiexi::export::report::{annual, Annual, Heading};

const N: usize = 100_000;

fn round() -> (Policy, Vec<Project>) {
    let mut policy = Policy::example(2023);
    policy.pools = vec![
        Pool { name: "兵团项目资金".into(), kind: PoolKind::Funded, amount: Money::from_fen(50_000_000_000) },
        Pool { name: "师市总工会自筹".into(), kind: PoolKind::Matched, amount: Money::from_fen(50_000_000_000) },
    ];
    let units = tiexi::sample::UNITS;
    let projects = (0..N)
        .map(|i| Project {
            key: format!("XX-2023-{i:06}"),
            name: format!("{}肉羊养殖项目{i}", units[i % units.len()]),
            applicant_type: ApplicantType::ALL[i % 4],
            union_member: Some(true),
            households: 10 + u32::try_from(i % 50).unwrap_or(0),
            income_increase: Some(Money::from_fen(500_000)),
            score: None,
            applicant: Applicant {
                unit: units[i % units.len()].to_string(),
                org_name: format!("红星{i}专业合作社"),
                leader: "王建国".into(),
                id_number: format!("65900219800101{:04}", i % 10_000),
                ..Applicant::default()
            },
            loans: vec![Loan {
                contract_no: format!("HT{i:08}"),
                bank: "农业银行".into(),
                principal: Money::from_fen(20_000_000 + i64::try_from(i % 300).unwrap_or(0) * 1_000_000),
                rate: Decimal::new(435 + i64::try_from(i % 200).unwrap_or(0), 2),
                disbursed_on: NaiveDate::from_ymd_opt(2022, 1 + u32::try_from(i % 12).unwrap_or(0), 15)
                    .expect("a date"),
                maturity_on: NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date"),
                settled_on: None,
                interest_paid: None,
                events: vec![],
                row: 0,
            }],
        })
        .collect();
    (policy, projects)
}

fn report(policy: &Policy, projects: &[Project], result: &RoundResult) -> Vec<u8> {
    let history = by_year([(projects, result)]);
    let paid = vec![Money::ZERO; projects.len()];
    let decisions = vec![String::new(); projects.len()];
    let heading = Heading {
        issuer: "师市总工会".into(),
        made_on: NaiveDate::from_ymd_opt(2024, 1, 31).expect("a date"),
        full_ids: false,
    };
    let r = Annual {
        heading: &heading,
        policy,
        projects,
        result,
        paid: &paid,
        decisions: &decisions,
        pools_paid: &[Money::ZERO, Money::ZERO],
        batches: &[],
        history: &history,
    };
    annual(&r).expect("a workbook").save_to_buffer().expect("bytes")
}

/// The same 14 cells per project, written straight with `rust_xlsxwriter` (no titles, no
/// other sheets): the floor the report's own work sits on.
fn bare(projects: &[Project], result: &RoundResult) -> Vec<u8> {
    let mut book = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet_with_constant_memory().expect("a sheet");
    for (row, (p, r)) in (1_u32..).zip(projects.iter().zip(&result.projects)) {
        sheet.write_number(row, 0, row).expect("a cell");
        sheet.write_string(row, 1, &p.applicant.unit).expect("a cell");
        sheet.write_string(row, 2, &p.name).expect("a cell");
        sheet.write_string(row, 3, p.applicant_type.label()).expect("a cell");
        sheet.write_string(row, 4, &p.applicant.org_name).expect("a cell");
        sheet.write_string(row, 5, &p.applicant.leader).expect("a cell");
        sheet.write_string(row, 6, &p.applicant.id_number).expect("a cell");
        sheet.write_number(row, 7, p.households).expect("a cell");
        sheet.write_with_format(row, 8, p.loans[0].principal.yuan(), &money).expect("a cell");
        sheet.write_with_format(row, 9, r.requested.yuan(), &money).expect("a cell");
        sheet.write_with_format(row, 10, r.granted.yuan(), &money).expect("a cell");
        sheet.write_with_format(row, 11, Decimal::ZERO, &money).expect("a cell");
        sheet.write_string(row, 12, r.status.label()).expect("a cell");
        sheet.write_string(row, 13, "").expect("a cell");
    }
    book.save_to_buffer().expect("bytes")
}

fn bench(c: &mut Criterion) {
    let (policy, projects) = round();
    let result = compute(&policy, &projects);
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function(format!("annual report, {N} projects"), |b| b.iter(|| report(&policy, &projects, &result)));
    group.bench_function(format!("bare rust_xlsxwriter, {N} rows × 14"), |b| b.iter(|| bare(&projects, &result)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
