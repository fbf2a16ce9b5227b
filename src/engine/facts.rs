//! docs/rules.md §9: facts from outside the workbook (a reviewer's cuts, the banks' interest
//! statements, the grants of earlier rounds), as inputs of the engine. The engine never
//! fetches them: storage, a file or a test hands them in, so it stays pure.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::Interval;
use super::money::Money;

mod history;
pub use history::{EarlierGrant, Granted, History, Subsidised};

/// Everything from outside the workbook that the rules of §9 need; empty by default, in
/// which case [`super::compute_with`] is [`super::compute`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Review cuts (核减), by contract number.
    pub cuts: HashMap<String, Cut>,
    /// The banks' statement lines (银行结息清单), by contract number.
    pub statements: HashMap<String, Vec<StatementLine>>,
    /// What other rounds subsidised and granted.
    pub history: History,
}

impl Facts {
    /// The cut of a contract, if a reviewer made one. Cheap when there are no cuts at all,
    /// as in most rounds.
    #[must_use]
    pub fn cut(&self, contract_no: &str) -> Option<&Cut> {
        if self.cuts.is_empty() {
            return None;
        }
        self.cuts.get(contract_no)
    }

    /// The statement lines of a contract, if a bank sent any.
    #[must_use]
    pub fn statement(&self, contract_no: &str) -> Option<&[StatementLine]> {
        if self.statements.is_empty() {
            return None;
        }
        self.statements.get(contract_no).map(Vec::as_slice)
    }

    /// docs/rules.md §9: the certified interest of a contract for the round's window, if its
    /// bank's statement has a line with a day inside the window.
    #[must_use]
    pub fn certified(&self, window: Interval, contract_no: &str) -> Option<Money> {
        if self.statements.is_empty() {
            return None;
        }
        super::certified::certified(window, self.statement(contract_no)?)
    }
}

/// docs/rules.md §9: a reviewer's cut of one loan, always with a reason from the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cut {
    pub limit: CutLimit,
    pub reason: CutReason,
    /// The reviewer's words; required with [`CutReason::Other`].
    pub text: String,
}

/// What a cut does to the loan's subsidy. In JSON `"excluded"` or `{"amount": "1234.50"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutLimit {
    /// Subsidy 0 (`excluded_by_review`).
    Excluded,
    /// Subsidy at most this amount (`limited_by_review` when it binds).
    Amount(Money),
}

/// docs/rules.md §9: the reasons a reviewer may give for a cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutReason {
    /// 材料不全
    MaterialsIncomplete,
    /// 贷款用途不符
    PurposeMismatch,
    /// 逾期未还
    Overdue,
    /// 非本年度贷款
    NotThisYear,
    /// 其他 (with text)
    Other,
}

impl CutReason {
    pub const ALL: [CutReason; 5] = [
        CutReason::MaterialsIncomplete,
        CutReason::PurposeMismatch,
        CutReason::Overdue,
        CutReason::NotThisYear,
        CutReason::Other,
    ];

    /// The reason as the list in docs/rules.md §9 words it; also how the cuts file spells it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            CutReason::MaterialsIncomplete => "材料不全",
            CutReason::PurposeMismatch => "贷款用途不符",
            CutReason::Overdue => "逾期未还",
            CutReason::NotThisYear => "非本年度贷款",
            CutReason::Other => "其他",
        }
    }

    /// The stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            CutReason::MaterialsIncomplete => "materials_incomplete",
            CutReason::PurposeMismatch => "purpose_mismatch",
            CutReason::Overdue => "overdue",
            CutReason::NotThisYear => "not_this_year",
            CutReason::Other => "other",
        }
    }

    /// From its label or its code.
    #[must_use]
    pub fn parse(s: &str) -> Option<CutReason> {
        let s = s.trim();
        CutReason::ALL.into_iter().find(|r| r.label() == s || r.code() == s)
    }
}

/// docs/rules.md §9: one row of a bank's interest statement: the normal interest paid for the
/// period `[from, to]`, both days included. Penalty and compound interest never count,
/// so they are not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub from: NaiveDate,
    /// The last day of the period, included.
    pub to: NaiveDate,
    pub paid: Money,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cut in JSON as an audit row or an API keeps it: its limit and reason by code.
    #[test]
    fn a_cut_reads_back_from_its_json() {
        for text in [
            r#"{"limit": "excluded", "reason": "materials_incomplete", "text": ""}"#,
            r#"{"limit": {"amount": "1234.50"}, "reason": "other", "text": "复核后核定"}"#,
        ] {
            let cut: Cut = serde_json::from_str(text).unwrap();
            let again: Cut = serde_json::from_str(&serde_json::to_string(&cut).unwrap()).unwrap();
            assert_eq!(again, cut);
        }
        let cut: Cut =
            serde_json::from_str(r#"{"limit": {"amount": "1.50"}, "reason": "overdue", "text": ""}"#).unwrap();
        assert_eq!((cut.limit, cut.reason), (CutLimit::Amount(Money::from_fen(150)), CutReason::Overdue));
    }
}
