//! docs/rules.md §4 in integer arithmetic: `Σ B × s × days` summed exactly in i128 and divided
//! and rounded once, half-up to the fen.
//!
//! The balance is integer fen and a rate is a decimal `mantissa / 10^scale`, so every
//! product is an integer over a power of ten: no rounding happens before the one that
//! docs/rules.md §4 asks for. Anything that would not fit an i128 says so (`None`), and the
//! caller falls back to `rust_decimal`.

use rust_decimal::Decimal;

use super::dates::DayCount;
use super::money::Money;

/// The exact sum `Σ fen × s × days` with `s` in percent, as `sum / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interest {
    sum: i128,
    scale: u32,
    /// Set once a term or the sum left i128; every later answer is then `None`.
    overflow: bool,
}

impl Interest {
    /// Add one piece of constant balance and subsidised rate (percent) over `days`.
    pub fn add(&mut self, balance: Money, subsidised_rate: Decimal, days: i64) {
        if !self.overflow && self.try_add(balance, subsidised_rate, days).is_none() {
            self.overflow = true;
        }
    }

    fn try_add(&mut self, balance: Money, rate: Decimal, days: i64) -> Option<()> {
        let scale = rate.scale();
        if scale > self.scale {
            self.sum = mul(self.sum, ten_to(scale - self.scale)?)?;
            self.scale = scale;
        }
        // Two i64 factors never overflow an i128.
        let mut term = mul(i128::from(balance.fen()) * i128::from(days), rate.mantissa())?;
        if scale < self.scale {
            term = mul(term, ten_to(self.scale - scale)?)?;
        }
        self.sum = self.sum.checked_add(term)?;
        Some(())
    }

    /// docs/rules.md §4: `round_half_up_fen(f × Σ B·s·days / basis)` with `f = C / ΣP` when
    /// `factor` is `Some((C, ΣP))`; `None` when the exact value does not fit an i128.
    #[must_use]
    pub fn computed(self, day_count: DayCount, factor: Option<(Money, Money)>) -> Option<Money> {
        if self.overflow {
            return None;
        }
        // sum / 10^scale is in fen·percent·days; in fen: / 100 (percent) / 100 (fen→yuan) × 100.
        let mut numerator = self.sum;
        let mut denominator = mul(ten_to(self.scale + 2)?, basis(day_count))?;
        if let Some((cap, principal)) = factor {
            let (cap, principal) = (i128::from(cap.fen()), i128::from(principal.fen()));
            (numerator, denominator) = times(numerator, denominator, cap, principal)
                .or_else(|| times_reduced(numerator, denominator, cap, principal))?;
        }
        let fen = half_up(numerator, denominator)?;
        i64::try_from(fen).ok().map(Money::from_fen)
    }
}

/// `num/den × cap/principal` as one fraction, when it fits.
fn times(num: i128, den: i128, cap: i128, principal: i128) -> Option<(i128, i128)> {
    Some((mul(num, cap)?, mul(den, principal)?))
}

/// [`times`] with the fractions in lowest terms first: slower, and needed only when the
/// plain products leave i128 (many decimals, large amounts).
fn times_reduced(num: i128, den: i128, cap: i128, principal: i128) -> Option<(i128, i128)> {
    let (num, den) = lowest(num, den);
    let (cap, principal) = lowest(cap, principal);
    let (num, principal) = lowest(num, principal);
    let (cap, den) = lowest(cap, den);
    times(num, den, cap, principal)
}

/// `above / below` in lowest terms.
fn lowest(above: i128, below: i128) -> (i128, i128) {
    let common = gcd(above, below);
    (above / common, below / common)
}

/// The greatest common divisor, at least 1 (so that dividing by it is always defined).
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    i128::try_from(a).unwrap_or(1).max(1)
}

/// `a × b`, or `None` past i128; one machine multiplication when both fit an i64.
fn mul(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => a.checked_mul(b),
    }
}

/// `n / d` rounded half away from zero (docs/rules.md §1 四舍五入), exactly; `None` for `d = 0`.
fn half_up(n: i128, d: i128) -> Option<i128> {
    let (nu, du) = (n.unsigned_abs(), d.unsigned_abs());
    let q = match (u64::try_from(nu), u64::try_from(du)) {
        (Ok(a), Ok(b)) => u128::from(a.checked_div(b)?),
        _ => nu.checked_div(du)?,
    };
    let r = nu - q * du;
    // 2r ≥ d, without doubling r.
    let q = i128::try_from(if r >= du - r { q + 1 } else { q }).ok()?;
    Some(if (n < 0) == (d < 0) { q } else { -q })
}

/// `10^power`, from a table: a decimal's scale is at most 28, and 10^38 is the last power
/// of ten in an i128.
fn ten_to(power: u32) -> Option<i128> {
    const POWERS: [i128; 39] = {
        let mut p = [1; 39];
        let mut i = 1;
        while i < 39 {
            p[i] = p[i - 1] * 10;
            i += 1;
        }
        p
    };
    POWERS.get(usize::try_from(power).ok()?).copied()
}

fn basis(day_count: DayCount) -> i128 {
    match day_count {
        DayCount::Act360 => 360,
        DayCount::Act365 => 365,
    }
}

#[cfg(test)]
mod tests;
