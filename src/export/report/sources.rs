//! 分资金来源 of the cumulative report: each round's money by funding source (上级补助资金,
//! 自筹配套资金), then each source's 合计 and the 总计 across the rounds. The rates are those
//! of every sheet (`engine::report::accounts`); money carried from one round to the next is
//! the annual report's 资金来源's matter.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{frame, set_widths, signatures, Formal, Frame};
use super::history::Titles;
use super::rate;
use super::ruled::Measure;
use crate::engine::report::accounts::{by_kind, kind_label, Account, PoolAccount};
use crate::engine::report::YearFigures;
use crate::engine::PoolKind;

const HEADERS: [&str; 9] =
    ["年度", "资金性质", "预算", "到位", "已核定", "已拨付", "到位率（%）", "预算执行率（%）", "拨付进度（%）"];

fn row<'a>(year: Cell<'a>, kind: Cell<'a>, a: &Account) -> Vec<Cell<'a>> {
    let mut row = vec![year, kind];
    row.extend([a.budget, a.received, a.granted, a.paid].map(Cell::Money));
    row.extend([rate(a.received_rate()), rate(a.execution_rate()), rate(a.progress())]);
    row
}

/// 分资金来源; `sources[i]` are the pools of `history[i]`'s round.
pub(super) fn sheet(
    book: &mut Workbook,
    t: &Titles<'_>,
    history: &[YearFigures],
    sources: &[Vec<PoolAccount>],
) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("分资金来源")?;
    let f = Formal::new(10);
    let mut b = Block::new(&HEADERS);
    let mut totals: Vec<(PoolKind, Account)> = Vec::new();
    for (y, pools) in history.iter().zip(sources) {
        let year = u64::try_from(y.year).unwrap_or_default();
        for (kind, a) in by_kind(pools) {
            b.row(row(Cell::Count(year), Cell::text(kind_label(kind)), &a));
            match totals.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, sum)) => *sum = *sum + a,
                None => totals.push((kind, a)),
            }
        }
    }
    totals.sort_by_key(|(k, _)| *k == PoolKind::Matched);
    for (kind, a) in &totals {
        b.total(row(Cell::text("合计"), Cell::text(kind_label(*kind)), a));
    }
    let all = totals.iter().fold(Account::default(), |sum, (_, a)| sum + *a);
    b.total(row(Cell::text("总计"), Cell::Blank, &all));
    let mut m = Measure::new(&f);
    b.measure(&mut m);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(HEADERS.len()).unwrap_or(9);
    let (first, last) = (history.first().map_or(0, |y| y.year), history.last().map_or(0, |y| y.year));
    let title = t.title(format!("{first}—{last}年贴息资金分资金来源情况表"));
    let at = frame(sheet, t.heading, &Frame { title, subtitle: t.subtitle.clone(), unit: Some("元"), columns })?;
    sheet.set_freeze_panes(at + 1, 0)?;
    super::formal::repeat_header(sheet)?;
    let next = b.write(sheet, &f, at, &widths)?;
    signatures(sheet, t.heading, next, &widths)?;
    Ok(())
}
