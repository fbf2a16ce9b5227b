//! The summary sentence the union writes for the press (issue 6 item 4), and the amounts in
//! it written as people write them. Pure: figures in, text out; no floats.
//!
//! The rounding of this sentence is a rule of its own (docs/rules.md §7 gives the figures; the
//! press writes them shorter), fixed here and never a setting:
//! - an amount below 1亿 is written in 万元 with at most 4 decimals (half-up to the yuan, as
//!   docs/rules.md §7's 万元 column), trailing zeros dropped: 806.6350万 → `806.635万元`;
//! - an amount whose 万元 figure reaches 10000 is written in 亿元, half-up to 2 decimals,
//!   trailing zeros dropped: 168,000,000.00 → `1.68亿元`, 100,000,000.00 → `1亿元`;
//! - the income increase is a floor ("X元以上" must never overstate): to the 1,000 at and
//!   above 1,000 元, to the 100 at and above 100, to the 10 at and above 10, to the yuan
//!   below; a mean that floors to 0 (or no mean at all) leaves the clause out.

use rust_decimal::{Decimal, RoundingStrategy};

use super::figures::{Figures, Tally};
use super::money::Money;
use super::project::Project;

/// 1亿 in 万: the point where the sentence switches to 亿元.
const WAN_PER_YI: i64 = 10_000;

/// An amount as the press writes it: `806.635万元`, `1.68亿元`, `0万元`.
///
/// ```
/// use tiexi::engine::{summary::amount, Money};
/// assert_eq!(amount(Money::from_fen(806_635_000)), "806.635万元");
/// assert_eq!(amount(Money::from_fen(16_800_000_000)), "1.68亿元");
/// ```
#[must_use]
pub fn amount(m: Money) -> String {
    let wan = m.wan_yuan();
    if wan.abs() >= Decimal::from(WAN_PER_YI) {
        let yi = (m.yuan() / Decimal::from(100_000_000_i64))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        format!("{}亿元", yi.normalize())
    } else {
        format!("{}万元", wan.normalize())
    }
}

/// The income increase as the round figure "X元以上" may claim: floored (see the module's
/// rules), `None` when nothing positive is left.
#[must_use]
pub fn income_floor(mean: Decimal) -> Option<i64> {
    let whole = mean.floor();
    let step = [1000, 100, 10].into_iter().find(|s| whole >= Decimal::from(*s)).unwrap_or(1);
    let floored = (whole / Decimal::from(step)).floor() * Decimal::from(step);
    i64::try_from(floored).ok().filter(|v| *v > 0)
}

/// The press sentence over cumulative figures since `first_year` (issue 6 item 4): funded
/// projects, subsidy paid (the figures' `granted`), loans unlocked, households, and the
/// income clause only when the figures carry a mean.
///
/// ```
/// use tiexi::engine::{summary::sentence, Figures, Money};
/// let f = Figures { projects: 2, funded_projects: 2, requested: Money::from_fen(0), granted: Money::from_fen(1_000_000),
///     loans_unlocked: Money::from_fen(20_000_000), leverage: None, households: 9, avg_income_increase: None };
/// assert_eq!(sentence(2020, &f), "自2020年以来累计开展职工自主创业示范项目2个，拨付贴息资金1万元，撬动贷款20万元，带动职工9户");
/// ```
#[must_use]
pub fn sentence(first_year: i32, f: &Figures) -> String {
    let income =
        f.avg_income_increase.and_then(income_floor).map_or_else(String::new, |v| format!("，户年均增收{v}元以上"));
    format!(
        "自{first_year}年以来累计开展职工自主创业示范项目{}个，拨付贴息资金{}，撬动贷款{}，带动职工{}户{income}",
        f.funded_projects,
        amount(f.granted),
        amount(f.loans_unlocked),
        f.households,
    )
}

/// A stored project as the figures count it: the project, its request and its grant.
pub type Counted = (Project, Money, Money);

/// A round's year and its counted projects, in workbook order.
pub type RoundProjects = (i32, Vec<Counted>);

/// docs/rules.md §7 over stored grants: the figures of each round (oldest first) and across them
/// all (a loan contract counting once in the cumulative `loans_unlocked`).
#[must_use]
pub fn trend(rounds: &[RoundProjects]) -> (Vec<(i32, Figures)>, Figures) {
    let mut all = Tally::default();
    let per_round = rounds
        .iter()
        .map(|(year, projects)| {
            let mut one = Tally::default();
            for (project, requested, granted) in projects {
                one.add(project, *requested, *granted);
                all.add(project, *requested, *granted);
            }
            (*year, one.figures())
        })
        .collect();
    (per_round, all.figures())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fen(yuan: &str) -> Money {
        yuan.parse().expect("an amount")
    }

    fn figures(funded: usize, granted: &str, loans: &str, households: u64, income: Option<&str>) -> Figures {
        Figures {
            projects: funded,
            funded_projects: funded,
            requested: fen(granted),
            granted: fen(granted),
            loans_unlocked: fen(loans),
            leverage: None,
            households,
            avg_income_increase: income.map(|v| v.parse().expect("a mean")),
        }
    }

    /// Issue 6 item 4: the demo's published sentence, word for word.
    #[test]
    fn the_published_sentence_of_the_demo_through_2023() {
        let f = figures(431, "8066350.00", "168000000.00", 7916, Some("5412.37"));
        assert_eq!(
            sentence(2017, &f),
            "自2017年以来累计开展职工自主创业示范项目431个，拨付贴息资金806.635万元，撬动贷款1.68亿元，带动职工7916户，户年均增收5000元以上"
        );
    }

    /// 万元 below 1亿 (trailing zeros dropped), 亿元 from 1亿 (half-up, 2 decimals).
    #[test]
    fn amounts_switch_from_wan_to_yi_at_one_yi() {
        for (yuan, written) in [
            ("0", "0万元"),
            ("0.49", "0万元"),
            ("0.50", "0.0001万元"),
            ("8066350.00", "806.635万元"),
            ("12000000.00", "1200万元"),
            ("99999900.00", "9999.99万元"),
            ("99999999.99", "1亿元"),
            ("100000000.00", "1亿元"),
            ("104999999.99", "1.05亿元"),
            ("104900000.00", "1.05亿元"),
            ("104499999.99", "1.04亿元"),
            ("168000000.00", "1.68亿元"),
            ("123456789012.34", "1234.57亿元"),
        ] {
            assert_eq!(amount(fen(yuan)), written, "{yuan}");
        }
    }

    /// "以上" never overstates: the mean is floored to a round figure.
    #[test]
    fn the_income_figure_is_floored_to_a_round_figure() {
        for (mean, shown) in [
            ("5412.37", Some(5000)),
            ("5000.00", Some(5000)),
            ("4999.99", Some(4000)),
            ("12999.00", Some(12000)),
            ("999.99", Some(900)),
            ("100.00", Some(100)),
            ("99.50", Some(90)),
            ("10.00", Some(10)),
            ("9.99", Some(9)),
            ("0.99", None),
            ("0", None),
            ("-5", None),
        ] {
            assert_eq!(income_floor(mean.parse().unwrap()), shown, "{mean}");
        }
    }

    #[test]
    fn zero_figures_still_make_a_sentence_and_no_income_data_omits_the_clause() {
        assert_eq!(
            sentence(2024, &figures(0, "0", "0", 0, None)),
            "自2024年以来累计开展职工自主创业示范项目0个，拨付贴息资金0万元，撬动贷款0万元，带动职工0户"
        );
        assert!(!sentence(2017, &figures(3, "1.00", "1.00", 5, Some("0.50"))).contains("增收"));
    }
}
