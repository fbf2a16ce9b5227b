//! The reports of issues 6 and 16 as `tiexi report` and the web make them: read the rounds
//! (storage), compute them (the engine, the same door as every other figure), render them
//! (export). A round's figures are the engine's over the projects it counts (not drafts,
//! rejected or withdrawn ones: `review::State::counts`) with the grants on the books in
//! place of the trial allocation (`settled` with `Undecided::NothingGranted`): a report never
//! shows the trial calculation as granted or paid. What was paid is what storage holds: paid batches and payments made
//! before the system (历史拨付).

mod annual;
mod lists;

pub use annual::{annual, cumulative, performance};
pub use lists::{approval_form, payment_list, publicity, publicity_list};

use crate::engine::report::YearFigures;
use crate::engine::RoundStatus;
use crate::engine::{self, Money, PolicyError, Project, RoundResult};
use crate::storage::{self, projects::Record, Conn};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("数据库错误：{0}")]
    Db(#[from] sqlx::Error),
    #[error("年度政策无效：{0}")]
    Policy(#[from] PolicyError),
    #[error("无法生成工作簿：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("没有{0}年度的数据")]
    NoRound(i32),
}

/// A computed round: its stored projects and the engine's result over them, on the books.
struct Computed {
    round: storage::rounds::Round,
    policy: engine::Policy,
    records: Vec<Record>,
    projects: Vec<Project>,
    result: RoundResult,
}

impl Computed {
    fn closed(&self) -> bool {
        self.round.status == RoundStatus::Closed
    }
}

/// Every round up to `through`, oldest first, each computed by the engine on the books.
async fn rounds_through(conn: &mut Conn, through: i32) -> Result<Vec<Computed>, ReportError> {
    let mut rounds = storage::rounds::list(conn).await?;
    rounds.retain(|r| r.year <= through);
    rounds.reverse();
    let mut out = Vec::with_capacity(rounds.len());
    for round in rounds {
        let policy = crate::import::policy(&round.policy_toml)?;
        let (records, projects): (Vec<Record>, Vec<Project>) =
            storage::load::round(conn, round.id).await?.into_iter().filter(|(r, _)| r.state.counts()).unzip();
        let result = settled(conn, round.id, &policy, (&records, &projects), Undecided::NothingGranted).await?;
        out.push(Computed { round, policy, records, projects, result });
    }
    Ok(out)
}

/// What a round without decisions shows: the policy's trial allocation (the pages and the
/// API), or nothing granted (a report states 已核定, never the trial allocation: issue 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undecided {
    Trial,
    NothingGranted,
}

/// The engine's result over a round's stored projects. Once grants are on the books (a
/// project holds one, or the round keeps grant lines), they replace the trial allocation
/// (`engine::settle`): reports, the API and the pages then show what was decided, while a
/// round without decisions shows what `undecided` says.
///
/// # Errors
/// A database error.
pub async fn settled(
    conn: &mut Conn,
    round_id: i64,
    policy: &engine::Policy,
    (records, projects): (&[Record], &[Project]),
    undecided: Undecided,
) -> Result<RoundResult, sqlx::Error> {
    // docs/rules.md §9: the review cuts in force, as every computation of a round takes them.
    let facts = storage::facts::round(conn, round_id).await?;
    let ledger = storage::rounds::ledger_pools(conn, round_id).await?;
    if undecided == Undecided::Trial && ledger.is_none() && records.iter().all(|r| r.granted.is_zero()) {
        return Ok(engine::compute_with(policy, projects, &facts));
    }
    Ok(decided(policy, records, projects, ledger, &facts))
}

fn decided(
    policy: &engine::Policy,
    records: &[Record],
    projects: &[Project],
    ledger: Option<Vec<i64>>,
    facts: &engine::Facts,
) -> RoundResult {
    let trial = engine::compute_with(policy, projects, facts);
    let granted: Vec<Money> = records.iter().map(|r| r.granted).collect();
    let pools: Option<Vec<Money>> = ledger.map(|l| l.into_iter().map(Money::from_fen).collect());
    let decided = engine::settle::Decided { granted: &granted, pools: pools.as_deref() };
    engine::settle::settle(trial, projects, decided)
}

fn history(rounds: &[Computed]) -> Vec<YearFigures> {
    engine::report::by_year(rounds.iter().map(|c| (c.projects.as_slice(), &c.result, c.closed())))
}

/// The press sentence's figures: the closed rounds only.
fn published(rounds: &[Computed]) -> Option<(i32, engine::Figures)> {
    engine::report::closed_cumulative(rounds.iter().map(|c| (c.projects.as_slice(), &c.result, c.closed())))
}

/// The review cuts in force next to each project's decision (项目明细's 原因): which loan,
/// what was cut and why (docs/rules.md §9).
async fn with_cuts(
    conn: &mut Conn,
    round_id: i64,
    decided: &mut std::collections::HashMap<i64, String>,
) -> Result<(), sqlx::Error> {
    for stored in storage::cuts::in_force(conn, round_id).await? {
        let Some(cut) = &stored.cut else { continue };
        let line = decided.entry(stored.project_id).or_default();
        if !line.is_empty() {
            line.push('；');
        }
        line.push_str(&stored.contract_no);
        line.push(' ');
        line.push_str(&crate::export::cut::describe(cut));
    }
    Ok(())
}

/// A stored ISO date (`2024-01-20`), if it is one.
fn date(s: Option<&str>) -> Option<chrono::NaiveDate> {
    s.and_then(|s| s.get(..10)).and_then(|s| s.parse().ok())
}
