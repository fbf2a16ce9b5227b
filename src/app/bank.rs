//! Paying through the bank (docs/payments.md): the bank payment file (代发文件) of a batch,
//! its download audited, and the bank's answer (回单) to it. The answer is read in the
//! parser's child (`import::isolate::bank_return`), matched line by line by the engine
//! (`engine::payment::settle`) and stored with the payment in one write transaction
//! (`storage::batches::returns::record`). Any problem refuses the whole answer (422), each
//! named at its row. Division staff only: the accounts are whole.

use std::fmt::Write as _;

use serde_json::json;

use super::imports::Parsers;
use super::Actor;
use crate::config::AppConfig;
use crate::engine::allocation as alloc;
use crate::engine::payment::{self, Answered, Asked, Control};
use crate::error::AppError;
use crate::export::bank_file::{BankFile, Line};
use crate::import::{self, bank_return::BankReturn};
use crate::storage::batches::{self, Batch, Item};
use crate::storage::{self, rounds, Db};

/// How many of a refused answer's problems a message names.
const SHOWN: usize = 20;

/// The file of an approved (or since paid) payment batch, its download audited.
///
/// # Errors
/// `Forbidden` but for division staff, `NotFound`, `Conflict` for a clawback or a batch not
/// yet approved, or a database error.
pub async fn file(db: &Db, actor: Actor<'_>, id: i64) -> Result<BankFile, AppError> {
    actor.require_staff()?;
    let mut conn = db.inner.acquire().await?;
    let b = super::disbursements::allowed(&mut conn, actor, id, crate::signoff::disbursement::Action::BankFile).await?;
    let round = rounds::find(&mut conn, b.round_id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    drop(conn);
    let lines: Vec<Line> = items
        .iter()
        .map(|i| Line {
            payee_name: i.payee_name.clone(),
            account: i.payee_account.clone(),
            bank: i.payee_bank.clone(),
            amount: i.amount,
        })
        .collect();
    let total = alloc::total(&lines.iter().map(|l| l.amount).collect::<Vec<_>>());
    let ordinal =
        b.number.rsplit('-').next().and_then(|n| n.parse::<u32>().ok()).map_or(b.number.clone(), |n| n.to_string());
    let mut tx = storage::begin_write(db).await?;
    let mut e = actor.entry("bank_file.export", "batch", id, Some(b.round_id));
    e.new = serde_json::json!({ "number": b.number, "item_count": lines.len(), "total": total, "full_numbers": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(BankFile { year: round.year, ordinal, purpose: format!("{}年度工会贷款贴息", round.year), lines, total })
}

async fn parse(parsers: &Parsers, config: &AppConfig, bytes: Vec<u8>) -> Result<BankReturn, AppError> {
    let _permit = parsers.permit().await?;
    let exe = config.parser();
    let read = rocket::tokio::task::spawn_blocking(move || import::isolate::bank_return(&exe, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match read {
        Ok(r) => Ok(r),
        Err(import::ImportError::Worker(cause)) => Err(AppError::Internal(cause)),
        Err(e) => Err(AppError::Invalid(format!("银行回单无法读取：{e}"))),
    }
}

fn refuse(problems: &[String]) -> AppError {
    let more = problems.len().saturating_sub(SHOWN);
    let mut text = format!(
        "银行回单有 {} 处问题，未登记任何结果：{}",
        problems.len(),
        problems[..problems.len().min(SHOWN)].join("；")
    );
    if more > 0 {
        let _ = write!(text, "；另有 {more} 处");
    }
    AppError::Invalid(text)
}

/// The answer's lines and how they settle the batch (`engine::payment::settle`).
fn matched(read: &BankReturn, asked: &[Asked]) -> Result<(Vec<Answered>, Vec<payment::Settled>), AppError> {
    let answered: Vec<Answered> = read
        .lines
        .iter()
        .map(|l| Answered {
            row: usize::try_from(l.row).unwrap_or(usize::MAX),
            account: l.account.clone(),
            payee_name: l.payee_name.clone(),
            amount: l.amount,
            paid: l.paid,
            reason: l.reason.clone(),
        })
        .collect();
    let control = read.control.map(|(count, total)| Control { count, total });
    let settled = payment::settle(asked, &answered, control).map_err(|problems| {
        let shown: Vec<String> =
            problems
                .iter()
                .map(|p| {
                    if p.row == 0 {
                        p.message.clone()
                    } else {
                        format!("{} 第{}行：{}", read.sheet, p.row, p.message)
                    }
                })
                .collect();
        refuse(&shown)
    })?;
    Ok((answered, settled))
}

/// An uploaded answer: the file's name and bytes, and the date the bank paid.
pub struct Upload<'a> {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub paid_on: &'a str,
}

/// A recorded answer: how many lines were paid and failed, and the batch as it now stands.
pub struct Recorded {
    pub paid: usize,
    pub failed: usize,
    pub batch: Batch,
    pub items: Vec<Item>,
}

/// Read, match and record the bank's answer to a batch.
///
/// # Errors
/// `Forbidden` but for division staff, `Invalid` (a bad date, an unreadable file, every
/// problem of the answer), `NotFound`, `Conflict` (the batch's guards), or a database error.
pub async fn answer(
    db: &Db,
    actor: Actor<'_>,
    (parsers, config): (&Parsers, &AppConfig),
    id: i64,
    upload: Upload<'_>,
) -> Result<Recorded, AppError> {
    actor.require_staff()?;
    let paid_on: chrono::NaiveDate =
        upload.paid_on.trim().parse().map_err(|_| AppError::Invalid("请填写回单的拨付日期（YYYY-MM-DD）".into()))?;
    let sha = crate::sha::sha256(&upload.bytes);
    let read = parse(parsers, config, upload.bytes).await?;
    if !read.errors.is_empty() {
        return Err(refuse(&read.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()));
    }
    let mut tx = storage::begin_write(db).await?;
    batches::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let asked: Vec<Asked> = batches::items(&mut tx, id)
        .await?
        .into_iter()
        .map(|i| Asked { item_id: i.id, payee_name: i.payee_name, account: i.payee_account, amount: i.amount })
        .collect();
    let (answered, settled) = matched(&read, &asked)?;
    let total = alloc::total(&answered.iter().map(|a| a.amount).collect::<Vec<_>>());
    let answer = batches::returns::Answer {
        file_name: &upload.file_name,
        sha256: &sha,
        paid_on,
        today: super::today(),
        settled: &settled,
        line_count: i64::try_from(answered.len()).unwrap_or(i64::MAX),
        total,
    };
    let out = batches::returns::record(&mut tx, id, actor.signer()?, &answer).await?;
    let mut e = actor.entry("batch.return", "batch", id, Some(out.round_id));
    e.new = json!({ "file_name": answer.file_name, "sha256": answer.sha256, "paid_on": paid_on.to_string(),
        "line_count": answer.line_count, "total_fen": total.fen(),
        "failed": settled.iter().filter(|s| !s.paid).map(|s| json!({ "item_id": s.item_id, "reason": s.reason })).collect::<Vec<_>>() });
    storage::audit::append(&mut tx, &e).await?;
    super::disbursements::record_payout(&mut tx, actor, id, &out).await?;
    let batch = batches::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut tx, id).await?;
    tx.commit().await?;
    let failed = settled.iter().filter(|s| !s.paid).count();
    Ok(Recorded { paid: settled.len() - failed, failed, batch, items })
}
