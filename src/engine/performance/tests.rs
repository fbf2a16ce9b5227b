//! Scoring 绩效 targets.

use super::*;

fn target(indicator: Indicator, direction: Direction, target: &str, weight: &str, typed: Option<&str>) -> Target {
    let (name, unit) = indicator.label();
    Target {
        indicator,
        name: name.into(),
        unit: unit.into(),
        direction,
        target: target.parse().expect("a number"),
        weight: weight.parse().expect("a number"),
        typed: typed.map(|t| t.parse().expect("a number")),
        reason: String::new(),
    }
}

#[test]
fn lines_are_scored_by_their_share_of_the_target() {
    let actuals = Actuals {
        funded_projects: 78,
        loans_unlocked: Money::from_fen(3_050_000_000),
        leverage: Some("20.33".parse().unwrap()),
        households: 1476,
        ..Actuals::default()
    };
    let targets = [
        target(Indicator::Projects, Direction::AtLeast, "80", "20", None),
        target(Indicator::LoansUnlocked, Direction::AtLeast, "3000", "20", None),
        target(Indicator::Satisfaction, Direction::AtLeast, "90", "10", Some("95.5")),
        target(Indicator::Custom, Direction::AtMost, "2", "10", Some("4")),
        target(Indicator::IncomeIncrease, Direction::AtLeast, "5000", "10", None),
    ];
    let e = evaluate(&targets, &actuals);
    let scores: Vec<String> = e.lines.iter().map(|l| l.score.to_string()).collect();
    assert_eq!(scores, ["19.50", "20.00", "10.00", "5.00", "0.00"]);
    let met: Vec<Option<bool>> = e.lines.iter().map(|l| l.met).collect();
    assert_eq!(met, [Some(false), Some(true), Some(true), Some(false), None]);
    assert_eq!(e.lines[1].actual.map(|a| a.to_string()), Some("3050.0000".into()));
    assert_eq!((e.weight, e.score), (Decimal::from(70), "54.50".parse().unwrap()));
    assert_eq!(e.grade, "中");
}

#[test]
fn grades_follow_the_share_of_the_weights() {
    for (score, grade) in [("90", "优"), ("89.99", "良"), ("80", "良"), ("60", "中"), ("59.99", "差")] {
        assert_eq!(super::grade(score.parse().unwrap(), Decimal::ONE_HUNDRED), grade);
    }
    assert_eq!(super::grade(Decimal::ZERO, Decimal::ZERO), "—");
}
