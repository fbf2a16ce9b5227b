//! The pools as accounts (issue 16): what each pool was budgeted, what money was received
//! into it (到位) or carried into it from the last round (上年结转), what was granted and
//! paid from it, what was carried on to the next round (结转下年), and what is left.
//!
//! The identity every report line keeps (资金来源 reconciles line by line):
//! 剩余 = 上年结转 + 到位 − 已拨付 − 结转下年.
//! What may still be carried on is what is left beyond the grants not yet paid:
//! 可结转 = 上年结转 + 到位 − 已核定 − 结转下年.

use std::ops::Add;

use rust_decimal::Decimal;

use super::percent;
use crate::engine::{Money, PoolKind};

/// A line of a pool's account (到位, 结转, 历史拨付): never edited, a wrong one is cancelled,
/// and only an active line counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    Active,
    Cancelled,
}

impl LineState {
    pub const ALL: [LineState; 2] = [LineState::Active, LineState::Cancelled];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            LineState::Active => "active",
            LineState::Cancelled => "cancelled",
        }
    }

    /// The words of a grant line's state (docs/glossary.md): 有效, 已撤销.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            LineState::Active => "有效",
            LineState::Cancelled => "已撤销",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<LineState> {
        LineState::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The amounts of one pool, or of several added up (a funding source's 小计, the 合计).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Account {
    /// 预算: the policy's amount.
    pub budget: Money,
    /// 上年结转: carried in from a pool of the last round.
    pub carried_in: Money,
    /// 到位: received (receipts that are not cancelled).
    pub received: Money,
    /// 已核定: granted on the books.
    pub granted: Money,
    /// 已拨付: paid batches and payments made before the system (历史拨付).
    pub paid: Money,
    /// 结转下年: carried on to a pool of the next round.
    pub carried_out: Money,
}

impl Account {
    /// 资金到位合计: what came into the pool.
    #[must_use]
    pub fn available(&self) -> Money {
        self.carried_in + self.received
    }

    /// 剩余 = 上年结转 + 到位 − 已拨付 − 结转下年: the money the pool still holds.
    #[must_use]
    pub fn remaining(&self) -> Money {
        self.available() - self.paid - self.carried_out
    }

    /// 可结转: the money held beyond the grants still to be paid.
    #[must_use]
    pub fn uncommitted(&self) -> Money {
        self.available() - self.granted - self.carried_out
    }

    /// 未核定预算 = 预算 − 已核定: what may still be granted.
    #[must_use]
    pub fn unallocated(&self) -> Money {
        self.budget - self.granted
    }

    /// 到位率 = (上年结转 + 到位) ÷ 预算.
    #[must_use]
    pub fn received_rate(&self) -> Option<Decimal> {
        percent(self.available(), self.budget)
    }

    /// 预算执行率 = 已拨付 ÷ 预算.
    #[must_use]
    pub fn execution_rate(&self) -> Option<Decimal> {
        percent(self.paid, self.budget)
    }

    /// 拨付进度 = 已拨付 ÷ 已核定.
    #[must_use]
    pub fn progress(&self) -> Option<Decimal> {
        percent(self.paid, self.granted)
    }
}

impl Add for Account {
    type Output = Account;
    fn add(self, o: Account) -> Account {
        Account {
            budget: self.budget + o.budget,
            carried_in: self.carried_in + o.carried_in,
            received: self.received + o.received,
            granted: self.granted + o.granted,
            paid: self.paid + o.paid,
            carried_out: self.carried_out + o.carried_out,
        }
    }
}

/// One pool as an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolAccount {
    pub name: String,
    pub kind: PoolKind,
    pub account: Account,
}

/// The accounts of several pools added up.
#[must_use]
pub fn total<'a>(pools: impl IntoIterator<Item = &'a PoolAccount>) -> Account {
    pools.into_iter().fold(Account::default(), |sum, p| sum + p.account)
}

/// The pools added up by funding source (资金性质), 上级 first, then 自筹配套; a source
/// without a pool is left out.
#[must_use]
pub fn by_kind(pools: &[PoolAccount]) -> Vec<(PoolKind, Account)> {
    [PoolKind::Funded, PoolKind::Matched]
        .into_iter()
        .filter(|k| pools.iter().any(|p| p.kind == *k))
        .map(|k| (k, total(pools.iter().filter(|p| p.kind == k))))
        .collect()
}

/// What the reports call a funding source.
#[must_use]
pub fn kind_label(kind: PoolKind) -> &'static str {
    kind.label()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(values: [i64; 6]) -> Account {
        let [budget, carried_in, received, granted, paid, carried_out] = values.map(Money::from_fen);
        Account { budget, carried_in, received, granted, paid, carried_out }
    }

    #[test]
    fn remaining_is_what_came_in_less_what_went_out() {
        let a = account([700_000, 100_000, 500_000, 550_000, 400_000, 0]);
        assert_eq!(a.remaining(), Money::from_fen(200_000));
        assert_eq!(a.uncommitted(), Money::from_fen(50_000));
        assert_eq!(a.unallocated(), Money::from_fen(150_000));
        assert_eq!(a.received_rate().map(|r| r.to_string()), Some("85.71".into()));
        assert_eq!(a.execution_rate().map(|r| r.to_string()), Some("57.14".into()));
        assert_eq!(a.progress().map(|r| r.to_string()), Some("72.73".into()));
        assert_eq!(Account::default().progress(), None);
    }

    #[test]
    fn sources_are_summed_apart_and_together() {
        let pools = [
            PoolAccount { name: "甲".into(), kind: PoolKind::Matched, account: account([1, 0, 1, 1, 1, 0]) },
            PoolAccount { name: "乙".into(), kind: PoolKind::Funded, account: account([10, 0, 10, 5, 2, 3]) },
            PoolAccount { name: "丙".into(), kind: PoolKind::Funded, account: account([20, 4, 10, 5, 2, 0]) },
        ];
        let kinds = by_kind(&pools);
        assert_eq!(kinds.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [PoolKind::Funded, PoolKind::Matched]);
        assert_eq!(kinds[0].1, account([30, 4, 20, 10, 4, 3]));
        assert_eq!(total(&pools), kinds[0].1 + kinds[1].1);
        assert_eq!(total(&pools).remaining(), Money::from_fen(4 + 21 - 5 - 3));
    }
}
