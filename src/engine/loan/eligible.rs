//! docs/rules.md §3 (the days of a loan that earn subsidy) and §9 (days already subsidised in
//! another round are removed from them).

use chrono::NaiveDate;

use crate::engine::dates::{add_months, Interval};
use crate::engine::policy::{OverdueRule, Policy};
use crate::engine::project::{EventKind, Loan};
use crate::engine::reasons::Reason;

/// docs/rules.md §3.1: the end of the loan's life, extensions applied where the policy pays them.
fn loan_end(policy: &Policy, loan: &Loan) -> NaiveDate {
    end_of(loan, policy.subsidize_extensions)
}

fn end_of(loan: &Loan, extended: bool) -> NaiveDate {
    let mut maturity = loan.maturity_on;
    if extended {
        let extensions = loan.events.iter().filter_map(|e| match e.kind {
            EventKind::Extension(to) => Some(to),
            _ => None,
        });
        maturity = extensions.fold(maturity, NaiveDate::max);
    }
    loan.settled_on.map_or(maturity, |s| maturity.min(s))
}

/// The days on which the loan runs and the bank charges normal interest, as the workbook
/// tells them: from its disbursement to its maturity (extensions included, whether or not
/// the policy subsidises them) or its settlement.
#[must_use]
pub fn running(loan: &Loan) -> Interval {
    Interval::new(loan.disbursed_on, end_of(loan, true))
}

/// docs/rules.md §3.4: the overdue periods `[start, end)` that count (start before `window.end`).
#[must_use]
pub fn overdue_periods(policy: &Policy, loan: &Loan) -> Vec<Interval> {
    let mut marks: Vec<(NaiveDate, bool)> = loan
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::OverdueStart => Some((e.on, false)),
            EventKind::OverdueEnd => Some((e.on, true)),
            _ => None,
        })
        .collect();
    // On one day a start sorts before an end, whatever the workbook's order.
    marks.sort();
    let mut periods = Vec::new();
    let mut open: Option<NaiveDate> = None;
    for (on, is_end) in marks {
        match (open, is_end) {
            (None, false) => open = Some(on),
            (Some(start), true) => {
                periods.push(Interval::new(start, on));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        periods.push(Interval::new(start, NaiveDate::MAX));
    }
    periods.retain(|p| p.start < policy.window.end);
    periods
}

/// docs/rules.md §3: the eligible intervals of a loan, or the reason it has none.
///
/// # Errors
/// `NoOverlap` when `E` is empty, `OverdueForfeit` when the overdue rule empties it.
pub fn eligible(policy: &Policy, loan: &Loan) -> Result<Vec<Interval>, Reason> {
    let mut left = Vec::new();
    let mut reasons = Vec::new();
    eligible_into(policy, loan, &[], &mut left, &mut reasons);
    match reasons.pop() {
        Some(reason) if left.is_empty() => Err(reason),
        _ => Ok(left),
    }
}

/// docs/rules.md §3 and §9: the eligible intervals into `left` (a buffer reused from loan to
/// loan), and the reasons for the days lost into `reasons`: `no_overlap`, then
/// `already_subsidised` when a day of `E` lies in `subsidised` (other rounds' days of the
/// contract), then `overdue_forfeit` when the overdue rule leaves nothing. Returns the
/// number of days removed as already subsidised.
pub(super) fn eligible_into(
    policy: &Policy,
    loan: &Loan,
    subsidised: &[Interval],
    left: &mut Vec<Interval>,
    reasons: &mut Vec<Reason>,
) -> i64 {
    left.clear();
    let term_end = add_months(loan.disbursed_on, policy.term_months);
    let start = loan.disbursed_on.max(policy.window.start);
    let end = loan_end(policy, loan).min(term_end).min(policy.window.end);
    let e = Interval::new(start, end);
    if e.is_empty() {
        reasons.push(Reason::NoOverlap);
        return 0;
    }
    left.push(e);
    // docs/rules.md §9: removed before §4, and before the overdue rule (which only removes days
    // too, so the days left are the same either way).
    let removed = remove(left, subsidised);
    if removed > 0 {
        reasons.push(Reason::AlreadySubsidised);
    }
    // Only an overdue start opens a period: without one, every overdue rule keeps `E` whole.
    if left.is_empty() || !loan.events.iter().any(|ev| ev.kind == EventKind::OverdueStart) {
        return removed;
    }
    let periods = overdue_periods(policy, loan);
    match policy.overdue {
        OverdueRule::FromFirstOverdue => {
            if let Some(first) = periods.iter().map(|p| p.start).min() {
                for part in left.iter_mut() {
                    *part = part.cut_at(first);
                }
            }
        }
        OverdueRule::ExcludeDays => {
            remove(left, &periods);
        }
        OverdueRule::ForfeitLoan if periods.is_empty() => {}
        OverdueRule::ForfeitLoan => left.clear(),
    }
    left.retain(|i| !i.is_empty());
    if left.is_empty() {
        reasons.push(Reason::OverdueForfeit);
    }
    removed
}

/// Take the days of `holes` out of `parts`; returns how many days went.
fn remove(parts: &mut Vec<Interval>, holes: &[Interval]) -> i64 {
    if holes.is_empty() {
        return 0;
    }
    let before: i64 = parts.iter().map(|p| p.days()).sum();
    for hole in holes {
        *parts = parts.iter().flat_map(|p| p.minus(*hole)).collect();
    }
    before - parts.iter().map(|p| p.days()).sum::<i64>()
}
