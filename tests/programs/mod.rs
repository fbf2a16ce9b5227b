//! Issue 18: workbooks as real programs save them. Each fixture was written by the
//! program it is named after (`tests/fixtures/make_program_fixtures.py`) and once found a
//! problem; each is read here the way the server reads it (`guard::workbook`, as the parse
//! child does) and in-process (`import::workbook`), and must read exactly or fail with its
//! message.

use std::path::Path;

use tiexi::import::{self, guard, ImportError, Options, Parsed};

use super::common::{date, yuan};

const ROUND_2024: Options = Options {
    require_union_member: true,
    window: Some((
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
    )),
};

fn bytes(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture read through the guard and in-process; both must agree.
fn read_with(name: &str, options: &Options) -> Result<Parsed, ImportError> {
    let data = bytes(name);
    let guarded = guard::workbook(&data, options);
    let direct = import::workbook(&data, options);
    assert_eq!(
        format!("{:?}", guarded.as_ref().map(|p| (&p.projects, &p.errors))),
        format!("{:?}", direct.as_ref().map(|p| (&p.projects, &p.errors))),
        "{name}: the guard's path and the in-process path differ"
    );
    guarded
}

fn read(name: &str) -> Parsed {
    read_with(name, &ROUND_2024).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn places(p: &Parsed) -> Vec<(u32, &str)> {
    p.errors.iter().map(|e| (e.row, e.key.unwrap_or(""))).collect()
}

fn keys(p: &Parsed) -> Vec<&str> {
    p.projects.iter().map(|p| p.key.as_str()).collect()
}

/// docs/workbook.md "Reading values": a contract number stored as a number has lost its last
/// digits; two contracts became one. An error on each row, never a silent duplicate.
#[test]
fn contract_numbers_that_lost_digits_are_errors_not_one_loan() {
    for name in [
        "lo_contract_numbers_lost_digits.xlsx",
        "lo_contract_numbers_lost_digits.csv",
        "pandas_contract_numbers_lost_digits.xlsx",
    ] {
        let p = read(name);
        assert_eq!(places(&p), [(2, "contract_no"), (3, "contract_no")], "{name}: {:?}", p.errors);
        let e = &p.errors[0];
        assert_eq!((e.sheet.as_str(), e.column.as_str()), ("申报汇总表", "贷款合同编号"), "{name}");
        assert!(e.message.starts_with("第2行 贷款合同编号 \""), "{}", e.message);
        assert!(e.message.contains("Excel 把贷款合同编号存成了数字，末几位已丢失"), "{}", e.message);
        assert!(e.message.contains("设置为文本格式"), "{}", e.message);
        assert_eq!((p.projects.len(), p.rejected), (0, 1), "{name}");
    }
}

/// docs/workbook.md "Empty cells": formatting, borders and a declared sheet size say nothing,
/// and sheets other than the Loans and Events sheets are not read.
#[test]
fn formatting_borders_and_a_wide_lookup_sheet_do_not_refuse_the_workbook() {
    for name in [
        "lo_header_row_formatted.xlsx",
        "lo_borders_to_column_230.xlsx",
        "lo_lookup_sheet_250_columns.xlsx",
        "lo_lookup_sheet_250_columns.ods",
    ] {
        let p = read(name);
        assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002"]), "{name}");
        assert_eq!(p.projects[0].loans[0].principal, yuan("300000"), "{name}");
    }
}

/// A cell beyond the business maximum that holds a value is refused, named as Excel names it.
#[test]
fn a_value_beyond_column_200_of_the_loans_sheet_names_its_cell() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("申报汇总表").unwrap();
    for (col, h) in (0_u16..).zip(["项目编号", "团场", "项目名称", "主体类型", "负责人"]) {
        sheet.write_string(0, col, h).unwrap();
    }
    sheet.write_string(1, 208, "多余").unwrap();
    let data = book.save_to_buffer().unwrap();
    let refused = guard::workbook(&data, &ROUND_2024).unwrap_err();
    assert_eq!(refused, ImportError::TooLarge { sheet: "申报汇总表".into(), row: 2, col: 209 });
    let message = refused.to_string();
    assert!(message.starts_with("工作表“申报汇总表”第2行第209列超出处理上限"), "{message}");
    assert!(message.contains("单元格 HA2 有内容"), "{message}");
}

/// calamine 0.38's ODS reader refuses the indentation Gnumeric writes between cells.
#[test]
fn an_ods_written_by_gnumeric_reads_like_its_source() {
    let p = read("gnumeric.ods");
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002"]));
    let loans: Vec<String> = p.projects[0].loans.iter().map(|l| l.principal.to_string()).collect();
    assert_eq!(loans, ["70297.40", "200000.00"]);
    assert_eq!(p.projects[0].applicant.leader, "王超");
}

/// 20240305 typed into the template's date columns is a number with a date format.
#[test]
fn eight_digits_typed_into_a_date_column_are_a_date() {
    let p = read("lo_template_date_typed_as_digits.xlsx");
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001"]));
    let loan = &p.projects[0].loans[0];
    assert_eq!((loan.disbursed_on, loan.maturity_on), (date("2024-03-05"), date("2027-03-05")));
}

/// Gnumeric's CSV writes 70297.4 as 70297.39999999999.
#[test]
fn float_noise_in_csv_text_reads_as_the_number_it_stands_for() {
    let p = read("gnumeric_float_noise.csv");
    assert_eq!(places(&p), []);
    assert_eq!(p.projects[0].loans[0].principal, yuan("70297.4"));
}

/// `LibreOffice`'s zh-CN CSV writes dates as 24年9月12日: 2024 in a round of 2024, and an
/// error where the importer is not told the round.
#[test]
fn two_digit_years_read_in_the_rounds_century_or_are_an_error() {
    let p = read("lo_zh_cn_two_digit_years.csv");
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002"]));
    let loan = &p.projects[0].loans[0];
    assert_eq!((loan.disbursed_on, loan.maturity_on), (date("2024-09-12"), date("2027-09-12")));
    let unknown = Options { window: None, ..ROUND_2024 };
    let p = read_with("lo_zh_cn_two_digit_years.csv", &unknown).unwrap();
    assert_eq!(places(&p)[..2], [(2, "disbursed_on"), (2, "maturity_on")]);
    assert!(p.errors[0].message.contains("年份只写了两位（24年）"), "{}", p.errors[0].message);
    assert!(p.errors[0].message.contains("2024年"), "{}", p.errors[0].message);
}

/// Files that are not what they seem get a message that says what they are.
#[test]
fn encrypted_html_and_utf16_files_are_told_what_they_are() {
    for (name, expected) in [
        ("lo_encrypted.xls", ImportError::Encrypted),
        ("msoffcrypto_encrypted.xlsx", ImportError::Encrypted),
        ("gnumeric_html_saved_as.xls", ImportError::Html),
        ("pandas_utf16.csv", ImportError::Utf16),
    ] {
        assert_eq!(read_with(name, &ROUND_2024).map(|_| ()), Err(expected), "{name}");
    }
    assert!(ImportError::Encrypted.to_string().contains("密码"));
    assert!(ImportError::Html.to_string().contains("网页"));
    assert!(ImportError::Utf16.to_string().contains("UTF-16"));
}

/// openpyxl writes formulas without their results: the cell says so, not "必须填写".
#[test]
fn a_formula_without_a_saved_value_says_so() {
    let p = read("openpyxl_formula_without_value.xlsx");
    assert_eq!(places(&p), [(2, "principal"), (3, "households")]);
    assert!(p.errors[0].message.contains("公式，但文件中没有保存计算结果"), "{}", p.errors[0].message);
    assert_eq!(p.errors[0].value, "=300000*1");
}

/// Subtotal rows (火箭农场小计) and totals (合计：) are not loans.
#[test]
fn subtotal_and_total_rows_are_skipped() {
    let p = read("xlsxwriter_subtotal_rows.xlsx");
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002", "XX-003"]));
}

/// A two-row header (merged cells) reads the same from the .xlsx and from its CSV.
#[test]
fn a_two_row_header_reads_the_same_in_csv_as_in_xlsx() {
    let xlsx = read("lo_two_row_header.xlsx");
    let csv = read("lo_two_row_header.csv");
    for p in [&xlsx, &csv] {
        assert_eq!((places(p), keys(p)), (vec![], vec!["XX-001", "XX-002"]));
    }
    assert_eq!(xlsx.projects, csv.projects);
}
