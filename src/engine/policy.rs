//! A round's policy (docs/rules.md §2), already validated: every value inside is usable.
//!
//! Reading the TOML is `import::policy`; this module only holds and checks the values.

use rust_decimal::Decimal;
use serde::Serialize;

use super::dates::{DayCount, Interval};
use super::money::Money;
use super::project::ApplicantType;

/// docs/rules.md §2 and §4: how the subsidised rate follows from the contract rate.
/// All values are annual percentages (`4.35` is 4.35%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum RateMode {
    /// `min(r, cap) × share`
    Cap { cap_percent: Decimal, share_percent: Decimal },
    /// `r × share`
    Share { share_percent: Decimal },
    /// `max(0, r − borrower)`
    BorrowerFloor { borrower_percent: Decimal },
}

impl RateMode {
    /// docs/rules.md §4: the subsidised rate `s`, in percent, for a contract rate `r` in percent.
    #[must_use]
    pub fn subsidised(self, r: Decimal) -> Decimal {
        match self {
            RateMode::Cap { cap_percent, share_percent } => r.min(cap_percent) * share_percent / Decimal::ONE_HUNDRED,
            RateMode::Share { share_percent } => r * share_percent / Decimal::ONE_HUNDRED,
            RateMode::BorrowerFloor { borrower_percent } => (r - borrower_percent).max(Decimal::ZERO),
        }
    }
}

/// The subsidised rate of each contract rate met so far: a round has few distinct rates,
/// and `RateMode::subsidised` is decimal arithmetic. Keyed by the exact representation,
/// so that `4.35` and `4.350` keep their own scale.
#[derive(Debug, Default)]
pub(crate) struct Rates {
    seen: Vec<([u8; 16], Decimal)>,
}

impl Rates {
    const MOST: usize = 64;

    pub(crate) fn subsidised(&mut self, mode: RateMode, rate: Decimal) -> Decimal {
        let key = rate.serialize();
        if let Some((_, s)) = self.seen.iter().find(|(k, _)| *k == key) {
            return *s;
        }
        let s = mode.subsidised(rate);
        if self.seen.len() < Self::MOST {
            self.seen.push((key, s));
        }
        s
    }
}

/// docs/rules.md §3.4: what an overdue period does to a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverdueRule {
    /// No day on or after the first overdue start earns subsidy.
    #[default]
    FromFirstOverdue,
    /// The overdue days are removed.
    ExcludeDays,
    /// The loan earns nothing.
    ForfeitLoan,
}

/// docs/rules.md §6: how grants are made when requests exceed the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Allocation {
    /// 按比例, largest remainders.
    ProRata,
    /// 按排序 by review score; `partial_last`: the first project that does not fit gets what is left.
    Priority { partial_last: bool },
}

impl Allocation {
    /// The rule an allocation run is stored under (`allocations.rule`).
    #[must_use]
    pub fn rule(self) -> AllocationRule {
        match self {
            Allocation::ProRata => AllocationRule::ProRata,
            Allocation::Priority { .. } => AllocationRule::Priority,
        }
    }
}

/// The rule of a stored allocation run, without its options: its code, as the audit trail
/// and the API answer it, and its one label (docs/glossary.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AllocationRule {
    ProRata,
    Priority,
}

impl AllocationRule {
    pub const ALL: [AllocationRule; 2] = [AllocationRule::ProRata, AllocationRule::Priority];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            AllocationRule::ProRata => "pro_rata",
            AllocationRule::Priority => "priority",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            AllocationRule::ProRata => "按比例",
            AllocationRule::Priority => "按评审得分排序",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<AllocationRule> {
        AllocationRule::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// docs/rules.md §2 `pools.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    /// 项目资金: money granted from above.
    Funded,
    /// 自筹 / 配套: matching money.
    Matched,
}

impl PoolKind {
    pub const ALL: [PoolKind; 2] = [PoolKind::Funded, PoolKind::Matched];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            PoolKind::Funded => "funded",
            PoolKind::Matched => "matched",
        }
    }

    /// Where the money comes from (上级资金), not whether it arrived (docs/glossary.md).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PoolKind::Funded => "上级资金",
            PoolKind::Matched => "配套资金",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<PoolKind> {
        PoolKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One budget pool of a round. `amount` is what remains to be granted when the engine runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pool {
    pub name: String,
    pub kind: PoolKind,
    pub amount: Money,
}

/// A round's policy (docs/rules.md §2), every default applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub year: i32,
    pub name: String,
    pub window: Interval,
    pub day_count: DayCount,
    pub rate: RateMode,
    pub max_contract_percent: Option<Decimal>,
    pub term_months: u32,
    /// By `ApplicantType::index()`: the most principal of one project that earns subsidy.
    pub principal_cap: [Option<Money>; 4],
    pub max_subsidy_per_project: Option<Money>,
    pub eligible_types: Vec<ApplicantType>,
    pub require_union_member: bool,
    pub overdue: OverdueRule,
    pub subsidize_extensions: bool,
    pub allocation: Allocation,
    pub pools: Vec<Pool>,
    /// docs/rules.md §10: the shortest 公示 in days, start and end included; 0 needs none.
    pub publicity_days: u32,
    /// docs/rules.md §2 `evidence.*`: what a project needs before it can be paid.
    pub evidence: Evidence,
    /// docs/rules.md §9: an applicant granted in this many earlier rounds is not eligible.
    pub max_rounds_per_applicant: Option<u32>,
    /// docs/rules.md §9: the most one applicant may be granted across all rounds.
    pub max_subsidy_per_applicant_total: Option<Money>,
}

/// docs/rules.md §2 `evidence.interest_statement`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatementRule {
    /// The bank's statement caps a subsidy when there is one; payment does not wait for it.
    #[default]
    Optional,
    /// Every loan with subsidy needs certified interest before its project can be paid.
    Required,
}

/// docs/rules.md §2 `evidence.*`: the evidence a project needs before it can be paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Evidence {
    pub interest_statement: StatementRule,
    /// Document categories every project must have, accepted, before it can be paid.
    pub documents: Vec<String>,
}

/// Why a policy cannot be used; each names the field it concerns (the policy file's own
/// field names, docs/policy.md) and says in Chinese what to write instead: division staff
/// read these on the round form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("缺少 {0}，该项必须填写")]
    Missing(&'static str),
    #[error("rate.mode = \"borrower_floor\" 时必须填写 rate.borrower_percent（借款人自付利率）")]
    MissingBorrowerPercent,
    #[error("{field} 应为{expected}，实际为 {found}")]
    Invalid { field: String, expected: String, found: String },
    #[error("window.start（{start}）必须早于 window.end（{end}），且贴息期不超过约十年")]
    EmptyWindow { start: String, end: String },
    #[error("pools：至少需要一个资金池")]
    NoPools,
    #[error("pools：资金池名称“{0}”重复")]
    DuplicatePool(String),
    #[error("{0}")]
    Syntax(String),
}

impl Policy {
    /// docs/rules.md §6: the budget `Bud`, the sum of the pools' remaining amounts.
    #[must_use]
    pub fn budget(&self) -> Money {
        self.pools.iter().map(|p| p.amount).sum()
    }

    /// The principal cap `C` for an applicant type (docs/rules.md §4).
    #[must_use]
    pub fn principal_cap_for(&self, t: ApplicantType) -> Option<Money> {
        self.principal_cap[t.index()]
    }

    /// docs/rules.md §4 / §8: the policy of the worked examples, and the defaults of §2.
    #[must_use]
    pub fn example(year: i32) -> Policy {
        Policy {
            year,
            name: format!("{year}年度"),
            window: Interval::new(super::dates::new_year(year), super::dates::new_year(year + 1)),
            day_count: DayCount::Act360,
            rate: RateMode::Cap { cap_percent: Decimal::from(5), share_percent: Decimal::ONE_HUNDRED },
            max_contract_percent: None,
            term_months: 36,
            principal_cap: [None; 4],
            max_subsidy_per_project: None,
            eligible_types: ApplicantType::ALL.to_vec(),
            require_union_member: true,
            overdue: OverdueRule::FromFirstOverdue,
            subsidize_extensions: false,
            allocation: Allocation::ProRata,
            pools: vec![],
            publicity_days: 5,
            evidence: Evidence::default(),
            max_rounds_per_applicant: None,
            max_subsidy_per_applicant_total: None,
        }
    }
}
