//! The reports of issue 6 as `tiexi report` and the web make them: read the rounds
//! (storage), compute them (the engine, the same door as every other figure), render
//! them (export). A round's figures are the engine's over the projects it counts (not drafts,
//! rejected or withdrawn ones: `review::State::counts`), with the
//! grants on the books in place of the trial allocation once there are any (`settled`);
//! what was paid is what storage holds (issue 5: paid batches only).

use std::collections::HashMap;

use rust_xlsxwriter::Workbook;

use crate::engine::report::{self, YearFigures};
use crate::engine::{self, Money, PolicyError, Project, RoundResult};
use crate::export::report::{payment, Annual, BatchFunds, Heading};
use crate::storage::{self, projects::Record, Conn};

/// The default 制表单位.
pub const ISSUER: &str = "师市总工会";

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

/// A computed round: its stored projects and the engine's result over them.
struct Computed {
    round: storage::rounds::Round,
    policy: engine::Policy,
    records: Vec<Record>,
    projects: Vec<Project>,
    result: RoundResult,
}

/// Every round up to `through`, oldest first, each computed by the engine.
async fn rounds_through(conn: &mut Conn, through: i32) -> Result<Vec<Computed>, ReportError> {
    let mut rounds = storage::rounds::list(conn).await?;
    rounds.retain(|r| r.year <= through);
    rounds.reverse();
    let mut out = Vec::with_capacity(rounds.len());
    for round in rounds {
        let policy = crate::import::policy(&round.policy_toml)?;
        let (records, projects): (Vec<Record>, Vec<Project>) = storage::load::round(conn, round.id)
            .await?
            .into_iter()
            .filter(|(r, _)| crate::review::State::code_counts(&r.state))
            .unzip();
        let result = settled(conn, round.id, &policy, &records, &projects).await?;
        out.push(Computed { round, policy, records, projects, result });
    }
    Ok(out)
}

/// The engine's result over a round's stored projects. Once grants are on the books (a
/// project holds one, or the round keeps grant lines), they replace the trial allocation
/// (`engine::settle`): reports, the API and the pages then show what was decided, while a
/// round without decisions shows the policy's trial allocation.
///
/// # Errors
/// A database error.
pub async fn settled(
    conn: &mut Conn,
    round_id: i64,
    policy: &engine::Policy,
    records: &[Record],
    projects: &[Project],
) -> Result<RoundResult, sqlx::Error> {
    // docs/rules.md §9: the review cuts in force, as every computation of a round takes them.
    let facts = storage::facts::round(conn, round_id).await?;
    let trial = engine::compute_with(policy, projects, &facts);
    let ledger = storage::rounds::ledger_pools(conn, round_id).await?;
    if ledger.is_none() && records.iter().all(|r| r.granted_fen == 0) {
        return Ok(trial);
    }
    let granted: Vec<Money> = records.iter().map(|r| Money::from_fen(r.granted_fen)).collect();
    let pools: Option<Vec<Money>> = ledger.map(|l| l.into_iter().map(Money::from_fen).collect());
    let decided = engine::settle::Decided { granted: &granted, pools: pools.as_deref() };
    Ok(engine::settle::settle(trial, projects, decided))
}

fn history(rounds: &[Computed]) -> Vec<YearFigures> {
    report::by_year(rounds.iter().map(|c| (c.projects.as_slice(), &c.result)))
}

/// The annual report of `year` (年度报表).
///
/// # Errors
/// No such round, a database error, a stored policy that no longer parses.
pub async fn annual(conn: &mut Conn, year: i32, heading: &Heading) -> Result<Workbook, ReportError> {
    let rounds = rounds_through(conn, year).await?;
    let Some(this) = rounds.last().filter(|c| c.round.year == year) else { return Err(ReportError::NoRound(year)) };
    let pools = storage::reports::pools(conn, this.round.id).await?;
    let mut decided = storage::reports::decisions(conn, this.round.id).await?;
    with_cuts(conn, this.round.id, &mut decided).await?;
    let batches = storage::reports::batches(conn, this.round.id).await?;
    let pool_ids: Vec<i64> = pools.iter().map(|p| p.id).collect();
    let batches: Vec<BatchFunds> = batches.into_iter().map(|(b, items)| batch_funds(&pool_ids, b, &items)).collect();
    let paid: Vec<Money> = this.records.iter().map(|r| Money::from_fen(r.paid_fen)).collect();
    let decisions: Vec<String> = this.records.iter().map(|r| decided.get(&r.id).cloned().unwrap_or_default()).collect();
    let mut pools_paid: Vec<Money> = pools.iter().map(|p| Money::from_fen(p.paid_fen)).collect();
    pools_paid.resize(this.result.pools.len(), Money::ZERO);
    let history = history(&rounds);
    let annual = Annual {
        heading,
        policy: &this.policy,
        projects: &this.projects,
        result: &this.result,
        paid: &paid,
        decisions: &decisions,
        pools_paid: &pools_paid,
        batches: &batches,
        history: &history,
    };
    Ok(crate::export::report::annual(&annual)?)
}

/// The review cuts in force next to each project's decision (项目明细's 原因): which loan,
/// what was cut and why (docs/rules.md §9).
async fn with_cuts(conn: &mut Conn, round_id: i64, decided: &mut HashMap<i64, String>) -> Result<(), sqlx::Error> {
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

/// A batch as 资金来源 lists it, its pool split summed over its items by the engine.
fn batch_funds(pool_ids: &[i64], b: storage::reports::BatchRow, items: &[storage::reports::Parts]) -> BatchFunds {
    let items: Vec<Vec<Money>> = items.iter().map(|parts| by_pool(pool_ids, parts)).collect();
    BatchFunds {
        number: b.number,
        kind: payment::kind_label(&b.kind),
        state: payment::state_label(&b.state),
        paid_on: b.paid_on,
        voucher_no: b.voucher_no,
        items: u64::try_from(b.item_count).unwrap_or_default(),
        total: Money::from_fen(b.total_fen),
        parts: report::column_sums(items.iter().map(Vec::as_slice), pool_ids.len()),
    }
}

/// An item's parts in the round's pool order (0 for a pool it took nothing from).
fn by_pool(pool_ids: &[i64], parts: &[(i64, i64)]) -> Vec<Money> {
    let at: HashMap<i64, i64> = parts.iter().copied().collect();
    pool_ids.iter().map(|id| Money::from_fen(at.get(id).copied().unwrap_or_default())).collect()
}

/// The cumulative report through `through` (累计报表, rules.md §7).
///
/// # Errors
/// No round up to that year, a database error, a stored policy that no longer parses.
pub async fn cumulative(conn: &mut Conn, through: i32, heading: &Heading) -> Result<Workbook, ReportError> {
    let rounds = rounds_through(conn, through).await?;
    if rounds.is_empty() {
        return Err(ReportError::NoRound(through));
    }
    Ok(crate::export::report::cumulative(heading, &history(&rounds))?)
}

/// The payment list of a batch; `None` when there is no such batch.
///
/// # Errors
/// A database error.
pub async fn payment_list(
    conn: &mut Conn,
    batch_id: i64,
    heading: &Heading,
    full_accounts: bool,
) -> Result<Option<Workbook>, ReportError> {
    let Some((batch, round_id, items)) = storage::reports::payment_list(conn, batch_id).await? else {
        return Ok(None);
    };
    let pools = storage::reports::pools(conn, round_id).await?;
    let pool_ids: Vec<i64> = pools.iter().map(|p| p.id).collect();
    let list = payment::PaymentList {
        year: batch.year,
        kind: payment::kind_label(&batch.kind),
        state: payment::state_label(&batch.state),
        number: batch.number,
        voucher_no: batch.voucher_no,
        paid_on: batch.paid_on,
        pools: pools.into_iter().map(|p| p.name).collect(),
        items: items
            .into_iter()
            .map(|i| payment::PaymentItem {
                parts: by_pool(&pool_ids, &i.parts),
                unit: i.unit,
                project_key: crate::export::mask::project_key(&i.project_key, &i.id_number),
                project_name: i.project_name,
                payee_name: i.payee_name,
                payee_bank: i.payee_bank,
                payee_account: i.payee_account,
                amount: Money::from_fen(i.amount_fen),
            })
            .collect(),
        full_accounts,
    };
    Ok(Some(payment::workbook(heading, &list)?))
}
