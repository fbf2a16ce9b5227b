//! Deterministic applicant workbooks of any size, for benchmarks and load tests
//! (`tiexi bench gen --loans N OUT.xlsx`): realistic Chinese names, valid ID numbers, the
//! template's columns, two loans per project on average, events on a third of the loans.
//! The demo division draws its people from here too.

use std::path::Path;

use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::export::applicant;
use crate::import::codes::id_check_digit;
use crate::import::columns::Key;

/// A small deterministic sequence (splitmix64): the same seed gives the same workbook.
pub struct Seq(pub u64);

impl Seq {
    /// A number below `below` (0 when `below` is 0).
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below.max(1)
    }

    /// One of the list.
    pub fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[usize::try_from(self.next(list.len() as u64)).unwrap_or(0)]
    }

    /// A name as people have them.
    pub fn person(&mut self) -> String {
        format!("{}{}", self.pick(&SURNAMES), self.pick(&GIVEN))
    }

    /// A valid 18-digit ID number (GB 11643) of someone born in `year`.
    pub fn id_number(&mut self, year: i32) -> String {
        let body = format!(
            "6590{:02}{year}{:02}{:02}{:03}",
            1 + self.next(3),
            1 + self.next(12),
            1 + self.next(28),
            self.next(999)
        );
        format!("{body}{}", id_check_digit(&body))
    }
}

pub const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "马", "胡"];
pub const GIVEN: [&str; 12] =
    ["建国", "秀英", "志强", "丽娟", "海涛", "玉兰", "国庆", "红梅", "新疆", "春燕", "卫东", "桂芳"];
pub const TRADES: [&str; 8] =
    ["肉羊养殖", "奶牛养殖", "红枣加工", "哈密瓜种植", "设施农业", "物流运输", "农家乐", "电商"];
/// The regiments (团场) of the 13th Division named in the specs.
pub const UNITS: [&str; 10] = [
    "红星一场",
    "红星二场",
    "红星四场",
    "红星一牧场",
    "红星二牧场",
    "红山农场",
    "黄田农场",
    "火箭农场",
    "柳树泉农场",
    "淖毛湖农场",
];
const BANKS: [&str; 4] = ["农业银行", "农村信用社", "邮储银行", "建设银行"];
const TYPES: [&str; 4] = ["合作社", "小微企业", "个体工商户", "个人"];

/// The template's columns that the generated workbooks fill, in its order, after a 序号
/// column (unknown to the importer, kept in the notes, as in the regiments' files). The
/// tests' workbook builder writes the same columns.
pub const COLUMNS: [Key; 20] = [
    Key::ProjectNo,
    Key::Unit,
    Key::ProjectName,
    Key::ApplicantType,
    Key::OrgName,
    Key::Leader,
    Key::IdNumber,
    Key::UnionMember,
    Key::Industry,
    Key::Households,
    Key::IncomeIncrease,
    Key::Bank,
    Key::ContractNo,
    Key::Principal,
    Key::Rate,
    Key::DisbursedOn,
    Key::MaturityOn,
    Key::SettledOn,
    Key::InterestPaid,
    Key::Score,
];

/// A generated cell.
enum Cell<'a> {
    Text(&'a str),
    Number(u32),
    Date(NaiveDate),
    Blank,
}

/// The values of one generated loan row.
struct Row<'a> {
    project_no: &'a str,
    unit: &'a str,
    project_name: &'a str,
    kind: &'a str,
    org: &'a str,
    leader: &'a str,
    id: &'a str,
    trade: &'a str,
    households: u32,
    income: u32,
    bank: &'a str,
    contract: &'a str,
    principal: u32,
    rate: &'a str,
    disbursed: NaiveDate,
    maturity: NaiveDate,
    score: u32,
}

impl Row<'_> {
    /// The cell of a column; every column of the table is named, filled or not.
    #[expect(
        clippy::too_many_lines,
        reason = "one arm per column of the table, exhaustive on purpose: a new column cannot be forgotten"
    )]
    fn cell(&self, key: Key) -> Cell<'_> {
        match key {
            Key::ProjectNo => Cell::Text(self.project_no),
            Key::Unit => Cell::Text(self.unit),
            Key::ProjectName => Cell::Text(self.project_name),
            Key::ApplicantType => Cell::Text(self.kind),
            Key::OrgName => Cell::Text(self.org),
            Key::Leader => Cell::Text(self.leader),
            Key::IdNumber => Cell::Text(self.id),
            Key::UnionMember => Cell::Text("是"),
            Key::Industry => Cell::Text(self.trade),
            Key::Households => Cell::Number(self.households),
            Key::IncomeIncrease => Cell::Number(self.income),
            Key::Bank => Cell::Text(self.bank),
            Key::ContractNo => Cell::Text(self.contract),
            Key::Principal => Cell::Number(self.principal),
            Key::Rate => Cell::Text(self.rate),
            Key::DisbursedOn => Cell::Date(self.disbursed),
            Key::MaturityOn => Cell::Date(self.maturity),
            Key::Score => Cell::Number(self.score),
            // Deliberately like `import::rows` and `import::rows::fields` (import/rows.rs, import/rows/fields.rs): every Key is named, so that a new one must be decided here too.
            Key::CreditCode
            | Key::Phone
            | Key::HardshipHouseholds
            | Key::RadiatedHouseholds
            | Key::SettledOn
            | Key::InterestPaid
            | Key::PayeeName
            | Key::PayeeBank
            | Key::PayeeAccount
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
            | Key::StatementBank => Cell::Blank,
        }
    }

    /// Write the row's 序号 and its cells in `COLUMNS` order.
    fn write(&self, sheet: &mut Worksheet, row: u32, date: &Format) -> Result<(), XlsxError> {
        sheet.write_string(row, 0, (row - 1).to_string())?;
        for (col, key) in (1_u16..).zip(COLUMNS) {
            match self.cell(key) {
                Cell::Text(t) => sheet.write_string(row, col, t).map(drop)?,
                Cell::Number(n) => sheet.write_number(row, col, n).map(drop)?,
                Cell::Date(d) => sheet.write_date_with_format(row, col, d, date).map(drop)?,
                Cell::Blank => {}
            }
        }
        Ok(())
    }
}

/// Write a workbook of `loans` loans for round `year` (constant memory).
///
/// # Errors
/// The file cannot be written.
pub fn workbook(loans: usize, year: i32, path: &Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut events = Vec::new();
    {
        let sheet = book.add_worksheet_with_constant_memory()?.set_name("申报汇总表")?;
        sheet.write_string(0, 0, format!("{year}年度职工自主创业示范项目贷款贴息申报汇总表"))?;
        sheet.write_string(1, 0, "序号")?;
        for (col, key) in (1_u16..).zip(COLUMNS) {
            sheet.write_string(1, col, applicant::header(key.column()))?;
        }
        let mut seq = Seq(u64::try_from(year).unwrap_or(0));
        let mut row = 2_u32;
        let mut project = 0_usize;
        while usize::try_from(row - 2).unwrap_or(0) < loans {
            project += 1;
            let count = (1 + seq.next(3)).min(u64::try_from(loans).unwrap_or(0) - u64::from(row - 2));
            row = write_project(sheet, &mut seq, &date, (year, project, row, count), &mut events)?;
        }
    }
    write_events(&mut book, &date, &events)?;
    book.save(path)
}

/// (contract, date, kind, amount) of an event row.
type EventRow = (String, NaiveDate, &'static str, u32);

#[expect(clippy::too_many_lines, reason = "one line per value of the template's columns")]
fn write_project(
    sheet: &mut Worksheet,
    seq: &mut Seq,
    date: &Format,
    (year, project, first_row, count): (i32, usize, u32, u64),
    events: &mut Vec<EventRow>,
) -> Result<u32, XlsxError> {
    let unit = seq.pick(&UNITS);
    let trade = seq.pick(&TRADES);
    let kind = seq.pick(&TYPES);
    let leader = seq.person();
    let born = 1960 + i32::try_from(seq.next(40)).unwrap_or(0);
    let id = seq.id_number(born);
    let org = if kind == "个人" {
        String::new()
    } else {
        format!("{unit}{trade}{}", if kind == "合作社" { "专业合作社" } else { "有限公司" })
    };
    let households = u32::try_from(3 + seq.next(200)).unwrap_or(1);
    let income = u32::try_from(3000 + seq.next(60) * 100).unwrap_or(0);
    let score = u32::try_from(60 + seq.next(40)).unwrap_or(60);
    let (project_no, project_name) = (format!("XX-{year}-{project:06}"), format!("{unit}{trade}项目"));
    let mut row = first_row;
    for k in 0..count {
        let bank = seq.pick(&BANKS);
        let contract = format!("HT{year}{project:06}{k}");
        let principal = u32::try_from(50_000 + seq.next(2_000) * 1_000).unwrap_or(100_000);
        let rate = ["3.45", "3.85", "4.35", "4.75", "5.5", "6.15"][usize::try_from(seq.next(6)).unwrap_or(0)];
        let disbursed = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or_default() + Days::new(seq.next(700));
        let maturity = disbursed + Days::new(365 * (1 + seq.next(3)));
        let cells = Row {
            project_no: &project_no,
            unit,
            project_name: &project_name,
            kind,
            org: &org,
            leader: &leader,
            id: &id,
            trade,
            households,
            income,
            bank,
            contract: &contract,
            principal,
            rate,
            disbursed,
            maturity,
            score,
        };
        cells.write(sheet, row, date)?;
        if seq.next(3) == 0 {
            events.push((contract.clone(), disbursed + Days::new(180 + seq.next(180)), "还款", principal / 4));
        }
        row += 1;
    }
    Ok(row)
}

fn write_events(book: &mut Workbook, date: &Format, events: &[EventRow]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("还款及变更")?;
    for (col, c) in (0_u16..).zip(crate::import::columns::EVENTS) {
        sheet.write_string(0, col, applicant::header(c))?;
    }
    for (row, (contract, on, kind, amount)) in (1_u32..).zip(events) {
        sheet.write_string(row, 0, contract)?;
        sheet.write_date_with_format(row, 1, on, date)?;
        sheet.write_string(row, 2, *kind)?;
        sheet.write_number(row, 3, *amount)?;
    }
    Ok(())
}
