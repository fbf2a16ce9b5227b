//! The workbooks tiexi writes, read back with calamine (style.md §7): the result workbook
//! of `calc --output` here, the annotated workbook of `calc --errors-out` and the
//! template in `export/applicant.rs`. Values and cell types are compared, not files.

#[path = "../export/applicant.rs"]
mod applicant;
#[path = "../export/support.rs"]
mod support;

use std::ffi::OsStr;
use std::path::Path;

use calamine::Data;
use rust_decimal::Decimal;
use tiexi::engine::{self, Money, RoundResult};
use tiexi::export;
use tiexi::import::{self, Parsed};

use support::{case000, cell, column, dec, rows, sheet_names, tiexi, zip_entry};

/// case000 through the engine, and its result workbook.
fn case000_workbook() -> (Parsed, RoundResult, Vec<u8>) {
    let (policy, parsed) = case000();
    let result = engine::compute(&policy, &parsed.projects);
    let bytes = export::xlsx::result_bytes(&policy, &parsed.projects, &result).expect("written");
    (parsed, result, bytes)
}

/// 项目: one row per project, ID numbers masked and written as text.
#[test]
fn the_projects_sheet_masks_id_numbers() {
    let (parsed, _, bytes) = case000_workbook();
    assert_eq!(sheet_names(&bytes), ["项目", "贷款", "资金来源", "汇总"]);
    let sheet = rows(&bytes, "项目");
    assert_eq!(sheet.len(), parsed.projects.len() + 2, "header, the projects, 合计");
    let header: Vec<String> = sheet[0].iter().map(ToString::to_string).collect();
    assert_eq!(header[..4], ["序号", "项目编号", "团场", "项目名称"]);
    let id = column(&sheet, "身份证号");
    for (row, project) in sheet[1..].iter().zip(&parsed.projects) {
        let Data::String(masked) = &row[id] else { panic!("ID not text: {:?}", row[id]) };
        assert_eq!(*masked, export::mask::id_number(&project.applicant.id_number));
        assert!(masked.contains("********") && masked.chars().count() == 18, "{masked}");
    }
}

/// 项目's 合计 row: each amount is the sum of its column, as a number.
#[test]
fn the_projects_total_row_sums_its_columns() {
    let (_, result, bytes) = case000_workbook();
    let sheet = rows(&bytes, "项目");
    let (body, total) = (&sheet[1..sheet.len() - 1], &sheet[sheet.len() - 1]);
    assert_eq!(cell(total, 0), "合计");
    let columns = ["贷款金额（元）", "申请贴息（元）", "核定贴息（元）", "兵团项目资金（元）", "带动职工户数"];
    for name in columns {
        let col = column(&sheet, name);
        assert!(matches!(body[0][col], Data::Float(_)), "{name} is a number");
        let sum: Decimal = body.iter().map(|r| dec(&r[col])).sum();
        assert_eq!(dec(&total[col]), sum, "{name}");
    }
    let granted = column(&sheet, "核定贴息（元）");
    assert_eq!(dec(&total[granted]), result.totals.granted.yuan());
}

/// 贷款: contract numbers are text, amounts numbers, dates date cells.
#[test]
fn the_loans_sheet_keeps_contracts_as_text_and_dates_as_dates() {
    let (parsed, result, bytes) = case000_workbook();
    let sheet = rows(&bytes, "贷款");
    let loans: Vec<_> = parsed.projects.iter().flat_map(|p| &p.loans).collect();
    let subsidies: Vec<Money> = result.projects.iter().flat_map(|p| &p.loans).map(|l| l.subsidy).collect();
    assert_eq!(sheet.len(), loans.len() + 1);
    let contract = column(&sheet, "贷款合同编号");
    let (from, subsidy) = (column(&sheet, "放款日期"), column(&sheet, "贴息（元）"));
    for ((row, loan), s) in sheet[1..].iter().zip(&loans).zip(&subsidies) {
        assert_eq!(row[contract], Data::String(loan.contract_no.clone()));
        let Data::DateTime(d) = &row[from] else { panic!("not a date cell: {:?}", row[from]) };
        let serial = i64::try_from(dec(&Data::Float(d.as_f64()))).unwrap();
        assert_eq!(import::cells::serial_date(serial, false), Some(loan.disbursed_on));
        assert_eq!(dec(&row[subsidy]), s.yuan());
    }
}

/// docs/hazards.md: a name that looks like a formula is written as a string with the quote
/// prefix, and a string beyond Excel's limit is cut, not an error.
#[test]
fn formula_like_and_overlong_text_stays_a_string() {
    let (policy, mut parsed) = case000();
    parsed.projects[0].name = "=SUM(A1)".to_string();
    parsed.projects[1].name = "长".repeat(40_000);
    let result = engine::compute(&policy, &parsed.projects);
    let bytes = export::xlsx::result_bytes(&policy, &parsed.projects, &result).unwrap();
    let sheet = rows(&bytes, "项目");
    let name = column(&sheet, "项目名称");
    assert_eq!(sheet[1][name], Data::String("=SUM(A1)".to_string()));
    let Data::String(long) = &sheet[2][name] else { panic!("not a string") };
    assert_eq!(long.encode_utf16().count(), 32_767);
    assert!(zip_entry(&bytes, "xl/styles.xml").contains("quotePrefix=\"1\""));
    assert!(!zip_entry(&bytes, "xl/worksheets/sheet1.xml").contains("<f>"), "no formula");
}

/// `tiexi calc --json --output` on case000: the JSON document and the 汇总 sheet.
fn calc_output() -> (serde_json::Value, Vec<Vec<Data>>) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("result.xlsx");
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/case000");
    let (policy, workbook) = (case.join("policy.toml"), case.join("applicants.xlsx"));
    let run = tiexi([
        OsStr::new("calc"),
        "--json".as_ref(),
        "--policy".as_ref(),
        policy.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
        workbook.as_os_str(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let json = serde_json::from_slice(&run.stdout).expect("one JSON document");
    (json, rows(&std::fs::read(&out).expect("result.xlsx"), "汇总"))
}

/// docs/cli.md `--output`: case000's 汇总 sheet gives the figures of the JSON, in 元 and 万元.
#[test]
fn calc_output_summary_equals_the_json_totals() {
    let (json, sheet) = calc_output();
    let (totals, text) = (&json["totals"], |v: &serde_json::Value| v.as_str().unwrap().to_string());
    let figure = |label: &str| sheet.iter().find(|r| cell(r, 0) == label).expect(label);
    for (label, key) in [("申请贴息", "requested"), ("核定贴息", "granted"), ("撬动贷款", "loans_unlocked")]
    {
        let money: Money = text(&totals[key]).parse().unwrap();
        assert_eq!(dec(&figure(label)[1]), money.yuan(), "{label}");
        assert_eq!(dec(&figure(label)[3]), money.wan_yuan(), "{label} 万元");
    }
    let counts =
        [("计入试算项目数", "projects"), ("获得贴息项目数", "funded_projects"), ("带动职工户数", "households")];
    for (label, key) in counts {
        assert_eq!(dec(&figure(label)[1]), Decimal::from(totals[key].as_u64().unwrap()), "{label}");
    }
    for (label, key) in [("撬动倍数", "leverage"), ("户均增收", "avg_income_increase")] {
        assert_eq!(dec(&figure(label)[1]), text(&totals[key]).parse::<Decimal>().unwrap(), "{label}");
    }
    let budget: Money = text(&json["round"]["budget"]).parse().unwrap();
    assert_eq!(dec(&figure("预算")[1]), budget.yuan());
    assert_eq!(cell(figure("年度"), 1), "2023");
}
