//! `engine::allocation::run` with the facts of docs/rules.md §9 (the review cuts in force),
//! composed of the engine's own pieces: `run` computes the requests without facts, so an
//! allocation would grant a cut project its uncut request (and the grant would exceed the
//! stored request). To be replaced by `engine::allocation::run_with` once the engine has it:
//! this module only calls the engine, it adds nothing of its own.

use crate::engine::allocation::{self as alloc, Line, Outcome};
use crate::engine::grants::Claim;
use crate::engine::{compute_with, Facts, Money, Policy, Project, Status};

/// docs/rules.md §6 over `projects` with their requests from `compute_with(facts)`, each asking
/// for what it lacks beyond `held[i]`, against the pools' `remaining` amounts.
#[must_use]
pub(crate) fn run(
    policy: &Policy,
    projects: &[Project],
    facts: &Facts,
    held: &[Money],
    remaining: &[Money],
) -> Outcome {
    let result = compute_with(policy, projects, facts);
    let held: Vec<Money> = (0..projects.len()).map(|i| held.get(i).copied().unwrap_or(Money::ZERO)).collect();
    let claims: Vec<Claim> = result
        .projects
        .iter()
        .zip(projects)
        .zip(&held)
        .map(|((r, p), h)| Claim { requested: alloc::lacking(r.requested, *h), score: p.score })
        .collect();
    let (granted, parts, remaining_after) = alloc::grant(policy.allocation, &claims, remaining);
    let lines = result
        .projects
        .iter()
        .zip(claims.iter().zip(&held))
        .zip(granted.iter().zip(parts))
        .map(|((r, (claim, h)), (g, parts))| Line {
            key: r.key.clone(),
            requested: r.requested,
            held: *h,
            outstanding: claim.requested,
            granted: *g,
            parts,
            status: Status::of(r.requested, alloc::total(&[*h, *g])),
        })
        .collect();
    let outstanding: Vec<Money> = claims.iter().map(|c| c.requested).collect();
    Outcome {
        lines,
        remaining_before: remaining.to_vec(),
        remaining_after,
        budget: alloc::total(remaining),
        outstanding: alloc::total(&outstanding),
        granted: alloc::total(&granted),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{allocation, Facts, Money};

    /// Without facts it is the engine's `run`, line for line (case000, some projects
    /// already holding money).
    #[test]
    fn without_facts_it_is_the_engines_run() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/case000");
        let toml = std::fs::read_to_string(format!("{dir}/policy.toml")).expect("case000's policy");
        let policy = crate::import::policy(&toml).expect("a policy");
        let bytes = std::fs::read(format!("{dir}/applicants.xlsx")).expect("case000's workbook");
        let projects = crate::import::workbook(&bytes, &crate::import::Options::default()).expect("read").projects;
        assert!(projects.len() > 10);
        let remaining = [Money::from_fen(3_000_000), Money::from_fen(1_000_001)];
        let held: Vec<Money> =
            (0..projects.len()).map(|i| Money::from_fen(if i % 3 == 0 { 5_000 } else { 0 })).collect();
        let ours = super::run(&policy, &projects, &Facts::default(), &held, &remaining);
        assert_eq!(ours, allocation::run(&policy, &projects, &held, &remaining));
    }
}
