//! Golden cases (hledger style): every `tests/cases/case*/` runs through `tiexi calc --json`
//! and must give, for every field present in `expected.json`, exactly that value.

mod common;

use std::path::Path;
use std::process::Command;

use common::subset;
use serde_json::Value;

fn run_case(dir: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["calc", "--json", "--policy"])
        .arg(dir.join("policy.toml"))
        .arg(dir.join("applicants.xlsx"))
        .output()
        .expect("tiexi runs");
    let mut diffs = Vec::new();
    if out.status.code() != Some(0) {
        diffs.push(format!("exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
    }
    let got: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"))
            .expect("JSON");
    subset(&expected, &got, "", &mut diffs);
    diffs
}

#[test]
fn every_sample_case_matches_its_expected_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).expect("tests/cases").map(|e| e.expect("entry").path()).collect();
    dirs.retain(|d| d.file_name().is_some_and(|n| n.to_string_lossy().starts_with("case")));
    dirs.sort();
    assert!(dirs.len() >= 6, "the sample cases are copied into tests/cases");
    let failures: Vec<String> =
        dirs.iter().flat_map(|d| run_case(d).into_iter().map(move |f| format!("{}: {f}", d.display()))).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_subset_comparison_catches_a_changed_figure() {
    let expected: Value = serde_json::json!({"totals": {"granted": "1.00"}, "projects": [{"key": "A"}]});
    let mut diffs = Vec::new();
    subset(
        &expected,
        &serde_json::json!({"totals": {"granted": "1.01"}, "projects": [{"key": "A", "x": 1}]}),
        "",
        &mut diffs,
    );
    assert_eq!(diffs, vec![".totals.granted: expected \"1.00\", got \"1.01\"".to_string()]);
}
