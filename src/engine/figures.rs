//! rules.md §7: the round figures (年度指标) and their sum across rounds (累计).

use std::collections::HashSet;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::money::Money;
use super::project::Project;

/// The `totals` object of cli.md.
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

/// What the figures of one or more rounds add up, before the two ratios.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub projects: usize,
    pub funded_projects: usize,
    pub requested: Money,
    pub granted: Money,
    pub loans_unlocked: Money,
    pub households: u64,
    /// Σ households × 户均增收 over the projects that report it, in yuan, and Σ households.
    income_weighted: Decimal,
    income_households: u64,
    /// rules.md §7: a contract number counts once in `loans_unlocked`, also across rounds.
    contracts: HashSet<String>,
}

impl Tally {
    /// Add a project that was computed (`requested`) and possibly funded (`granted`).
    pub fn add(&mut self, project: &Project, requested: Money, granted: Money) {
        self.projects += 1;
        self.requested += requested;
        if !granted.is_positive() {
            return;
        }
        self.funded_projects += 1;
        self.granted += granted;
        self.households += u64::from(project.households);
        for loan in &project.loans {
            if self.contracts.insert(loan.contract_no.clone()) {
                self.loans_unlocked += loan.principal;
            }
        }
        if let Some(income) = project.income_increase {
            self.income_weighted += income.yuan() * Decimal::from(project.households);
            self.income_households += u64::from(project.households);
        }
    }

    /// rules.md §7: leverage and the household-weighted mean, half-up to 2 decimals.
    #[must_use]
    pub fn figures(&self) -> Figures {
        let leverage = self.granted.is_positive().then(|| round2(self.loans_unlocked.yuan() / self.granted.yuan()));
        let avg_income_increase =
            (self.income_households > 0).then(|| round2(self.income_weighted / Decimal::from(self.income_households)));
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

/// rules.md §7 across rounds (累计): the figures of each round summed, a contract
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
