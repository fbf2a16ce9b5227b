//! The annual report of a synthetic round of 100,000 projects (one loan each), built in
//! memory with the engine's types, next to its floor: a bare `rust_xlsxwriter`
//! constant-memory write of the same cells, read back from the report (every sheet).
//! `cargo bench --bench report` prints `figure report-annual …` and `figure report-floor …`
//! (medians of `FIGURE_RUNS`, as `benches/figures.rs`). Peak memory:
//! `/usr/bin/time -v target/release/deps/report-* --bench` (README).

#[path = "support/timing.rs"]
mod timing;

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook};
use tiexi::engine::report::{by_year, Outcome};
use tiexi::engine::{compute, Applicant, ApplicantType, Loan, Money, Policy, Pool, PoolKind, Project, RoundResult};
use tiexi::export::report::{annual, Annual, Heading};

/// The projects of the round (`REPORT_PROJECTS` overrides 100,000, for profiling).
fn size() -> usize {
    std::env::var("REPORT_PROJECTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000)
}

fn round() -> (Policy, Vec<Project>) {
    let mut policy = Policy::example(2023);
    policy.pools = vec![
        Pool { name: "兵团项目资金".into(), kind: PoolKind::Funded, amount: Money::from_fen(50_000_000_000) },
        Pool { name: "师市总工会自筹".into(), kind: PoolKind::Matched, amount: Money::from_fen(50_000_000_000) },
    ];
    let units = tiexi::sample::UNITS;
    let projects = (0..size())
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
    let history = by_year([(projects, result, true)]);
    let n = projects.len();
    let paid = vec![Money::ZERO; n];
    let decisions = vec![String::new(); n];
    let states = vec!["已批准"; n];
    let outcomes: Vec<Outcome> = result.projects.iter().map(|p| Outcome::of(true, p.requested, p.granted)).collect();
    let heading = Heading::plain("师市总工会", NaiveDate::from_ymd_opt(2024, 1, 31).expect("a date"));
    let r = Annual {
        heading: &heading,
        closed: true,
        policy,
        projects,
        result,
        paid: &paid,
        states: &states,
        outcomes: &outcomes,
        decisions: &decisions,
        pools: &[],
        receipts: &[],
        payments: &[],
        carryovers: &[],
        hardship: 0,
        history: &history,
        published: None,
        performance: None,
    };
    annual(&r).expect("a workbook").save_to_buffer().expect("bytes")
}

/// Every cell the report wrote, read back (not timed).
fn cells_of(report: &[u8]) -> Vec<(String, Range<Data>)> {
    let mut book = Xlsx::new(Cursor::new(report)).expect("the report reads back");
    book.sheet_names().into_iter().map(|n| (n.clone(), book.worksheet_range(&n).expect("a sheet"))).collect()
}

/// The floor: the same cells written straight by `rust_xlsxwriter` in constant memory:
/// text and numbers without a format, dates with the one format they need to be dates;
/// no titles, widths, borders, row heights or print setup.
fn bare(sheets: &[(String, Range<Data>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, range) in sheets {
        let sheet = book.add_worksheet_with_constant_memory().expect("a sheet");
        sheet.set_name(name).expect("a sheet name");
        for (row, col, data) in range.used_cells() {
            let (row, col) = (u32::try_from(row).expect("a row"), u16::try_from(col).expect("a column"));
            match data {
                Data::String(s) => sheet.write_string(row, col, s),
                Data::Float(f) => sheet.write_number(row, col, *f),
                Data::DateTime(d) => sheet.write_number_with_format(row, col, d.as_f64(), &date),
                other => sheet.write_string(row, col, other.to_string()),
            }
            .expect("a cell");
        }
    }
    book.save_to_buffer().expect("bytes")
}

fn main() {
    let (policy, projects) = round();
    let result = compute(&policy, &projects);
    let sheets = cells_of(&report(&policy, &projects, &result));
    let cells: usize = sheets.iter().map(|(_, r)| r.used_cells().count()).sum();
    println!("# the annual report of {} projects: {} sheets, {cells} cells", projects.len(), sheets.len());
    timing::figure("report-annual", || {
        std::hint::black_box(report(&policy, &projects, &result));
    });
    timing::figure("report-floor", || {
        std::hint::black_box(bare(&sheets));
    });
}
