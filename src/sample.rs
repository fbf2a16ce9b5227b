//! Deterministic applicant workbooks of any size, for benchmarks and load tests
//! (`tiexi bench gen --loans N OUT.xlsx`): realistic Chinese names, valid ID numbers, the
//! template's columns, two loans per project on average, events on a third of the loans.
//! The demo division draws its people from here too.

use std::path::Path;

use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::import::codes::id_check_digit;

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
        for (col, h) in (0_u16..).zip(HEADERS) {
            sheet.write_string(1, col, h)?;
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

#[expect(clippy::too_many_lines, reason = "one line per column of the template")]
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
    let households = 3 + seq.next(200);
    let income = 3000 + seq.next(60) * 100;
    let score = 60 + seq.next(40);
    let mut row = first_row;
    for k in 0..count {
        let texts = [
            format!("{}", row - 1),
            format!("XX-{year}-{project:06}"),
            unit.into(),
            format!("{unit}{trade}项目"),
            kind.into(),
            org.clone(),
            leader.clone(),
            id.clone(),
            "是".into(),
            trade.into(),
        ];
        for (col, text) in (0_u16..).zip(&texts) {
            sheet.write_string(row, col, text)?;
        }
        sheet.write_number(row, 10, u32::try_from(households).unwrap_or(1))?;
        sheet.write_number(row, 11, u32::try_from(income).unwrap_or(0))?;
        sheet.write_string(row, 12, seq.pick(&BANKS))?;
        let contract = format!("HT{year}{project:06}{k}");
        sheet.write_string(row, 13, &contract)?;
        let principal = u32::try_from(50_000 + seq.next(2_000) * 1_000).unwrap_or(100_000);
        sheet.write_number(row, 14, principal)?;
        sheet.write_string(
            row,
            15,
            ["3.45", "3.85", "4.35", "4.75", "5.5", "6.15"][usize::try_from(seq.next(6)).unwrap_or(0)],
        )?;
        let disbursed = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or_default() + Days::new(seq.next(700));
        sheet.write_date_with_format(row, 16, disbursed, date)?;
        sheet.write_date_with_format(row, 17, disbursed + Days::new(365 * (1 + seq.next(3))), date)?;
        sheet.write_number(row, 20, u32::try_from(score).unwrap_or(60))?;
        if seq.next(3) == 0 {
            events.push((contract.clone(), disbursed + Days::new(180 + seq.next(180)), "还款", principal / 4));
        }
        row += 1;
    }
    Ok(row)
}

fn write_events(book: &mut Workbook, date: &Format, events: &[EventRow]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("还款及变更")?;
    for (col, h) in (0_u16..).zip(["贷款合同编号", "日期", "事项", "金额", "年利率", "展期至"]) {
        sheet.write_string(0, col, h)?;
    }
    for (row, (contract, on, kind, amount)) in (1_u32..).zip(events) {
        sheet.write_string(row, 0, contract)?;
        sheet.write_date_with_format(row, 1, on, date)?;
        sheet.write_string(row, 2, *kind)?;
        sheet.write_number(row, 3, *amount)?;
    }
    Ok(())
}
