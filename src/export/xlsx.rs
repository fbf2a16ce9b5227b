//! The result workbook of `tiexi calc --output` (docs/cli.md): sheets 项目, 贷款, 资金来源 and
//! 汇总. It renders the engine's `RoundResult` beside the projects it was computed from;
//! it never recomputes a subsidy, a grant or a figure. Its only sums are the 合计 rows,
//! column totals of what the sheet shows, in exact `Money`.

mod projects;

use std::path::Path;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::sheet::{Cell, Styles};
use super::table::Table;
use crate::engine::{Figures, Money, Policy, PoolKind, Project, RoundResult};

/// Write the result workbook to a file.
///
/// # Errors
/// When the workbook cannot be made or the file cannot be written.
pub fn result(policy: &Policy, projects: &[Project], result: &RoundResult, path: &Path) -> Result<(), XlsxError> {
    workbook(policy, projects, result)?.save(path)
}

/// The result workbook as the bytes of an .xlsx file (for a download).
///
/// # Errors
/// When the workbook cannot be made.
pub fn result_bytes(policy: &Policy, projects: &[Project], result: &RoundResult) -> Result<Vec<u8>, XlsxError> {
    workbook(policy, projects, result)?.save_to_buffer()
}

/// `projects` are the engine's inputs, in the order `result.projects` has them.
fn workbook(policy: &Policy, projects: &[Project], result: &RoundResult) -> Result<Workbook, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    projects::projects_sheet(&mut book, &styles, projects, result)?;
    projects::loans_sheet(&mut book, &styles, projects, result)?;
    pools_sheet(&mut book, &styles, result)?;
    summary_sheet(&mut book, &styles, policy, result)?;
    Ok(book)
}

/// The Chinese name of a pool's kind (docs/rules.md §2).
#[must_use]
pub fn pool_kind_label(kind: PoolKind) -> &'static str {
    kind.label()
}

/// 资金来源: one row per pool, then 合计.
fn pools_sheet(book: &mut Workbook, styles: &Styles, result: &RoundResult) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("资金来源")?;
    let headers = ["资金来源", "类型", "金额（元）", "核定贴息（元）", "剩余（元）"].map(String::from);
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
    let sum = |f: fn(&crate::engine::PoolResult) -> Money| result.pools.iter().map(f).sum::<Money>();
    table.total(&[
        Cell::text("合计"),
        Cell::Blank,
        Cell::Money(result.budget),
        Cell::Money(sum(|p| p.granted)),
        Cell::Money(sum(|p| p.remaining)),
    ])?;
    table.finish(true)
}

/// 汇总: the round's figures (docs/rules.md §7), money in 元 and in 万元.
fn summary_sheet(book: &mut Workbook, styles: &Styles, policy: &Policy, result: &RoundResult) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("汇总")?;
    let headers = ["指标", "数值", "单位", "万元", "口径"].map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?;
    for row in summary_rows(policy, result) {
        table.row(&row)?;
    }
    table.finish(false)
}

/// Over which projects docs/rules.md §7 counts a figure, in the words of a finance office.
const FUNDED: &str = "获得贴息的项目";

/// 汇总's rows: label, value, unit, the amount in 万元 for money, and what it counts.
fn summary_rows<'a>(policy: &'a Policy, result: &RoundResult) -> Vec<[Cell<'a>; 5]> {
    let t = &result.totals;
    let count = |n: usize| Cell::Count(u64::try_from(n).unwrap_or(u64::MAX));
    let year = Cell::Count(u64::try_from(result.year).unwrap_or_default());
    let mut rows = vec![
        row("年度", year, "年", ""),
        row("政策名称", Cell::text(&policy.name), "", ""),
        money("预算", result.budget, "各资金来源合计"),
        row("计入试算项目数", count(t.projects), "个", "无错误的项目"),
        row("获得贴息项目数", count(t.funded_projects), "个", "核定贴息大于0"),
    ];
    rows.extend(figure_rows(t));
    rows
}

/// docs/rules.md §7's figures.
fn figure_rows(t: &Figures) -> [[Cell<'static>; 5]; 6] {
    let dash = || Cell::text("—");
    let leverage = t.leverage.map_or_else(dash, Cell::Ratio);
    let income = t.avg_income_increase.map_or_else(dash, Cell::Yuan);
    [
        money("申请贴息", t.requested, "计入试算的项目"),
        money("核定贴息", t.granted, FUNDED),
        money("撬动贷款", t.loans_unlocked, FUNDED),
        row("撬动倍数", leverage, "倍", "撬动贷款÷核定贴息"),
        row("带动职工户数", Cell::Count(t.households), "户", FUNDED),
        row("户均增收", income, "元/户/年", "按带动户数加权"),
    ]
}

fn row<'a>(label: &'a str, value: Cell<'a>, unit: &'a str, scope: &'a str) -> [Cell<'a>; 5] {
    [Cell::text(label), value, Cell::text(unit), Cell::Blank, Cell::text(scope)]
}

fn money<'a>(label: &'a str, m: Money, scope: &'a str) -> [Cell<'a>; 5] {
    [Cell::text(label), Cell::Money(m), Cell::text("元"), Cell::WanYuan(m), Cell::text(scope)]
}
