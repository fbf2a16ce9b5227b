//! 历年累计 (one row per round from the first, with the cumulative columns of docs/rules.md
//! §7) and 图表 (subsidy and loans unlocked per year as columns, leverage as a line; both
//! value axes start at zero and every point of the line is labelled).

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartLegendPosition, ChartType, Format, FormatAlign, Workbook, XlsxError,
};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{frame, merged, set_widths, signatures, Formal, Frame, FONT, HEADER_ROW};
use super::ruled::Measure;
use super::{count, Heading};
use crate::engine::report::YearFigures;
use crate::engine::Figures;

/// What every sheet of a workbook prints above its table besides its own title.
#[derive(Debug, Clone)]
pub(super) struct Titles<'a> {
    pub heading: &'a Heading,
    pub subtitle: Option<String>,
    /// A round not closed is included: every title says （试算）.
    pub trial: bool,
}

impl Titles<'_> {
    pub(super) fn title(&self, title: String) -> String {
        if self.trial {
            format!("{title}（试算）")
        } else {
            title
        }
    }
}

const SHEET: &str = "历年累计";
const HEADERS: [&str; 14] = [
    "年度",
    "状态",
    "获得贴息项目数",
    "已核定",
    "已核定（万元）",
    "撬动贷款（万元）",
    "撬动倍数",
    "带动职工户数",
    "累计获得贴息项目数",
    "累计已核定",
    "累计已核定（万元）",
    "累计撬动贷款（万元）",
    "累计撬动倍数",
    "累计带动职工户数",
];
/// Columns of `HEADERS` the chart draws.
const YEAR: u16 = 0;
const GRANTED_WAN: u16 = 4;
const LOANS_WAN: u16 = 5;
const LEVERAGE: u16 = 6;

/// 历年累计. No 合计 row: the last row's cumulative columns are the total, since a
/// contract subsidised in several rounds counts once (docs/rules.md §7), unlike a column sum.
pub(super) fn years(book: &mut Workbook, t: &Titles<'_>, history: &[YearFigures]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name(SHEET)?;
    let f = Formal::new(10);
    let mut b = Block::new(&HEADERS);
    for y in history {
        let mut row = vec![
            Cell::Count(u64::try_from(y.year).unwrap_or_default()),
            Cell::text(if y.closed { "已结束" } else { "进行中" }),
        ];
        row.extend(figures(&y.round));
        row.extend(figures(&y.cumulative));
        b.row(row);
    }
    let mut m = Measure::new(&f);
    b.measure(&mut m);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let first = history.first().map_or(0, |y| y.year);
    let last = history.last().map_or(0, |y| y.year);
    let columns = u16::try_from(HEADERS.len()).unwrap_or(14);
    let title = t.title(format!("{first}—{last}年贷款贴息历年累计情况表"));
    let frame_of = Frame { title, subtitle: t.subtitle.clone(), unit: Some("元"), columns };
    let at = frame(sheet, t.heading, &frame_of)?;
    sheet.set_freeze_panes(at + 1, 0)?;
    super::formal::repeat_header(sheet)?;
    let next = b.write(sheet, &f, at, &widths)?;
    signatures(sheet, t.heading, next, &widths)?;
    Ok(())
}

/// Funded projects, granted (元, 万元), loans unlocked (万元), leverage, households.
fn figures(f: &Figures) -> [Cell<'static>; 6] {
    [
        count(f.funded_projects),
        Cell::Money(f.granted),
        Cell::WanYuan(f.granted),
        Cell::WanYuan(f.loans_unlocked),
        f.leverage.map_or_else(|| Cell::text("—"), Cell::Ratio),
        Cell::Count(f.households),
    ]
}

/// 图表: subsidy and loans unlocked per year (万元, columns) and leverage (line, right
/// axis), every axis from zero, the line's points labelled.
pub(super) fn chart(book: &mut Workbook, t: &Titles<'_>, history: &[YearFigures]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("图表")?;
    let big = Format::new().set_font_name(FONT).set_font_size(16).set_bold().set_align(FormatAlign::Center);
    sheet.set_row_height(0, 30)?;
    merged(sheet, 0, (0, 14), "历年已核定贴息、撬动贷款及撬动倍数", &big)?;
    let line = Format::new().set_font_name(FONT).set_font_size(10);
    merged(sheet, 1, (0, 14), &format!("填报单位（盖章）：{}    数据来源：历年累计表", t.heading.division), &line)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 1);
    sheet.set_footer("&C第 &P 页，共 &N 页");
    let n = u32::try_from(history.len()).unwrap_or(0);
    if n == 0 {
        return Ok(());
    }
    let (top, bottom) = (HEADER_ROW + 1, HEADER_ROW + n);
    let range = |col: u16| (SHEET, top, col, bottom, col);
    let mut columns = Chart::new(ChartType::Column);
    columns
        .add_series()
        .set_name("已核定（万元）")
        .set_categories(range(YEAR))
        .set_values(range(GRANTED_WAN))
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("#,##0.0"));
    columns.add_series().set_name("撬动贷款（万元）").set_categories(range(YEAR)).set_values(range(LOANS_WAN));
    let mut line = Chart::new(ChartType::Line);
    line.add_series()
        .set_name("撬动倍数（倍）")
        .set_categories(range(YEAR))
        .set_values(range(LEVERAGE))
        .set_data_label(ChartDataLabel::new().show_value().set_num_format("0.00"))
        .set_secondary_axis(true);
    columns.combine(&line);
    columns.title().set_name("已核定贴息与撬动贷款（万元）、撬动倍数（倍）");
    columns.x_axis().set_name("年度");
    columns.y_axis().set_name("万元").set_min(0);
    columns.y2_axis().set_name("撬动倍数（倍）").set_min(0);
    columns.legend().set_position(ChartLegendPosition::Bottom);
    columns.set_width(1000).set_height(520);
    sheet.insert_chart(3, 0, &columns)?;
    Ok(())
}
