//! The pools as accounts (issue 16): record money received into a pool (到位), money
//! carried to a pool of the next round (结转, both sides in one record) and money paid
//! before the system (历史拨付), or cancel a wrong record; and each pool's account.

use chrono::NaiveDate;
use serde_json::json;

use crate::app::Actor;
use crate::engine::report::accounts::{Account, LineState, PoolAccount};
use crate::engine::report::sum;
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::funds::{self, Line, NewLine};
use crate::storage::{self, rounds::Round, Conn, Db, Pool};

pub use crate::storage::funds::Kind;

/// A new record of a pool's account, as staff enter it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub kind: Kind,
    pub pool_id: i64,
    /// A carry-over's pool of the next round.
    pub to_pool_id: Option<i64>,
    pub amount: Money,
    /// Required but for a payment before the system, whose date may be unknown.
    pub on: Option<NaiveDate>,
    /// 文号 or 凭证号: required but for a payment before the system.
    pub document_no: &'a str,
    pub note: &'a str,
}

/// The action and entity names of the audit trail.
fn names(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Receipt => ("receipt", "到位"),
        Kind::Carryover => ("carryover", "结转"),
        Kind::Historical => ("historical_payment", "历史拨付"),
    }
}

/// Check what staff entered before anything is written.
fn validate(e: &Entry<'_>) -> Result<(), AppError> {
    let (_, what) = names(e.kind);
    if !e.amount.is_positive() {
        return Err(AppError::Invalid(format!("{what}金额须大于 0")));
    }
    if e.kind != Kind::Historical && (e.on.is_none() || e.document_no.trim().is_empty()) {
        return Err(AppError::Invalid(format!("{what}须填写日期和文号（凭证号）")));
    }
    if e.kind == Kind::Carryover && e.to_pool_id.is_none() {
        return Err(AppError::Invalid("结转须选择转入的下一年度资金来源".into()));
    }
    Ok(())
}

/// Record a receipt, carry-over or payment before the system on a pool of the round of
/// `year`; returns its id. A carry-over goes to a pool of the next round and takes at most
/// what the pool holds beyond its grants still to be paid (可结转); a payment before the
/// system at most what the pool granted and has not paid.
///
/// # Errors
/// `Forbidden`, `NotFound` (no such round or pool in it), `Invalid`, `Conflict`, or a
/// database error.
pub async fn record(pool: &Pool, actor: &Actor<'_>, year: i32, e: &Entry<'_>) -> Result<i64, AppError> {
    actor.require_staff()?;
    validate(e)?;
    let mut tx = storage::begin_write(pool).await?;
    let from = funds::find_pool(&mut tx, e.pool_id).await?.filter(|p| p.year == year).ok_or(AppError::NotFound)?;
    let on = e.on.map(|d| d.to_string());
    let line = NewLine {
        pool_id: from.id,
        to_pool_id: e.to_pool_id,
        amount: e.amount,
        on: on.as_deref(),
        document_no: e.document_no.trim(),
        note: e.note.trim(),
        by: actor.id,
    };
    let id = match e.kind {
        Kind::Receipt => funds::add_receipt(&mut tx, &line).await?,
        Kind::Historical => funds::add_historical(&mut tx, &line)
            .await?
            .ok_or_else(|| AppError::Conflict("历史拨付超过该资金来源已核定而未拨付的金额（须先核定贴息）".into()))?,
        Kind::Carryover => carry(&mut tx, &from, e.amount, &line).await?,
    };
    let (entity, _) = names(e.kind);
    let action = format!("{entity}.add");
    let mut a = actor.entry(&action, entity, id.to_string(), Some(from.round_id));
    a.new = json!({ "pool": from.name, "to_pool_id": e.to_pool_id, "amount": e.amount, "on": on,
        "document_no": line.document_no, "note": line.note });
    storage::audit::append(&mut tx, &a).await?;
    tx.commit().await?;
    Ok(id)
}

/// A carry-over: to a pool of the next round, at most what the pool holds beyond its grants
/// still to be paid (read in the write transaction, so no other write comes between).
async fn carry(conn: &mut Conn, from: &funds::Pool, amount: Money, line: &NewLine<'_>) -> Result<i64, AppError> {
    let to = funds::find_pool(conn, line.to_pool_id.unwrap_or_default()).await?;
    if to.as_ref().is_none_or(|t| t.year != from.year + 1) {
        return Err(AppError::Invalid(format!("结转只能转入{}年度的资金来源", from.year + 1)));
    }
    let account = account_of(conn, from).await?;
    if amount > account.uncommitted() {
        return Err(AppError::Conflict(format!(
            "结转金额超过可结转余额 {} 元（上年结转与到位，减已核定与已结转）",
            account.uncommitted()
        )));
    }
    Ok(funds::add_carryover(conn, line).await?)
}

/// Cancel a wrong record (it stays, marked cancelled); audited with what it was.
///
/// # Errors
/// `Forbidden`, `NotFound`, `Conflict` (already cancelled), or a database error.
pub async fn cancel(pool: &Pool, actor: &Actor<'_>, kind: Kind, id: i64) -> Result<(), AppError> {
    actor.require_staff()?;
    let mut tx = storage::begin_write(pool).await?;
    let line = funds::find(&mut tx, kind, id).await?.ok_or(AppError::NotFound)?;
    let owner = funds::find_pool(&mut tx, line.pool_id).await?.ok_or(AppError::NotFound)?;
    if !funds::cancel(&mut tx, kind, id, actor.id).await? {
        return Err(AppError::Conflict("该记录已作废".into()));
    }
    let (entity, _) = names(kind);
    let action = format!("{entity}.cancel");
    let mut a = actor.entry(&action, entity, id.to_string(), Some(owner.round_id));
    a.old = json!({ "state": "active", "pool": owner.name, "amount": line.amount,
        "on": line.on, "document_no": line.document_no });
    a.new = json!({ "state": "cancelled" });
    storage::audit::append(&mut tx, &a).await?;
    tx.commit().await?;
    Ok(())
}

/// One pool's account as the books stand.
async fn account_of(conn: &mut Conn, p: &funds::Pool) -> Result<Account, sqlx::Error> {
    let lines = funds::lines(conn, p.round_id).await?;
    let granted = [p.granted];
    Ok(accounts(std::slice::from_ref(p), &lines, &granted).remove(0).account)
}

/// The pools of a round as accounts from their active lines: `granted` beside `pools` (the
/// grants on the books), paid as the pools hold it (batches and payments before the system).
#[must_use]
pub fn accounts(pools: &[funds::Pool], lines: &[Line], granted: &[Money]) -> Vec<PoolAccount> {
    let active = || lines.iter().filter(|l| l.state == LineState::Active);
    let amounts = |f: &dyn Fn(&Line) -> bool| sum(active().filter(|l| f(l)).map(|l| l.amount));
    pools
        .iter()
        .zip(granted)
        .map(|(p, granted)| PoolAccount {
            name: p.name.clone(),
            kind: p.kind,
            account: Account {
                budget: p.amount,
                carried_in: amounts(&|l| l.kind == Kind::Carryover && l.to_pool_id == Some(p.id)),
                received: amounts(&|l| l.kind == Kind::Receipt && l.pool_id == p.id),
                granted: *granted,
                paid: p.paid,
                carried_out: amounts(&|l| l.kind == Kind::Carryover && l.pool_id == p.id),
            },
        })
        .collect()
}

/// A round's pools, their lines and their accounts with the grants the pools hold.
///
/// # Errors
/// A database error.
pub async fn of_round(conn: &mut Conn, round_id: i64) -> Result<(Vec<funds::Pool>, Vec<Line>), sqlx::Error> {
    let pools = funds::pools(conn, round_id).await?;
    let lines = funds::lines(conn, round_id).await?;
    Ok((pools, lines))
}

/// A round's pools as accounts, as the funds page and the API show them.
pub struct Book {
    pub round: Round,
    pub pools: Vec<funds::Pool>,
    pub lines: Vec<Line>,
    /// Each pool's account, beside `pools`.
    pub accounts: Vec<PoolAccount>,
    /// The next round's pools, where a carry-over may go.
    pub next: Vec<funds::Pool>,
    /// `2024年度·兵团项目资金` for every pool of `pools`, `next` and the lines.
    pub names: std::collections::HashMap<i64, String>,
}

/// The round of `year`'s pools as accounts, their lines and the next round's pools, for
/// those who read the division's money (`Actor::require_reader`).
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub async fn book(db: &Db, actor: Actor<'_>, year: i32) -> Result<Book, AppError> {
    actor.require_reader()?;
    let round = crate::app::rounds::find(db, year).await?;
    let mut conn = db.inner.acquire().await?;
    let (pools, lines) = of_round(&mut conn, round.id).await?;
    let granted: Vec<Money> = pools.iter().map(|p| p.granted).collect();
    let accounts = accounts(&pools, &lines, &granted);
    let next = match storage::rounds::find_by_year(&mut conn, year + 1).await? {
        Some(r) => funds::pools(&mut conn, r.id).await?,
        None => Vec::new(),
    };
    let mut names: std::collections::HashMap<i64, String> =
        pools.iter().chain(&next).map(|p| (p.id, format!("{}年度·{}", p.year, p.name))).collect();
    let other: Vec<i64> = lines
        .iter()
        .flat_map(|l| [Some(l.pool_id), l.to_pool_id])
        .flatten()
        .filter(|id| !names.contains_key(id))
        .collect();
    for id in other {
        if let Some(p) = funds::find_pool(&mut conn, id).await? {
            names.insert(id, format!("{}年度·{}", p.year, p.name));
        }
    }
    Ok(Book { round, pools, lines, accounts, next, names })
}
