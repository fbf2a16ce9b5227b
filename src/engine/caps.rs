//! docs/rules.md §4 and §9: what may hold a loan's subsidy below its computed amount: the
//! interest the borrower paid (已付利息), the bank's certified interest (银行结息) and a
//! reviewer's cut (核减).

use serde::Serialize;

use super::facts::{Cut, CutLimit};
use super::money::Money;
use super::reasons::Reason;

/// The caps given for one loan; `None` where nothing is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Caps<'a> {
    /// 已付利息 as typed in the workbook (docs/rules.md §4).
    pub interest_paid: Option<Money>,
    /// The bank's certified interest for the round (docs/rules.md §9).
    pub certified: Option<Money>,
    /// A reviewer's cut (docs/rules.md §9).
    pub cut: Option<&'a Cut>,
}

impl Caps<'_> {
    /// docs/rules.md §9: the subsidy is `min(computed, 已付利息, certified, c)` over the caps
    /// given, and every cap that equals the subsidy and is below `computed` adds its reason,
    /// in the order `limited_by_interest_paid`, `limited_by_certified_interest`,
    /// `limited_by_review`. An excluded loan gets 0 and `excluded_by_review` only: the cut
    /// decides its subsidy, not the other caps. Returns the subsidy; reasons go to `reasons`.
    #[must_use]
    pub fn apply(&self, computed: Money, reasons: &mut Vec<Reason>) -> Money {
        let amount = match self.cut.map(|c| c.limit) {
            Some(CutLimit::Excluded) => {
                reasons.push(Reason::ExcludedByReview);
                return Money::ZERO;
            }
            Some(CutLimit::Amount(c)) => Some(c),
            None => None,
        };
        let caps = [
            (self.interest_paid, Reason::LimitedByInterestPaid),
            (self.certified, Reason::LimitedByCertifiedInterest),
            (amount, Reason::LimitedByReview),
        ];
        let subsidy = caps.iter().filter_map(|(cap, _)| *cap).fold(computed, Money::min);
        for (cap, reason) in caps {
            if cap.is_some_and(|cap| cap == subsidy && cap < computed) {
                reasons.push(reason);
            }
        }
        subsidy
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::facts::CutReason;

    fn yuan(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn cut(limit: CutLimit) -> Cut {
        Cut { limit, reason: CutReason::MaterialsIncomplete, text: String::new() }
    }

    type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a Cut>, &'a str, Vec<Reason>);

    /// docs/rules.md §9: the least cap wins; every cap equal to it and below `computed` is named.
    #[test]
    fn the_least_cap_wins_and_every_binding_cap_is_named() {
        use Reason::{
            LimitedByCertifiedInterest as Certified, LimitedByInterestPaid as Paid, LimitedByReview as Review,
        };
        let amount = |s: &str| cut(CutLimit::Amount(yuan(s)));
        let (c500, c900, c1200, c800) = (amount("500"), amount("900"), amount("1200"), amount("800"));
        let cases: [Case<'_>; 9] = [
            (None, None, None, "1000", vec![]),
            (Some("800"), None, None, "800", vec![Paid]),
            (Some("1000"), None, None, "1000", vec![]),
            (None, Some("700"), Some(&c900), "700", vec![Certified]),
            (Some("900"), Some("700"), Some(&c500), "500", vec![Review]),
            (Some("800"), Some("800"), Some(&c800), "800", vec![Paid, Certified, Review]),
            (Some("1200"), Some("1500"), Some(&c1200), "1000", vec![]),
            (None, Some("0"), None, "0", vec![Certified]),
            (Some("800"), None, Some(&c800), "800", vec![Paid, Review]),
        ];
        for (paid, certified, cut, subsidy, expected) in cases {
            let caps = Caps { interest_paid: paid.map(yuan), certified: certified.map(yuan), cut };
            let mut reasons = Vec::new();
            assert_eq!(caps.apply(yuan("1000"), &mut reasons), yuan(subsidy), "{caps:?}");
            assert_eq!(reasons, expected, "{caps:?}");
        }
    }

    /// docs/rules.md §9: an excluded loan gets 0 with `excluded_by_review` alone.
    #[test]
    fn an_excluded_loan_gets_nothing_whatever_the_other_caps() {
        let excluded = cut(CutLimit::Excluded);
        let caps = Caps { interest_paid: Some(yuan("10")), certified: Some(yuan("0")), cut: Some(&excluded) };
        let mut reasons = Vec::new();
        assert_eq!(caps.apply(yuan("1000"), &mut reasons), Money::ZERO);
        assert_eq!(reasons, vec![Reason::ExcludedByReview]);
    }

    /// A cap never raises a subsidy: with nothing computed, nothing binds.
    #[test]
    fn a_cap_above_nothing_computed_names_nothing() {
        let c = cut(CutLimit::Amount(yuan("100")));
        let caps = Caps { interest_paid: Some(yuan("0")), certified: Some(yuan("5")), cut: Some(&c) };
        let mut reasons = Vec::new();
        assert_eq!(caps.apply(Money::ZERO, &mut reasons), Money::ZERO);
        assert_eq!(reasons, vec![]);
    }
}
