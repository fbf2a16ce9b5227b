//! The engine's inputs (a project with its loans and their events) and docs/rules.md §5,
//! the request of one project.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::compact;
use super::money::Money;
use super::policy::Policy;
use super::reasons::Reason;

/// docs/rules.md §2: the four applicant types (主体类型).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantType {
    Cooperative,
    Enterprise,
    IndividualBusiness,
    Individual,
}

impl ApplicantType {
    pub const ALL: [ApplicantType; 4] = [
        ApplicantType::Cooperative,
        ApplicantType::Enterprise,
        ApplicantType::IndividualBusiness,
        ApplicantType::Individual,
    ];

    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The English code of docs/rules.md (`individual_business`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ApplicantType::Cooperative => "cooperative",
            ApplicantType::Enterprise => "enterprise",
            ApplicantType::IndividualBusiness => "individual_business",
            ApplicantType::Individual => "individual",
        }
    }

    /// The Chinese name the workbook uses (合作社).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ApplicantType::Cooperative => "合作社",
            ApplicantType::Enterprise => "小微企业",
            ApplicantType::IndividualBusiness => "个体工商户",
            ApplicantType::Individual => "个人",
        }
    }

    /// Either the code or the Chinese name.
    #[must_use]
    pub fn parse(s: &str) -> Option<ApplicantType> {
        ApplicantType::ALL.into_iter().find(|t| t.code() == s || t.label() == s)
    }
}

/// What the engine does not compute with but every report shows about the applicant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub unit: String,
    pub org_name: String,
    pub credit_code: String,
    pub leader: String,
    pub id_number: String,
    pub phone: String,
    pub industry: String,
    pub hardship_households: Option<u32>,
    pub radiated_households: Option<u32>,
    pub note: String,
    /// Unknown columns of the workbook, kept as written (docs/workbook.md): (header, value).
    pub extra: Vec<(String, String)>,
}

/// A dated event of a loan (docs/rules.md §3, docs/workbook.md "Events"). In JSON it is
/// `{"kind": "repayment", "value": "100.00"}`; in a binary format (the parser's answer,
/// `import::isolate`) a plain enum, as those formats cannot read a tag by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// 还款: the balance falls by the amount from this date on.
    Repayment(Money),
    /// 利率调整: the new contract rate in percent from this date on.
    RateChange(Decimal),
    /// 逾期开始
    OverdueStart,
    /// 逾期结束: the overdue period ends the day before.
    OverdueEnd,
    /// 展期: the new maturity date.
    Extension(NaiveDate),
}

// Deliberately like EventKind above, TaggedKind and PlainKind below mirror it (engine/project.rs): serde's `remote` needs the variants spelled out once per format.
#[derive(Serialize, Deserialize)]
#[serde(remote = "EventKind", tag = "kind", content = "value", rename_all = "snake_case")]
enum TaggedKind {
    Repayment(Money),
    RateChange(Decimal),
    OverdueStart,
    OverdueEnd,
    Extension(NaiveDate),
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "EventKind")]
enum PlainKind {
    Repayment(Money),
    RateChange(#[serde(with = "compact::decimal")] Decimal),
    OverdueStart,
    OverdueEnd,
    Extension(#[serde(with = "compact::date")] NaiveDate),
}

impl Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            TaggedKind::serialize(self, s)
        } else {
            PlainKind::serialize(self, s)
        }
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            TaggedKind::deserialize(d)
        } else {
            PlainKind::deserialize(d)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(with = "compact::date")]
    pub on: NaiveDate,
    pub kind: EventKind,
}

/// One loan (one row of the Loans sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loan {
    pub contract_no: String,
    pub bank: String,
    pub principal: Money,
    /// The contract rate in percent (`4.35`).
    #[serde(with = "compact::decimal")]
    pub rate: Decimal,
    #[serde(with = "compact::date")]
    pub disbursed_on: NaiveDate,
    #[serde(with = "compact::date")]
    pub maturity_on: NaiveDate,
    #[serde(default, with = "compact::optional_date")]
    pub settled_on: Option<NaiveDate>,
    pub interest_paid: Option<Money>,
    pub events: Vec<Event>,
    /// The row the loan came from, as Excel shows it (0 when not from a workbook).
    pub row: u32,
}

/// One applicant's demonstration project (docs/rules.md §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// docs/cli.md: the 项目编号, else `身份证号/项目名称`.
    pub key: String,
    pub name: String,
    pub applicant_type: ApplicantType,
    /// `None` when the workbook left it blank.
    pub union_member: Option<bool>,
    pub households: u32,
    /// 户均增收, 元 per household per year.
    pub income_increase: Option<Money>,
    /// 评审得分, for `priority` grants.
    #[serde(default, with = "compact::optional_decimal")]
    pub score: Option<Decimal>,
    pub applicant: Applicant,
    pub loans: Vec<Loan>,
}

/// docs/rules.md §5: the project-level reasons that make a project ineligible.
#[must_use]
pub fn ineligibility(policy: &Policy, project: &Project) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if !policy.eligible_types.contains(&project.applicant_type) {
        reasons.push(Reason::TypeNotAllowed);
    }
    if policy.require_union_member && project.union_member != Some(true) {
        reasons.push(Reason::NotUnionMember);
    }
    reasons
}

/// docs/rules.md §5: the request is the sum of the loans' subsidies, at most the project cap.
/// Returns the request and whether the cap bound.
#[must_use]
pub fn request(policy: &Policy, subsidies: Money) -> (Money, bool) {
    match policy.max_subsidy_per_project {
        Some(cap) if subsidies > cap => (cap, true),
        _ => (subsidies, false),
    }
}

/// docs/rules.md §4: the project factor `f = min(1, C / ΣP)`, as (C, ΣP) when it is below 1.
#[must_use]
pub fn principal_factor(policy: &Policy, project: &Project, counted_principal: Money) -> Option<(Money, Money)> {
    let cap = policy.principal_cap_for(project.applicant_type)?;
    (counted_principal > cap).then_some((cap, counted_principal))
}
