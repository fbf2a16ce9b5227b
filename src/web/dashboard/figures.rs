//! The dashboard (the home page): the current round's budget, requests, statuses and
//! regiments, and the cumulative trend with the press sentence, all within the user's
//! scope (read by `app::dashboard`, applied in SQL). Charts from `charts`, each with its table.

use std::sync::Arc;

use crate::web::kernel::templates::context;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::app::dashboard::{ClosedRound, Current, PoolUse};
use crate::app::{Actor, Scope};
use crate::engine::RoundStatus;
use crate::engine::{summary, Figures, Money};
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::cache::{Caches, Generation, Html, Kept};
use crate::web::kernel::charts::{self, Layout, Line, Series};
use crate::web::kernel::views::yuan;

const BUDGET: Series = Series { name: "预算", color: "#d9dde3" };
const REQUESTED: Series = Series { name: "申请贴息", color: "#f0b429" };
const GRANTED: Series = Series { name: "已核定", color: "#de911d" };
const PAID: Series = Series { name: "已拨付", color: "#9b1c1c" };
const AMOUNT: Series = Series { name: "金额", color: "#de911d" };
const COUNT: Series = Series { name: "项目数", color: "#4c63b6" };
const SUBSIDY: Series = Series { name: "核定贴息", color: "#9b1c1c" };
const LOANS: Series = Series { name: "撬动贷款", color: "#3f9142" };
const HOUSEHOLDS: Series = Series { name: "带动职工户数", color: "#4c63b6" };
const LEVERAGE: Series = Series { name: "撬动倍数", color: "#1f2933" };
/// How many regiments the dashboard lists.
const TOP_REGIMENTS: i64 = 10;

/// Money in a chart: as the press writes it (`806.635万元`).
fn money_label(fen: i64) -> String {
    summary::amount(Money::from_fen(fen))
}

fn count_label(n: i64) -> String {
    n.to_string()
}

/// A ratio held in hundredths, shown with 2 decimals.
fn hundredths_label(v: i64) -> String {
    format!("{}.{:02}", v / 100, v % 100)
}

/// What the dashboard shows of a scope, before the user's header.
#[derive(Debug, Serialize)]
pub struct Board {
    scope: String,
    current: Option<serde_json::Value>,
    trend: Option<serde_json::Value>,
    rounds: Vec<serde_json::Value>,
}

/// The dashboard of the session's user, as rendered at this generation or now.
///
/// # Errors
/// A database error.
pub(crate) async fn page(db: &Db, kept: Kept<'_>, session: &Session) -> Result<Html, AppError> {
    let make = async {
        let board = board(db, kept.caches, session.actor(), kept.generation).await?;
        let b = &*board;
        let context = context! { me: crate::web::kernel::pages::me(session), scope: &b.scope, current: &b.current, trend: &b.trend, rounds: &b.rounds };
        kept.render("home", context)
    };
    kept.page(session, "/", true, make).await
}

/// The figures of a scope: computed at this generation already (by any user of the same
/// scope), or now. Every query applies the scope in SQL; the cache is keyed by it.
async fn board(db: &Db, caches: &Caches, actor: Actor<'_>, generation: Generation) -> Result<Arc<Board>, AppError> {
    let scope = actor.scope();
    if let Some(board) = caches.boards.get(&scope, generation) {
        return Ok(board);
    }
    let read = crate::app::dashboard::board(db, actor, TOP_REGIMENTS).await?;
    let rounds = read
        .rounds
        .iter()
        .map(|r| serde_json::json!({ "year": r.year, "name": &r.name, "status": &r.status }))
        .collect();
    let label = match &scope {
        Scope::All => "全师".to_string(),
        Scope::Unit(u) => u.clone(),
        Scope::Owner(_) => "本人的项目".to_string(),
    };
    let board = Arc::new(Board {
        scope: label,
        current: read.current.as_ref().map(current),
        trend: trend(&read.closed),
        rounds,
    });
    caches.boards.put(scope, generation, Arc::clone(&board));
    Ok(board)
}

#[derive(Serialize)]
struct PoolRow {
    name: String,
    kind: &'static str,
    amount: String,
    granted: String,
    paid: String,
    left: Option<String>,
}

fn pool_rows(pools: &[PoolUse]) -> Vec<PoolRow> {
    pools
        .iter()
        .map(|p| PoolRow {
            name: p.name.clone(),
            kind: p.kind.label(),
            amount: yuan(p.amount),
            granted: yuan(p.granted),
            paid: yuan(p.paid),
            left: p.left.map(yuan),
        })
        .collect()
}

/// The current round's section.
fn current(c: &Current) -> serde_json::Value {
    let (round, pools, req, regiments) = (&c.round, &c.pools, &c.requests, &c.regiments);
    let pool_bars: Vec<_> =
        pools.iter().map(|p| (p.name.clone(), vec![p.amount.fen(), p.granted.fen(), p.paid.fen()])).collect();
    let request_bars: Vec<_> =
        [("预算", req.budget), ("申请贴息", req.requested), ("已核定", req.granted), ("已拨付", req.paid)]
            .iter()
            .map(|(l, m)| ((*l).to_string(), vec![m.fen()]))
            .collect();
    let state_rows: Vec<_> = c.states.iter().map(|(c, n)| (c.label().to_string(), vec![*n])).collect();
    let status_rows: Vec<_> = c.statuses.iter().map(|(c, n)| (c.label().to_string(), vec![*n])).collect();
    let regiment_bars: Vec<_> =
        regiments.iter().map(|r| (r.unit.clone(), vec![r.granted.fen(), r.requested.fen()])).collect();
    let table =
        |rows: &[(String, Vec<i64>)]| -> Vec<(String, i64)> { rows.iter().map(|(l, v)| (l.clone(), v[0])).collect() };
    serde_json::json!({
        "year": round.year, "name": round.name, "open": round.status == RoundStatus::Open,
        "pools": pool_rows(pools),
        "pools_chart": charts::bars("资金池：预算、已核定、已拨付", &pool_bars, &[BUDGET, GRANTED, PAID], Layout::Overlaid, &money_label),
        "requests": { "budget": yuan(req.budget), "projects": req.projects, "requested": yuan(req.requested),
                      "granted": yuan(req.granted), "paid": yuan(req.paid) },
        "requests_chart": charts::bars("申请与预算", &request_bars, &[AMOUNT], Layout::Grouped, &money_label),
        "states": table(&state_rows),
        "states_chart": charts::bars("审核状态", &state_rows, &[COUNT], Layout::Grouped, &count_label),
        "statuses": table(&status_rows),
        "statuses_chart": charts::bars("试算结果", &status_rows, &[COUNT], Layout::Grouped, &count_label),
        "regiments": regiments.iter().map(|r| serde_json::json!({ "unit": r.unit, "projects": r.projects,
            "requested": yuan(r.requested), "granted": yuan(r.granted) })).collect::<Vec<_>>(),
        "regiments_chart": charts::bars("团场：已核定与申请贴息", &regiment_bars, &[GRANTED, REQUESTED], Layout::Grouped, &money_label),
    })
}

/// Leverage in hundredths for the chart (it has 2 decimals: docs/rules.md §7).
fn hundredths(v: Option<Decimal>) -> Option<i64> {
    v.and_then(|d| i64::try_from((d * Decimal::ONE_HUNDRED).trunc()).ok())
}

fn figures_row(label: &str, f: &Figures) -> serde_json::Value {
    serde_json::json!({
        "label": label, "projects": f.funded_projects, "granted": yuan(f.granted), "granted_wan": f.granted.wan_yuan().to_string(),
        "loans": yuan(f.loans_unlocked), "leverage": f.leverage.map_or_else(|| "—".into(), |l| l.to_string()),
        "households": f.households,
    })
}

/// The cumulative section: per closed round and in all, the charts and the press sentence.
fn trend(closed: &[ClosedRound]) -> Option<serde_json::Value> {
    let first_year = closed.first()?.0;
    let (per_round, all) = summary::trend(closed);
    let years: Vec<String> = per_round.iter().map(|(y, _)| y.to_string()).collect();
    let granted: Vec<i64> = per_round.iter().map(|(_, f)| f.granted.fen()).collect();
    let loans: Vec<i64> = per_round.iter().map(|(_, f)| f.loans_unlocked.fen()).collect();
    let homes: Vec<i64> = per_round.iter().map(|(_, f)| i64::try_from(f.households).unwrap_or(i64::MAX)).collect();
    let line = Line {
        series: LEVERAGE,
        values: per_round.iter().map(|(_, f)| hundredths(f.leverage)).collect(),
        label: &hundredths_label,
    };
    let mut rows: Vec<_> = per_round.iter().map(|(y, f)| figures_row(&format!("{y}年"), f)).collect();
    rows.push(figures_row("累计", &all));
    Some(serde_json::json!({
        "first_year": first_year, "last_year": per_round.last().map(|(y, _)| *y),
        "sentence": summary::sentence(first_year, &all),
        "rows": rows,
        "granted_chart": charts::columns("历年核定贴息与撬动倍数", &years, &granted, SUBSIDY, Some(&line), &money_label),
        "loans_chart": charts::columns("历年撬动贷款", &years, &loans, LOANS, None, &money_label),
        "households_chart": charts::columns("历年带动职工户数", &years, &homes, HOUSEHOLDS, None, &count_label),
    }))
}
