//! The annual and the cumulative report: the rounds on the books, the pools as accounts
//! with their lines (received, paid, carried), the 绩效 evaluation, rendered by export.

use std::collections::HashMap;

use rust_xlsxwriter::Workbook;

use super::{date, history, published, rounds_through, Computed, ReportError};
use crate::app::division;
use crate::engine::performance;
use crate::engine::report::accounts::{total, LineState, PoolAccount};
use crate::engine::report::{self, Outcome};
use crate::engine::Money;
use crate::export::report::{payment, Annual, Carryover, Heading, Payment, Receipt};
use crate::storage::funds::{Kind, Line, Pool};
use crate::storage::{self, Conn};

/// A round's pools as accounts, with their pools and lines as stored.
async fn accounts(conn: &mut Conn, c: &Computed) -> Result<(Vec<Pool>, Vec<Line>, Vec<PoolAccount>), sqlx::Error> {
    let (pools, lines) = division::funds::of_round(conn, c.round.id).await?;
    let granted: Vec<Money> = c.result.pools.iter().map(|p| p.granted).collect();
    let accounts = division::funds::accounts(&pools, &lines, &granted);
    Ok((pools, lines, accounts))
}

/// `2023年度·兵团项目资金`, for a pool of any round.
async fn pool_names(conn: &mut Conn, lines: &[Line]) -> Result<HashMap<i64, String>, sqlx::Error> {
    let mut names = HashMap::new();
    let ids: Vec<i64> = lines.iter().flat_map(|l| [Some(l.pool_id), l.to_pool_id]).flatten().collect();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
            if let Some(p) = storage::funds::find_pool(conn, id).await? {
                e.insert(format!("{}年度·{}", p.year, p.name));
            }
        }
    }
    Ok(names)
}

/// The money that came in (received, carried in) and was carried out, line by line.
fn movements(pools: &[Pool], lines: &[Line], names: &HashMap<i64, String>) -> (Vec<Receipt>, Vec<Carryover>) {
    let ours = |id: i64| pools.iter().find(|p| p.id == id).map(|p| p.name.clone());
    let mut receipts = Vec::new();
    let mut out = Vec::new();
    for l in lines.iter().filter(|l| l.state == LineState::Active) {
        let amount = l.amount;
        let received = |pool: String, what| Receipt {
            on: date(l.on.as_deref()),
            pool,
            what,
            document_no: l.document_no.clone(),
            amount,
            note: l.note.clone(),
        };
        match (l.kind, ours(l.pool_id), l.to_pool_id.and_then(ours)) {
            (Kind::Receipt, Some(pool), _) => receipts.push(received(pool, "本年到位")),
            (Kind::Carryover, _, Some(pool)) => receipts.push(received(pool, "上年结转")),
            (Kind::Carryover, Some(_), None) => out.push(Carryover {
                on: date(l.on.as_deref()),
                from: names.get(&l.pool_id).cloned().unwrap_or_default(),
                to: l.to_pool_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
                document_no: l.document_no.clone(),
                amount,
            }),
            _ => {}
        }
    }
    (receipts, out)
}

/// The payments before the system and the batches, each split over the round's pools.
async fn payments(conn: &mut Conn, pools: &[Pool], lines: &[Line], round_id: i64) -> Result<Vec<Payment>, sqlx::Error> {
    let ids: Vec<i64> = pools.iter().map(|p| p.id).collect();
    let mut out: Vec<Payment> = lines
        .iter()
        .filter(|l| l.kind == Kind::Historical && l.state == LineState::Active)
        .map(|l| Payment {
            what: "历史拨付".into(),
            kind: "拨付",
            state: payment::PAID,
            paid_on: date(l.on.as_deref()),
            voucher_no: l.document_no.clone(),
            items: None,
            total: l.amount,
            parts: by_pool(&ids, &[(l.pool_id, l.amount)]),
        })
        .collect();
    for (b, items) in storage::reports::batches(conn, round_id).await? {
        let items: Vec<Vec<Money>> = items.iter().map(|parts| by_pool(&ids, parts)).collect();
        out.push(Payment {
            what: b.number,
            kind: b.kind.label(),
            state: b.state.label(),
            paid_on: date(Some(&b.paid_on)),
            voucher_no: b.voucher_no,
            items: u64::try_from(b.item_count).ok(),
            total: b.total,
            parts: report::column_sums(items.iter().map(Vec::as_slice), pools.len()),
        });
    }
    Ok(out)
}

/// An amount's parts `(pool id, amount)` in the round's pool order (0 where it took nothing).
pub(super) fn by_pool(ids: &[i64], parts: &[(i64, Money)]) -> Vec<Money> {
    let at: HashMap<i64, Money> = parts.iter().copied().collect();
    ids.iter().map(|id| at.get(id).copied().unwrap_or(Money::ZERO)).collect()
}

/// The 绩效 evaluation of a round, if it has targets.
async fn evaluation(
    conn: &mut Conn,
    c: &Computed,
    accounts: &[PoolAccount],
) -> Result<Option<performance::Evaluation>, sqlx::Error> {
    let rows = storage::performance::list(conn, c.round.id).await?;
    let actuals = performance::actuals(&c.projects, &c.result, &total(accounts));
    Ok((!rows.is_empty()).then(|| performance::evaluate(&division::performance::targets(&rows), &actuals)))
}

/// What 项目明细 shows of each project beside the engine's result: paid, the reason staff
/// wrote, its review state and its result on the books (kept apart: 候补 only if approved).
fn columns(c: &Computed, decided: &HashMap<i64, String>) -> (Vec<Money>, Vec<String>, Vec<&'static str>, Vec<Outcome>) {
    let paid = c.records.iter().map(|r| r.paid).collect();
    let decisions = c.records.iter().map(|r| decided.get(&r.id).cloned().unwrap_or_default()).collect();
    let states = c.records.iter().map(|r| r.state.label()).collect();
    let outcomes = c
        .records
        .iter()
        .zip(&c.result.projects)
        .map(|(r, pr)| Outcome::of(r.state == crate::review::State::Approved, pr.requested, pr.granted))
        .collect();
    (paid, decisions, states, outcomes)
}

/// The annual report of `year` (年度报表).
///
/// # Errors
/// No such round, a database error, a stored policy that no longer parses.
pub async fn annual(conn: &mut Conn, year: i32, heading: &Heading) -> Result<Workbook, ReportError> {
    let rounds = rounds_through(conn, year).await?;
    let Some(this) = rounds.last().filter(|c| c.round.year == year) else { return Err(ReportError::NoRound(year)) };
    let (pools, lines, accounts) = accounts(conn, this).await?;
    let names = pool_names(conn, &lines).await?;
    let (receipts, carryovers) = movements(&pools, &lines, &names);
    let payments = payments(conn, &pools, &lines, this.round.id).await?;
    let mut decided = storage::reports::decisions(conn, this.round.id).await?;
    super::with_cuts(conn, this.round.id, &mut decided).await?;
    let (paid, decisions, states, outcomes) = columns(this, &decided);
    let evaluation = evaluation(conn, this, &accounts).await?;
    let actuals = performance::actuals(&this.projects, &this.result, &total(&accounts));
    let history = history(&rounds);
    let published = published(&rounds);
    let annual = Annual {
        heading,
        closed: this.closed(),
        policy: &this.policy,
        projects: &this.projects,
        result: &this.result,
        paid: &paid,
        states: &states,
        outcomes: &outcomes,
        decisions: &decisions,
        pools: &accounts,
        receipts: &receipts,
        payments: &payments,
        carryovers: &carryovers,
        hardship: actuals.hardship_households,
        history: &history,
        published: published.as_ref(),
        performance: evaluation.as_ref(),
    };
    Ok(crate::export::report::annual(&annual)?)
}

/// The cumulative report through `through` (累计报表, docs/rules.md §7), with each round's money
/// by funding source.
///
/// # Errors
/// No round up to that year, a database error, a stored policy that no longer parses.
pub async fn cumulative(conn: &mut Conn, through: i32, heading: &Heading) -> Result<Workbook, ReportError> {
    let rounds = rounds_through(conn, through).await?;
    if rounds.is_empty() {
        return Err(ReportError::NoRound(through));
    }
    let mut sources = Vec::with_capacity(rounds.len());
    for c in &rounds {
        sources.push(accounts(conn, c).await?.2);
    }
    Ok(crate::export::report::cumulative(heading, &history(&rounds), &sources, published(&rounds).as_ref())?)
}

/// A round's 绩效 targets as stored and their evaluation (none without targets): the
/// round on the books, its pools as accounts, scored by the engine.
///
/// # Errors
/// No such round, a database error, a stored policy that no longer parses.
pub async fn performance(
    conn: &mut Conn,
    year: i32,
) -> Result<(Vec<storage::performance::TargetRow>, Option<performance::Evaluation>), ReportError> {
    let rounds = rounds_through(conn, year).await?;
    let Some(this) = rounds.last().filter(|c| c.round.year == year) else { return Err(ReportError::NoRound(year)) };
    let (_, _, accounts) = accounts(conn, this).await?;
    let rows = storage::performance::list(conn, this.round.id).await?;
    Ok((rows, evaluation(conn, this, &accounts).await?))
}
