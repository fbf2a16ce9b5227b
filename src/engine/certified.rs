//! docs/rules.md §9 "Certified interest (银行结息)": the interest a bank certifies the borrower
//! paid, for the days of the round's window.

use super::dates::Interval;
use super::facts::StatementLine;
use super::money::Money;

/// The days of a statement line, `[from, to]` with both ends included, as a half-open
/// interval `[from, to + 1)`.
#[must_use]
pub fn period(line: &StatementLine) -> Interval {
    Interval::new(line.from, line.to.succ_opt().unwrap_or(line.to))
}

/// The days of a line inside the window.
#[must_use]
pub fn inside(window: Interval, line: &StatementLine) -> Interval {
    let p = period(line);
    Interval::new(p.start.max(window.start), p.end.min(window.end))
}

/// docs/rules.md §9: one line's share of the window, `paid × (days inside the window) /
/// (days of [from, to])`, half-up to the fen; `None` when no day of the line is inside.
#[must_use]
pub fn line_in_window(window: Interval, line: &StatementLine) -> Option<Money> {
    let within = inside(window, line).days();
    let all = period(line).days();
    if within <= 0 || all <= 0 {
        return None;
    }
    Some(Money::from_fen(share(line.paid.fen(), within, all)))
}

/// docs/rules.md §9: the certified interest of a loan for the round: its lines' shares of the
/// window, each rounded, summed. `None` when no line has a day inside the window: a
/// statement of other years' interest certifies nothing about this round (docs/facts.md).
#[must_use]
pub fn certified(window: Interval, lines: &[StatementLine]) -> Option<Money> {
    lines.iter().filter_map(|l| line_in_window(window, l)).reduce(|a, b| a + b)
}

/// `fen × part / whole`, half-up (docs/rules.md §1), exactly in integers.
fn share(fen: i64, part: i64, whole: i64) -> i64 {
    if part == whole {
        return fen;
    }
    let n = i128::from(fen) * i128::from(part);
    let d = i128::from(whole);
    // Half away from zero: |n| / d rounded half-up, the sign put back.
    let q = (2 * n.abs() + d) / (2 * d);
    let q = if n < 0 { -q } else { q };
    // |q| ≤ |fen|, since part < whole.
    i64::try_from(q).unwrap_or(fen)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn line(from: &str, to: &str, paid: &str) -> StatementLine {
        StatementLine { from: d(from), to: d(to), paid: paid.parse().unwrap() }
    }

    fn window() -> Interval {
        Interval::new(d("2024-01-01"), d("2025-01-01"))
    }

    /// docs/rules.md §9: a line is taken for the share of its days inside the window, both of
    /// its ends included, each line rounded half-up, then summed.
    #[test]
    fn each_line_counts_for_its_days_inside_the_window() {
        for (from, to, paid, share) in [
            ("2024-03-21", "2024-06-20", "3000.00", Some("3000.00")),
            // 81 of 92 days inside: 1000 × 81 / 92 = 880.434… → 880.43
            ("2023-12-21", "2024-03-21", "1000.00", Some("880.43")),
            // 1 of 3 days: 0.05 × 1 / 3 = 0.01666… → 0.02
            ("2024-12-31", "2025-01-02", "0.05", Some("0.02")),
            // 0.03 × 1 / 2 = 0.015 → 0.02 (half-up)
            ("2024-12-31", "2025-01-01", "0.03", Some("0.02")),
            ("2025-01-01", "2025-03-20", "500.00", None),
            ("2023-06-01", "2023-12-31", "500.00", None),
        ] {
            let got = line_in_window(window(), &line(from, to, paid));
            assert_eq!(got, share.map(|s| s.parse().unwrap()), "{from}..{to}");
        }
    }

    #[test]
    fn a_loan_is_certified_only_by_lines_with_days_in_the_window() {
        let lines = [line("2023-12-21", "2024-03-21", "1000.00"), line("2024-03-22", "2024-06-20", "3000.00")];
        assert_eq!(certified(window(), &lines), Some("3880.43".parse().unwrap()));
        assert_eq!(certified(window(), &[line("2025-01-01", "2025-03-20", "9.00")]), None);
        assert_eq!(certified(window(), &[line("2024-01-01", "2024-01-31", "0")]), Some(Money::ZERO));
        assert_eq!(certified(window(), &[]), None);
    }
}
