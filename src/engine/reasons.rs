//! The reason codes of docs/rules.md and docs/cli.md, in the order docs/cli.md lists them.

use serde::Serialize;

/// Why a project or loan got less than it might (docs/cli.md `reasons`).
/// The derived order is the order docs/cli.md prescribes when several apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// docs/rules.md §5: applicant type not in `eligible_types`.
    TypeNotAllowed,
    /// docs/rules.md §5: `require_union_member` and the applicant is not a member.
    NotUnionMember,
    /// docs/rules.md §5: the sum of subsidies was cut to `limits.max_subsidy_per_project`.
    LimitedByProjectCap,
    /// docs/rules.md §9: the applicant was granted in `limits.max_rounds_per_applicant` earlier rounds.
    RoundLimitReached,
    /// docs/rules.md §9: the request was cut to what `limits.max_subsidy_per_applicant_total` leaves.
    LimitedByApplicantTotal,
    /// docs/rules.md §4: the contract number appeared on an earlier row of the round.
    DuplicateContract,
    /// docs/rules.md §4: the contract rate on the disbursement date is above `rate.max_contract_percent`.
    RateAboveCeiling,
    /// docs/rules.md §3.3: no day of the loan falls in the window and the term.
    NoOverlap,
    /// docs/rules.md §9: days already subsidised for the contract in another round were removed.
    AlreadySubsidised,
    /// docs/rules.md §3.4: the overdue rule left no eligible day.
    OverdueForfeit,
    /// docs/rules.md §9: a reviewer excluded the loan (核减).
    ExcludedByReview,
    /// docs/rules.md §4: the subsidy was cut to the interest actually paid.
    LimitedByInterestPaid,
    /// docs/rules.md §9: the subsidy was cut to the bank's certified interest.
    LimitedByCertifiedInterest,
    /// docs/rules.md §9: the subsidy was cut to the amount a reviewer allowed (核减).
    LimitedByReview,
}

impl Reason {
    /// The code as docs/cli.md spells it.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Reason::TypeNotAllowed => "type_not_allowed",
            Reason::NotUnionMember => "not_union_member",
            Reason::LimitedByProjectCap => "limited_by_project_cap",
            Reason::RoundLimitReached => "round_limit_reached",
            Reason::LimitedByApplicantTotal => "limited_by_applicant_total",
            Reason::DuplicateContract => "duplicate_contract",
            Reason::RateAboveCeiling => "rate_above_ceiling",
            Reason::NoOverlap => "no_overlap",
            Reason::AlreadySubsidised => "already_subsidised",
            Reason::OverdueForfeit => "overdue_forfeit",
            Reason::ExcludedByReview => "excluded_by_review",
            Reason::LimitedByInterestPaid => "limited_by_interest_paid",
            Reason::LimitedByCertifiedInterest => "limited_by_certified_interest",
            Reason::LimitedByReview => "limited_by_review",
        }
    }

    /// The reason in the words of a finance office, for pages and reports.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Reason::TypeNotAllowed => "主体类型不在本年度支持范围",
            Reason::NotUnionMember => "负责人不是工会会员",
            Reason::LimitedByProjectCap => "超过单个项目贴息上限",
            Reason::RoundLimitReached => "获贴息年度数已达上限",
            Reason::LimitedByApplicantTotal => "超过同一申报主体累计贴息上限",
            Reason::DuplicateContract => "贷款合同重复申报",
            Reason::RateAboveCeiling => "合同利率超过上限",
            Reason::NoOverlap => "贴息期内无计息天数",
            Reason::AlreadySubsidised => "部分天数已在其他年度贴息",
            Reason::OverdueForfeit => "逾期，不予贴息",
            Reason::ExcludedByReview => "审核核减：不予贴息",
            Reason::LimitedByInterestPaid => "以已付利息为限",
            Reason::LimitedByCertifiedInterest => "以银行结息额为限",
            Reason::LimitedByReview => "审核核减：以核减后金额为限",
        }
    }
}
