//! Golden cases (hledger style): every `tests/cases/case*/` runs through `tiexi calc --json`
//! and must give, for every field present in `expected.json`, exactly that value. The
//! `tests/cases/facts*/` cases also pass the facts of docs/rules.md §9 their folder holds
//! (`statements*`, `cuts.csv`, `history.json`; see each folder's README.md).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::subset;
use serde_json::Value;

fn run_case(dir: &Path) -> Vec<String> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tiexi"));
    command.args(["calc", "--json", "--policy"]).arg(dir.join("policy.toml")).arg(dir.join("applicants.xlsx"));
    let mut statements: Vec<_> =
        std::fs::read_dir(dir).expect("case folder").map(|e| e.expect("entry").path()).collect();
    statements.retain(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("statements")));
    statements.sort();
    for s in statements {
        command.arg("--statements").arg(s);
    }
    for (flag, file) in [("--cuts", "cuts.csv"), ("--history", "history.json")] {
        if dir.join(file).exists() {
            command.arg(flag).arg(dir.join(file));
        }
    }
    let out = command.output().expect("tiexi runs");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).expect("expected.json"))
            .expect("JSON");
    // docs/cli.md: exit 1 when there are errors (they are in the JSON), else 0.
    let errors = expected["errors"].as_array().is_some_and(|e| !e.is_empty());
    let mut diffs = Vec::new();
    if out.status.code() != Some(i32::from(errors)) {
        diffs.push(format!("exit {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
    }
    let got: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
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

/// docs/rules.md §9 golden cases: statements, cuts and history from files, worked out by hand in
/// each folder's README.md.
#[test]
fn every_facts_case_matches_its_expected_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).expect("tests/cases").map(|e| e.expect("entry").path()).collect();
    dirs.retain(|d| d.is_dir() && d.file_name().is_some_and(|n| n.to_string_lossy().starts_with("facts")));
    dirs.sort();
    assert!(dirs.len() >= 3, "facts000, facts001 and facts002");
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
