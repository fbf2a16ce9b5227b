//! The sums and ratios the reports show (issues 6 and 16): column totals, per-regiment
//! totals, the two rates of a grant (预算执行率, 拨付进度), each project's result, the
//! cut between a project's loans and its request, the year-by-year cumulative figures of
//! docs/rules.md §7, and the pools as accounts (`accounts`). Exports only render these; a 合计
//! is a number computed here, never a formula a reader must recalculate.
//!
//! One name, one definition, on every sheet:
//! - 申报带动户数: Σ households of the projects counted in the round;
//! - 带动职工户数: Σ households of the projects granted above 0 (docs/rules.md §7);
//! - 预算执行率 = 已拨付 ÷ 预算; 拨付进度 = 已拨付 ÷ 已核定; 到位率 = (上年结转 + 到位) ÷ 预算.

pub mod accounts;

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::figures::{Figures, Tally};
use super::money::Money;
use super::project::Project;
use super::{ProjectResult, RoundResult};

/// What a group of projects adds up to (a 合计 row, a regiment's line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subtotal {
    pub projects: u64,
    /// Projects with a grant above 0.
    pub funded: u64,
    /// 申报带动户数: every project's households.
    pub households: u64,
    /// 带动职工户数: the households of the projects with a grant above 0.
    pub funded_households: u64,
    /// Σ principals of the projects' loans as written (each row, not docs/rules.md §7's unlocked).
    pub principal: Money,
    pub requested: Money,
    pub granted: Money,
    pub paid: Money,
}

impl Subtotal {
    /// Add one project, its result and what was paid to it.
    pub fn add(&mut self, project: &Project, result: &ProjectResult, paid: Money) {
        let funded = result.granted.is_positive();
        self.projects += 1;
        self.funded += u64::from(funded);
        self.households += u64::from(project.households);
        if funded {
            self.funded_households += u64::from(project.households);
        }
        self.principal += project.loans.iter().map(|l| l.principal).sum();
        self.requested += result.requested;
        self.granted += result.granted;
        self.paid += paid;
    }

    /// 拨付进度 of the group: 已拨付 ÷ 已核定.
    #[must_use]
    pub fn progress(&self) -> Option<Decimal> {
        percent(self.paid, self.granted)
    }
}

/// The projects of a round summed (the 合计 of 项目明细); `paid[i]` belongs to `projects[i]`.
#[must_use]
pub fn total(projects: &[Project], result: &RoundResult, paid: &[Money]) -> Subtotal {
    let mut t = Subtotal::default();
    for ((p, r), paid) in projects.iter().zip(&result.projects).zip(paid) {
        t.add(p, r, *paid);
    }
    t
}

/// 团场统计: the projects summed per regiment (团场), by name.
#[must_use]
pub fn by_unit(projects: &[Project], result: &RoundResult, paid: &[Money]) -> Vec<(String, Subtotal)> {
    let mut units: BTreeMap<&str, Subtotal> = BTreeMap::new();
    for ((p, r), paid) in projects.iter().zip(&result.projects).zip(paid) {
        units.entry(p.applicant.unit.as_str()).or_default().add(p, r, *paid);
    }
    units.into_iter().map(|(u, s)| (u.to_string(), s)).collect()
}

/// The loans of a round summed (the 合计 of 贷款明细), and what the projects' own limits
/// took off them: Σ subsidies − `cut` = Σ requests of 项目明细.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoanSubtotal {
    pub loans: u64,
    pub principal: Money,
    pub computed: Money,
    pub subsidy: Money,
    pub cut: Money,
}

/// Every loan of the round summed, each row as written.
#[must_use]
pub fn loan_total(projects: &[Project], result: &RoundResult) -> LoanSubtotal {
    let mut t = LoanSubtotal::default();
    for (p, r) in projects.iter().zip(&result.projects) {
        for (loan, lr) in p.loans.iter().zip(&r.loans) {
            t.loans += 1;
            t.principal += loan.principal;
            t.computed += lr.computed;
            t.subsidy += lr.subsidy;
        }
        t.cut += cut(r);
    }
    t
}

/// What a project's own limits (docs/rules.md §5 每项目上限, and §9) took off the sum of its
/// loans' subsidies to make its request: 0 for most projects.
#[must_use]
pub fn cut(r: &ProjectResult) -> Money {
    r.loans.iter().map(|l| l.subsidy).sum::<Money>() - r.requested
}

/// `part ÷ whole` in percent, half-up to 2 decimals (`66.67`); none when `whole` is not
/// above 0 (a rate of nothing is not 0%).
#[must_use]
pub fn percent(part: Money, whole: Money) -> Option<Decimal> {
    whole.is_positive().then(|| round2(Decimal::from(part.fen()) * Decimal::ONE_HUNDRED / Decimal::from(whole.fen())))
}

/// Half-up to 2 decimals, keeping both (`100.00`).
pub(crate) fn round2(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Column totals of rows of amounts (the 合计 of a payment list's pool split).
#[must_use]
pub fn column_sums<'a>(rows: impl IntoIterator<Item = &'a [Money]>, width: usize) -> Vec<Money> {
    let mut sums = vec![Money::ZERO; width];
    for row in rows {
        for (sum, m) in sums.iter_mut().zip(row) {
            *sum += *m;
        }
    }
    sums
}

/// The sum of amounts (a control total).
#[must_use]
pub fn sum(amounts: impl IntoIterator<Item = Money>) -> Money {
    amounts.into_iter().sum()
}

/// A project's result on the books (贴息结果), kept apart from its review state: only an
/// approved project has a grant decided, so only it can be 候补 (approved, left unfunded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Approved and granted its whole request.
    Funded,
    /// Approved and granted part of its request.
    PartiallyFunded,
    /// Approved, requesting above 0 and granted nothing (yet): 候补.
    Waitlisted,
    /// Still under review: nothing is decided.
    Pending,
    /// Requests nothing under the round's policy.
    Ineligible,
}

impl Outcome {
    #[must_use]
    pub fn of(approved: bool, requested: Money, granted: Money) -> Outcome {
        if !requested.is_positive() {
            Outcome::Ineligible
        } else if granted.is_positive() {
            if granted >= requested {
                Outcome::Funded
            } else {
                Outcome::PartiallyFunded
            }
        } else if approved {
            Outcome::Waitlisted
        } else {
            Outcome::Pending
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Funded => "全额贴息",
            Outcome::PartiallyFunded => "部分贴息",
            Outcome::Waitlisted => "候补",
            Outcome::Pending => "待核定",
            Outcome::Ineligible => "不符合条件",
        }
    }
}

/// One round of 历年累计: its own figures and the cumulative figures through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFigures {
    pub year: i32,
    /// The round is closed: its figures are final.
    pub closed: bool,
    pub round: Figures,
    pub cumulative: Figures,
}

/// docs/rules.md §7 year by year, in the order given (oldest first): each round's figures and
/// the running cumulative ones, a contract counting once across rounds. The last
/// `cumulative` equals `figures::cumulative` over the same rounds.
#[must_use]
pub fn by_year<'a>(rounds: impl IntoIterator<Item = (&'a [Project], &'a RoundResult, bool)>) -> Vec<YearFigures> {
    let mut running = Tally::default();
    rounds
        .into_iter()
        .map(|(projects, result, closed)| {
            let mut own = Tally::default();
            for (project, r) in projects.iter().zip(&result.projects) {
                own.add(project, r.requested, r.granted);
                running.add(project, r.requested, r.granted);
            }
            YearFigures { year: result.year, closed, round: own.figures(), cumulative: running.figures() }
        })
        .collect()
}

/// The figures the press sentence may state: docs/rules.md §7 across the closed rounds only (an
/// open round's grants are not yet final), with the first closed year; none without one.
#[must_use]
pub fn closed_cumulative<'a>(
    rounds: impl IntoIterator<Item = (&'a [Project], &'a RoundResult, bool)>,
) -> Option<(i32, Figures)> {
    let closed: Vec<_> = rounds.into_iter().filter(|(_, _, closed)| *closed).collect();
    let first = closed.first()?.1.year;
    Some((first, super::figures::cumulative(closed.iter().map(|(p, r, _)| (*p, *r)))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_half_up_to_two_decimals_and_none_of_nothing() {
        let m = Money::from_fen;
        assert_eq!(percent(m(2), m(3)), Some("66.67".parse().unwrap()));
        assert_eq!(percent(m(1), m(1)).map(|r| r.to_string()), Some("100.00".to_string()));
        assert_eq!(percent(m(1), m(8)).map(|r| r.to_string()), Some("12.50".to_string()));
        assert_eq!(percent(m(0), m(0)), None);
    }

    #[test]
    fn column_sums_add_each_column() {
        let m = Money::from_fen;
        let rows = [vec![m(1), m(2)], vec![m(10), m(20)]];
        assert_eq!(column_sums(rows.iter().map(Vec::as_slice), 2), vec![m(11), m(22)]);
    }

    /// 候补 only for an approved project left unfunded; a project under review is 待核定.
    #[test]
    fn waitlisted_is_for_approved_projects_only() {
        let m = Money::from_fen;
        assert_eq!(Outcome::of(true, m(100), m(0)), Outcome::Waitlisted);
        assert_eq!(Outcome::of(false, m(100), m(0)), Outcome::Pending);
        assert_eq!(Outcome::of(true, m(100), m(100)), Outcome::Funded);
        assert_eq!(Outcome::of(true, m(100), m(40)), Outcome::PartiallyFunded);
        assert_eq!(Outcome::of(true, m(0), m(0)), Outcome::Ineligible);
        assert_eq!(Outcome::of(false, m(0), m(0)).label(), "不符合条件");
    }
}
