//! Import of a 100,000-loan workbook (`tiexi bench gen`), next to a bare calamine streaming
//! read of the same file (the floor), and the peak memory of each.
//! `cargo bench --bench import`; criterion prints rows per second (throughput).

use std::io::Cursor;
use std::path::PathBuf;

use calamine::{Reader, Xlsx};
use criterion::{criterion_group, Criterion, Throughput};

const LOANS: usize = 100_000;

/// The workbook, generated once into the target folder (deterministic, never committed).
fn workbook() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join(format!("bench-{LOANS}.xlsx"));
    if !path.exists() {
        tiexi::sample::workbook(LOANS, 2024, &path).expect("the workbook is written");
    }
    std::fs::read(&path).expect("the workbook is read")
}

/// The floor: every cell of every sheet through calamine's streaming reader, nothing else.
fn bare_calamine(bytes: &[u8]) -> usize {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let mut cells = 0;
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).expect("a sheet");
        while let Some(cell) = reader.next_cell().expect("a cell") {
            std::hint::black_box(cell);
            cells += 1;
        }
    }
    cells
}

fn import(bytes: &[u8]) -> usize {
    let options = tiexi::import::Options { require_union_member: true, window: None };
    let parsed = tiexi::import::guard::workbook(bytes, &options).expect("the workbook imports");
    assert!(parsed.errors.is_empty(), "{:?}", &parsed.errors[..parsed.errors.len().min(3)]);
    parsed.projects.iter().map(|p| p.loans.len()).sum()
}

fn benches(c: &mut Criterion) {
    let bytes = workbook();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LOANS as u64));
    group.bench_function(format!("bare calamine read, {LOANS} rows"), |b| b.iter(|| bare_calamine(&bytes)));
    group.bench_function(format!("tiexi import (guard, parse, validate), {LOANS} rows"), |b| b.iter(|| import(&bytes)));
    group.finish();
}

/// Peak resident memory of a piece of work: reset the high-water mark, run, read it.
fn peak_kib(work: impl FnOnce() -> usize) -> (usize, u64) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let n = work();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok());
    (n, hwm.unwrap_or(0))
}

fn memory() {
    let bytes = workbook();
    let (cells, floor) = peak_kib(|| bare_calamine(&bytes));
    let (loans, ours) = peak_kib(|| import(&bytes));
    println!("peak memory (VmHWM, workbook {} KiB in memory):", bytes.len() / 1024);
    println!("  bare calamine read: {floor} KiB ({cells} cells)");
    println!("  tiexi import:       {ours} KiB ({loans} loans)");
}

criterion_group!(import_benches, benches);

fn main() {
    import_benches();
    memory();
    Criterion::default().configure_from_args().final_summary();
}
