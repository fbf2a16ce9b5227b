//! The messy acceptance cases (tests/cases/messy*/, as shared/cases/README.md describes):
//! workbooks typed the way regiments type them, with injected errors. `tiexi calc --json`
//! must exit 1, report every injected error at a row in `lo..=hi` with its key, report
//! nothing on any row outside `tolerated_rows` (a false alarm), and compute the other
//! projects exactly as `expected.json` says.

#![expect(clippy::unwrap_used, reason = "a case that cannot be read is a failed test")]

use crate::common;

use std::path::Path;
use std::process::Command;

use common::subset;
use serde_json::Value;

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Run `tiexi calc --json` on the case: its exit status and its JSON.
fn run(dir: &Path) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["calc", "--json", "--policy"])
        .arg(dir.join("policy.toml"))
        .arg(dir.join("applicants.xlsx"))
        .output()
        .unwrap();
    let got = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{}: not JSON ({e})", dir.display()));
    (out.status.code(), got)
}

/// Every injected error found at a row in `lo..=hi` with its key; no error outside the
/// tolerated rows.
fn check_errors(injected: &Value, got: &Value, diffs: &mut Vec<String>) {
    let reported: Vec<(u64, &str)> = got["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["key"].as_str().unwrap_or("")))
        .collect();
    for e in injected["errors"].as_array().unwrap() {
        let (lo, hi) = (e["lo"].as_u64().unwrap(), e["hi"].as_u64().unwrap());
        let key = e["key"].as_str().unwrap();
        if !reported.iter().any(|&(row, k)| (lo..=hi).contains(&row) && k == key) {
            diffs.push(format!("missed: {key} in rows {lo}..={hi}"));
        }
    }
    let tolerated: Vec<u64> = injected["tolerated_rows"].as_array().unwrap().iter().filter_map(Value::as_u64).collect();
    for (e, &(row, _)) in got["errors"].as_array().unwrap().iter().zip(&reported) {
        if !tolerated.contains(&row) {
            diffs.push(format!("false alarm: {e}"));
        }
    }
}

/// Run the case; every difference from what the README asks, as a sentence.
fn check(name: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(name);
    let (status, got) = run(&dir);
    let mut diffs = Vec::new();
    if status != Some(1) {
        diffs.push(format!("exit status {status:?}, expected 1"));
    }
    check_errors(&json(&dir.join("expected_errors.json")), &got, &mut diffs);
    subset(&json(&dir.join("expected.json")), &got, "", &mut diffs);
    diffs
}

#[test]
fn messy000_reports_the_two_bad_id_numbers_and_computes_the_rest() {
    assert_eq!(check("messy000"), Vec::<String>::new());
}

#[test]
fn messy001_reports_the_negative_principal_and_computes_the_rest() {
    assert_eq!(check("messy001"), Vec::<String>::new());
}
