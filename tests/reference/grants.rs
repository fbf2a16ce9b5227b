//! The old docs/rules.md §6 arithmetic: a full sort of the remainders, fresh vectors per grant.
//! `priority` did not change and is the engine's own.

use tiexi::engine::grants::{self, Claim};
use tiexi::engine::{Allocation, Money};

pub fn grants(allocation: Allocation, budget: Money, claims: &[Claim]) -> Vec<Money> {
    let total: Money = claims.iter().map(|c| c.requested).sum();
    match allocation {
        Allocation::ProRata if total > budget => {
            let weights: Vec<i128> = claims.iter().map(|c| i128::from(c.requested.fen())).collect();
            largest_remainder(budget, i128::from(total.fen()), &weights)
        }
        _ => grants::grants(allocation, budget, claims),
    }
}

fn largest_remainder(amount: Money, total: i128, weights: &[i128]) -> Vec<Money> {
    if total == 0 {
        return vec![Money::ZERO; weights.len()];
    }
    let amount_fen = i128::from(amount.fen());
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let product = w * amount_fen;
        parts.push(product / total);
        remainders.push((product % total, i));
    }
    let left = amount_fen - parts.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.iter().take(usize::try_from(left).unwrap_or(0)) {
        parts[*i] += 1;
    }
    parts.into_iter().map(|p| Money::from_fen(i64::try_from(p).unwrap_or(i64::MAX))).collect()
}

pub fn split(pools: &[Money], grants: &[Money]) -> (Vec<Vec<Money>>, Vec<Money>) {
    let mut remaining = pools.to_vec();
    let mut all = Vec::with_capacity(grants.len());
    for grant in grants {
        let weights: Vec<i128> = remaining.iter().map(|r| i128::from(r.fen())).collect();
        let parts = largest_remainder(*grant, weights.iter().sum(), &weights);
        for (r, p) in remaining.iter_mut().zip(&parts) {
            *r -= *p;
        }
        all.push(parts);
    }
    (all, remaining)
}
