//! 资金来源 (each pool as an account, by funding source, then the money received, paid and
//! carried line by line) and 团场统计 (per regiment). Money in 元 only: a 合计 must equal
//! the sum of its column, which amounts rounded to 万元 row by row would not.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{frame, merged, set_widths, signatures, Formal, Frame, FONT};
use super::ruled::{line_height, Measure};
use super::{rate, Annual};
use crate::engine::report::accounts::{by_kind, kind_label, total, Account};
use crate::engine::report::{self, Subtotal};

const POOL_HEADERS: [&str; 12] = [
    "资金来源",
    "资金性质",
    "预算",
    "上年结转",
    "到位",
    "已核定",
    "已拨付",
    "结转下年",
    "剩余",
    "到位率（%）",
    "预算执行率（%）",
    "拨付进度（%）",
];

fn account_row<'a>(name: Cell<'a>, kind: Cell<'a>, a: &Account) -> Vec<Cell<'a>> {
    let mut row = vec![name, kind];
    row.extend([a.budget, a.carried_in, a.received, a.granted, a.paid, a.carried_out, a.remaining()].map(Cell::Money));
    row.extend([rate(a.received_rate()), rate(a.execution_rate()), rate(a.progress())]);
    row
}

/// A section's heading between the tables (（一）资金到位明细).
fn section(sheet: &mut Worksheet, row: u32, text: &str, columns: u16) -> Result<u32, XlsxError> {
    let bold = Format::new().set_font_name(FONT).set_font_size(10).set_bold();
    merged(sheet, row + 1, (0, columns - 1), text, &bold)?;
    Ok(row + 2)
}

/// 资金来源: the pools, each funding source's 小计 and the 合计; then the lines.
pub(super) fn pools(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("资金来源")?;
    let f = Formal::new(10);
    let mut accounts = Block::new(&POOL_HEADERS);
    for p in r.pools {
        accounts.row(account_row(Cell::text(&p.name), Cell::text(kind_label(p.kind)), &p.account));
    }
    for (kind, a) in by_kind(r.pools) {
        accounts.total(account_row(Cell::text(format!("{}小计", kind_label(kind))), Cell::Blank, &a));
    }
    accounts.total(account_row(Cell::text("合计"), Cell::Blank, &total(r.pools)));
    let blocks = [
        ("", accounts),
        ("（一）资金到位明细", receipts(r)),
        ("（二）资金拨付明细", payments(r)),
        ("（三）结转下年明细", carried(r)),
    ];
    let mut m = Measure::new(&f);
    for (_, b) in &blocks {
        b.measure(&mut m);
    }
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(widths.len()).unwrap_or(12);
    let title = r.title(format!("{}年度贴息资金来源及使用情况表", r.result.year));
    let mut row = frame(sheet, r.heading, &Frame { title, subtitle: r.subtitle(), unit: Some("元"), columns })?;
    for (heading, b) in &blocks {
        if !heading.is_empty() {
            row = section(sheet, row, heading, columns)?;
        }
        row = b.write(sheet, &f, row, &widths)?;
    }
    let note = "说明：剩余＝上年结转＋到位－已拨付－结转下年；到位率＝（上年结转＋到位）÷预算；\
                预算执行率＝已拨付÷预算；拨付进度＝已拨付÷已核定。";
    let wrap = Format::new().set_font_name(FONT).set_font_size(10).set_text_wrap();
    if let Some(h) = line_height(&f, widths.iter().sum(), note) {
        sheet.set_row_height(row + 1, h)?;
    }
    merged(sheet, row + 1, (0, columns - 1), note, &wrap)?;
    signatures(sheet, r.heading, row + 2, &widths)?;
    Ok(())
}

/// The money that came in: received this year, carried in from the last.
fn receipts<'a>(r: &'a Annual<'_>) -> Block<'a> {
    let mut b = Block::new(&["日期", "资金来源", "摘要", "文号", "金额", "备注"]);
    if r.receipts.is_empty() {
        b.note("（尚无到位记录）");
    }
    for x in r.receipts {
        b.row(vec![
            Cell::date(x.on),
            Cell::text(&x.pool),
            Cell::text(x.what),
            Cell::code(&x.document_no),
            Cell::Money(x.amount),
            Cell::text(&x.note),
        ]);
    }
    let sum = report::sum(r.receipts.iter().map(|x| x.amount));
    b.total(vec![Cell::text("合计"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::Money(sum)]);
    b
}

/// The money paid out: each batch and each payment before the system, with its pool split;
/// the 合计 counts what moved (paid batches and payments before the system).
fn payments<'a>(r: &'a Annual<'_>) -> Block<'a> {
    let mut headers: Vec<String> =
        ["拨付批次", "类型", "状态", "拨付日期", "凭证号", "笔数", "金额"].map(String::from).to_vec();
    headers.extend(r.pools.iter().map(|p| p.name.clone()));
    let mut b = Block::new(&headers);
    if r.payments.is_empty() {
        b.note("（尚无拨付）");
    }
    for p in r.payments {
        let mut cells = vec![
            Cell::code(&p.what),
            Cell::text(p.kind),
            Cell::text(p.state),
            Cell::date(p.paid_on),
            Cell::code(&p.voucher_no),
            p.items.map_or_else(|| Cell::text("—"), Cell::Count),
            Cell::Money(p.total),
        ];
        cells.extend(p.parts.iter().map(|m| Cell::Money(*m)));
        b.row(cells);
    }
    let moved: Vec<_> = r.payments.iter().filter(|p| p.moved()).collect();
    let mut total = vec![Cell::text("已拨付合计"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::Blank, Cell::Blank];
    total.push(Cell::Money(report::sum(moved.iter().map(|p| p.total))));
    let parts = report::column_sums(moved.iter().map(|p| p.parts.as_slice()), r.pools.len());
    total.extend(parts.into_iter().map(Cell::Money));
    b.total(total);
    b
}

/// The money carried on to the next round.
fn carried<'a>(r: &'a Annual<'_>) -> Block<'a> {
    let mut b = Block::new(&["日期", "转出", "转入", "文号", "金额"]);
    if r.carryovers.is_empty() {
        b.note("（无结转）");
    }
    for c in r.carryovers {
        b.row(vec![
            Cell::date(c.on),
            Cell::text(&c.from),
            Cell::text(&c.to),
            Cell::code(&c.document_no),
            Cell::Money(c.amount),
        ]);
    }
    let sum = report::sum(r.carryovers.iter().map(|c| c.amount));
    b.total(vec![Cell::text("合计"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::Money(sum)]);
    b
}

const UNIT_HEADERS: [&str; 10] = [
    "团场",
    "申报项目数",
    "获得贴息项目数",
    "申报带动户数",
    "带动职工户数",
    "贷款金额",
    "申请贴息",
    "已核定",
    "已拨付",
    "拨付进度（%）",
];

/// 团场统计: one row per regiment, then 合计.
pub(super) fn units(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("团场统计")?;
    let f = Formal::new(10);
    let mut b = Block::new(&UNIT_HEADERS);
    for (unit, s) in report::by_unit(r.projects, r.result, r.paid) {
        b.row(unit_row(Cell::text(unit), &s).to_vec());
    }
    b.total(unit_row(Cell::text("合计"), &report::total(r.projects, r.result, r.paid)).to_vec());
    let mut m = Measure::new(&f);
    b.measure(&mut m);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(UNIT_HEADERS.len()).unwrap_or(10);
    let title = r.title(format!("{}年度贴息项目分团场统计表", r.result.year));
    let at = frame(sheet, r.heading, &Frame { title, subtitle: r.subtitle(), unit: Some("元"), columns })?;
    sheet.set_freeze_panes(at + 1, 0)?;
    super::formal::repeat_header(sheet)?;
    let next = b.write(sheet, &f, at, &widths)?;
    signatures(sheet, r.heading, next, &widths)?;
    Ok(())
}

fn unit_row<'a>(label: Cell<'a>, s: &Subtotal) -> [Cell<'a>; 10] {
    [
        label,
        Cell::Count(s.projects),
        Cell::Count(s.funded),
        Cell::Count(s.households),
        Cell::Count(s.funded_households),
        Cell::Money(s.principal),
        Cell::Money(s.requested),
        Cell::Money(s.granted),
        Cell::Money(s.paid),
        rate(s.progress()),
    ]
}
