//! 汇总: a round's figures (or the cumulative ones), each with its unit, its 万元 and what
//! it counts (口径), in the names every other sheet uses; then the press sentence over the
//! closed rounds.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{frame, merged, set_widths, signatures, Formal, Frame, FONT};
use super::history::Titles;
use super::ruled::{line_height, Measure};
use super::{count, rate, Annual};
use crate::engine::report::accounts::total;
use crate::engine::report::{self, YearFigures};
use crate::engine::summary;
use crate::engine::{Figures, Money};

const HEADERS: [&str; 5] = ["指标", "数值", "单位", "折合万元", "口径"];
/// Over which projects docs/rules.md §7 counts a figure, in the words of a finance office.
const FUNDED: &str = "获得贴息的项目";

type Row<'a> = [Cell<'a>; 5];

fn row<'a>(label: impl Into<Cow<'a, str>>, value: Cell<'a>, unit: &'a str, scope: &'a str) -> Row<'a> {
    [Cell::text(label), value, Cell::text(unit), Cell::Blank, Cell::text(scope)]
}

fn money<'a>(label: impl Into<Cow<'a, str>>, m: Money, scope: &'a str) -> Row<'a> {
    [Cell::text(label), Cell::Money(m), Cell::text("元"), Cell::WanYuan(m), Cell::text(scope)]
}

fn year(y: i32) -> Cell<'static> {
    Cell::Count(u64::try_from(y).unwrap_or_default())
}

/// The pools' account, added up (资金来源's 合计).
fn funds_rows(r: &Annual<'_>) -> Vec<Row<'static>> {
    let a = total(r.pools);
    vec![
        money("预算", a.budget, "各资金来源预算合计"),
        money("上年结转", a.carried_in, "上一年度结转转入"),
        money("到位", a.received, "本年度到位资金"),
        row("到位率", rate(a.received_rate()), "%", "（上年结转＋到位）÷预算"),
        money("已核定", a.granted, "已审批核定的贴息（账面数）"),
        money("已拨付", a.paid, "已拨付批次及系统启用前拨付"),
        money("结转下年", a.carried_out, "结转下一年度"),
        money("剩余", a.remaining(), "上年结转＋到位－已拨付－结转下年"),
        row("预算执行率", rate(a.execution_rate()), "%", "已拨付÷预算"),
        row("拨付进度", rate(a.progress()), "%", "已拨付÷已核定"),
    ]
}

/// Write a 汇总 table and the sentence under it: widths first, then the rows.
fn write(
    book: &mut Workbook,
    t: &Titles<'_>,
    title: String,
    rows: Vec<Row<'_>>,
    published: Option<&(i32, Figures)>,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("汇总")?;
    let f = Formal::new(10);
    let mut block = Block::new(&HEADERS);
    for row in rows {
        block.row(row.to_vec());
    }
    let mut m = Measure::new(&f);
    block.measure(&mut m);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = 5;
    let at = frame(sheet, t.heading, &Frame { title, subtitle: t.subtitle.clone(), unit: None, columns })?;
    let next = block.write(sheet, &f, at, &widths)?;
    let next = sentence(sheet, &f, next, published, &widths)?;
    signatures(sheet, t.heading, next, &widths)?;
    Ok(())
}

/// 汇总 of the annual report.
pub(super) fn annual(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let title = r.title(format!("{}年度职工自主创业示范项目贷款贴息汇总表", r.result.year));
    let applied = report::total(r.projects, r.result, r.paid);
    let t = &r.result.totals;
    let mut rows = funds_rows(r);
    rows.extend([
        row("申报项目数", Cell::Count(applied.projects), "个", "计入本年度的申报（不含草稿、未通过、已撤回）"),
        row("申报带动户数", Cell::Count(applied.households), "户", "申报项目填报的带动职工户数"),
        money("贷款金额", applied.principal, "申报项目的贷款本金"),
        money("申请贴息", applied.requested, "按政策计算（含每项目上限）"),
        row("获得贴息项目数", count(t.funded_projects), "个", "已核定贴息大于0的项目"),
        row("带动职工户数", Cell::Count(t.households), "户", FUNDED),
        row("带动困难职工户数", Cell::Count(r.hardship), "户", FUNDED),
    ]);
    rows.extend(figure_rows(t));
    let subtitle = r.subtitle().unwrap_or_else(|| format!("{}（已结束）", r.policy.name));
    let titles = Titles { heading: r.heading, subtitle: Some(subtitle), trial: !r.closed };
    write(book, &titles, title, rows, r.published)
}

/// 汇总 of the cumulative report: the figures through the last round of `history`.
pub(super) fn cumulative(
    book: &mut Workbook,
    t: &Titles<'_>,
    history: &[YearFigures],
    published: Option<&(i32, Figures)>,
) -> Result<(), XlsxError> {
    let (first, last) = (history.first().map_or(0, |y| y.year), history.last().map_or(0, |y| y.year));
    let title = t.title(format!("{first}—{last}年职工自主创业示范项目贷款贴息累计汇总表"));
    let mut rows = Vec::new();
    if let Some(c) = history.last().map(|y| &y.cumulative) {
        rows.extend([
            row("起始年度", year(first), "年", ""),
            row("截至年度", year(last), "年", ""),
            row("获得贴息项目数", count(c.funded_projects), "个", "累计获得贴息的项目"),
            money("申请贴息", c.requested, "各年度计入的申报"),
            money("已核定", c.granted, FUNDED),
            row("带动职工户数", Cell::Count(c.households), "户", FUNDED),
        ]);
        rows.extend(figure_rows(c));
    }
    write(book, t, title, rows, published)
}

/// docs/rules.md §7's figures after the grant.
fn figure_rows(t: &Figures) -> [Row<'static>; 3] {
    [
        money("撬动贷款", t.loans_unlocked, "获得贴息项目的贷款，同一合同只计一次"),
        row("撬动倍数", t.leverage.map_or_else(|| Cell::text("—"), Cell::Ratio), "倍", "撬动贷款÷已核定"),
        row(
            "户均增收",
            t.avg_income_increase.map_or_else(|| Cell::text("—"), Cell::Yuan),
            "元/户/年",
            "按带动户数加权",
        ),
    ]
}

/// The press sentence of issue 6 item 4 (`engine::summary`) over the closed rounds only, on
/// a merged line of its own below the table; returns the row after it.
fn sentence(
    sheet: &mut Worksheet,
    f: &Formal,
    row: u32,
    published: Option<&(i32, Figures)>,
    widths: &[usize],
) -> Result<u32, XlsxError> {
    let Some((first, figures)) = published else { return Ok(row) };
    let text = format!("概述（已结束年度）：{}。", summary::sentence(*first, figures));
    let format = Format::new().set_font_name(FONT).set_font_size(10).set_text_wrap().set_align(FormatAlign::Top);
    if let Some(h) = line_height(f, widths.iter().sum(), &text) {
        sheet.set_row_height(row + 1, h)?;
    }
    let last = u16::try_from(widths.len()).unwrap_or(1).max(1) - 1;
    merged(sheet, row + 1, (0, last), &text, &format)?;
    Ok(row + 2)
}
