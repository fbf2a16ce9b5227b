//! A fair allocation while the round is still in review (issue 14 item 2, docs/rules.md §6):
//! the approved projects are granted at most what the round's trial allocation over every
//! counted project gives them, so that the projects still in review keep their share. When
//! none is left in review, the run is [`super::run_with`] over the approved projects.

use super::{grant, lacking, run_with, Line, Outcome};
use crate::engine::facts::Facts;
use crate::engine::grants::Claim;
use crate::engine::money::Money;
use crate::engine::policy::Policy;
use crate::engine::project::Project;
use crate::engine::{compute_with, ProjectResult, Status};

/// A run and what it leaves for the projects still in review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fair {
    /// One line per project taken, in the order given.
    pub outcome: Outcome,
    /// How many counted projects are still in review (not approved).
    pub in_review: usize,
    /// What the trial allocation gives the projects in review: the run keeps it back.
    pub kept_back: Money,
}

/// Run docs/rules.md §6 for the projects `taken` (approved ones the run may grant) among the
/// round's `counted` projects; `approved[i]` says whether `counted[i]` is approved, `held[i]`
/// what it already holds. While any counted project is in review, each taken project asks
/// for at most its trial grant (`engine::compute_with` over every counted project, against
/// the pools' amounts) less what it holds.
#[must_use]
pub fn run_fair(
    policy: &Policy,
    counted: &[Project],
    facts: &Facts,
    (approved, taken): (&[bool], &[bool]),
    held: &[Money],
    remaining: &[Money],
) -> Fair {
    let pick = |i: usize| taken.get(i).copied().unwrap_or(false);
    let held_at = |i: usize| held.get(i).copied().unwrap_or(Money::ZERO);
    let in_review = (0..counted.len()).filter(|i| !approved.get(*i).copied().unwrap_or(false)).count();
    let chosen: Vec<usize> = (0..counted.len()).filter(|i| pick(*i)).collect();
    if in_review == 0 {
        let projects: Vec<Project> = chosen.iter().map(|i| counted[*i].clone()).collect();
        let held: Vec<Money> = chosen.iter().map(|i| held_at(*i)).collect();
        return Fair {
            outcome: run_with(policy, &projects, facts, &held, remaining),
            in_review,
            kept_back: Money::ZERO,
        };
    }
    let trial = compute_with(policy, counted, facts);
    let kept_back = trial
        .projects
        .iter()
        .enumerate()
        .filter(|(i, _)| !approved.get(*i).copied().unwrap_or(false))
        .map(|(_, r)| r.granted)
        .sum();
    let lines: Vec<(Claim, Money, &ProjectResult)> = chosen
        .iter()
        .map(|i| {
            let r = &trial.projects[*i];
            (Claim { requested: lacking(r.granted, held_at(*i)), score: counted[*i].score }, held_at(*i), r)
        })
        .collect();
    let outcome = capped(policy, &lines, remaining);
    Fair { outcome, in_review, kept_back }
}

/// docs/rules.md §6 on claims capped at the trial grants: each project's line with its
/// request and what it holds from the trial's result.
fn capped(policy: &Policy, lines: &[(Claim, Money, &ProjectResult)], remaining: &[Money]) -> Outcome {
    let claims: Vec<Claim> = lines.iter().map(|(c, _, _)| *c).collect();
    let (granted, parts, remaining_after) = grant(policy.allocation, &claims, remaining);
    let lines: Vec<Line> = lines
        .iter()
        .zip(granted.iter().zip(parts))
        .map(|((_, held, r), (g, parts))| Line {
            key: r.key.clone(),
            requested: r.requested,
            held: *held,
            outstanding: lacking(r.requested, *held),
            granted: *g,
            parts,
            status: Status::of(r.requested, *held + *g),
        })
        .collect();
    Outcome {
        outstanding: lines.iter().map(|l| l.outstanding).sum(),
        lines,
        remaining_before: remaining.to_vec(),
        remaining_after,
        budget: remaining.iter().sum(),
        granted: granted.iter().sum(),
    }
}
