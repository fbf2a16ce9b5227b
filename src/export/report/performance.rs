//! 绩效自评表 (issue 16): each indicator with its target, the actual (computed by the engine
//! where the round's figures give it, else typed by staff), its weight, its score, whether
//! it was met and, where it was not, the reason staff gave; then the 合计 and the grade.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{frame, merged, set_widths, signatures, Formal, Frame, FONT};
use super::ruled::Measure;
use super::Annual;
use crate::engine::performance::Evaluation;

const HEADERS: [&str; 11] = [
    "序号",
    "绩效指标",
    "单位",
    "方向",
    "年度目标值",
    "实际完成值",
    "数据来源",
    "分值",
    "得分",
    "完成情况",
    "偏差原因",
];

/// 绩效自评表.
pub(super) fn sheet(book: &mut Workbook, r: &Annual<'_>) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("绩效自评表")?;
    let formal = Formal::new(10);
    let mut block = Block::new(&HEADERS);
    let evaluation = r.performance.filter(|e| !e.lines.is_empty());
    match evaluation {
        None => block.note("（本年度尚未设置绩效目标）"),
        Some(e) => lines(&mut block, e),
    }
    let mut measure = Measure::new(&formal);
    block.measure(&mut measure);
    let widths = measure.fit();
    set_widths(sheet, &widths)?;
    let columns = u16::try_from(HEADERS.len()).unwrap_or(11);
    let title = r.title(format!("{}年度职工自主创业示范项目贷款贴息绩效自评表", r.result.year));
    let at = frame(sheet, r.heading, &Frame { title, subtitle: r.subtitle(), unit: None, columns })?;
    let mut next = block.write(sheet, &formal, at, &widths)?;
    if let Some(e) = evaluation {
        let line = Format::new().set_font_name(FONT).set_font_size(10).set_bold();
        let grade = format!("自评结论：得分 {} 分（满分 {} 分），等级：{}", e.score, e.weight.normalize(), e.grade);
        merged(sheet, next + 1, (0, columns - 1), &grade, &line)?;
        next += 1;
    }
    signatures(sheet, r.heading, next, &widths)?;
    Ok(())
}

/// The indicators' lines and the 合计.
fn lines<'a>(b: &mut Block<'a>, e: &'a Evaluation) {
    for (i, l) in e.lines.iter().enumerate() {
        let t = &l.target;
        let source = if t.indicator.computed() { "系统计算" } else { "填报" };
        let met = match l.met {
            Some(true) => "达成",
            Some(false) => "未达成",
            None => "未填报",
        };
        let reason = match (l.met, t.reason.trim()) {
            (Some(false) | None, "") => "（未填写）",
            (_, reason) => reason,
        };
        b.row(vec![
            super::count(i + 1),
            Cell::text(&t.name),
            Cell::text(&t.unit),
            Cell::text(t.direction.sign()),
            Cell::Ratio(t.target),
            l.actual.map_or(Cell::text("—"), Cell::Ratio),
            Cell::text(source),
            Cell::Ratio(t.weight),
            Cell::Ratio(l.score),
            Cell::text(met),
            Cell::text(reason),
        ]);
    }
    let mut total = vec![Cell::text("合计")];
    total.extend(std::iter::repeat_n(Cell::Blank, 6));
    total.extend([Cell::Ratio(e.weight), Cell::Ratio(e.score)]);
    b.total(total);
}
