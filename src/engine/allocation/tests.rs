use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn money(max_fen: i64) -> impl Strategy<Value = Money> {
    (0..=max_fen).prop_map(Money::from_fen)
}

fn rule() -> impl Strategy<Value = Allocation> {
    prop_oneof![
        Just(Allocation::ProRata),
        Just(Allocation::Priority { partial_last: true }),
        Just(Allocation::Priority { partial_last: false }),
    ]
}

fn claims() -> impl Strategy<Value = Vec<Claim>> {
    proptest::collection::vec(
        (money(5_000_000), proptest::option::of(0_i64..100))
            .prop_map(|(requested, s)| Claim { requested, score: s.map(Decimal::from) }),
        0..25,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Never over budget, never over a claim, parts sum to the grant, no pool below zero.
    #[test]
    fn a_run_stays_within_the_pools(rule in rule(), claims in claims(),
                                    pools in proptest::collection::vec(money(20_000_000), 1..4)) {
        let (granted, parts, left) = grant(rule, &claims, &pools);
        let budget: Money = pools.iter().sum();
        prop_assert!(granted.iter().sum::<Money>() <= budget);
        for ((g, c), p) in granted.iter().zip(&claims).zip(&parts) {
            prop_assert!(*g <= c.requested && *g >= Money::ZERO);
            prop_assert_eq!(p.iter().sum::<Money>(), *g);
            prop_assert!(p.iter().all(|x| *x >= Money::ZERO));
        }
        prop_assert!(left.iter().all(|l| *l >= Money::ZERO));
        prop_assert_eq!(left.iter().sum::<Money>() + granted.iter().sum::<Money>(), budget);
        for (j, pool) in pools.iter().enumerate() {
            prop_assert_eq!(parts.iter().map(|p| p[j]).sum::<Money>() + left[j], *pool);
        }
    }

    /// A later line's split: exact, signed like the line, within the basis of every pool.
    #[test]
    fn a_line_splits_within_its_basis(basis in proptest::collection::vec(money(10_000_000), 1..4),
                                       cut in 0_u32..=100, negative in any::<bool>()) {
        let whole: Money = basis.iter().sum();
        let magnitude = Money::from_fen(whole.fen() * i64::from(cut) / 100);
        let amount = if negative { negate(magnitude) } else { magnitude };
        let parts = split_by(amount, &basis);
        prop_assert_eq!(parts.iter().sum::<Money>(), amount);
        for (p, b) in parts.iter().zip(&basis) {
            let abs = if negative { negate(*p) } else { *p };
            prop_assert!(abs >= Money::ZERO && abs <= *b);
        }
        if cut == 100 {
            let expected: Vec<Money> = basis.iter().map(|b| if negative { negate(*b) } else { *b }).collect();
            prop_assert_eq!(parts, expected);
        }
    }

    /// Freed money goes to what the projects lack, by the same rule as a fresh run of those claims.
    #[test]
    fn a_rerun_is_the_rule_over_what_is_lacking(rule in rule(), claims in claims(),
                                                 pools in proptest::collection::vec(money(20_000_000), 1..4)) {
        let (first, _, left) = grant(rule, &claims, &pools);
        let lacking_claims: Vec<Claim> =
            claims.iter().zip(&first).map(|(c, g)| Claim { requested: lacking(c.requested, *g), score: c.score }).collect();
        let (second, _, after) = grant(rule, &lacking_claims, &left);
        let budget: Money = left.iter().sum();
        prop_assert_eq!(&second, &grants::grants(rule, budget, &lacking_claims));
        prop_assert!(after.iter().all(|l| *l >= Money::ZERO));
        for ((a, b), c) in first.iter().zip(&second).zip(&claims) {
            prop_assert!(*a + *b <= c.requested);
        }
    }
}

#[test]
fn paying_and_lacking_never_go_below_zero() {
    let m = Money::from_fen;
    assert_eq!(to_pay(m(1000), m(300), m(200)), m(500));
    assert_eq!(to_pay(m(1000), m(700), m(400)), Money::ZERO);
    assert_eq!(lacking(m(5), m(9)), Money::ZERO);
    assert_eq!(split_by(m(-3), &[m(1), m(1), m(1)]), vec![m(-1), m(-1), m(-1)]);
    assert_eq!(split_by(m(1), &[m(1), m(1)]), vec![m(1), m(0)], "ties to the pool listed first");
}

#[test]
fn a_clawback_takes_back_what_is_paid_less_open_clawbacks_only() {
    let m = Money::from_fen;
    // Pool 1: 500 paid, 200 already being clawed back; pool 2: 300 paid, a payment of 100 open.
    assert_eq!(clawback_basis(&[m(500), m(300)], &[m(-200), m(100)]), [m(300), m(300)]);
}
