//! The applicant's workbooks: the annotated workbook of `calc --errors-out` and the
//! blank template of `tiexi template`; both must import again.

use std::ffi::OsStr;

use calamine::Data;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tiexi::export;
use tiexi::import::columns::{Key, LOANS};
use tiexi::import::{self, cells::Value, sheet::Grid, Parsed};

use super::support::{cell, column, id_number, loan_row, rows, sheet_names, tiexi, zip_entry};

const MEMBERS: import::Options = import::Options { require_union_member: true, window: None };

/// A workbook with a good project, a project with a wrong ID check character and an
/// unreadable amount, and an event without its amount; and what the import found.
fn applicant_with_errors() -> (Vec<u8>, Parsed) {
    let id = id_number("65010219800101123");
    let wrong_check = format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' });
    let good = loan_row("T-001", &id, "HT-001", &Value::Number(Decimal::from(300_000)));
    let mut bad = loan_row("T-002", &wrong_check, "HT-002", &Value::Text("三十万".into()));
    let note = LOANS.iter().position(|c| c.id == Key::Note).expect("备注");
    bad[note] = Value::Text("=1+1".into());
    let on = Value::Date(NaiveDate::from_ymd_opt(2023, 6, 1).expect("a date"));
    let event = vec![Value::Text("HT-002".into()), on, Value::Text("还款".into())];
    let original = export::template::with_rows(&[good, bad], &[event]).expect("a workbook");
    let parsed = import::workbook(&original, &MEMBERS).expect("readable");
    assert!(parsed.errors.len() >= 3, "{:#?}", parsed.errors);
    assert_eq!(parsed.projects.len(), 1, "the good project is kept");
    (original, parsed)
}

/// docs/workbook.md "Errors": the workbook imports again with the same values, so the same
/// errors; the list of errors opens it without hiding the Loans sheet.
#[test]
fn the_annotated_workbook_imports_again_with_the_same_errors() {
    let (original, first) = applicant_with_errors();
    let fixme = export::annotated::bytes(&original, &first.errors).unwrap();
    assert_eq!(sheet_names(&fixme), ["错误清单", "申报汇总表", "还款及变更"]);
    let again = import::workbook(&fixme, &MEMBERS).unwrap();
    assert_eq!(again.errors, first.errors, "the same rows, values and messages");
    assert_eq!(again.projects, first.projects);
    assert_eq!(rows(&fixme, "错误清单").len(), first.errors.len() + 1);
}

/// 错误说明 right of the header row, the bad cells red with a note, and formula-like
/// text still text.
#[test]
fn the_annotated_workbook_shows_each_rows_errors() {
    let (original, first) = applicant_with_errors();
    let fixme = export::annotated::bytes(&original, &first.errors).unwrap();
    let sheet = rows(&fixme, "申报汇总表");
    let col = column(&sheet[1..], export::annotated::ERROR_COLUMN);
    assert_eq!(col, LOANS.len(), "right of the header row");
    assert!(cell(&sheet[3], col).contains("身份证号"), "{:?}", sheet[3]);
    assert!(cell(&sheet[2], col).is_empty());
    assert_eq!(sheet[3][column(&sheet[1..], "备注")], Data::String("=1+1".into()));
    let on_events = first.errors.iter().filter(|e| e.sheet == "还款及变更");
    let messages: Vec<&str> = on_events.map(|e| e.message.as_str()).collect();
    assert!(!messages.is_empty());
    assert_eq!(cell(&rows(&fixme, "还款及变更")[1], 6), messages.join("；"));
    let notes = zip_entry(&fixme, "xl/comments1.xml");
    assert!(notes.contains("身份证号"), "{notes}");
    assert!(zip_entry(&fixme, "xl/styles.xml").contains("FFC7CE"), "red fill");
}

/// `tiexi calc --errors-out` writes it, and exits 1 for a workbook with errors.
#[test]
fn calc_writes_the_annotated_workbook() {
    let (original, first) = applicant_with_errors();
    let dir = tempfile::tempdir().unwrap();
    let (input, fixme) = (dir.path().join("in.xlsx"), dir.path().join("fixme.xlsx"));
    std::fs::write(&input, original).unwrap();
    let policy = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/case000/policy.toml");
    let (calc, options) = (OsStr::new("calc"), ["--policy".as_ref(), policy.as_os_str(), "--errors-out".as_ref()]);
    let run = tiexi([calc].into_iter().chain(options).chain([fixme.as_os_str(), input.as_os_str()]));
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let again = import::workbook(&std::fs::read(&fixme).unwrap(), &MEMBERS).unwrap();
    assert_eq!(again.errors, first.errors);
}

/// A file that could not be read at all is not opened again: only the list of errors.
#[test]
fn an_unreadable_workbook_gets_only_the_error_list() {
    let error = tiexi::cli::fatal(&import::ImportError::UnknownFormat);
    let fixme = export::annotated::bytes(b"%PDF-1.4", std::slice::from_ref(&error)).unwrap();
    assert_eq!(sheet_names(&fixme), ["错误清单"]);
    assert_eq!(cell(&rows(&fixme, "错误清单")[1], 4), error.message);
}

/// `tiexi template`: the canonical headers with units, lists, and no import error.
#[test]
fn the_blank_template_has_the_canonical_headers_and_imports_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("template.xlsx");
    let run = tiexi([OsStr::new("template"), out.as_os_str()]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(sheet_names(&bytes), ["申报汇总表", "还款及变更", "填表说明"]);
    let header: Vec<String> = rows(&bytes, "申报汇总表")[1].iter().map(ToString::to_string).collect();
    let expected: Vec<String> = LOANS.iter().map(export::applicant::header).collect();
    assert_eq!(header, expected);
    assert!(header.iter().any(|h| h == "贷款金额（元）") && header.iter().any(|h| h == "年利率（%）"));
    let blank = import::workbook(&bytes, &MEMBERS).unwrap();
    assert!(blank.errors.is_empty() && blank.projects.is_empty(), "{:?}", blank.errors);
    let loans = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(loans.contains("合作社,小微企业,个体工商户,个人") && loans.contains("是,否"));
    let events = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
    assert!(events.contains("还款,利率调整,逾期开始,逾期结束,展期"));
    assert_eq!(rows(&bytes, "填表说明").len(), 1 + LOANS.len() + 6 + 1 + 6);
}

/// Rows typed into the template (an ID as text, an amount in 万元) import without error.
#[test]
fn the_template_with_typed_rows_imports_cleanly() {
    let id = id_number("65010219800101123");
    let rows = [
        loan_row("T-001", &id, "HT-001", &Value::Number(Decimal::from(300_000))),
        loan_row("T-001", &id, "HT-002", &Value::Text("20万元".into())),
    ];
    let parsed = import::workbook(&export::template::with_rows(&rows, &[]).unwrap(), &MEMBERS).unwrap();
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    assert_eq!(parsed.projects.len(), 1);
    assert_eq!(parsed.projects[0].loans.len(), 2);
    assert_eq!(parsed.projects[0].applicant.id_number, id);
}

/// `rust_xlsxwriter` writes 1900 dates: a day number of a 1904 workbook comes back as the
/// same day, not 1,462 days earlier.
#[test]
fn day_numbers_of_a_1904_workbook_come_back_as_the_same_days() {
    let on = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    let serial = (on - NaiveDate::from_ymd_opt(1904, 1, 1).unwrap()).num_days();
    let from = LOANS.iter().position(|c| c.id == Key::DisbursedOn).unwrap();
    let mut row = loan_row("T-001", &id_number("65010219800101123"), "HT-001", &Value::Number(Decimal::from(1)));
    row[from] = Value::Number(Decimal::from(serial));
    let header = LOANS.iter().map(|c| Value::Text(c.header.to_string())).collect();
    let grid = Grid { name: "申报汇总表".into(), rows: [(0, header), (1, row)].into(), is_1904: true };
    let bytes = export::annotated::from_grids(&[grid], &[]).unwrap();
    let back = import::sheet::read(&bytes, import::Format::Xlsx).unwrap();
    assert_eq!(back[0].get(1, from), &Value::Date(on));
}
