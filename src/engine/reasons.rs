//! The reason codes of rules.md and cli.md, in the order cli.md lists them.

use serde::Serialize;

/// Why a project or loan got less than it might (cli.md `reasons`).
/// The derived order is the order cli.md prescribes when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// rules.md §5: applicant type not in `eligible_types`.
    TypeNotAllowed,
    /// rules.md §5: `require_union_member` and the applicant is not a member.
    NotUnionMember,
    /// rules.md §5: the sum of subsidies was cut to `limits.max_subsidy_per_project`.
    LimitedByProjectCap,
    /// rules.md §4: the contract number appeared on an earlier row of the round.
    DuplicateContract,
    /// rules.md §4: the contract rate on the disbursement date is above `rate.max_contract_percent`.
    RateAboveCeiling,
    /// rules.md §3.3: no day of the loan falls in the window and the term.
    NoOverlap,
    /// rules.md §3.4: the overdue rule left no eligible day.
    OverdueForfeit,
    /// rules.md §4: the subsidy was cut to the interest actually paid.
    LimitedByInterestPaid,
}

impl Reason {
    /// The code as cli.md spells it.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Reason::TypeNotAllowed => "type_not_allowed",
            Reason::NotUnionMember => "not_union_member",
            Reason::LimitedByProjectCap => "limited_by_project_cap",
            Reason::DuplicateContract => "duplicate_contract",
            Reason::RateAboveCeiling => "rate_above_ceiling",
            Reason::NoOverlap => "no_overlap",
            Reason::OverdueForfeit => "overdue_forfeit",
            Reason::LimitedByInterestPaid => "limited_by_interest_paid",
        }
    }

    /// The reason in the words of a finance office, for pages and reports.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Reason::TypeNotAllowed => "主体类型不在本年度支持范围",
            Reason::NotUnionMember => "申请人不是工会会员",
            Reason::LimitedByProjectCap => "超过单个项目贴息上限",
            Reason::DuplicateContract => "贷款合同重复申报",
            Reason::RateAboveCeiling => "合同利率超过上限",
            Reason::NoOverlap => "贴息期内无计息天数",
            Reason::OverdueForfeit => "逾期，不予贴息",
            Reason::LimitedByInterestPaid => "以实付利息为限",
        }
    }
}
