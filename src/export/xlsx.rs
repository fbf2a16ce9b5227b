//! The result workbook of `tiexi calc --output` (cli.md): sheets 项目, 贷款, 资金来源 and
//! 汇总. It renders the engine's `RoundResult` beside the projects it was computed from;
//! it never recomputes a subsidy, a grant or a figure. Its only sums are the 合计 rows,
//! column totals of what the sheet shows, in exact `Money`.

mod projects;

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{Cell, Styles};
use super::table::Table;
use crate::engine::{Money, Policy, PoolKind, Project, RoundResult};

/// Write the result workbook to a file.
///
/// # Errors
/// When the workbook cannot be made or the file cannot be written.
pub fn result(
    policy: &Policy,
    projects: &[Project],
    result: &RoundResult,
    path: &Path,
) -> Result<(), XlsxError> {
    workbook(policy, projects, result)?.save(path)
}

/// The result workbook as the bytes of an .xlsx file (for a download).
///
/// # Errors
/// When the workbook cannot be made.
pub fn result_bytes(
    policy: &Policy,
    projects: &[Project],
    result: &RoundResult,
) -> Result<Vec<u8>, XlsxError> {
    workbook(policy, projects, result)?.save_to_buffer()
}

/// `projects` are the engine's inputs, in the order `result.projects` has them.
fn workbook(
    policy: &Policy,
    projects: &[Project],
    result: &RoundResult,
) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    projects::projects_sheet(&mut book, &styles, projects, result)?;
    projects::loans_sheet(&mut book, &styles, projects, result)?;
    pools_sheet(&mut book, &styles, result)?;
    summary_sheet(&mut book, &styles, policy, result)?;
    Ok(book)
}

/// The Chinese name of a pool's kind (rules.md §2).
#[must_use]
pub fn pool_kind_label(kind: PoolKind) -> &'static str {
    match kind {
        PoolKind::Funded => "到位资金",
        PoolKind::Matched => "配套资金",
    }
}

/// 资金来源: one row per pool, then 合计.
fn pools_sheet(
    book: &mut Workbook,
    styles: &Styles,
    result: &RoundResult,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("资金来源")?;
    let headers = [
        "资金来源",
        "类型",
        "金额（元）",
        "核定贴息（元）",
        "剩余（元）",
    ]
    .map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?;
    for pool in &result.pools {
        table.row(&[
            Cell::text(&pool.name),
            Cell::text(pool_kind_label(pool.kind)),
            Cell::Money(pool.amount),
            Cell::Money(pool.granted),
            Cell::Money(pool.remaining),
        ])?;
    }
    let sum =
        |f: fn(&crate::engine::PoolResult) -> Money| result.pools.iter().map(f).sum::<Money>();
    table.total(&[
        Cell::text("合计"),
        Cell::Blank,
        Cell::Money(result.budget),
        Cell::Money(sum(|p| p.granted)),
        Cell::Money(sum(|p| p.remaining)),
    ])?;
    table.finish(true)
}

/// 汇总: the round's figures (rules.md §7), money in 元 and in 万元.
fn summary_sheet(
    book: &mut Workbook,
    styles: &Styles,
    policy: &Policy,
    result: &RoundResult,
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("汇总")?;
    let headers = ["指标", "数值", "单位", "万元"].map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?;
    for row in summary_rows(policy, result) {
        table.row(&row)?;
    }
    table.finish(false)
}

/// 汇总's rows: label, value, unit, and the amount in 万元 for money.
fn summary_rows(policy: &Policy, result: &RoundResult) -> Vec<[Cell; 4]> {
    let t = &result.totals;
    let row = |label: &str, value: Cell, unit: &str| {
        [Cell::text(label), value, Cell::text(unit), Cell::Blank]
    };
    let money = |label: &str, m: Money| {
        [
            Cell::text(label),
            Cell::Money(m),
            Cell::text("元"),
            Cell::WanYuan(m),
        ]
    };
    let year = u64::try_from(result.year).unwrap_or_default();
    vec![
        row("年度", Cell::Count(year), "年"),
        row("政策名称", Cell::text(&policy.name), ""),
        money("预算", result.budget),
        row("计入试算项目数", Cell::Count(count_of(t.projects)), "个"),
        row(
            "获得贴息项目数",
            Cell::Count(count_of(t.funded_projects)),
            "个",
        ),
        money("申请贴息", t.requested),
        money("核定贴息", t.granted),
        money("撬动贷款", t.loans_unlocked),
        row(
            "撬动倍数",
            t.leverage.map_or(Cell::text("—"), Cell::Ratio),
            "倍",
        ),
        row("带动职工户数", Cell::Count(t.households), "户"),
        row(
            "户均增收",
            t.avg_income_increase.map_or(Cell::text("—"), Cell::Yuan),
            "元/户/年",
        ),
    ]
}

fn count_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}
