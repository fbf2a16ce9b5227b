//! A large, valid applicant workbook in the template's columns (those of
//! tests/cases/case000/applicants.xlsx), generated with `rust_xlsxwriter`.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use tiexi::export::applicant;
use tiexi::import::codes::id_check_digit;
use tiexi::import::columns::Key;
// The columns written, after a 序号 column, in the template's order: the sample's.
use tiexi::sample::COLUMNS;

/// The column index of a key in the sheets written here.
fn col(key: Key) -> u16 {
    let at = COLUMNS.iter().position(|k| *k == key).expect("a column written here");
    u16::try_from(at + 1).expect("a column index")
}

const UNITS: [&str; 4] = ["红星一场", "红星二场", "红星四场", "红山农场"];

/// `projects` projects of `loans_each` loans, for the 2023 round; no row has an error.
#[must_use]
pub fn generate(projects: u32, loans_each: u32) -> Vec<u8> {
    let (mut book, mut row) = (Workbook::new(), 2_u32);
    let sheet = headers(&mut book);
    for p in 0..projects {
        let unit = UNITS[usize::try_from(p).unwrap_or(0) % UNITS.len()];
        for k in 0..loans_each {
            loan_row(sheet, row, (p, &format!("GEN-{p:05}"), unit), k);
            row += 1;
        }
    }
    book.save_to_buffer().expect("the workbook")
}

/// One project of one loan, with the key and 团场 given.
#[must_use]
pub fn one_project(key: &str, unit: &str) -> Vec<u8> {
    let mut book = Workbook::new();
    loan_row(headers(&mut book), 2, (7, key, unit), 0);
    book.save_to_buffer().expect("the workbook")
}

fn headers(book: &mut Workbook) -> &mut Worksheet {
    let sheet = book.add_worksheet().set_name("申报汇总表").expect("a sheet name");
    sheet.write_string(0, 0, "职工自主创业示范项目贷款贴息申报汇总表").expect("title");
    sheet.write_string(1, 0, "序号").expect("header");
    for key in COLUMNS {
        sheet.write_string(1, col(key), applicant::header(key.column())).expect("header");
    }
    sheet
}

/// Row `row`: loan `k` of project number `p` (the project's columns repeated on each of its rows).
fn loan_row(sheet: &mut Worksheet, row: u32, (p, key, unit): (u32, &str, &str), k: u32) {
    let body = format!("659001{}{:02}{:02}{:03}", 1970 + p % 30, 1 + p % 12, 1 + p % 28, p % 1000);
    sheet.write_string(row, 0, format!("{}", row - 1)).expect("序号");
    let texts = [
        (Key::ProjectNo, key.to_string()),
        (Key::Unit, unit.to_string()),
        (Key::ProjectName, format!("{unit}第{p}号示范项目")),
        (Key::ApplicantType, "合作社".to_string()),
        (Key::OrgName, format!("{unit}第{p}号专业合作社")),
        (Key::Leader, format!("负责人{p}")),
        (Key::IdNumber, format!("{body}{}", id_check_digit(&body))),
        (Key::UnionMember, "是".to_string()),
        (Key::Industry, "设施农业".to_string()),
        (Key::Bank, "农业银行".to_string()),
        (Key::ContractNo, format!("{key}-HT-{k}")),
    ];
    for (column, text) in &texts {
        sheet.write_string(row, col(*column), text).expect("a cell");
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let numbers = [
        (Key::Households, f64::from(5 + p % 20)),
        (Key::IncomeIncrease, 6000.0),
        (Key::Principal, f64::from(100_000 + (p % 50) * 1000)),
        (Key::Rate, 4.35),
        (Key::Score, f64::from(60 + p % 40)),
    ];
    for (column, n) in numbers {
        sheet.write_number(row, col(column), n).expect("a number");
    }
    let disbursed = NaiveDate::from_ymd_opt(2022, 1 + p % 12, 1 + k % 28).expect("a date");
    let maturity = NaiveDate::from_ymd_opt(2025, 1 + p % 12, 1).expect("a date");
    sheet.write_date_with_format(row, col(Key::DisbursedOn), disbursed, &date).expect("disbursed");
    sheet.write_date_with_format(row, col(Key::MaturityOn), maturity, &date).expect("maturity");
}

/// Projects of one 团场 with the keys given, one loan each (contract `KEY-HT-0`).
#[must_use]
pub fn of_unit(unit: &str, keys: &[&str]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = headers(&mut book);
    // Projects 14.. borrow in March 2022 and later: some of their year falls in 2023.
    for ((row, p), key) in (2_u32..).zip(14_u32..).zip(keys) {
        loan_row(sheet, row, (p, key, unit), 0);
    }
    book.save_to_buffer().expect("the workbook")
}
