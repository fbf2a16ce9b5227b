//! 绩效自评 (issue 16): a round's performance targets, their actual values (computed here
//! where the round's figures give them, typed by staff where they cannot, such as the
//! year-end satisfaction figure) and the scores.
//!
//! Scoring, as the 财政部 项目支出绩效自评 does it: an indicator "at least" its target earns
//! its weight × min(actual ÷ target, 1); one "at most" its target earns its weight when the
//! actual stays within it, else weight × target ÷ actual. A missing actual earns 0. Scores
//! are half-up to 2 decimals; the grade is by the share of the weights earned: 优 from 90%,
//! 良 from 80%, 中 from 60%, else 差.

use rust_decimal::Decimal;

use super::report::accounts::Account;
use super::report::round2;
use super::{Money, Project, RoundResult};

/// The indicators the engine knows, and those staff add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// 获得贴息项目数 (个).
    Projects,
    /// 撬动贷款 (万元).
    LoansUnlocked,
    /// 撬动倍数 (倍).
    Leverage,
    /// 带动职工户数 (户).
    Households,
    /// 带动困难职工户数 (户).
    HardshipHouseholds,
    /// 户均增收 (元).
    IncomeIncrease,
    /// 资金到位率 (%).
    ReceivedRate,
    /// 预算执行率 (%).
    ExecutionRate,
    /// 受益职工满意度 (%): typed by staff at year end.
    Satisfaction,
    /// An indicator staff add, with their unit; its actual is typed.
    Custom,
}

impl Indicator {
    /// Every built-in indicator, in the order the form and the report show them.
    pub const BUILT_IN: [Indicator; 9] = [
        Indicator::Projects,
        Indicator::LoansUnlocked,
        Indicator::Leverage,
        Indicator::Households,
        Indicator::HardshipHouseholds,
        Indicator::IncomeIncrease,
        Indicator::ReceivedRate,
        Indicator::ExecutionRate,
        Indicator::Satisfaction,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Indicator::Projects => "projects",
            Indicator::LoansUnlocked => "loans_unlocked",
            Indicator::Leverage => "leverage",
            Indicator::Households => "households",
            Indicator::HardshipHouseholds => "hardship_households",
            Indicator::IncomeIncrease => "income_increase",
            Indicator::ReceivedRate => "received_rate",
            Indicator::ExecutionRate => "execution_rate",
            Indicator::Satisfaction => "satisfaction",
            Indicator::Custom => "custom",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Indicator> {
        Indicator::BUILT_IN.into_iter().chain([Indicator::Custom]).find(|i| i.code() == code)
    }

    /// The name and unit a built-in indicator is shown with.
    #[must_use]
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Indicator::Projects => ("获得贴息项目数", "个"),
            Indicator::LoansUnlocked => ("撬动贷款", "万元"),
            Indicator::Leverage => ("撬动倍数", "倍"),
            Indicator::Households => ("带动职工户数", "户"),
            Indicator::HardshipHouseholds => ("带动困难职工户数", "户"),
            Indicator::IncomeIncrease => ("户均增收", "元"),
            Indicator::ReceivedRate => ("资金到位率", "%"),
            Indicator::ExecutionRate => ("预算执行率", "%"),
            Indicator::Satisfaction => ("受益职工满意度", "%"),
            Indicator::Custom => ("", ""),
        }
    }

    /// Whether the engine computes the actual (else staff type it).
    #[must_use]
    pub fn computed(self) -> bool {
        !matches!(self, Indicator::Satisfaction | Indicator::Custom)
    }
}

/// Which side of the target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// ≥ the target.
    AtLeast,
    /// ≤ the target.
    AtMost,
}

impl Direction {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Direction::AtLeast => "at_least",
            Direction::AtMost => "at_most",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Direction> {
        [Direction::AtLeast, Direction::AtMost].into_iter().find(|d| d.code() == code)
    }

    /// `≥` or `≤`, as the table writes a target.
    #[must_use]
    pub fn sign(self) -> &'static str {
        match self {
            Direction::AtLeast => "≥",
            Direction::AtMost => "≤",
        }
    }
}

/// A target as staff set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub indicator: Indicator,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub target: Decimal,
    /// 分值.
    pub weight: Decimal,
    /// The actual staff typed (satisfaction, their own indicators); ignored where computed.
    pub typed: Option<Decimal>,
    /// Why the actual deviates from the target, as staff wrote it.
    pub reason: String,
}

/// What the round achieved, as the engine computes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actuals {
    pub funded_projects: u64,
    pub loans_unlocked: Money,
    pub leverage: Option<Decimal>,
    pub households: u64,
    pub hardship_households: u64,
    pub income_increase: Option<Decimal>,
    pub received_rate: Option<Decimal>,
    pub execution_rate: Option<Decimal>,
}

/// The actuals of a round: its figures (docs/rules.md §7 over the grants on the books), the
/// hardship households of its funded projects, and the rates of its pools added up.
#[must_use]
pub fn actuals(projects: &[Project], result: &RoundResult, pools: &Account) -> Actuals {
    let t = &result.totals;
    let hardship = projects
        .iter()
        .zip(&result.projects)
        .filter(|(_, r)| r.granted.is_positive())
        .map(|(p, _)| u64::from(p.applicant.hardship_households.unwrap_or(0)))
        .sum();
    Actuals {
        funded_projects: u64::try_from(t.funded_projects).unwrap_or(u64::MAX),
        loans_unlocked: t.loans_unlocked,
        leverage: t.leverage,
        households: t.households,
        hardship_households: hardship,
        income_increase: t.avg_income_increase,
        received_rate: pools.received_rate(),
        execution_rate: pools.execution_rate(),
    }
}

impl Actuals {
    /// The actual of a built-in indicator, in its unit; none for typed ones or when unknown.
    #[must_use]
    pub fn of(&self, indicator: Indicator) -> Option<Decimal> {
        match indicator {
            Indicator::Projects => Some(Decimal::from(self.funded_projects)),
            Indicator::LoansUnlocked => Some(self.loans_unlocked.wan_yuan()),
            Indicator::Leverage => self.leverage,
            Indicator::Households => Some(Decimal::from(self.households)),
            Indicator::HardshipHouseholds => Some(Decimal::from(self.hardship_households)),
            Indicator::IncomeIncrease => self.income_increase,
            Indicator::ReceivedRate => self.received_rate,
            Indicator::ExecutionRate => self.execution_rate,
            Indicator::Satisfaction | Indicator::Custom => None,
        }
    }
}

/// One line of the 绩效自评表.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub target: Target,
    pub actual: Option<Decimal>,
    pub score: Decimal,
    /// The actual reaches the target (none without an actual).
    pub met: Option<bool>,
}

/// The 绩效自评表: each line, the weights, the score and the grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub lines: Vec<Line>,
    pub weight: Decimal,
    pub score: Decimal,
    pub grade: &'static str,
}

/// Score every target against the actuals.
#[must_use]
pub fn evaluate(targets: &[Target], actuals: &Actuals) -> Evaluation {
    let lines: Vec<Line> = targets
        .iter()
        .map(|t| {
            let actual = if t.indicator.computed() { actuals.of(t.indicator) } else { t.typed };
            let (score, met) = actual.map_or((round2(Decimal::ZERO), None), |a| {
                let (s, met) = score(t, a);
                (s, Some(met))
            });
            Line { target: t.clone(), actual, score, met }
        })
        .collect();
    let weight: Decimal = targets.iter().map(|t| t.weight).sum();
    let score: Decimal = lines.iter().map(|l| l.score).sum();
    Evaluation { lines, weight, score, grade: grade(score, weight) }
}

/// A line's score and whether it met its target.
fn score(t: &Target, actual: Decimal) -> (Decimal, bool) {
    let (share, met) = match t.direction {
        Direction::AtLeast if t.target <= Decimal::ZERO => (Decimal::ONE, actual >= t.target),
        Direction::AtLeast => ((actual / t.target).clamp(Decimal::ZERO, Decimal::ONE), actual >= t.target),
        Direction::AtMost if actual <= t.target => (Decimal::ONE, true),
        Direction::AtMost if actual > Decimal::ZERO => ((t.target / actual).max(Decimal::ZERO), false),
        Direction::AtMost => (Decimal::ZERO, false),
    };
    (round2(t.weight * share), met)
}

/// 优, 良, 中 or 差 by the share of the weights earned; `—` without weights.
fn grade(score: Decimal, weight: Decimal) -> &'static str {
    if weight <= Decimal::ZERO {
        return "—";
    }
    let share = score * Decimal::ONE_HUNDRED / weight;
    if share >= Decimal::from(90) {
        "优"
    } else if share >= Decimal::from(80) {
        "良"
    } else if share >= Decimal::from(60) {
        "中"
    } else {
        "差"
    }
}

#[cfg(test)]
mod tests;
