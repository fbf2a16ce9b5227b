//! The integer sum against the reference: docs/rules.md §4's formula in `rust_decimal`, as the
//! engine computed it before the integer path (`B × s × days / 100` per piece, summed,
//! `× C / (ΣP × basis)` or `/ basis`, then half-up to the fen).

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::engine::policy::RateMode;

/// The reference: the Decimal formula, kept here as the engine had it.
fn reference(pieces: &[(Money, Decimal, i64)], day_count: DayCount, factor: Option<(Money, Money)>) -> Money {
    let total: Decimal =
        pieces.iter().map(|(b, s, days)| b.yuan() * *s * Decimal::from(*days) / Decimal::ONE_HUNDRED).sum();
    let value = match factor {
        Some((cap, principal)) => total * cap.yuan() / (principal.yuan() * day_count.basis()),
        None => total / day_count.basis(),
    };
    Money::round_half_up(value)
}

fn integer(pieces: &[(Money, Decimal, i64)], day_count: DayCount, factor: Option<(Money, Money)>) -> Option<Money> {
    let mut sum = Interest::default();
    for (b, s, days) in pieces {
        sum.add(*b, *s, *days);
    }
    sum.computed(day_count, factor)
}

/// A percentage with up to `decimals` decimals, up to `max` whole percent.
fn percent(max: i64, decimals: u32) -> impl Strategy<Value = Decimal> {
    (0..=decimals).prop_flat_map(move |scale| {
        let top = max * 10_i64.pow(scale);
        (0..=top).prop_map(move |m| Decimal::new(m, scale))
    })
}

/// Caps and borrower rates with up to `decimals` decimals, shares with up to `share_decimals`.
fn rate_mode(decimals: u32, share_decimals: u32) -> impl Strategy<Value = RateMode> {
    prop_oneof![
        (percent(10, decimals), percent(100, share_decimals))
            .prop_map(|(cap_percent, share_percent)| RateMode::Cap { cap_percent, share_percent }),
        percent(100, share_decimals).prop_map(|share_percent| RateMode::Share { share_percent }),
        percent(10, decimals).prop_map(|borrower_percent| RateMode::BorrowerFloor { borrower_percent }),
    ]
}

/// `(C, ΣP)` with `ΣP > C`, as `principal_factor` gives it.
fn factor() -> impl Strategy<Value = Option<(Money, Money)>> {
    proptest::option::of(
        (0_i64..10_000_000_000, 1_i64..10_000_000_000)
            .prop_map(|(cap, over)| (Money::from_fen(cap), Money::from_fen(cap + over))),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// docs/rules.md §4: the integer path gives the reference's fen for balances up to 10^8
    /// yuan a piece, contract rates and caps with up to 4 decimals, shares with up to 2,
    /// every rate mode, both day counts and project factors.
    #[test]
    fn the_integer_sum_equals_the_decimal_formula(
        mode in rate_mode(4, 2),
        pieces in proptest::collection::vec((0_i64..10_000_000_000, percent(30, 4), 0_i64..2000), 1..6),
        act365 in any::<bool>(),
        factor in factor(),
    ) {
        let day_count = if act365 { DayCount::Act365 } else { DayCount::Act360 };
        let pieces: Vec<(Money, Decimal, i64)> =
            pieces.into_iter().map(|(fen, r, days)| (Money::from_fen(fen), mode.subsidised(r), days)).collect();
        prop_assert_eq!(integer(&pieces, day_count, factor), Some(reference(&pieces, day_count, factor)));
    }

    /// Up to tiexi's largest amount (10^12 yuan) the integer path may run out of i128 (the
    /// engine then uses the reference itself), but whenever it answers, it answers the same.
    #[test]
    fn the_integer_sum_never_differs_from_the_decimal_formula(
        mode in rate_mode(6, 6),
        pieces in proptest::collection::vec((0_i64..=100_000_000_000_000, percent(30, 6), 0_i64..5000), 1..6),
        act365 in any::<bool>(),
        factor in factor(),
    ) {
        let day_count = if act365 { DayCount::Act365 } else { DayCount::Act360 };
        let pieces: Vec<(Money, Decimal, i64)> =
            pieces.into_iter().map(|(fen, r, days)| (Money::from_fen(fen), mode.subsidised(r), days)).collect();
        if let Some(fen) = integer(&pieces, day_count, factor) {
            prop_assert_eq!(fen, reference(&pieces, day_count, factor));
        }
    }
}

/// docs/rules.md §1: half-up at the exact midpoint, and just below it.
#[test]
fn the_one_rounding_is_half_up_at_the_midpoint() {
    // 0.01 yuan × 50% × 360 days / 360 = 0.005 yuan → 0.01.
    let half = [(Money::from_fen(1), Decimal::from(50), 360)];
    assert_eq!(integer(&half, DayCount::Act360, None), Some(Money::from_fen(1)));
    let below = [(Money::from_fen(1), Decimal::from(50), 359)];
    assert_eq!(integer(&below, DayCount::Act360, None), Some(Money::ZERO));
    // 44225.00 × 1/3 = 14741.666… (docs/rules.md §8 example 1 with a factor).
    let example = [(Money::from_fen(100_000_000), Decimal::new(435, 2), 366)];
    let third = Some((Money::from_fen(30_000_000), Money::from_fen(90_000_000)));
    assert_eq!(integer(&example, DayCount::Act360, third), Some(Money::from_fen(1_474_167)));
}

/// A negative subsidised rate (a share of a negative rate) rounds away from zero too.
#[test]
fn a_negative_sum_rounds_away_from_zero() {
    let half = [(Money::from_fen(1), Decimal::from(-50), 360)];
    assert_eq!(integer(&half, DayCount::Act360, None), reference(&half, DayCount::Act360, None).into());
    assert_eq!(integer(&half, DayCount::Act360, None), Some(Money::from_fen(-1)));
}

/// Beyond an i128 the integer path says so, and the engine falls back to `rust_decimal`.
#[test]
fn a_sum_beyond_i128_is_none() {
    let huge = [(Money::from_fen(i64::MAX), Decimal::MAX, i64::MAX)];
    assert_eq!(integer(&huge, DayCount::Act360, None), None);
    let mut sum = Interest::default();
    sum.add(Money::from_fen(100), Decimal::new(1, 28), 1);
    assert_eq!(sum.computed(DayCount::Act365, Some((Money::from_fen(1), Money::from_fen(i64::MAX)))), None);
}
