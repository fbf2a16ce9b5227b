//! docs/rules.md §6: grants against the budget, and the pool split (资金来源分摊).
//!
//! All arithmetic here is on integer fen (i128), so every fen is accounted for exactly.

use rust_decimal::Decimal;

use super::money::Money;
use super::policy::Allocation;

/// What the grant step needs of one project: its request and review score, in workbook order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub requested: Money,
    pub score: Option<Decimal>,
}

/// docs/rules.md §6: the grant of every claim, in the claims' order.
#[must_use]
pub fn grants(allocation: Allocation, budget: Money, claims: &[Claim]) -> Vec<Money> {
    let total: Money = claims.iter().map(|c| c.requested).sum();
    if total <= budget {
        return claims.iter().map(|c| c.requested).collect();
    }
    match allocation {
        Allocation::ProRata => pro_rata(budget, total, claims),
        Allocation::Priority { partial_last } => priority(budget, partial_last, claims),
    }
}

/// docs/rules.md §6 `pro_rata`: `floor_fen(requested × Bud / Req)`, then one fen each to the
/// largest cut-off remainders, ties to the claim that comes first.
fn pro_rata(budget: Money, total: Money, claims: &[Claim]) -> Vec<Money> {
    let weights: Vec<i128> = claims.iter().map(|c| i128::from(c.requested.fen())).collect();
    largest_remainder(budget, i128::from(total.fen()), &weights)
}

/// `amount` (non-negative) split in proportion to `weights` (non-negative), exactly, by
/// largest remainders, ties to the earlier weight; all zero when the weights are.
#[must_use]
pub fn proportional(amount: Money, weights: &[Money]) -> Vec<Money> {
    let w: Vec<i128> = weights.iter().map(|m| i128::from(m.fen())).collect();
    largest_remainder(amount, w.iter().sum(), &w)
}

/// Split `amount` in proportion to `weights` (whose sum is `total`), exactly: floors first,
/// then the fen left over one each to the largest remainders, ties to the earlier weight.
/// Used for grants (§6 `pro_rata`) and for the pool split (§6).
fn largest_remainder(amount: Money, total: i128, weights: &[i128]) -> Vec<Money> {
    largest_remainder_with(amount, total, weights, &mut Split::default())
}

/// The buffers of [`largest_remainder`], kept across the grants of a pool split.
#[derive(Default)]
struct Split {
    parts: Vec<i128>,
    remainders: Vec<(i128, usize)>,
}

fn largest_remainder_with(amount: Money, total: i128, weights: &[i128], buf: &mut Split) -> Vec<Money> {
    if total == 0 {
        return vec![Money::ZERO; weights.len()];
    }
    let amount_fen = i128::from(amount.fen());
    buf.parts.clear();
    buf.remainders.clear();
    for (i, w) in weights.iter().enumerate() {
        let (part, remainder) = div_rem(w * amount_fen, total);
        buf.parts.push(part);
        buf.remainders.push((remainder, i));
    }
    let left = usize::try_from(amount_fen - buf.parts.iter().sum::<i128>()).unwrap_or(0);
    if left > 0 {
        // Largest remainder first; on equal remainders the earlier index first. This order is
        // total, so the first `left` after a selection are those of a full sort.
        let order = |a: &(i128, usize), b: &(i128, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        if left < buf.remainders.len() {
            buf.remainders.select_nth_unstable_by(left - 1, order);
        }
        for (_, i) in buf.remainders.iter().take(left) {
            buf.parts[*i] += 1;
        }
    }
    buf.parts.iter().map(|p| Money::from_fen(i64::try_from(*p).unwrap_or(i64::MAX))).collect()
}

/// `n / d` and `n % d` as Rust's operators give them; in u64 when both fit, which is
/// several times cheaper than an i128 division and the rule for amounts in fen.
fn div_rem(n: i128, d: i128) -> (i128, i128) {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (i128::from(n / d), i128::from(n % d)),
        _ => (n / d, n % d),
    }
}

/// docs/rules.md §6 `priority`: by score from highest (none last, ties to the earlier claim),
/// full requests while they fit; then `partial_last` or nothing; everyone after, nothing.
fn priority(budget: Money, partial_last: bool, claims: &[Claim]) -> Vec<Money> {
    let mut order: Vec<usize> = (0..claims.len()).filter(|i| claims[*i].requested.is_positive()).collect();
    // A stable sort keeps workbook order among equal scores.
    order.sort_by(|a, b| match (claims[*a].score, claims[*b].score) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut granted = vec![Money::ZERO; claims.len()];
    let mut left = budget;
    for i in order {
        let want = claims[i].requested;
        if want <= left {
            granted[i] = want;
            left -= want;
        } else {
            if partial_last {
                granted[i] = left;
            }
            break;
        }
    }
    granted
}

/// docs/rules.md §6 pool split: each grant in turn, in proportion to the pools' remaining
/// amounts; returns each grant's parts (one per pool) and the pools' remaining amounts.
#[must_use]
pub fn split(pools: &[Money], grants: &[Money]) -> (Vec<Vec<Money>>, Vec<Money>) {
    let mut remaining = pools.to_vec();
    let mut all = Vec::with_capacity(grants.len());
    let (mut weights, mut buf) = (Vec::with_capacity(pools.len()), Split::default());
    for grant in grants {
        weights.clear();
        weights.extend(remaining.iter().map(|r| i128::from(r.fen())));
        let parts = largest_remainder_with(*grant, weights.iter().sum(), &weights, &mut buf);
        for (r, p) in remaining.iter_mut().zip(&parts) {
            *r -= *p;
        }
        all.push(parts);
    }
    (all, remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn claims(req: &[&str]) -> Vec<Claim> {
        req.iter().map(|r| Claim { requested: m(r), score: None }).collect()
    }

    /// docs/rules.md §8 example 5: `pro_rata` grants and the pool split.
    #[test]
    fn example_5_pro_rata_grants_and_an_even_pool_split() {
        let g = grants(Allocation::ProRata, m("1400000"), &claims(&["900000", "600000"]));
        assert_eq!(g, vec![m("840000"), m("560000")]);
        let (parts, left) = split(&[m("700000"), m("700000")], &g);
        assert_eq!(parts, vec![vec![m("420000"), m("420000")], vec![m("280000"), m("280000")]]);
        assert_eq!(left, vec![Money::ZERO, Money::ZERO]);
    }

    /// docs/rules.md §6: leftover fen go to the largest remainders, ties to the first.
    #[test]
    fn pro_rata_gives_the_leftover_fen_to_the_largest_remainders_ties_first() {
        let g = grants(Allocation::ProRata, m("0.10"), &claims(&["0.05", "0.05", "0.05"]));
        assert_eq!(g, vec![m("0.04"), m("0.03"), m("0.03")]);
        let g = grants(Allocation::ProRata, m("1.00"), &claims(&["0.10", "2.00", "0.90"]));
        assert_eq!(g.iter().copied().sum::<Money>(), m("1.00"));
        assert_eq!(g, vec![m("0.03"), m("0.67"), m("0.30")]);
    }

    /// docs/rules.md §6: priority by score, none last; `partial_last` or nothing; then waitlist.
    #[test]
    fn priority_funds_by_score_then_stops_at_the_first_that_does_not_fit() {
        let c = vec![
            Claim { requested: m("50"), score: None },
            Claim { requested: m("60"), score: Some(Decimal::from(90)) },
            Claim { requested: m("30"), score: Some(Decimal::from(80)) },
            Claim { requested: m("10"), score: Some(Decimal::from(80)) },
        ];
        let budget = m("100");
        let with = grants(Allocation::Priority { partial_last: true }, budget, &c);
        assert_eq!(with, vec![m("0"), m("60"), m("30"), m("10")]);
        let c2 = [Claim { requested: m("45"), score: Some(Decimal::from(70)) }, c[1], c[3]];
        let with = grants(Allocation::Priority { partial_last: true }, budget, &c2);
        assert_eq!(with, vec![m("30"), m("60"), m("10")]);
        let without = grants(Allocation::Priority { partial_last: false }, budget, &c2);
        assert_eq!(without, vec![m("0"), m("60"), m("10")]);
    }

    #[test]
    fn the_pool_split_follows_the_remaining_amounts_ties_to_the_first_pool() {
        let (parts, left) = split(&[m("0.02"), m("0.02"), m("0.01")], &[m("0.01"), m("0.03"), m("0.01")]);
        assert_eq!(parts[0], vec![m("0.01"), m("0"), m("0")]);
        assert_eq!(left.iter().copied().sum::<Money>(), m("0"));
        assert!(left.iter().all(|l| *l >= Money::ZERO));
    }
}
