//! `tiexi calc` with the facts of docs/rules.md §9 (docs/cli.md "Facts from outside the workbook"),
//! through the real binary on the golden case facts000: the summary, `--explain`, the result
//! workbook, and the exit statuses for facts that cannot be read.

#[path = "../export/support.rs"]
#[expect(dead_code, reason = "shared with tests/files/export.rs; only its workbook readers are used here")]
mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use support::{cell, column, dec, rows};

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(name)
}

/// `tiexi calc` on facts000 with its facts and `extra` arguments.
fn calc(extra: &[&str]) -> Output {
    let dir = case("facts000");
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"));
    c.arg("calc").arg("--policy").arg(dir.join("policy.toml")).arg(dir.join("applicants.xlsx"));
    c.arg("--statements").arg(dir.join("statements.xlsx")).arg("--statements").arg(dir.join("statements2.csv"));
    c.arg("--cuts").arg(dir.join("cuts.csv"));
    c.args(extra).output().expect("tiexi runs")
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// The summary says what each cap held back and how many loans differ from their statement.
#[test]
fn the_summary_counts_the_caps() {
    let out = calc(&[]);
    assert_eq!(out.status.code(), Some(0));
    let s = text(&out);
    assert!(s.contains("审核核减：不予贴息 1 笔（较计算值少 4422.50 元）"), "{s}");
    assert!(s.contains("以银行结息额为限 3 笔（较计算值少 22329.16 元）"), "{s}");
    assert!(s.contains("3 笔贷款有结息清单，其中 2 笔与按合同利率计算的同期利息相差超过 1 元"), "{s}");
}

/// `--explain` shows the caps given, the cut with its reason, and the statement's difference.
#[test]
fn explain_shows_the_caps_and_the_difference() {
    let a2 = text(&calc(&["--explain", "A2"]));
    assert!(a2.contains("上限：已付利息 13000.00 元；银行结息 12992.00 元"), "{a2}");
    assert!(a2.contains("相差 -448.00 元（结息减计算；可能原因：利率不一致）"), "{a2}");
    let a3 = text(&calc(&["--explain", "A3"]));
    assert!(a3.contains("贴息天数 366 天；计算值 4422.50 元；贴息 0.00 元"), "{a3}");
    assert!(a3.contains("审核核减 不予贴息（材料不全）"), "{a3}");
    let b1: serde_json::Value = serde_json::from_slice(&calc(&["--explain", "B1", "--json"]).stdout).expect("JSON");
    assert_eq!(b1["cut"]["reason"], "purpose_mismatch");
    assert_eq!(b1["cut"]["text"], "部分用于购置自用车辆");
}

/// The result workbook's 贷款 sheet shows the certified interest, the cut and the difference.
#[test]
fn the_result_workbook_shows_the_caps() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("result.xlsx");
    let out = calc(&["--output", path.to_str().expect("a UTF-8 path")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let sheet = rows(&std::fs::read(&path).expect("written"), "贷款");
    let contract = column(&sheet, "贷款合同编号");
    let row = |c: &str| sheet.iter().find(|r| cell(r, contract) == c).expect("the loan's row").clone();
    let (certified, cut, allowed) =
        (column(&sheet, "银行结息（元）"), column(&sheet, "审核核减"), column(&sheet, "核定金额（元）"));
    let (difference, cause) = (column(&sheet, "结息差异（元）"), column(&sheet, "差异可能原因"));
    let a2 = row("A2");
    assert_eq!(dec(&a2[certified]).to_string(), "12992");
    assert_eq!(dec(&a2[difference]).to_string(), "-448");
    assert_eq!(cell(&a2, cause), "利率不一致");
    assert_eq!(cell(&row("A3"), cut), "不予贴息：材料不全");
    let b1 = row("B1");
    assert_eq!(cell(&b1, cut), "核减：贷款用途不符（部分用于购置自用车辆）");
    assert_eq!(dec(&b1[allowed]).to_string(), "8000");
    assert_eq!(cell(&b1, certified), "");
}

/// docs/cli.md: a history that is not one makes the command unusable (exit 2, nothing on
/// standard output); a statement that is no workbook is an error of the calculation.
#[test]
fn unreadable_facts_are_refused_clearly() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let bad = dir.path().join("history.json");
    std::fs::write(&bad, "{\"applicants\": [1]}").expect("written");
    let out = calc(&["--json", "--history", bad.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("往年贴息记录"), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = dir.path().join("bank.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n\0\0").expect("written");
    let out = calc(&["--json", "--statements", pdf.to_str().expect("UTF-8")]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(json["errors"][0]["sheet"], "bank.pdf");
    assert_eq!(json["totals"]["projects"], 2);
}
