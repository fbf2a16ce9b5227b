//! 历年累计 (one row per round from the first, with the cumulative columns of rules.md
//! §7) and 图表 (subsidy and loans unlocked per year as columns, leverage as a line).

use rust_xlsxwriter::{Chart, ChartLegendPosition, ChartType, Workbook, XlsxError};

use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::{count, frame, Heading, HEADER_ROW};
use crate::engine::report::YearFigures;
use crate::engine::Figures;

const SHEET: &str = "历年累计";
const HEADERS: [&str; 15] = [
    "年度",
    "项目数",
    "核定贴息（元）",
    "核定贴息（万元）",
    "撬动贷款（元）",
    "撬动贷款（万元）",
    "撬动倍数",
    "带动职工户数",
    "累计项目数",
    "累计核定贴息（元）",
    "累计核定贴息（万元）",
    "累计撬动贷款（元）",
    "累计撬动贷款（万元）",
    "累计撬动倍数",
    "累计带动职工户数",
];
/// Columns of `HEADERS` the chart draws.
const YEAR: u16 = 0;
const GRANTED_WAN: u16 = 3;
const LOANS_WAN: u16 = 5;
const LEVERAGE: u16 = 6;

/// 历年累计. No 合计 row: the last row's cumulative columns are the total, since a
/// contract subsidised in several rounds counts once (rules.md §7), unlike a column sum.
pub(super) fn years(
    book: &mut Workbook,
    styles: &Styles,
    heading: &Heading,
    history: &[YearFigures],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name(SHEET)?;
    let first = history.first().map_or(0, |y| y.year);
    let last = history.last().map_or(0, |y| y.year);
    frame(sheet, &format!("{first}—{last}年贷款贴息历年累计情况表"), heading)?;
    let mut table = Table::at(sheet, styles, &HEADERS.map(String::from), HEADER_ROW)?;
    for y in history {
        let mut row = vec![Cell::Count(u64::try_from(y.year).unwrap_or_default())];
        row.extend(figures(&y.round));
        row.extend(figures(&y.cumulative));
        table.row(&row)?;
    }
    table.finish(true)
}

/// Projects, granted (元, 万元), loans (元, 万元), leverage, households.
fn figures(f: &Figures) -> [Cell<'static>; 7] {
    [
        count(f.funded_projects),
        Cell::Money(f.granted),
        Cell::WanYuan(f.granted),
        Cell::Money(f.loans_unlocked),
        Cell::WanYuan(f.loans_unlocked),
        f.leverage.map_or_else(|| Cell::text("—"), Cell::Ratio),
        Cell::Count(f.households),
    ]
}

/// 图表: subsidy and loans unlocked per year (万元, columns) and leverage (line, right axis).
pub(super) fn chart(book: &mut Workbook, history: &[YearFigures]) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("图表")?;
    let big = rust_xlsxwriter::Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(0, 0, "历年贴息资金、撬动贷款及撬动倍数", &big)?;
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
    columns.add_series().set_name("核定贴息（万元）").set_categories(range(YEAR)).set_values(range(GRANTED_WAN));
    columns.add_series().set_name("撬动贷款（万元）").set_categories(range(YEAR)).set_values(range(LOANS_WAN));
    let mut line = Chart::new(ChartType::Line);
    line.add_series()
        .set_name("撬动倍数（倍）")
        .set_categories(range(YEAR))
        .set_values(range(LEVERAGE))
        .set_secondary_axis(true);
    columns.combine(&line);
    columns.title().set_name("历年贴息资金与撬动贷款");
    columns.x_axis().set_name("年度");
    columns.y_axis().set_name("万元");
    columns.y2_axis().set_name("撬动倍数（倍）");
    columns.legend().set_position(ChartLegendPosition::Bottom);
    columns.set_width(960).set_height(480);
    sheet.insert_chart(2, 0, &columns)?;
    Ok(())
}
