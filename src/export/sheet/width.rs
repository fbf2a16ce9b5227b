//! Column widths that fit: text as wide as Excel shows it, numbers counted from their
//! digits without making their text (a width per cell of a 100,000-row sheet would
//! otherwise allocate a string per cell: issue 7).

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::Cell;

/// The widest column we set, in characters.
const MAX_WIDTH: usize = 60;

impl Cell<'_> {
    /// The characters the cell shows, roughly, for the column width.
    pub(in crate::export) fn width(&self) -> usize {
        match self {
            Cell::Blank => 0,
            Cell::Text(s) | Cell::Code(s) => display_width(s),
            Cell::Money(m) => Shown::of(m.yuan()).grouped(),
            Cell::WanYuan(m) => Shown::of(m.wan_yuan()).grouped(),
            Cell::Yuan(d) => Shown::of(*d).grouped(),
            Cell::Percent(d) | Cell::Ratio(d) => Shown::of(*d).plain() + 1,
            Cell::Count(n) => digits(u128::from(*n)),
            Cell::Date(_) => 10,
        }
    }
}

/// Columns as wide as Excel shows text: a Chinese character takes two places.
#[must_use]
pub fn display_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()).max().unwrap_or(0)
}

/// How a decimal number is shown, counted without making its text.
struct Shown {
    negative: bool,
    whole: usize,
    scale: usize,
}

impl Shown {
    fn of(d: Decimal) -> Shown {
        let scale = d.scale() as usize;
        let all = digits(d.mantissa().unsigned_abs());
        Shown { negative: d.is_sign_negative() && !d.is_zero(), whole: all.saturating_sub(scale).max(1), scale }
    }

    /// The length of `Decimal`'s own text (`-1234.50`).
    fn plain(&self) -> usize {
        usize::from(self.negative) + self.whole + if self.scale > 0 { self.scale + 1 } else { 0 }
    }

    /// The same with thousands separators (`-1,234.50`).
    fn grouped(&self) -> usize {
        self.plain() + (self.whole - 1) / 3
    }
}

/// The decimal digits of a number (`0` has one).
fn digits(mut n: u128) -> usize {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

/// Column widths from the widest content, with a little room, at most `MAX_WIDTH`.
///
/// # Errors
/// From the writer.
pub fn set_widths(sheet: &mut Worksheet, widths: &[usize]) -> Result<(), XlsxError> {
    for (col, w) in (0..).zip(widths) {
        let w = u16::try_from((*w + 2).min(MAX_WIDTH)).unwrap_or(10);
        sheet.set_column_width(col, w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Money;

    #[test]
    fn widths_count_chinese_characters_twice() {
        assert_eq!(display_width("贷款金额（元）"), 14);
        assert_eq!(display_width("abc"), 3);
        assert_eq!(Shown::of(Decimal::new(123_456_789, 2)).grouped(), 12);
    }

    /// The reference: the width counted on the number's own text.
    fn grouped_text(plain: &str) -> usize {
        let digits = plain.split('.').next().map_or(0, |i| i.trim_start_matches('-').len());
        plain.len() + digits.saturating_sub(1) / 3
    }

    proptest::proptest! {
        #[test]
        fn widths_are_those_of_the_text(mantissa in proptest::num::i64::ANY, scale in 0_u32..8, n: u64) {
            let d = Decimal::new(mantissa, scale);
            proptest::prop_assert_eq!(Shown::of(d).plain(), d.to_string().len());
            proptest::prop_assert_eq!(Shown::of(d).grouped(), grouped_text(&d.to_string()));
            let m = Money::from_fen(mantissa / 1000);
            proptest::prop_assert_eq!(Cell::Money(m).width(), grouped_text(&m.to_string()));
            proptest::prop_assert_eq!(Cell::Count(n).width(), n.to_string().len());
        }
    }
}
