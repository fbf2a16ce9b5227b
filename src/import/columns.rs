//! The columns of docs/workbook.md as data: one enum (`Key`) naming every column of the Loans
//! and Events sheets, and one table (`COLUMNS`) of their keys, headers, synonyms, kinds,
//! need and the template's guide text. The importer, the template, the annotated
//! workbook, the sample generator and the tests' workbook builders all read this table;
//! code that treats a column specially matches on `Key`, exhaustively.

/// What a column's cells hold: how they are read (`rows`, `events`) and written
/// (`export::applicant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text: trimmed, half-width, inner spaces made one.
    Text,
    /// An identifier (项目编号, 贷款合同编号): text without spaces.
    Code,
    /// 身份证号 (GB 11643).
    IdNumber,
    /// 统一社会信用代码 (GB 32100).
    CreditCode,
    /// 银行账号: digits, spaces and dashes dropped.
    Account,
    Phone,
    /// 合作社, 小微企业, 个体工商户, 个人.
    ApplicantType,
    /// 是/否.
    YesNo,
    /// A whole number ≥ 0 (户数).
    Count,
    Money,
    Percent,
    Date,
    /// A plain number (评审得分).
    Number,
    /// 还款, 利率调整, 逾期开始, 逾期结束, 展期.
    EventKind,
}

impl Kind {
    /// docs/workbook.md "Reading values": a code column, where a number of 16 or more digits
    /// has lost its last digits (Excel keeps 15).
    #[must_use]
    pub const fn is_code(self) -> bool {
        matches!(self, Kind::Code | Kind::IdNumber | Kind::CreditCode | Kind::Account)
    }
}

/// Whether a value must be there (docs/workbook.md "Columns", "required").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// On every row (or project), and the column must be in the sheet.
    Always,
    /// 主体名称: unless the applicant is a 个人.
    UnlessIndividual,
    /// 是否工会会员: where the round requires members.
    WhenMembersRequired,
    /// A value of the Events sheet that one 事项 needs (还款 its 金额, …).
    ByEventKind,
    Optional,
}

impl Need {
    /// How the template's guide says it.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Need::Always => "是",
            Need::UnlessIndividual => "除个人外必填",
            Need::WhenMembersRequired => "视年度政策",
            Need::ByEventKind => "视事项",
            Need::Optional => "否",
        }
    }
}

/// Where a column's value belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The Loans sheet, the same on every row of a project (docs/workbook.md).
    Project,
    /// The Loans sheet, one value per loan.
    Loan,
    /// The Events sheet.
    Event,
    /// A bank's interest statement (docs/workbook.md "Interest statements"), its own workbook.
    Statement,
}

/// One column of the Loans or Events sheet: a row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub id: Key,
    /// The key of docs/workbook.md (`id_number`), as errors and JSON name it.
    pub key: &'static str,
    /// The canonical header (the template's, without its unit).
    pub header: &'static str,
    /// Other headers that name the column.
    pub synonyms: &'static [&'static str],
    pub kind: Kind,
    pub need: Need,
    pub level: Level,
    /// What to write, in the template's 填表说明.
    pub guide: &'static str,
    /// `need` is `Always` (kept as a field for the application form's views).
    pub required: bool,
    /// `level` is `Project`: must agree across the rows of one project (docs/workbook.md).
    pub project_level: bool,
}

macro_rules! columns {
    ($($id:ident $key:literal $level:ident $need:ident $kind:ident $header:literal [$($syn:literal),*] $guide:literal;)*) => {
        /// Every column of docs/workbook.md, in the template's order: the Loans sheet's, then
        /// the Events sheet's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key {
            $($id),*
        }

        /// The table: `COLUMNS[key as usize]` is the column of `key`.
        pub const COLUMNS: &[Column] = &[$(Column {
            id: Key::$id,
            key: $key,
            header: $header,
            synonyms: &[$($syn),*],
            kind: Kind::$kind,
            need: Need::$need,
            level: Level::$level,
            guide: $guide,
            required: matches!(Need::$need, Need::Always),
            project_level: matches!(Level::$level, Level::Project),
        }),*];
    };
}

columns! {
    ProjectNo "project_no" Project Optional Code "项目编号" ["编号"]
        "项目编号；同一项目的多笔贷款填写相同编号。不填时按身份证号和项目名称归并为一个项目。以文本格式填写";
    Unit "unit" Project Always Text "团场" ["单位", "所属单位", "所属团场"] "所属团场名称";
    ProjectName "project_name" Project Always Text "项目名称" ["示范项目名称"] "示范项目名称";
    ApplicantType "applicant_type" Project Always ApplicantType "主体类型" ["申报主体类型", "类型"]
        "从下拉列表选择：合作社、小微企业、个体工商户、个人";
    OrgName "org_name" Project UnlessIndividual Text "主体名称" ["合作社名称", "企业名称"]
        "合作社或企业名称；主体类型为“个人”时可不填";
    CreditCode "credit_code" Project Optional CreditCode "统一社会信用代码" ["信用代码"]
        "18位统一社会信用代码，以文本格式填写";
    Leader "leader" Project Always Text "负责人" ["法定代表人", "申请人", "姓名"] "负责人或法定代表人姓名";
    IdNumber "id_number" Project Always IdNumber "身份证号" ["身份证号码", "公民身份号码"]
        "18位身份证号，以文本格式填写（末位 X 大写）；不要以数字格式录入，否则后几位会丢失";
    Phone "phone" Project Optional Phone "联系电话" ["手机号", "电话"] "11位手机号，或带区号的固定电话";
    UnionMember "union_member" Project WhenMembersRequired YesNo "是否工会会员" ["工会会员"]
        "是 或 否；本年度要求工会会员时必须填写";
    Industry "industry" Project Optional Text "行业" ["行业类别"] "行业类别，如 种植业、养殖业、商贸服务";
    Households "households" Project Always Count "带动职工户数" ["带动户数"] "带动职工户数，不小于0的整数";
    HardshipHouseholds "hardship_households" Project Optional Count "困难职工户数" ["其中困难职工户数"]
        "其中困难职工户数，不小于0的整数";
    RadiatedHouseholds "radiated_households" Project Optional Count "辐射带动户数" [] "辐射带动户数，不小于0的整数";
    IncomeIncrease "income_increase" Project Optional Money "户均增收" ["户均年增收"]
        "户均年增收，单位元；表头写“（万元）”时按万元填写";
    Bank "bank" Loan Optional Text "贷款银行" ["经办银行"] "经办银行名称";
    ContractNo "contract_no" Loan Always Code "贷款合同编号" ["合同编号", "借款合同号"]
        "贷款合同编号，以文本格式填写；每笔贷款一行，同一编号不得重复申报";
    Principal "principal" Loan Always Money "贷款金额" ["贷款额度", "放款金额"]
        "贷款金额，单位元，最多2位小数；表头写“（万元）”时按万元填写";
    Rate "rate" Loan Always Percent "年利率" ["贷款利率", "执行利率"] "合同年利率，如 4.35 或 4.35%，须大于0且不超过24";
    DisbursedOn "disbursed_on" Loan Always Date "放款日期" ["贷款发放日", "起贷日期"] "放款日期，如 2024-03-15";
    MaturityOn "maturity_on" Loan Always Date "到期日期" ["贷款到期日"] "合同到期日期，须晚于放款日期";
    SettledOn "settled_on" Loan Optional Date "结清日期" [] "已结清的填写结清日期，未结清不填";
    InterestPaid "interest_paid" Loan Optional Money "已付利息" ["实付利息"]
        "贴息年度内实际支付的利息，单位元；不填则不以已付利息为限";
    PayeeName "payee_name" Project Optional Text "收款户名" ["收款人", "账户名称"]
        "贴息资金的收款账户户名，同一项目各行相同";
    PayeeBank "payee_bank" Project Optional Text "开户银行" ["收款银行", "开户行"] "收款账户的开户银行，如 农业银行哈密分行";
    PayeeAccount "payee_account" Project Optional Account "银行账号" ["收款账号", "账号"]
        "收款银行账号，8至30位数字，以文本格式填写（可含空格或短横线）；不要以数字格式录入，否则后几位会丢失";
    Score "score" Project Optional Number "评审得分" ["得分"] "评审得分，按得分排序分配时使用";
    Note "note" Project Optional Text "备注" [] "其他需要说明的情况";
    EventContractNo "contract_no" Event Always Code "贷款合同编号" ["合同编号"] "须与申报汇总表中的贷款合同编号一致";
    EventDate "date" Event Always Date "日期" ["发生日期"] "事项发生日期，如 2024-06-30";
    EventKind "kind" Event Always EventKind "事项" ["类型"] "从下拉列表选择：还款、利率调整、逾期开始、逾期结束、展期";
    EventAmount "amount" Event ByEventKind Money "金额" ["还款金额"] "事项为“还款”时填写还款金额，单位元";
    EventRate "rate" Event ByEventKind Percent "年利率" ["调整后利率"] "利率调整后的年利率，如 4.35 或 4.35%";
    EventExtendedTo "extended_to" Event ByEventKind Date "展期至" ["展期到期日"] "事项为“展期”时填写展期后的到期日期";
    StatementContractNo "contract_no" Statement Always Code "贷款合同编号" ["合同编号", "借款合同号"]
        "须与本年度申报的贷款合同编号一致";
    StatementFrom "from" Statement Always Date "计息起日" ["起息日", "结息起日"] "计息期间的第一天";
    StatementTo "to" Statement Always Date "计息止日" ["止息日", "结息止日", "结息日"] "计息期间的最后一天（含当天）";
    StatementPaid "paid" Statement Always Money "实收利息" ["正常利息", "已收利息", "实付利息"]
        "该期间借款人实际支付的正常利息，单位元";
    StatementPenalty "penalty" Statement Optional Money "罚息" ["罚息及复利", "复利"] "罚息及复利，不予贴息";
    StatementBank "bank" Statement Optional Text "银行" ["经办银行"] "出具结息清单的银行";
}

/// The first column of `level` in the table, which holds the Loans sheet's columns, then
/// the Events sheet's, then the interest statement's.
const fn first_of(level: Level) -> usize {
    let mut n = 0;
    while n < COLUMNS.len() && COLUMNS[n].level as u8 != level as u8 {
        n += 1;
    }
    n
}

const LOANS_COUNT: usize = first_of(Level::Event);
const EVENTS_END: usize = first_of(Level::Statement);

/// docs/workbook.md "Columns", in the template's order.
pub const LOANS: &[Column] = COLUMNS.split_at(LOANS_COUNT).0;
/// docs/workbook.md "Events".
pub const EVENTS: &[Column] = COLUMNS.split_at(EVENTS_END).0.split_at(LOANS_COUNT).1;
/// docs/workbook.md "Interest statements".
pub const STATEMENTS: &[Column] = COLUMNS.split_at(EVENTS_END).1;
/// The Events sheet's columns (the name the web's form uses).
pub const EVENT_COLUMNS: &[Column] = EVENTS;

const fn is_payee(id: Key) -> bool {
    matches!(id, Key::PayeeName | Key::PayeeBank | Key::PayeeAccount)
}

const FORM_COUNT: usize = {
    let (mut i, mut n) = (0, 0);
    while i < LOANS.len() {
        if !is_payee(LOANS[i].id) {
            n += 1;
        }
        i += 1;
    }
    n
};

const FORM: [Column; FORM_COUNT] = {
    let mut out = [LOANS[0]; FORM_COUNT];
    let (mut i, mut n) = (0, 0);
    while i < LOANS.len() {
        if !is_payee(LOANS[i].id) {
            out[n] = LOANS[i];
            n += 1;
        }
        i += 1;
    }
    out
};

/// The Loans sheet's columns that the web's application form shows as project and loan
/// fields: all but the payee's, which the form asks for on its own. Everything that reads
/// or writes a workbook uses `LOANS`.
pub const LOAN_COLUMNS: &[Column] = &FORM;

impl Key {
    /// The column's row of the table.
    #[must_use]
    pub const fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }

    /// The key of docs/workbook.md (`id_number`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        self.column().key
    }
}

/// The `'static` key of docs/workbook.md equal to `key`, if any column has it.
#[must_use]
pub fn static_key(key: &str) -> Option<&'static str> {
    COLUMNS.iter().map(|c| c.key).find(|k| *k == key)
}

/// A header as written, split into its name and its unit (docs/workbook.md "The header row"):
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

/// docs/workbook.md "Money": the columns whose header may carry 元 or 万元.
#[must_use]
pub fn is_money(column: &Column) -> bool {
    column.kind == Kind::Money
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_its_keys_and_split_by_sheet() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.id as usize, i, "{}", c.key);
            assert_eq!(c.id.column().key, c.key);
            assert_eq!((c.required, c.project_level), (c.need == Need::Always, c.level == Level::Project));
        }
        assert!(LOANS.iter().all(|c| c.level != Level::Event));
        assert!(EVENTS.iter().all(|c| c.level == Level::Event));
        assert!(STATEMENTS.iter().all(|c| c.level == Level::Statement));
        assert_eq!(LOANS.len() + EVENTS.len() + STATEMENTS.len(), COLUMNS.len());
        assert_eq!(LOAN_COLUMNS.len() + 3, LOANS.len());
        assert!(LOAN_COLUMNS.iter().all(|c| !is_payee(c.id)));
        for sheet in [LOANS, EVENTS, STATEMENTS] {
            let mut names: Vec<&str> =
                sheet.iter().flat_map(|c| std::iter::once(c.header).chain(c.synonyms.iter().copied())).collect();
            let all = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), all, "a header names one column of a sheet");
        }
    }

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
            ("收款账号", "payee_account", None),
            ("开户行", "payee_bank", None),
            ("ＩＤ", "", None),
        ] {
            assert_eq!(find(LOANS, raw).map_or("", |c| c.key), key, "{raw}");
            assert_eq!(split_header(raw).1.as_deref(), unit, "{raw}");
        }
        assert!(find(LOANS, "备注二").is_none());
        assert!(find(LOANS, "联系人").is_none());
    }
}
