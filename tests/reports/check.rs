//! The checks every report must pass (issue 16), read back with calamine and from the sheet
//! XML: 合计 rows that are sums, one name one number across sheets, 资金来源 reconciled line
//! by line, and the formal layout (borders, fonts, the full name, the signature line, a
//! page's width) with the printed PDF's smallest line.

use std::collections::HashMap;

use calamine::Data;
use rust_decimal::Decimal;

use super::support::{cell, dec, rows, sheet_names};
use super::{render, xml};

/// The division's full name in the reports' headings.
pub const DIVISION: &str = "新疆生产建设兵团第十三师新星市总工会";

/// The header row (the first whose first cell is `first`) and the rows below it, up to the
/// first row whose first cell is empty (the end of the table).
pub fn table(bytes: &[u8], sheet: &str, first: &str) -> Vec<Vec<Data>> {
    let all = rows(bytes, sheet);
    let at = all.iter().position(|r| cell(r, 0) == first).unwrap_or_else(|| panic!("{sheet}: no header {first}"));
    all[at..].iter().take_while(|r| !cell(r, 0).is_empty()).cloned().collect()
}

/// The value of a 汇总 row by its label.
pub fn figure(bytes: &[u8], label: &str) -> Decimal {
    let t = table(bytes, "汇总", "指标");
    dec(&t.iter().find(|r| cell(r, 0) == label).unwrap_or_else(|| panic!("no row {label}"))[1])
}

fn is_rate(header: &str) -> bool {
    header.contains('率') || header.contains("进度")
}

/// Every numeric column of the data rows (not 小计) sums to the first 合计 row, exactly.
pub fn totals_add_up(bytes: &[u8], sheet: &str, first: &str) -> usize {
    let t = table(bytes, sheet, first);
    let total = t.iter().position(|r| cell(r, 0) == "合计").unwrap_or_else(|| panic!("{sheet}: no 合计"));
    let mut checked = 0;
    for (col, value) in t[total].iter().enumerate().skip(1) {
        let Data::Float(_) = value else { continue };
        if is_rate(&cell(&t[0], col)) {
            continue;
        }
        let data = t[1..total].iter().filter(|r| !cell(r, 0).ends_with("小计"));
        let sum: Decimal = data.map(|r| dec(&r[col])).sum();
        assert_eq!(sum, dec(value), "{sheet}: column {} (合计 {value})", cell(&t[0], col));
        checked += 1;
    }
    assert!(checked > 0, "{sheet}: the 合计 row has numbers");
    checked
}

/// One name, one number: every 汇总 figure that another sheet's 合计 (or the last row of
/// 历年累计: this round's own columns in an annual report, the 累计 ones in a cumulative
/// report) names the same, rates by the name before （%）, has the same value. Returns how
/// many were compared.
pub fn agree(bytes: &[u8]) -> usize {
    let summary: HashMap<String, Decimal> = table(bytes, "汇总", "指标")
        .iter()
        .skip(1)
        .filter(|r| matches!(r.get(1), Some(Data::Float(_))))
        .map(|r| (cell(r, 0), dec(&r[1])))
        .collect();
    let mut compared = 0;
    let mut compare = |sheet: &str, header: &str, value: &Data| {
        let name = header.trim_end_matches("（%）");
        if let (Some(want), Data::Float(_)) = (summary.get(name), value) {
            assert_eq!(dec(value), *want, "{sheet} {header} against 汇总 {name}");
            compared += 1;
        }
    };
    for (sheet, header, value) in named(bytes) {
        compare(&sheet, &header, &value);
    }
    compared
}

/// Every (sheet, name, value) that may repeat a 汇总 figure.
fn named(bytes: &[u8]) -> Vec<(String, String, Data)> {
    let names = sheet_names(bytes);
    let annual = names.iter().any(|n| n == "项目明细");
    let mut out = Vec::new();
    for (sheet, first) in [("资金来源", "资金来源"), ("团场统计", "团场"), ("项目明细", "序号")] {
        if names.iter().any(|n| n == sheet) {
            let t = table(bytes, sheet, first);
            let total = t.iter().find(|r| cell(r, 0) == "合计").expect("合计");
            out.extend(total.iter().enumerate().map(|(col, v)| (sheet.to_string(), cell(&t[0], col), v.clone())));
        }
    }
    let years = table(bytes, "历年累计", "年度");
    for (col, value) in years.last().expect("a year").iter().enumerate() {
        let header = cell(&years[0], col);
        let name = match header.strip_prefix("累计") {
            Some(name) if !annual => name.to_string(),
            None if annual && !header.contains("万元") => header,
            _ => continue,
        };
        out.push(("历年累计".into(), name, value.clone()));
    }
    if annual {
        let loans = rows(bytes, "贷款明细");
        let line = loans.iter().find(|r| cell(r, 0) == "申请贴息").expect("申请贴息 under 贷款明细");
        let amount = line.iter().rev().find(|d| matches!(d, Data::Float(_))).expect("an amount");
        out.push(("贷款明细".into(), "申请贴息".into(), amount.clone()));
    }
    out
}

/// 资金来源 reconciles line by line: 上年结转 + 到位 − 已拨付 − 结转下年 = 剩余 on every line;
/// the lines received, paid and carried add up to the pools' columns.
pub fn reconciles(bytes: &[u8]) {
    let t = table(bytes, "资金来源", "资金来源");
    let col = |name: &str| t[0].iter().position(|h| *h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (carried_in, received, paid, out, left) =
        (col("上年结转"), col("到位"), col("已拨付"), col("结转下年"), col("剩余"));
    let end = t.iter().position(|r| cell(r, 0) == "合计").expect("合计");
    for r in &t[1..=end] {
        assert_eq!(
            dec(&r[carried_in]) + dec(&r[received]) - dec(&r[paid]) - dec(&r[out]),
            dec(&r[left]),
            "{}",
            cell(r, 0)
        );
    }
    let pools: Vec<&Vec<Data>> = t[1..end].iter().filter(|r| !cell(r, 0).ends_with("小计")).collect();
    let all = rows(bytes, "资金来源");
    let lines = table(bytes, "资金来源", "日期");
    for p in &pools {
        let name = cell(p, 0);
        let sum = |what: &str| -> Decimal {
            lines.iter().filter(|r| cell(r, 1) == name && cell(r, 2) == what).map(|r| dec(&r[4])).sum()
        };
        assert_eq!(sum("本年到位"), dec(&p[received]), "{name}: 到位 line by line");
        assert_eq!(sum("上年结转"), dec(&p[carried_in]), "{name}: 上年结转 line by line");
    }
    let payments = table(bytes, "资金来源", "拨付批次");
    let moved = payments.iter().find(|r| cell(r, 0) == "已拨付合计").expect("已拨付合计");
    for p in &pools {
        let at = payments[0].iter().position(|h| h.to_string() == cell(p, 0)).expect("a column per pool");
        assert_eq!(dec(&moved[at]), dec(&p[paid]), "{}: 已拨付 line by line", cell(p, 0));
    }
    let carried = all.iter().rev().find(|r| cell(r, 0) == "合计").expect("结转 合计");
    assert_eq!(dec(&carried[4]), dec(&t[end][out]), "结转下年 line by line");
}

/// The printable width of A4 landscape with 0.3 inch margins, in pixels at 96 dpi.
const PAGE_PIXELS: Decimal = Decimal::from_parts(1065, 0, 0, false, 0);

/// The formal layout of each sheet named (`made_on`: the date it says it was made, in
/// Chinese), then the printed report (its first page kept as
/// `<name>.png`): no font under 9 pt, printed no smaller.
pub fn formal(bytes: &[u8], name: &str, sheets: &[&str], made_on: &str) {
    let styles = xml::styles(bytes);
    assert!(styles.fonts.iter().all(|s| *s >= Decimal::from(9)), "no font below 9 pt: {:?}", styles.fonts);
    for sheet in sheets {
        layout(bytes, &styles, sheet, made_on);
    }
    if let Some(printed) = render::print(bytes, name) {
        // 9 pt Arial and CJK lines are 10.4 pt tall as printed; a page shrunk to fit is less.
        assert!(
            printed.smallest_line >= Decimal::new(102, 1),
            "{name}: text printed at {} pt lines",
            printed.smallest_line
        );
        assert!(printed.text.contains(DIVISION), "{name}: the full name is printed");
    }
}

fn layout(bytes: &[u8], styles: &xml::Styles, sheet: &str, made_on: &str) {
    let all = rows(bytes, sheet);
    let xml_text = xml::sheet(bytes, sheet);
    assert!(xml::merged(&xml_text).iter().any(|m| m.starts_with("A1:")), "{sheet}: the title is merged over the table");
    assert_eq!(cell(&all[2], 0), format!("填报单位（盖章）：{DIVISION}"), "{sheet}: the full name");
    let text: Vec<String> = all.iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(
        text.iter().any(|t| t.starts_with("单位负责人：")
            && t.contains("财务负责人：")
            && t.contains("审核人：")
            && t.contains("制表人：李梅")),
        "{sheet}: the signature line"
    );
    assert!(
        text.iter().any(|t| t.contains("报出日期：") && t.contains("年") && t.ends_with("日")),
        "{sheet}: 年 月 日"
    );
    assert!(text.iter().any(|t| t.contains(&format!("制表日期：{made_on}"))), "{sheet}: the date in Chinese");
    // A column's XML width includes its padding; `LibreOffice` prints 7.41 px a unit (Arial 10).
    let widths: Decimal = xml::column_widths(&xml_text).iter().map(|w| w * Decimal::new(741, 2)).sum();
    assert!(widths <= PAGE_PIXELS, "{sheet}: the table fits the page's width ({widths} px)");
    borders(&xml_text, styles, sheet);
}

/// Every cell of every table has a border: rows with a bordered cell come in blocks (a
/// table), and each row of a block is bordered from the first column to the block's last.
fn borders(sheet_xml: &str, styles: &xml::Styles, sheet: &str) {
    let cells = xml::cell_styles(sheet_xml);
    let ranges = xml::bordered_ranges(sheet_xml, styles);
    let last_row = cells.keys().map(|(r, _)| *r).max().unwrap_or(0);
    let last_col = cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
    let bordered = |at| xml::has_border(&cells, &ranges, styles, at);
    let mut width: Option<u32> = None;
    let mut checked = 0;
    for row in 0..=last_row {
        let cols: Vec<u32> = (0..=last_col).filter(|c| bordered((row, *c))).collect();
        let Some(last) = cols.last().copied() else {
            width = None;
            continue;
        };
        let w = *width.get_or_insert(last);
        for col in 0..=w {
            assert!(bordered((row, col)), "{sheet}: row {} column {} has no border", row + 1, col + 1);
            checked += 1;
        }
    }
    assert!(checked > 0, "{sheet}: a bordered table");
}
