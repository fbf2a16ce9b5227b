//! The sheet 填表说明: for each column of workbook.md, its header, the other headers that
//! are also read, whether it must be filled in, and what to write, in the words of a
//! regiment's union office.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::super::applicant;
use super::super::sheet::{Cell, Styles};
use super::super::table::Table;
use super::{EVENTS_SHEET, LOANS_SHEET};
use crate::import::columns::{Column, EVENT_COLUMNS, LOAN_COLUMNS};

/// What to write in a column, by its key (workbook.md "Columns" and "Events").
fn what(sheet: &str, key: &str) -> &'static str {
    match (sheet, key) {
        (_, "project_no") => "项目编号；同一项目的多笔贷款填写相同编号。不填时按身份证号和项目名称归并为一个项目",
        (_, "unit") => "所属团场名称",
        (_, "project_name") => "示范项目名称",
        (_, "applicant_type") => "从下拉列表选择：合作社、小微企业、个体工商户、个人",
        (_, "org_name") => "合作社或企业名称；主体类型为“个人”时可不填",
        (_, "credit_code") => "18位统一社会信用代码，以文本格式填写",
        (_, "leader") => "负责人或法定代表人姓名",
        (_, "id_number") => "18位身份证号，以文本格式填写（末位 X 大写）；不要以数字格式录入，否则后几位会丢失",
        (_, "phone") => "11位手机号，或带区号的固定电话",
        (_, "union_member") => "是 或 否；本年度要求工会会员时必须填写",
        (_, "industry") => "行业类别，如 种植业、养殖业、商贸服务",
        (_, "households") => "带动职工户数，不小于0的整数",
        (_, "hardship_households") => "其中困难职工户数，不小于0的整数",
        (_, "radiated_households") => "辐射带动户数，不小于0的整数",
        (_, "income_increase") => "户均年增收，单位元；表头写“（万元）”时按万元填写",
        (_, "bank") => "经办银行名称",
        (s, "contract_no") if s == EVENTS_SHEET => "须与申报汇总表中的贷款合同编号一致",
        (_, "contract_no") => "贷款合同编号，每笔贷款一行，同一编号不得重复申报",
        (_, "principal") => "贷款金额，单位元，最多2位小数；表头写“（万元）”时按万元填写",
        (s, "rate") if s == EVENTS_SHEET => "利率调整后的年利率，如 4.35 或 4.35%",
        (_, "rate") => "合同年利率，如 4.35 或 4.35%，须大于0且不超过24",
        (_, "disbursed_on") => "放款日期，如 2024-03-15",
        (_, "maturity_on") => "合同到期日期，须晚于放款日期",
        (_, "settled_on") => "已结清的填写结清日期，未结清不填",
        (_, "interest_paid") => "贴息年度内实际支付的利息，单位元；不填则不以实付利息为限",
        (_, "score") => "评审得分，按得分排序分配时使用",
        (_, "note") => "其他需要说明的情况",
        (_, "date") => "事项发生日期，如 2024-06-30",
        (_, "kind") => "从下拉列表选择：还款、利率调整、逾期开始、逾期结束、展期",
        (_, "amount") => "事项为“还款”时填写还款金额，单位元",
        (_, "extended_to") => "事项为“展期”时填写展期后的到期日期",
        _ => "",
    }
}

/// Whether a column must be filled in, as a person reads it.
fn required(c: &Column) -> &'static str {
    match c.key {
        "org_name" => "除个人外必填",
        "union_member" => "视年度政策",
        "amount" | "rate" | "extended_to" if !c.required => "视事项",
        _ if c.required => "是",
        _ => "否",
    }
}

/// How a workbook is filled in, beyond the columns.
const NOTES: &[&str] = &[
    "每笔贷款填写一行；一个项目有多笔贷款时，项目信息在每一行都填写（或合并单元格）。",
    "表头行请勿修改；列的顺序可以调整，不认识的列会原样保留在备注中。",
    "金额默认单位为元；日期可写成 2024-03-15、2024/3/15 或 2024年3月15日。",
    "还款、利率调整、逾期和展期填写在“还款及变更”工作表，每个事项一行。",
];

/// Write the guide: one row per column of both sheets, then the general notes.
pub(super) fn write(sheet: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    let headers = ["工作表", "列名", "也可写作", "是否必填", "填写说明"].map(String::from);
    let mut table = Table::new(sheet, styles, &headers)?;
    for (name, columns) in [(LOANS_SHEET, LOAN_COLUMNS), (EVENTS_SHEET, EVENT_COLUMNS)] {
        for c in columns {
            table.row(&[
                Cell::text(name),
                Cell::text(applicant::header(c)),
                Cell::text(c.synonyms.join("、")),
                Cell::text(required(c)),
                Cell::text(what(name, c.key)),
            ])?;
        }
    }
    table.total(&[])?;
    for note in NOTES {
        table.total(&[Cell::text("说明"), Cell::Blank, Cell::Blank, Cell::Blank, Cell::text(*note)])?;
    }
    table.finish(false)
}
