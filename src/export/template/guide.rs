//! The sheet 填表说明: for each column of docs/workbook.md, its header, the other headers that
//! are also read, whether it must be filled in, and what to write, in the words of a
//! regiment's union office.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::super::applicant;
use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::{EVENTS_SHEET, LOANS_SHEET};
use crate::import::columns::{EVENTS, LOANS};

/// How a workbook is filled in, beyond the columns.
const NOTES: &[&str] = &[
    "每笔贷款填写一行；一个项目有多笔贷款时，项目信息在每一行都填写（或合并单元格）。",
    "表头行请勿修改；列的顺序可以调整，不认识的列会原样保留在备注中。",
    "金额默认单位为元；日期可写成 2024-03-15、2024/3/15、2024年3月15日 或 20240315。",
    "贷款合同编号、项目编号、统一社会信用代码、身份证号和银行账号请以文本格式填写：存成数字时 Excel 只保留15位，后几位会丢失。",
    "收款户名、开户银行、银行账号是贴息资金的收款账户，同一项目各行应相同。",
    "还款、利率调整、逾期和展期填写在“还款及变更”工作表，每个事项一行。",
];

/// Write the guide: one row per column of both sheets, then the general notes.
pub(super) fn write(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    let headers = ["工作表", "列名", "也可写作", "是否必填", "填写说明"].map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?;
    for (name, columns) in [(LOANS_SHEET, LOANS), (EVENTS_SHEET, EVENTS)] {
        for c in columns {
            table.row(&[
                Cell::text(name),
                Cell::text(applicant::header(c)),
                Cell::text(c.synonyms.join("、")),
                Cell::text(c.need.label()),
                Cell::text(c.guide),
            ])?;
        }
    }
    table.total(&[])?;
    for note in NOTES {
        table.total(&[Cell::text("说明"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::text(*note)])?;
    }
    table.finish(false)
}
