//! docs/rules.md §7: the round figures (年度指标) and their sum across rounds (累计).

use std::collections::HashSet;

use ahash::RandomState;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::money::Money;
use super::project::Project;

/// The `totals` object of docs/cli.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Projects without errors (all projects the engine saw).
    pub projects: usize,
    /// Projects with a grant above 0.
    pub funded_projects: usize,
    pub requested: Money,
    pub granted: Money,
    pub loans_unlocked: Money,
    pub leverage: Option<Decimal>,
    pub households: u64,
    pub avg_income_increase: Option<Decimal>,
}

/// What the figures of one or more rounds add up, before the two ratios; it borrows the
/// contract numbers of the projects it was given.
#[derive(Debug, Clone, Default)]
pub struct Tally<'a> {
    pub projects: usize,
    pub funded_projects: usize,
    pub requested: Money,
    pub granted: Money,
    pub loans_unlocked: Money,
    pub households: u64,
    /// Σ households × 户均增收 over the projects that report it, in fen, and Σ households.
    income_weighted: i128,
    income_households: u64,
    /// docs/rules.md §7: a contract number counts once in `loans_unlocked`, also across rounds.
    contracts: HashSet<&'a str, RandomState>,
}

impl<'a> Tally<'a> {
    /// Add a project that was computed (`requested`) and possibly funded (`granted`).
    pub fn add(&mut self, project: &'a Project, requested: Money, granted: Money) {
        let mut unlocked = Money::ZERO;
        if granted.is_positive() {
            for loan in &project.loans {
                if self.contracts.insert(loan.contract_no.as_str()) {
                    unlocked += loan.principal;
                }
            }
        }
        self.add_unlocked(project, requested, granted, unlocked);
    }

    /// [`Tally::add`] for the engine, which knows from its duplicate check which of a funded
    /// project's contracts count in `loans_unlocked` (`unlocked`, their principals).
    pub(super) fn add_unlocked(&mut self, project: &Project, requested: Money, granted: Money, unlocked: Money) {
        self.projects += 1;
        self.requested += requested;
        if !granted.is_positive() {
            return;
        }
        self.funded_projects += 1;
        self.granted += granted;
        self.households += u64::from(project.households);
        self.loans_unlocked += unlocked;
        if let Some(income) = project.income_increase {
            self.income_weighted += i128::from(income.fen()) * i128::from(project.households);
            self.income_households += u64::from(project.households);
        }
    }

    /// docs/rules.md §7: leverage and the household-weighted mean, half-up to 2 decimals.
    #[must_use]
    pub fn figures(&self) -> Figures {
        let leverage = self.granted.is_positive().then(|| round2(self.loans_unlocked.yuan() / self.granted.yuan()));
        let avg_income_increase =
            (self.income_households > 0).then(|| round2(self.income_yuan() / Decimal::from(self.income_households)));
        Figures {
            projects: self.projects,
            funded_projects: self.funded_projects,
            requested: self.requested,
            granted: self.granted,
            loans_unlocked: self.loans_unlocked,
            leverage,
            households: self.households,
            avg_income_increase,
        }
    }
}

impl Tally<'_> {
    /// Σ households × 户均增收 in yuan, with the 2 decimals of a sum of `Money::yuan` products.
    fn income_yuan(&self) -> Decimal {
        Decimal::try_from_i128_with_scale(self.income_weighted, 2).unwrap_or(Decimal::MAX)
    }
}

/// docs/rules.md §7 across rounds (累计): the figures of each round summed, a contract
/// counting once in `loans_unlocked` however many rounds subsidised it.
#[must_use]
pub fn cumulative<'a>(rounds: impl IntoIterator<Item = (&'a [Project], &'a super::RoundResult)>) -> Figures {
    let mut tally = Tally::default();
    for (projects, result) in rounds {
        for (project, r) in projects.iter().zip(&result.projects) {
            tally.add(project, r.requested, r.granted);
        }
    }
    tally.figures()
}

/// Half-up to 2 decimals, keeping both decimals (`20.80`).
fn round2(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}
