//! The columns of workbook.md: keys, canonical headers, synonyms, and header matching.

/// One column of the Loans or Events sheet (workbook.md "Columns" and "Events").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub header: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
    /// Project-level: must agree across the rows of one project (workbook.md).
    pub project_level: bool,
}

const fn col(key: &'static str, header: &'static str, synonyms: &'static [&'static str], required: bool) -> Column {
    Column { key, header, synonyms, required, project_level: true }
}

const fn loan_col(
    key: &'static str,
    header: &'static str,
    synonyms: &'static [&'static str],
    required: bool,
) -> Column {
    Column { key, header, synonyms, required, project_level: false }
}

/// workbook.md "Columns", in the template's order.
pub const LOAN_COLUMNS: &[Column] = &[
    col("project_no", "项目编号", &["编号"], false),
    col("unit", "团场", &["单位", "所属单位", "所属团场"], true),
    col("project_name", "项目名称", &["示范项目名称"], true),
    col("applicant_type", "主体类型", &["申报主体类型", "类型"], true),
    col("org_name", "主体名称", &["合作社名称", "企业名称"], false),
    col("credit_code", "统一社会信用代码", &["信用代码"], false),
    col("leader", "负责人", &["法定代表人", "申请人", "姓名"], true),
    col("id_number", "身份证号", &["身份证号码", "公民身份号码"], true),
    col("phone", "联系电话", &["手机号", "电话"], false),
    col("union_member", "是否工会会员", &["工会会员"], false),
    col("industry", "行业", &["行业类别"], false),
    col("households", "带动职工户数", &["带动户数"], true),
    col("hardship_households", "困难职工户数", &["其中困难职工户数"], false),
    col("radiated_households", "辐射带动户数", &[], false),
    col("income_increase", "户均增收", &["户均年增收"], false),
    loan_col("bank", "贷款银行", &["经办银行"], false),
    loan_col("contract_no", "贷款合同编号", &["合同编号", "借款合同号"], true),
    loan_col("principal", "贷款金额", &["贷款额度", "放款金额"], true),
    loan_col("rate", "年利率", &["贷款利率", "执行利率"], true),
    loan_col("disbursed_on", "放款日期", &["贷款发放日", "起贷日期"], true),
    loan_col("maturity_on", "到期日期", &["贷款到期日"], true),
    loan_col("settled_on", "结清日期", &[], false),
    loan_col("interest_paid", "已付利息", &["实付利息"], false),
    col("score", "评审得分", &["得分"], false),
    col("note", "备注", &[], false),
];

/// workbook.md "Events".
pub const EVENT_COLUMNS: &[Column] = &[
    loan_col("contract_no", "贷款合同编号", &["合同编号"], true),
    loan_col("date", "日期", &["发生日期"], true),
    loan_col("kind", "事项", &["类型"], true),
    loan_col("amount", "金额", &["还款金额"], false),
    loan_col("rate", "年利率", &["调整后利率"], false),
    loan_col("extended_to", "展期至", &["展期到期日"], false),
];

/// A header as written, split into its name and its unit (workbook.md "The header row"):
/// spaces removed, full-width characters folded, a trailing `（万元）` or `(%)` taken off.
/// A required-mark (`*身份证号`, `身份证号※`) is not part of the name either.
#[must_use]
pub fn split_header(raw: &str) -> (String, Option<String>) {
    let folded: String = super::cells::fold_width(raw).chars().filter(|c| !c.is_whitespace()).collect();
    let folded = folded.trim_matches(['*', '※']);
    if let Some(stripped) = folded.strip_suffix(')') {
        if let Some(open) = stripped.rfind('(') {
            let unit = stripped[open + 1..].trim_start_matches("单位:");
            return (stripped[..open].trim_matches(['*', '※']).to_string(), Some(unit.to_string()));
        }
    }
    (folded.to_string(), None)
}

/// The column a header names, if any.
#[must_use]
pub fn find<'a>(columns: &'a [Column], header: &str) -> Option<&'a Column> {
    let (name, _) = split_header(header);
    columns.iter().find(|c| c.header == name || c.synonyms.contains(&name.as_str()))
}

/// Whether the header is the column's own name rather than a synonym: when a sheet has
/// both `项目编号` and `编号`, the own name wins.
#[must_use]
pub fn is_own_name(column: &Column, header: &str) -> bool {
    split_header(header).0 == column.header
}

/// workbook.md "Money": the columns whose header may carry 元 or 万元.
#[must_use]
pub fn is_money(key: &str) -> bool {
    matches!(key, "principal" | "interest_paid" | "income_increase" | "amount")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_after_spaces_and_units_are_removed() {
        for (raw, key, unit) in [
            ("贷款金额（万元）", "principal", Some("万元")),
            ("贷 款金额（元）", "principal", Some("元")),
            ("年利率(%)", "rate", Some("%")),
            ("公民身份号码", "id_number", None),
            ("评 审得分", "score", None),
            ("*身份证号", "id_number", None),
            ("贷款金额\n（单位：万元）", "principal", Some("万元")),
            ("户均增收(元/户)", "income_increase", Some("元/户")),
            ("ＩＤ", "", None),
        ] {
            assert_eq!(find(LOAN_COLUMNS, raw).map_or("", |c| c.key), key, "{raw}");
            assert_eq!(split_header(raw).1.as_deref(), unit, "{raw}");
        }
        assert!(find(LOAN_COLUMNS, "备注二").is_none());
        assert!(find(LOAN_COLUMNS, "联系人").is_none());
    }
}
