//! 审批表 (issue 16): one project's approval form for the file: the applicant, the loans and
//! the subsidy computed and approved (in figures and in 大写), each review level's opinion
//! as the system recorded it, with boxes to sign and seal.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{chinese_date, frame, merged, set_widths, signatures, yuan, Formal, Frame, FONT};
use super::ruled::line_height;
use super::{count, Heading};
use crate::engine::{capital, Money};

/// A loan as the form lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormLoan {
    pub contract_no: String,
    pub bank: String,
    pub principal: Money,
    pub disbursed_on: NaiveDate,
    pub maturity_on: NaiveDate,
    pub days: u64,
    pub subsidy: Money,
}

/// One review level's box: its recorded opinion, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opinion {
    /// 团场工会初审意见, 师市总工会复审意见, ...
    pub level: &'static str,
    /// What the reviewer wrote, and the system's record of who did what when.
    pub text: String,
}

/// Everything the form shows; personal numbers already masked as the reader may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalForm {
    pub year: i32,
    pub key: String,
    pub state: &'static str,
    /// (label, value) pairs of the applicant, two to a row.
    pub facts: Vec<(&'static str, String)>,
    pub loans: Vec<FormLoan>,
    /// 计算贴息: the request under the round's policy.
    pub computed: Money,
    /// Why the computed subsidy is less than its loans' (a project cap), if it is.
    pub note: Option<String>,
    /// 核定贴息: the grant on the books, once the project is approved.
    pub approved: Option<Money>,
    pub opinions: Vec<Opinion>,
}

const COLUMNS: u16 = 8;
/// The form's columns: a label column, then seven alike.
const WIDTHS: [usize; 8] = [18, 15, 15, 15, 15, 15, 15, 15];

struct Looks {
    label: Format,
    value: Format,
    section: Format,
    sign: Format,
}

impl Looks {
    fn new() -> Looks {
        let base = Format::new().set_font_name(FONT).set_font_size(10).set_border(FormatBorder::Thin).set_text_wrap();
        Looks {
            label: base.clone().set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            value: base.clone().set_align(FormatAlign::VerticalCenter),
            section: base.clone().set_bold().set_background_color(0x00F2_F2F2),
            sign: base.set_align(FormatAlign::Left).set_align(FormatAlign::Bottom),
        }
    }
}

/// The 审批表 workbook.
///
/// # Errors
/// When the workbook cannot be made.
pub fn approval_form(heading: &Heading, form: &ApprovalForm) -> Result<Workbook, XlsxError> {
    let mut book = super::formal::workbook()?;
    let sheet = book.add_worksheet().set_name("审批表")?;
    set_widths(sheet, &WIDTHS)?;
    let title = format!("{}年度职工自主创业示范项目贷款贴息审批表", form.year);
    let subtitle = Some(format!("项目编号：{}    审核状态：{}", form.key, form.state));
    let mut row = frame(sheet, heading, &Frame { title, subtitle, unit: Some("元"), columns: COLUMNS })?;
    sheet.set_repeat_rows(0, 0)?;
    let looks = Looks::new();
    row = section(sheet, &looks, row, "一、申请人基本情况")?;
    let f = Formal::new(10);
    for pair in form.facts.chunks(2) {
        let texts: Vec<&str> = pair.iter().map(|(_, v)| v.as_str()).collect();
        if let Some(h) = texts.iter().filter_map(|t| line_height(&f, 45, t)).max() {
            sheet.set_row_height(row, h)?;
        }
        for (half, (label, value)) in (0..).zip(pair) {
            sheet.write_string_with_format(row, half * 4, *label, &looks.label)?;
            merged(sheet, row, (half * 4 + 1, half * 4 + 3), value, &looks.value)?;
        }
        if pair.len() == 1 {
            merged(sheet, row, (4, 7), "", &looks.value)?;
        }
        row += 1;
    }
    row = section(sheet, &looks, row, "二、贷款及贴息计算")?;
    row = loans(sheet, form, row)?;
    row = amount(sheet, &looks, row, "计算贴息", Some(form.computed))?;
    if let Some(note) = &form.note {
        sheet.write_string_with_format(row, 0, "说明", &looks.label)?;
        merged(sheet, row, (1, 7), note, &looks.value)?;
        row += 1;
    }
    row = amount(sheet, &looks, row, "核定贴息", form.approved)?;
    row = section(sheet, &looks, row, "三、审核意见")?;
    row = opinions(sheet, &looks, row, &form.opinions)?;
    signatures(sheet, heading, row, &WIDTHS)?;
    Ok(book)
}

/// One row a review level, so that a page never parts an opinion from its signature.
fn opinions(sheet: &mut Worksheet, looks: &Looks, mut row: u32, opinions: &[Opinion]) -> Result<u32, XlsxError> {
    let f = Formal::new(10);
    let top = looks.value.clone().set_align(FormatAlign::Top);
    for o in opinions {
        let height = line_height(&f, WIDTHS[1..6].iter().sum(), &o.text).unwrap_or(0).max(48);
        sheet.set_row_height(row, height)?;
        sheet.write_string_with_format(row, 0, o.level, &looks.label)?;
        merged(sheet, row, (1, 5), &o.text, &top)?;
        merged(sheet, row, (6, 7), "签字：\n（盖章）\n        年    月    日", &looks.sign)?;
        row += 1;
    }
    Ok(row)
}

fn section(sheet: &mut Worksheet, looks: &Looks, row: u32, text: &str) -> Result<u32, XlsxError> {
    merged(sheet, row, (0, COLUMNS - 1), text, &looks.section)?;
    Ok(row + 1)
}

/// The loans and their 合计, in the form's own column widths.
fn loans(sheet: &mut Worksheet, form: &ApprovalForm, row: u32) -> Result<u32, XlsxError> {
    let f = Formal::new(10);
    let mut b =
        Block::new(&["序号", "贷款合同编号", "贷款银行", "贷款金额", "放款日期", "到期日期", "贴息天数", "计算贴息"]);
    for (i, l) in form.loans.iter().enumerate() {
        b.row(vec![
            count(i + 1),
            Cell::code(&l.contract_no),
            Cell::text(&l.bank),
            Cell::Money(l.principal),
            Cell::Date(l.disbursed_on),
            Cell::Date(l.maturity_on),
            Cell::Count(l.days),
            Cell::Money(l.subsidy),
        ]);
    }
    let principal = crate::engine::report::sum(form.loans.iter().map(|l| l.principal));
    let subsidy = crate::engine::report::sum(form.loans.iter().map(|l| l.subsidy));
    let mut total = vec![Cell::text("合计"), Cell::text(format!("{}笔", form.loans.len())), Cell::Blank];
    total.extend([Cell::Money(principal), Cell::Blank, Cell::Blank, Cell::Blank, Cell::Money(subsidy)]);
    b.total(total);
    b.write(sheet, &f, row, &WIDTHS)
}

/// An amount in figures and in 大写, or "尚未核定".
fn amount(sheet: &mut Worksheet, looks: &Looks, row: u32, label: &str, m: Option<Money>) -> Result<u32, XlsxError> {
    sheet.write_string_with_format(row, 0, format!("{label}（小写）"), &looks.label)?;
    let (figures, words) = m.map_or_else(
        || ("尚未核定".to_string(), String::new()),
        |m| (format!("{} 元", yuan(m)), format!("人民币{}", capital::amount(m))),
    );
    merged(sheet, row, (1, 2), &figures, &looks.value)?;
    sheet.write_string_with_format(row, 3, "（大写）", &looks.label)?;
    merged(sheet, row, (4, 7), &words, &looks.value)?;
    Ok(row + 1)
}

/// What the system recorded of a review step: `hongxing2 于2024年3月1日 初审通过`.
#[must_use]
pub fn record_line(actor: &str, on: Option<NaiveDate>, action: &str) -> String {
    let on = on.map_or_else(String::new, |d| format!("于{}", chinese_date(d)));
    format!("{actor} {on} {action}")
}
