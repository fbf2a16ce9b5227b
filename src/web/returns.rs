//! The bank's answer to a batch (回单, docs/payments.md), uploaded through the batch page
//! (`POST /batches/<id>/returns`) and the API (`POST /api/v1/disbursements/<id>/returns`,
//! multipart: `file`, `paid_on`): division staff only. The file is read in the parser's child
//! (`import::isolate::bank_return`), matched line by line by the engine
//! (`engine::payment::settle`), and stored with the payment in one write transaction
//! (`storage::batches::returns::record`). Any problem refuses the whole answer (422), each
//! named at its row.

use std::fmt::Write as _;

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::{Route, State};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::Session;
use super::imports::{form_or_413, read_upload, Parsers, Uploaded};
use crate::accounts::Role;
use crate::config::AppConfig;
use crate::engine::payment::{self, Answered, Asked, Control};
use crate::engine::{allocation as alloc, Money};
use crate::error::AppError;
use crate::import::{self, bank_return::BankReturn};
use crate::storage::{self, batches, Db};

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![upload_page]
}

/// The API's routes (mounted at `/api/v1`).
#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![upload_api]
}

/// How many of a refused answer's problems a message names.
const SHOWN: usize = 20;

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

/// Read, match and record an answer; returns (paid lines, failed lines).
async fn accept(
    db: &Db,
    session: &Session,
    (parsers, config): (&Parsers, &AppConfig),
    id: i64,
    (file_name, bytes): (String, Vec<u8>),
    paid_on: &str,
) -> Result<(usize, usize), AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    let paid_on: chrono::NaiveDate =
        paid_on.trim().parse().map_err(|_| AppError::Invalid("请填写回单的支付日期（YYYY-MM-DD）".into()))?;
    let sha = super::auth::hex(&Sha256::digest(&bytes));
    let read = parse(parsers, config, bytes).await?;
    if !read.errors.is_empty() {
        return Err(refuse(&read.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>()));
    }
    let mut tx = storage::begin_write(db).await?;
    batches::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let asked: Vec<Asked> = batches::items(&mut tx, id)
        .await?
        .into_iter()
        .map(|i| Asked {
            item_id: i.id,
            payee_name: i.payee_name,
            account: i.payee_account,
            amount: Money::from_fen(i.amount_fen),
        })
        .collect();
    let (answered, settled) = matched(&read, &asked)?;
    let total = alloc::total(&answered.iter().map(|a| a.amount).collect::<Vec<_>>());
    let answer = batches::returns::Answer {
        file_name: &file_name,
        sha256: &sha,
        paid_on,
        today: super::review::today(),
        settled: &settled,
        line_count: i64::try_from(answered.len()).unwrap_or(i64::MAX),
        total_fen: total.fen(),
    };
    batches::returns::record(&mut tx, id, super::money::actor(session), &answer).await?;
    tx.commit().await?;
    let failed = settled.iter().filter(|s| !s.paid).count();
    Ok((settled.len() - failed, failed))
}

/// The upload form of the batch page.
#[derive(FromForm)]
pub struct ReturnForm<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    file: Capped<TempFile<'r>>,
    #[field(default = String::new())]
    paid_on: String,
}

/// `POST /batches/<id>/returns`: the answer's result, or its problems, as a flash message.
#[post("/batches/<id>/returns", data = "<form>")]
async fn upload_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, ReturnForm<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(format!("/batches/{id}"));
    let mut form = form_or_413(form)?;
    let upload = read_upload(&mut form.file).await?;
    match accept(db, &session, (parsers, config), id, upload, &form.paid_on).await {
        Ok((paid, 0)) => Ok(Flash::success(to, format!("银行回单已登记：{paid} 笔全部支付成功，批次已支付"))),
        Ok((paid, failed)) => Ok(Flash::success(
            to,
            format!("银行回单已登记：{paid} 笔成功，{failed} 笔失败；失败的项目回到“已核定未拨付”，可编入以后的批次"),
        )),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Ok(Flash::error(to, e.to_string())),
        Err(e) => Err(e),
    }
}

/// The API's upload: `file` and `paid_on`.
#[derive(FromForm)]
pub struct ApiReturn<'r> {
    file: Capped<TempFile<'r>>,
    #[field(default = String::new())]
    paid_on: String,
}

/// `POST /api/v1/disbursements/<id>/returns`: the batch as it now stands.
#[post("/disbursements/<id>/returns", data = "<form>")]
async fn upload_api(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, ApiReturn<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = form_or_413(form)?;
    let upload = read_upload(&mut form.file).await?;
    let (paid, failed) = accept(db, &session, (parsers, config), id, upload, &form.paid_on).await?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    let mut v = super::disbursements::batch_json(&b, Some(&items), true);
    v["paid_count"] = json!(paid);
    v["failed_count"] = json!(failed);
    Ok(v)
}
