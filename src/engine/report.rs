//! The sums and ratios the reports show (issue 6): column totals, per-regiment totals,
//! 执行率 and the year-by-year cumulative figures of rules.md §7. Exports only render
//! these; a 合计 is a number computed here, never a formula a reader must recalculate.

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
    pub households: u64,
    /// Σ principals of the projects' loans as written (each row, not rules.md §7's unlocked).
    pub principal: Money,
    pub requested: Money,
    pub granted: Money,
    pub paid: Money,
}

impl Subtotal {
    /// Add one project, its result and what was paid to it.
    pub fn add(&mut self, project: &Project, result: &ProjectResult, paid: Money) {
        self.projects += 1;
        self.funded += u64::from(result.granted.is_positive());
        self.households += u64::from(project.households);
        self.principal += project.loans.iter().map(|l| l.principal).sum();
        self.requested += result.requested;
        self.granted += result.granted;
        self.paid += paid;
    }

    /// 执行率 of the group.
    #[must_use]
    pub fn execution_rate(&self) -> Option<Decimal> {
        execution_rate(self.paid, self.granted)
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

/// The loans of a round summed (the 合计 of 贷款明细).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoanSubtotal {
    pub loans: u64,
    pub principal: Money,
    pub computed: Money,
    pub subsidy: Money,
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

/// 执行率 = paid / granted in percent, half-up to 2 decimals (`66.67`); none when nothing
/// was granted.
#[must_use]
pub fn execution_rate(paid: Money, granted: Money) -> Option<Decimal> {
    granted.is_positive().then(|| {
        let mut r = (Decimal::from(paid.fen()) * Decimal::ONE_HUNDRED / Decimal::from(granted.fen()))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        r
    })
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

/// One round of 历年累计: its own figures and the cumulative figures through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFigures {
    pub year: i32,
    pub round: Figures,
    pub cumulative: Figures,
}

/// rules.md §7 year by year, in the order given (oldest first): each round's figures and
/// the running cumulative ones, a contract counting once across rounds. The last
/// `cumulative` equals `figures::cumulative` over the same rounds.
#[must_use]
pub fn by_year<'a>(rounds: impl IntoIterator<Item = (&'a [Project], &'a RoundResult)>) -> Vec<YearFigures> {
    let mut running = Tally::default();
    rounds
        .into_iter()
        .map(|(projects, result)| {
            let mut own = Tally::default();
            for (project, r) in projects.iter().zip(&result.projects) {
                own.add(project, r.requested, r.granted);
                running.add(project, r.requested, r.granted);
            }
            YearFigures { year: result.year, round: own.figures(), cumulative: running.figures() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn execution_rate_is_half_up_to_four_decimals_and_none_without_grants() {
        let m = Money::from_fen;
        assert_eq!(execution_rate(m(2), m(3)), Some("66.67".parse().unwrap()));
        assert_eq!(execution_rate(m(1), m(1)).map(|r| r.to_string()), Some("100.00".to_string()));
        assert_eq!(execution_rate(m(0), m(0)), None);
    }

    #[test]
    fn column_sums_add_each_column() {
        let m = Money::from_fen;
        let rows = [vec![m(1), m(2)], vec![m(10), m(20)]];
        assert_eq!(column_sums(rows.iter().map(Vec::as_slice), 2), vec![m(11), m(22)]);
    }
}
