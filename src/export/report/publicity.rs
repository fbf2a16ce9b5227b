//! 公示名单 (issue 16): the projects proposed for a subsidy, as the division posts them for
//! objections: 团场, project, applicant, masked names and ID numbers, loan amount, proposed
//! subsidy and 公示 dates, and where to object. Names of people are masked (`张*明`); an
//! organisation's name is public.

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{chinese_date, Formal};
use super::{count, Heading};
use crate::engine::{report, Money};

/// One project of the list, its personal names and numbers already masked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    pub unit: String,
    pub project: String,
    pub applicant: String,
    pub leader: String,
    pub id_number: String,
    pub loans: Money,
    /// 拟贴息金额: the subsidy the round's policy computes for it (its request).
    pub proposed: Money,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Item {
    /// `2024年3月5日` and `至2024年3月9日` on two lines.
    #[must_use]
    pub fn period(&self) -> String {
        match (self.start, self.end) {
            (Some(s), Some(e)) => format!("{}\n至{}", chinese_date(s), chinese_date(e)),
            _ => String::new(),
        }
    }
}

/// The list of a round.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Publicity {
    pub year: i32,
    pub items: Vec<Item>,
    /// Where to object (the setting `objection_contact`).
    pub contact: String,
}

impl Publicity {
    /// The earliest start and the latest end of the items' 公示.
    #[must_use]
    pub fn period(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.items.iter().filter_map(|i| i.start).min()?;
        let end = self.items.iter().filter_map(|i| i.end).max()?;
        Some((start, end))
    }

    /// The sentence under the list: the period and where to object.
    #[must_use]
    pub fn notice(&self) -> String {
        let period = self
            .period()
            .map_or_else(String::new, |(s, e)| format!("公示期为{}至{}。", chinese_date(s), chinese_date(e)));
        let contact = if self.contact.trim().is_empty() { "师市总工会" } else { self.contact.trim() };
        format!("{period}公示期间如有异议，请以书面形式（署真实姓名和联系方式）向{contact}反映。")
    }

    /// The totals of the list: loans and proposed subsidies.
    #[must_use]
    pub fn totals(&self) -> (Money, Money) {
        (report::sum(self.items.iter().map(|i| i.loans)), report::sum(self.items.iter().map(|i| i.proposed)))
    }
}

const HEADERS: [&str; 9] =
    ["序号", "团场", "项目名称", "申报主体", "负责人", "身份证号", "贷款金额", "拟贴息金额", "公示期"];

/// The 公示名单 workbook.
///
/// # Errors
/// When the workbook cannot be made.
pub fn workbook(heading: &Heading, p: &Publicity) -> Result<Workbook, XlsxError> {
    let mut book = super::formal::workbook()?;
    let sheet = book.add_worksheet().set_name("公示名单")?;
    let f = Formal::new(10);
    let mut b = Block::new(&HEADERS);
    if p.items.is_empty() {
        b.note("（本年度暂无公示项目）");
    }
    for (i, item) in p.items.iter().enumerate() {
        b.row(vec![
            count(i + 1),
            Cell::text(&item.unit),
            Cell::text(&item.project),
            Cell::text(&item.applicant),
            Cell::text(&item.leader),
            Cell::code(&item.id_number),
            Cell::Money(item.loans),
            Cell::Money(item.proposed),
            Cell::text(item.period()),
        ]);
    }
    let (loans, proposed) = p.totals();
    let mut total = vec![Cell::text("合计"), Cell::text(format!("{}个项目", p.items.len()))];
    total.extend(std::iter::repeat_n(Cell::Blank, 4));
    total.extend([Cell::Money(loans), Cell::Money(proposed)]);
    b.total(total);
    b.note(p.notice());
    let title = format!("{}年度职工自主创业示范项目贷款贴息拟扶持项目公示名单", p.year);
    let subtitle = "经团场工会初审、师市总工会复审，拟对以下项目给予贷款贴息，现予公示。".to_string();
    b.sheet_alone(sheet, heading, &f, (title, subtitle))?;
    Ok(book)
}
