//! 汇总: a round's figures (or the cumulative ones) and each pool, money in 元 and 万元.

use std::borrow::Cow;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::super::xlsx::pool_kind_label;
use super::{count, frame, Annual, Heading, HEADER_ROW};
use crate::engine::report::{self, YearFigures};
use crate::engine::summary;
use crate::engine::{Figures, Money};

const HEADERS: [&str; 5] = ["指标", "数值", "单位", "万元", "口径"];
/// Over which projects rules.md §7 counts a figure, in the words of a finance office.
const FUNDED: &str = "获得贴息的项目";

/// 汇总 of the annual report.
pub(super) fn annual(book: &mut Workbook, styles: &Styles, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("汇总")?;
    frame(sheet, &format!("{}年度职工自主创业示范项目贷款贴息汇总表", r.result.year), r.heading)?;
    let mut table = Table::at(sheet, styles, &HEADERS.map(String::from), HEADER_ROW)?;
    let t = &r.result.totals;
    let paid = report::sum(r.paid.iter().copied());
    let rate = report::execution_rate(paid, t.granted);
    let mut rows = vec![
        row("年度", Cell::Count(u64::try_from(r.result.year).unwrap_or_default()), "年", ""),
        row("政策名称", Cell::text(&r.policy.name), "", ""),
        money("预算", r.result.budget, "各资金来源合计"),
        row("项目数", count(t.projects), "个", "计入计算的项目"),
        row("获得贴息项目数", count(t.funded_projects), "个", "核定贴息大于0"),
        money("申请贴息", t.requested, "计入计算的项目"),
        money("核定贴息", t.granted, FUNDED),
        money("已拨付", paid, "已拨付的批次"),
        row("执行率", rate.map_or_else(dash, Cell::Percent), "%", "已拨付÷核定贴息"),
    ];
    rows.extend(figure_rows(t));
    for (pool, pool_paid) in r.result.pools.iter().zip(r.pools_paid) {
        let name = format!("{}（{}）", pool.name, pool_kind_label(pool.kind));
        rows.push(money(format!("{name}金额"), pool.amount, "资金来源"));
        rows.push(money(format!("{name}已核定"), pool.granted, FUNDED));
        rows.push(money(format!("{name}已拨付"), *pool_paid, "已拨付的批次"));
        rows.push(money(format!("{name}剩余"), pool.remaining, "金额－已核定"));
    }
    for row in rows {
        table.row(&row)?;
    }
    sentence(table, r.history)
}

/// 汇总 of the cumulative report: the figures through the last round of `history`.
pub(super) fn cumulative(
    book: &mut Workbook,
    styles: &Styles,
    heading: &Heading,
    history: &[YearFigures],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("汇总")?;
    let (first, last) = (history.first().map_or(0, |y| y.year), history.last().map_or(0, |y| y.year));
    frame(sheet, &format!("{first}—{last}年职工自主创业示范项目贷款贴息累计汇总表"), heading)?;
    let mut table = Table::at(sheet, styles, &HEADERS.map(String::from), HEADER_ROW)?;
    let Some(t) = history.last().map(|y| &y.cumulative) else { return table.finish(false) };
    let year = |y: i32| Cell::Count(u64::try_from(y).unwrap_or_default());
    table.row(&row("起始年度", year(first), "年", ""))?;
    table.row(&row("截至年度", year(last), "年", ""))?;
    table.row(&row("项目数", count(t.funded_projects), "个", "累计获得贴息的项目"))?;
    table.row(&money("申请贴息", t.requested, "各年度计入计算的项目"))?;
    table.row(&money("核定贴息", t.granted, FUNDED))?;
    for row in figure_rows(t) {
        table.row(&row)?;
    }
    sentence(table, history)
}

fn dash() -> Cell<'static> {
    Cell::text("—")
}

/// rules.md §7's figures after the grant.
fn figure_rows(t: &Figures) -> [[Cell<'static>; 5]; 4] {
    [
        money("撬动贷款", t.loans_unlocked, "同一贷款合同只计一次"),
        row("撬动倍数", t.leverage.map_or_else(dash, Cell::Ratio), "倍", "撬动贷款÷核定贴息"),
        row("带动职工户数", Cell::Count(t.households), "户", FUNDED),
        row("户均增收", t.avg_income_increase.map_or_else(dash, Cell::Yuan), "元/户/年", "按带动户数加权"),
    ]
}

/// Finish the table and write the press sentence of issue 6 item 4 (`engine::summary`,
/// the cumulative figures through the last round of `history`) on a line of its own below
/// it, where it may run across the blank cells to its right without widening a column.
fn sentence(table: Table<'_>, history: &[YearFigures]) -> Result<(), XlsxError> {
    let (sheet, next) = table.finish_with(false)?;
    if let (Some(first), Some(last)) = (history.first(), history.last()) {
        let text = format!("概述：{}", summary::sentence(first.year, &last.cumulative));
        super::super::sheet::text(sheet, next + 1, 0, &text, &rust_xlsxwriter::Format::new())?;
    }
    Ok(())
}

fn row<'a>(label: impl Into<Cow<'a, str>>, value: Cell<'a>, unit: &'a str, scope: &'a str) -> [Cell<'a>; 5] {
    [Cell::text(label), value, Cell::text(unit), Cell::Blank, Cell::text(scope)]
}

fn money<'a>(label: impl Into<Cow<'a, str>>, m: Money, scope: &'a str) -> [Cell<'a>; 5] {
    [Cell::text(label), Cell::Money(m), Cell::text("元"), Cell::WanYuan(m), Cell::text(scope)]
}
