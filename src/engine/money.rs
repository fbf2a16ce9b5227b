//! Money as integer fen and the two roundings that docs/rules.md allows.
//!
//! No I/O, no floats: a yuan amount enters as text or as fen and leaves as text.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of money in fen (0.01 yuan). docs/rules.md §1: money is never a binary float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Why a yuan amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a number")]
    NotANumber,
    #[error("more than 2 decimals")]
    TooManyDecimals,
    #[error("amount out of range")]
    OutOfRange,
}

/// The largest amount tiexi accepts anywhere: 10^12 yuan keeps every product exact.
const MAX_FEN: i64 = 100_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    #[must_use]
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    #[must_use]
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// An exact yuan amount; more than 2 decimals is an error, never a rounding (docs/workbook.md).
    ///
    /// # Errors
    /// `TooManyDecimals` or `OutOfRange`.
    pub fn from_yuan(yuan: Decimal) -> Result<Money, MoneyError> {
        let fen = yuan * Decimal::ONE_HUNDRED;
        if fen.normalize().scale() > 0 {
            return Err(MoneyError::TooManyDecimals);
        }
        let fen = i64::try_from(fen.trunc().mantissa() / 10_i128.pow(fen.trunc().scale()))
            .map_err(|_| MoneyError::OutOfRange)?;
        if fen.abs() > MAX_FEN {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Money(fen))
    }

    /// docs/rules.md §1: half-up (四舍五入) to the fen, for a yuan value.
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use tiexi::engine::Money;
    /// let v: Decimal = "50833.3333".parse().unwrap();
    /// assert_eq!(Money::round_half_up(v).to_string(), "50833.33");
    /// ```
    #[must_use]
    pub fn round_half_up(yuan: Decimal) -> Money {
        Money::from_fen_decimal(
            (yuan * Decimal::ONE_HUNDRED).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// docs/rules.md §6: cut off below the fen (`floor_fen`), for a non-negative yuan value.
    #[must_use]
    pub fn floor(yuan: Decimal) -> Money {
        Money::from_fen_decimal((yuan * Decimal::ONE_HUNDRED).floor())
    }

    fn from_fen_decimal(fen: Decimal) -> Money {
        let fen = fen.trunc().normalize();
        let whole = fen.mantissa() / 10_i128.pow(fen.scale());
        Money(i64::try_from(whole).unwrap_or(if whole < 0 { i64::MIN } else { i64::MAX }))
    }

    /// The amount in yuan, exact.
    #[must_use]
    pub fn yuan(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    #[must_use]
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The amount in 万元 with 4 decimals (docs/rules.md §7: 806.6350万元).
    #[must_use]
    pub fn wan_yuan(self) -> Decimal {
        Decimal::new(self.0, 6).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
    }
}

impl fmt::Display for Money {
    /// Yuan with exactly 2 decimals, as JSON carries it (docs/rules.md §1).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = Decimal::from_str_exact(s.trim()).map_err(|_| MoneyError::NotANumber)?;
        Money::from_yuan(d)
    }
}

/// Yuan text (`"12.34"`) in JSON and other formats people read; the integer fen in a
/// binary format (the parser's answer, `import::isolate`), which is exact and cheaper.
impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_i64(self.fen())
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if !d.is_human_readable() {
            return i64::deserialize(d).map(Money::from_fen);
        }
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly_and_printed_with_two_decimals() {
        for (input, shown) in [("21755.4", "21755.40"), ("0", "0.00"), ("-3.05", "-3.05"), ("700000", "700000.00")] {
            assert_eq!(input.parse::<Money>().unwrap().to_string(), shown);
        }
    }

    #[test]
    fn more_than_two_decimals_is_an_error_not_a_rounding() {
        assert_eq!("1.005".parse::<Money>(), Err(MoneyError::TooManyDecimals));
        assert_eq!("1.000".parse::<Money>().unwrap().fen(), 100);
    }

    /// docs/rules.md §1: half-up, also at the exact midpoint.
    #[test]
    fn rounding_is_half_up_at_the_midpoint() {
        for (v, fen) in [("0.005", 1), ("0.0049999", 0), ("2.675", 268), ("8644.4444", 864_444)] {
            assert_eq!(Money::round_half_up(v.parse().unwrap()).fen(), fen, "{v}");
        }
    }

    #[test]
    fn floor_cuts_below_the_fen() {
        assert_eq!(Money::floor("839999.999".parse().unwrap()).fen(), 83_999_999);
    }

    #[test]
    fn wan_yuan_has_four_decimals() {
        assert_eq!(Money::from_fen(806_635_000).wan_yuan().to_string(), "806.6350");
    }
}
