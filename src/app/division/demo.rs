//! The demo division's books (issue 16), called by `crate::demo`: its settings, each closed
//! round's money received and paid before the system (历史拨付, so that 资金来源 reconciles:
//! 到位 − 已拨付 = 剩余 on every line), the open round's receipts so far, and 绩效 targets.
//! Written straight to storage inside the demo's one transaction, like the rest of it.

use crate::engine::performance::{Direction, Indicator};
use crate::engine::{Money, PoolKind, RoundStatus};
use crate::storage::funds::{self, NewLine};
use crate::storage::performance::TargetRow;
use crate::storage::{self, Conn};

/// The demo's settings: the division's full name, who signs, the paying account.
const SETTINGS: [(&str, &str); 6] = [
    ("division_name", "新疆生产建设兵团第十三师新星市总工会"),
    ("preparer", "李梅"),
    ("payer_name", "第十三师新星市总工会"),
    ("payer_bank", "中国农业银行哈密红星支行"),
    ("payer_account", "30-480101040012345"),
    ("objection_contact", "师市总工会财务部（电话 0902-2345678，地址：新星市红星路 8 号）"),
];

/// Store the settings.
///
/// # Errors
/// A database error.
pub async fn settings(conn: &mut Conn) -> Result<(), sqlx::Error> {
    for (key, value) in SETTINGS {
        storage::settings::set(conn, key, value, None).await?;
    }
    Ok(())
}

/// The document numbers of a pool's money: the Corps' allocation or the union's own.
fn document(kind: PoolKind, year: i32) -> String {
    if kind == PoolKind::Funded {
        format!("兵工发〔{year}〕12号")
    } else {
        format!("师市工发〔{year}〕8号")
    }
}

/// A closed round recorded as totals: every pool wholly received (in March), granted, and
/// paid before the system (in November of the round's year).
///
/// # Errors
/// A database error.
pub async fn closed_round(conn: &mut Conn, round_id: i64, year: i32) -> Result<(), sqlx::Error> {
    funds::set_pools_granted(conn, round_id).await?;
    for (n, p) in funds::pools(conn, round_id).await?.iter().enumerate() {
        let (received, paid) = (format!("{year}-03-15"), format!("{year}-11-20"));
        let voucher = format!("{year}-记-{:03}", 101 + n);
        let mut line = NewLine {
            pool_id: p.id,
            to_pool_id: None,
            amount: p.amount,
            on: Some(&received),
            document_no: &document(p.kind, year),
            note: "",
            by: None,
        };
        funds::add_receipt(conn, &line).await?;
        (line.on, line.document_no, line.note) = (Some(paid.as_str()), voucher.as_str(), "系统启用前拨付");
        funds::add_historical(conn, &line).await?.ok_or(sqlx::Error::RowNotFound)?;
    }
    Ok(())
}

/// The open round so far: the Corps' money received in full, the union's own half of it.
///
/// # Errors
/// A database error.
pub async fn open_round(conn: &mut Conn, round_id: i64, year: i32) -> Result<(), sqlx::Error> {
    for p in funds::pools(conn, round_id).await? {
        let (on, amount) = if p.kind == PoolKind::Funded {
            (format!("{year}-04-10"), p.amount)
        } else {
            (format!("{year}-05-20"), Money::from_fen(p.amount.fen() / 2))
        };
        let line = NewLine {
            pool_id: p.id,
            to_pool_id: None,
            amount,
            on: Some(&on),
            document_no: &document(p.kind, year),
            note: "",
            by: None,
        };
        funds::add_receipt(conn, &line).await?;
    }
    Ok(())
}

/// A target of the demo: indicator, name, unit, target, actual (typed), reason.
type Row<'a> = (&'a str, &'a str, &'a str, &'a str, Option<String>, &'a str);

/// The 绩效 targets of a round (the figures of 2023 as the demo publishes them); the
/// satisfaction survey's result once the round is closed.
///
/// # Errors
/// A database error.
pub async fn targets(conn: &mut Conn, round_id: i64, closed: bool) -> Result<(), sqlx::Error> {
    let satisfaction = closed.then(|| "96.5".to_string());
    let hardship_reason = if closed { "申报表未单列困难职工户数，无法统计" } else { "" };
    let rows: [Row<'_>; 9] = [
        ("projects", "获得贴息项目数", "个", "75", None, ""),
        ("loans_unlocked", "撬动贷款", "万元", "3000", None, ""),
        ("leverage", "撬动倍数", "倍", "20", None, ""),
        ("households", "带动职工户数", "户", "1400", None, ""),
        ("hardship_households", "带动困难职工户数", "户", "100", None, hardship_reason),
        ("income_increase", "户均增收", "元", "5000", None, ""),
        ("received_rate", "资金到位率", "%", "100", None, ""),
        ("execution_rate", "预算执行率", "%", "95", None, ""),
        ("satisfaction", "受益职工满意度", "%", "90", satisfaction, ""),
    ];
    let weights = ["15", "15", "10", "15", "5", "10", "10", "10", "10"];
    for ((indicator, name, unit, target, actual, reason), weight) in rows.into_iter().zip(weights) {
        let row = TargetRow {
            id: 0,
            round_id,
            position: 0,
            indicator: Indicator::parse(indicator).ok_or(sqlx::Error::RowNotFound)?,
            name: name.into(),
            unit: unit.into(),
            direction: Direction::AtLeast,
            target: target.into(),
            weight: weight.into(),
            actual,
            reason: reason.into(),
        };
        storage::performance::upsert(conn, &row, None).await?;
    }
    Ok(())
}

/// Everything but the closed rounds' money (`closed_round`, as each is stored): the
/// settings, the open round's receipts, and the targets of 2023 and 2024.
///
/// # Errors
/// A database error.
pub async fn books(conn: &mut Conn) -> Result<(), sqlx::Error> {
    settings(conn).await?;
    for round in storage::rounds::list(conn).await? {
        let closed = round.status == RoundStatus::Closed;
        if !closed {
            open_round(conn, round.id, round.year).await?;
        }
        if round.year >= 2023 {
            targets(conn, round.id, closed).await?;
        }
    }
    Ok(())
}
