//! Amounts in Chinese capital numerals (大写金额) as finance offices write them on payment
//! lists and approval forms: `8,066,350.00` → `捌佰零陆万陆仟叁佰伍拾元整`. Formatting
//! only: fen in, text out; no arithmetic on the amount beyond splitting its digits.
//!
//! The rules are those of 《会计基础工作规范》 第五十二条 and the examples of 《支付结算办法》:
//! - the digits 零壹贰叁肆伍陆柒捌玖 and units 拾佰仟万亿, ending in 元, 角, 分;
//! - 拾 always has its digit (`10.00` → `壹拾元整`, never `拾元整`);
//! - zeros between digits are written as one 零 (`1,009.00` → `壹仟零玖元整`,
//!   `10,005.00` → `壹万零伍元整`), a section of 万 or 亿 whose leading digits are zero
//!   starts with 零 (`100,010,000.00` → `壹亿零壹万元整`); trailing zeros are not written;
//! - an amount ending at 元 or 角 ends in 整; one with 分 does not;
//! - where the 元 digit is 0 and 角 is not, one 零 stands before the 角 (`1,680.32` →
//!   `壹仟陆佰捌拾元零叁角贰分`); where 角 is 0 and 分 is not, 零 stands for the 角
//!   (`10.05` → `壹拾元零伍分`); below one yuan no 元 is written (`0.05` → `伍分`);
//! - zero is `零元整`; a negative amount (a clawback) starts with 负.

use super::money::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// The units inside a section of four digits, from the thousands down.
const PLACES: [&str; 4] = ["仟", "佰", "拾", ""];

/// An amount in capitals: `捌佰零陆万陆仟叁佰伍拾元整`.
///
/// ```
/// use tiexi::engine::{capital, Money};
/// assert_eq!(capital::amount(Money::from_fen(806_635_000)), "捌佰零陆万陆仟叁佰伍拾元整");
/// assert_eq!(capital::amount(Money::from_fen(5)), "伍分");
/// ```
#[must_use]
pub fn amount(m: Money) -> String {
    let fen = m.fen().unsigned_abs();
    let (yuan, jiao, fen) = (fen / 100, digit(fen / 10), digit(fen));
    let mut out = String::new();
    if m.fen() < 0 {
        out.push('负');
    }
    if yuan > 0 {
        out.push_str(&whole(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) if yuan == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push(DIGITS[j]);
            out.push('角');
            if f == 0 {
                out.push('整');
            } else {
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
    }
    out
}

/// The last decimal digit of `n`.
fn digit(n: u64) -> usize {
    usize::from(u8::try_from(n % 10).unwrap_or(0))
}

/// A whole number above 0 in capitals, by sections of 亿 and 万: the part above the
/// section, its unit, then the rest, which starts with 零 when its leading digit is 0.
fn whole(n: u64) -> String {
    for (size, unit) in [(100_000_000, '亿'), (10_000, '万')] {
        if n >= size {
            let (high, rest) = (n / size, n % size);
            let mut out = whole(high);
            out.push(unit);
            if rest > 0 {
                if rest < size / 10 {
                    out.push('零');
                }
                out.push_str(&whole(rest));
            }
            return out;
        }
    }
    section(n)
}

/// A number from 1 to 9999: each digit with its unit, zeros between digits as one 零,
/// trailing zeros left out.
fn section(n: u64) -> String {
    let digits = [digit(n / 1000), digit(n / 100), digit(n / 10), digit(n)];
    let last = digits.iter().rposition(|d| *d != 0).unwrap_or(0);
    let mut out = String::new();
    let mut zero = false;
    for (i, d) in digits.iter().enumerate().take(last + 1) {
        if *d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[*d]);
        out.push_str(PLACES[i]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capital(yuan: &str) -> String {
        amount(yuan.parse().expect("an amount"))
    }

    /// Issue 16's figure and the hard cases: 零 between digits and sections, 角/分, 整.
    #[test]
    fn amounts_are_written_as_finance_offices_write_them() {
        for (yuan, written) in [
            ("8066350.00", "捌佰零陆万陆仟叁佰伍拾元整"),
            ("0.05", "伍分"),
            ("0.50", "伍角整"),
            ("0.55", "伍角伍分"),
            ("0.00", "零元整"),
            ("10.00", "壹拾元整"),
            ("100000.10", "壹拾万元零壹角整"),
            ("1000000.00", "壹佰万元整"),
            ("1.00", "壹元整"),
            ("10.05", "壹拾元零伍分"),
            ("1009.00", "壹仟零玖元整"),
            ("1409.50", "壹仟肆佰零玖元伍角整"),
            ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("10005.00", "壹万零伍元整"),
            ("107000.53", "壹拾万柒仟元零伍角叁分"),
            ("110000.00", "壹拾壹万元整"),
            ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"),
            ("100010000.00", "壹亿零壹万元整"),
            ("100000001.00", "壹亿零壹元整"),
            ("168000000.00", "壹亿陆仟捌佰万元整"),
            ("1500000.00", "壹佰伍拾万元整"),
            ("700000.00", "柒拾万元整"),
            ("30000050.00", "叁仟万零伍拾元整"),
            ("123456789012.34", "壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元叁角肆分"),
            ("1000000000000.00", "壹万亿元整"),
            ("-2500.00", "负贰仟伍佰元整"),
        ] {
            assert_eq!(capital(yuan), written, "{yuan}");
        }
    }

    /// Every amount reads back to itself: the capitals name each nonzero digit with its
    /// place, so parsing them again gives the fen (a reader's check, written independently).
    #[test]
    fn capitals_read_back_to_the_amount() {
        for fen in (0..2_000_i64).chain([9_999_999, 10_000_001, 10_000_000_000, 9_999_999_999_999]) {
            for m in [fen, fen * 997 + 13] {
                assert_eq!(read(&amount(Money::from_fen(m))), m, "{m}");
            }
        }
    }

    /// Capitals back to fen, parsed on their own: the whole yuan by 亿 and 万 sections, then 角 and 分.
    fn read(text: &str) -> i64 {
        let (yuan, rest) = text.split_once('元').unwrap_or(("", text));
        let mut fen = whole_of(yuan) * 100;
        let mut digit = 0;
        for c in rest.chars() {
            match c {
                '角' => fen += digit * 10,
                '分' => fen += digit,
                '零' | '整' => {}
                d => digit = value(d),
            }
        }
        fen
    }

    fn whole_of(text: &str) -> i64 {
        if let Some((high, low)) = text.split_once('亿') {
            return whole_of(high) * 100_000_000 + whole_of(low);
        }
        if let Some((high, low)) = text.split_once('万') {
            return section_of(high) * 10_000 + section_of(low);
        }
        section_of(text)
    }

    fn section_of(text: &str) -> i64 {
        let (mut n, mut digit) = (0, 0);
        for c in text.chars() {
            match c {
                '仟' => n += digit * 1000,
                '佰' => n += digit * 100,
                '拾' => n += digit * 10,
                '零' => {}
                d => {
                    digit = value(d);
                    continue;
                }
            }
            digit = 0;
        }
        n + digit
    }

    fn value(c: char) -> i64 {
        DIGITS.iter().position(|d| *d == c).map_or(-1_000_000, |d| i64::try_from(d).expect("a digit"))
    }
}
