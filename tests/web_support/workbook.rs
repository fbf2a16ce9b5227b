//! A large, valid applicant workbook in the template's columns (those of
//! tests/cases/case000/applicants.xlsx), generated with `rust_xlsxwriter`.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use tiexi::import::codes::id_check_digit;

const HEADERS: [&str; 21] = [
    "序号",
    "项目编号",
    "团场",
    "项目名称",
    "主体类型",
    "主体名称",
    "负责人",
    "身份证号",
    "是否工会会员",
    "行业",
    "带动职工户数",
    "户均增收（元）",
    "贷款银行",
    "贷款合同编号",
    "贷款金额（元）",
    "年利率（%）",
    "放款日期",
    "到期日期",
    "结清日期",
    "已付利息（元）",
    "评审得分",
];

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
    for (col, h) in (0_u16..).zip(HEADERS) {
        sheet.write_string(1, col, h).expect("header");
    }
    sheet
}

/// Row `row`: loan `k` of project number `p` (the project's columns repeated on each of its rows).
fn loan_row(sheet: &mut Worksheet, row: u32, (p, key, unit): (u32, &str, &str), k: u32) {
    let body = format!("659001{}{:02}{:02}{:03}", 1970 + p % 30, 1 + p % 12, 1 + p % 28, p % 1000);
    let cells = [
        format!("{}", row - 1),
        key.to_string(),
        unit.to_string(),
        format!("{unit}第{p}号示范项目"),
        "合作社".to_string(),
        format!("{unit}第{p}号专业合作社"),
        format!("负责人{p}"),
        format!("{body}{}", id_check_digit(&body)),
        "是".to_string(),
        "设施农业".to_string(),
    ];
    for (col, text) in (0_u16..).zip(&cells) {
        sheet.write_string(row, col, text).expect("a cell");
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_number(row, 10, f64::from(5 + p % 20)).expect("households");
    sheet.write_number(row, 11, 6000.0).expect("income");
    sheet.write_string(row, 12, "农业银行").expect("bank");
    sheet.write_string(row, 13, format!("{key}-HT-{k}")).expect("contract");
    sheet.write_number(row, 14, f64::from(100_000 + (p % 50) * 1000)).expect("principal");
    sheet.write_number(row, 15, 4.35).expect("rate");
    let disbursed = NaiveDate::from_ymd_opt(2022, 1 + p % 12, 1 + k % 28).expect("a date");
    let maturity = NaiveDate::from_ymd_opt(2025, 1 + p % 12, 1).expect("a date");
    sheet.write_date_with_format(row, 16, disbursed, &date).expect("disbursed");
    sheet.write_date_with_format(row, 17, maturity, &date).expect("maturity");
    sheet.write_number(row, 20, f64::from(60 + p % 40)).expect("score");
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
