//! Reading back what tiexi wrote (calamine, and the zip parts calamine does not show),
//! and applicant rows in the template's column order.

use std::ffi::OsStr;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tiexi::engine::Policy;
use tiexi::import::columns::{Key, LOANS};
use tiexi::import::{self, cells::Value, Parsed};

/// case000's policy and workbook, imported in this process.
pub fn case000() -> (Policy, Parsed) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/case000");
    let text = std::fs::read_to_string(dir.join("policy.toml")).expect("case000 policy");
    let policy = import::policy(&text).expect("a valid policy");
    let options = import::Options::of(&policy);
    let bytes = std::fs::read(dir.join("applicants.xlsx")).expect("case000 workbook");
    let parsed = import::workbook(&bytes, &options).expect("a readable workbook");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    (policy, parsed)
}

/// Run the `tiexi` binary.
pub fn tiexi<'a>(args: impl IntoIterator<Item = &'a OsStr>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiexi")).args(args).output().expect("tiexi runs")
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).expect("an .xlsx file")
}

pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    open(bytes).sheet_names()
}

/// A sheet's cells from A1, so that indexes are Excel's rows and columns less one.
pub fn rows(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let range = open(bytes).worksheet_range(sheet).expect("the sheet");
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let pad = vec![Data::Empty; c0 as usize];
    let mut out = vec![Vec::new(); r0 as usize];
    out.extend(range.rows().map(|r| pad.iter().chain(r).cloned().collect()));
    out
}

/// A cell as text; blank beyond the row's end.
pub fn cell(row: &[Data], col: usize) -> String {
    row.get(col).map(ToString::to_string).unwrap_or_default()
}

/// The column whose header (first row given) is `name`.
pub fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[0].iter().position(|d| *d == name).unwrap_or_else(|| panic!("no column {name}: {:?}", rows[0]))
}

/// A numeric cell as an exact decimal (Excel's binary double, to 6 decimals).
pub fn dec(d: &Data) -> Decimal {
    match d {
        Data::Float(f) => Decimal::from_f64_retain(*f).expect("a finite number").round_dp(6),
        Data::Int(i) => Decimal::from(*i),
        other => panic!("not a number: {other:?}"),
    }
}

/// One part of the .xlsx zip, as text.
pub fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name).expect("the part").read_to_string(&mut text).expect("UTF-8");
    text
}

/// An ID number with its GB 11643 check character.
pub fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("digits") * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

/// A valid Loans row (a cooperative's loan of 2023), cells in `LOANS` order.
#[expect(clippy::too_many_lines, reason = "one arm per column of the table, exhaustive on purpose")]
pub fn loan_row(project_no: &str, id: &str, contract: &str, principal: &Value) -> Vec<Value> {
    let text = |s: &str| Value::Text(s.to_string());
    let date = |y, m, d| Value::Date(NaiveDate::from_ymd_opt(y, m, d).expect("a date"));
    LOANS
        .iter()
        .map(|c| match c.id {
            Key::ProjectNo => text(project_no),
            Key::Unit => text("一团"),
            Key::ProjectName => text("肉羊养殖扩建"),
            Key::ApplicantType => text("合作社"),
            Key::OrgName | Key::PayeeName => text("红星肉羊养殖合作社"),
            Key::Leader => text("张三"),
            Key::IdNumber => text(id),
            Key::UnionMember => text("是"),
            Key::Households => Value::Number(Decimal::from(12)),
            Key::IncomeIncrease => Value::Number(Decimal::from(5200)),
            Key::Bank => text("农业银行"),
            Key::ContractNo => text(contract),
            Key::Principal => principal.clone(),
            Key::Rate => Value::Number(Decimal::new(435, 2)),
            Key::DisbursedOn => date(2023, 3, 1),
            Key::MaturityOn => date(2025, 3, 1),
            Key::PayeeBank => text("农业银行哈密分行"),
            Key::PayeeAccount => text("6228 4800 1234 5678"),
            Key::CreditCode
            | Key::Phone
            | Key::Industry
            | Key::HardshipHouseholds
            | Key::RadiatedHouseholds
            | Key::SettledOn
            | Key::InterestPaid
            | Key::Score
            | Key::Note
            | Key::EventContractNo
            | Key::EventDate
            | Key::EventKind
            | Key::EventAmount
            | Key::EventRate
            | Key::EventExtendedTo
            | Key::StatementContractNo
            | Key::StatementFrom
            | Key::StatementTo
            | Key::StatementPaid
            | Key::StatementPenalty
            | Key::StatementBank => Value::Empty,
        })
        .collect()
}
