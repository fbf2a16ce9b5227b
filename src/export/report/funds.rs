//! 资金来源 (each pool, then each disbursement batch) and 团场统计 (per regiment).
//! Money in 元 only here: a 合计 must equal the sum of its column, which amounts rounded
//! to 万元 row by row would not (汇总 shows 万元).

use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::super::xlsx::pool_kind_label;
use super::{frame, Annual, HEADER_ROW};
use crate::engine::report::{self, Subtotal};
use crate::engine::Money;

/// 资金来源: the pools with 合计, then the batches with the 合计 of the paid ones.
pub(super) fn pools(book: &mut Workbook, styles: &Styles, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("资金来源")?;
    frame(sheet, &format!("{}年度贴息资金来源及拨付情况表", r.result.year), r.heading)?;
    let headers = ["资金来源", "类型", "金额（元）", "已核定（元）", "已拨付（元）", "剩余（元）", "执行率（%）"]
        .map(String::from);
    let mut table = Table::at(sheet, styles, &headers, HEADER_ROW)?;
    let pools = &r.result.pools;
    for (p, paid) in pools.iter().zip(r.pools_paid) {
        let mut row = vec![Cell::text(&p.name), Cell::text(pool_kind_label(p.kind))];
        row.extend([p.amount, p.granted, *paid, p.remaining].map(Cell::Money));
        row.push(rate(*paid, p.granted));
        table.row(&row)?;
    }
    let amount = report::sum(pools.iter().map(|p| p.amount));
    let granted = report::sum(pools.iter().map(|p| p.granted));
    let paid = report::sum(r.pools_paid.iter().copied());
    let remaining = report::sum(pools.iter().map(|p| p.remaining));
    let mut total = vec![Cell::text("合计"), Cell::Blank];
    total.extend([amount, granted, paid, remaining].map(Cell::Money));
    total.push(rate(paid, granted));
    table.total(&total)?;
    let widths = table.widths().to_vec();
    let (sheet, next) = table.finish_with(false)?;
    batches(sheet, styles, r, next + 1, &widths)
}

fn rate(paid: Money, granted: Money) -> Cell<'static> {
    report::execution_rate(paid, granted).map_or_else(|| Cell::text("—"), Cell::Percent)
}

/// The batches below the pools, at `row`.
fn batches(
    sheet: &mut rust_xlsxwriter::Worksheet,
    styles: &Styles,
    r: &Annual<'_>,
    row: u32,
    widths: &[usize],
) -> Result<(), XlsxError> {
    let mut headers: Vec<String> =
        ["拨付批次", "类型", "状态", "拨付日期", "凭证号", "笔数", "金额（元）"].map(String::from).to_vec();
    headers.extend(r.result.pools.iter().map(|p| format!("{}（元）", p.name)));
    let mut table = Table::at(sheet, styles, &headers, row)?;
    table.widen(widths);
    if r.batches.is_empty() {
        table.row(&[Cell::text("（暂无拨付批次）")])?;
    }
    for b in r.batches {
        let mut cells = vec![
            Cell::code(&b.number),
            Cell::text(b.kind),
            Cell::text(b.state),
            Cell::text(&b.paid_on),
            Cell::code(&b.voucher_no),
            Cell::Count(b.items),
            Cell::Money(b.total),
        ];
        cells.extend(b.parts.iter().map(|m| Cell::Money(*m)));
        table.row(&cells)?;
    }
    // Only paid batches moved money (issue 5: every paid fen is in exactly one paid batch).
    let paid: Vec<_> = r.batches.iter().filter(|b| b.state == super::payment::PAID).collect();
    let mut total = vec![Cell::text("已拨付合计"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::Blank];
    total.push(Cell::Count(paid.iter().map(|b| b.items).sum()));
    total.push(Cell::Money(report::sum(paid.iter().map(|b| b.total))));
    let parts = report::column_sums(paid.iter().map(|b| b.parts.as_slice()), r.result.pools.len());
    total.extend(parts.into_iter().map(Cell::Money));
    table.total(&total)?;
    let (sheet, _) = table.finish_with(false)?;
    // The pools' header row stays the one frozen and repeated on every printed page.
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

/// 团场统计: one row per regiment, then 合计.
pub(super) fn units(book: &mut Workbook, styles: &Styles, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("团场统计")?;
    frame(sheet, &format!("{}年度贴息项目分团场统计表", r.result.year), r.heading)?;
    let headers = ["团场", "项目数", "获得贴息项目数", "带动职工户数", "贷款金额（元）", "申请贴息（元）"]
        .into_iter()
        .chain(["核定贴息（元）", "已拨付（元）", "执行率（%）"])
        .map(String::from)
        .collect::<Vec<_>>();
    let mut table = Table::at(sheet, styles, &headers, HEADER_ROW)?;
    for (unit, s) in report::by_unit(r.projects, r.result, r.paid) {
        table.row(&unit_row(Cell::text(unit), &s))?;
    }
    table.total(&unit_row(Cell::text("合计"), &report::total(r.projects, r.result, r.paid)))?;
    table.finish(true)
}

fn unit_row<'a>(label: Cell<'a>, s: &Subtotal) -> [Cell<'a>; 9] {
    [
        label,
        Cell::Count(s.projects),
        Cell::Count(s.funded),
        Cell::Count(s.households),
        Cell::Money(s.principal),
        Cell::Money(s.requested),
        Cell::Money(s.granted),
        Cell::Money(s.paid),
        s.execution_rate().map_or_else(|| Cell::text("—"), Cell::Percent),
    ]
}
