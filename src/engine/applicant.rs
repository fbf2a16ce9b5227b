//! docs/rules.md §9 "Earlier rounds of the same applicant": how many earlier rounds granted the
//! applicant, and how much of `limits.max_subsidy_per_applicant_total` is left.

use std::collections::HashMap;

use super::facts::{Granted, History};
use super::money::Money;
use super::policy::Policy;
use super::project::Project;

/// docs/rules.md §9: who the applicant is across rounds: the leader's 身份证号 and the
/// organisation's 统一社会信用代码 (either one being the same makes the same applicant).
/// Blank ones are left to the caller to skip.
#[must_use]
pub fn identities(project: &Project) -> [&str; 2] {
    [project.applicant.id_number.as_str(), project.applicant.credit_code.as_str()]
}

/// The applicants of a round as its projects are taken in workbook order.
#[derive(Debug)]
pub(crate) struct Applicants<'a> {
    history: &'a History,
    year: i32,
    max_rounds: Option<u32>,
    max_total: Option<Money>,
    /// This round's requests so far, by identity: (project's index, request).
    requested: HashMap<&'a str, Vec<(usize, Money)>>,
}

impl<'a> Applicants<'a> {
    pub(crate) fn new(policy: &Policy, history: &'a History) -> Applicants<'a> {
        Applicants {
            history,
            year: policy.year,
            max_rounds: policy.max_rounds_per_applicant,
            max_total: policy.max_subsidy_per_applicant_total,
            requested: HashMap::new(),
        }
    }

    /// What the project's applicant was granted in earlier rounds; nothing is looked up
    /// when the policy sets no limit.
    pub(crate) fn earlier(&self, project: &Project) -> Granted {
        if self.max_rounds.is_none() && self.max_total.is_none() {
            return Granted::default();
        }
        self.history.granted_before(self.year, &identities(project))
    }

    /// docs/rules.md §9 `round_limit_reached`: granted in `n` or more earlier rounds.
    pub(crate) fn round_limit_reached(&self, earlier: Granted) -> bool {
        self.max_rounds.is_some_and(|n| earlier.rounds >= n)
    }

    /// docs/rules.md §9 `limited_by_applicant_total`: the most the project may request, `T` less
    /// the applicant's earlier grants, never below 0; `None` without a total. The requests
    /// of the same applicant's earlier projects in this round come off too (docs/facts.md):
    /// otherwise two projects of one applicant could together pass `T`.
    pub(crate) fn left(&self, index: usize, project: &Project, earlier: Granted) -> Option<Money> {
        let total = self.max_total?;
        let mut counted: Vec<usize> = Vec::new();
        let mut this_round = Money::ZERO;
        let same = identities(project).into_iter().filter(|i| !i.is_empty()).filter_map(|i| self.requested.get(i));
        for &(other, requested) in same.flatten() {
            if other != index && !counted.contains(&other) {
                counted.push(other);
                this_round += requested;
            }
        }
        Some((total - earlier.total - this_round).max(Money::ZERO))
    }

    /// Keep the project's request, for the applicant's later projects in this round.
    pub(crate) fn record(&mut self, index: usize, project: &'a Project, requested: Money) {
        if self.max_total.is_none() || !requested.is_positive() {
            return;
        }
        for identity in identities(project).into_iter().filter(|i| !i.is_empty()) {
            self.requested.entry(identity).or_default().push((index, requested));
        }
    }
}
