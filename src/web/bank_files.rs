//! The bank payment file (代发文件) of a batch (docs/payments.md), as .xlsx and CSV: for
//! division staff (the accounts are whole), audited. A download that is audited is a POST
//! (GET and HEAD have no effects, issue 18), in the pages (`/batches/<id>/bank-file.xlsx`)
//! and in the API (`/api/v1/disbursements/<id>/bank-file.xlsx`), as the 拨付明细表's is.

use std::io::Cursor;

use rocket::http::{ContentType, Header};
use rocket::response::{self, Responder};
use rocket::{Request, Response, Route};
use serde_json::json;

use super::auth::Session;
use crate::accounts::Role;
use crate::engine::{allocation as alloc, Money};
use crate::error::AppError;
use crate::export::bank_file::{self, BankFile, Line};
use crate::storage::{self, batches, rounds, Db};

/// Paying for real (issue 14) as one stage: the payee form, the bank file and the bank's
/// answer, each mounting its pages at `/` and its API at `/api/v1`.
#[must_use]
pub(crate) fn stage() -> rocket::fairing::AdHoc {
    rocket::fairing::AdHoc::on_ignite("payments (docs/payments.md)", |rocket| async {
        rocket
            .mount("/", page_routes())
            .mount("/", super::payees::page_routes())
            .mount("/", super::returns::page_routes())
            .mount("/api/v1", api_routes())
            .mount("/api/v1", super::payees::api_routes())
            .mount("/api/v1", super::returns::api_routes())
    })
}

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page_xlsx, page_csv]
}

/// The API's routes (mounted at `/api/v1`).
#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![api_xlsx, api_csv]
}

/// A file download named in Chinese, with an ASCII fallback for old clients.
pub struct Download {
    name: String,
    fallback: String,
    content_type: ContentType,
    bytes: Vec<u8>,
}

impl<'r> Responder<'r, 'static> for Download {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .header(self.content_type)
            .header(Header::new("Content-Disposition", super::reports::disposition(&self.name, &self.fallback)))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(self.bytes.len(), Cursor::new(self.bytes))
            .ok()
    }
}

/// The file of an approved (or since paid) payment batch, its download audited.
async fn file(db: &Db, session: &Session, id: i64) -> Result<BankFile, AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    let mut conn = db.inner.acquire().await?;
    let b = batches::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if b.kind != "payment" {
        return Err(AppError::Conflict("追回批次没有代发文件".into()));
    }
    if !matches!(b.state.as_str(), "approved" | "paid" | "partial") {
        return Err(AppError::Conflict("批次审核通过后才能下载代发文件".into()));
    }
    let round = rounds::find(&mut conn, b.round_id).await?.ok_or(AppError::NotFound)?;
    let items = batches::items(&mut conn, id).await?;
    drop(conn);
    let lines: Vec<Line> = items
        .iter()
        .map(|i| Line {
            payee_name: i.payee_name.clone(),
            account: i.payee_account.clone(),
            bank: i.payee_bank.clone(),
            amount: Money::from_fen(i.amount_fen),
        })
        .collect();
    let total = alloc::total(&lines.iter().map(|l| l.amount).collect::<Vec<_>>());
    let ordinal =
        b.number.rsplit('-').next().and_then(|n| n.parse::<u32>().ok()).map_or(b.number.clone(), |n| n.to_string());
    let mut tx = storage::begin_write(db).await?;
    let mut e = super::audit::entry(session, "bank_file.export", "batch", id, Some(b.round_id));
    e.new = json!({ "number": b.number, "item_count": lines.len(), "total": total, "full_numbers": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(BankFile { year: round.year, ordinal, purpose: format!("{}年度工会贷款贴息", round.year), lines, total })
}

async fn xlsx(db: &Db, session: &Session, id: i64) -> Result<Download, AppError> {
    let f = file(db, session, id).await?;
    let bytes = rocket::tokio::task::spawn_blocking(move || {
        bank_file::workbook(&f).and_then(|mut b| b.save_to_buffer()).map(|bytes| (f.file_name("xlsx"), bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Download {
        name: bytes.0,
        fallback: format!("tiexi-bank-file-{id}.xlsx"),
        content_type: ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        bytes: bytes.1,
    })
}

async fn csv(db: &Db, session: &Session, id: i64) -> Result<Download, AppError> {
    let f = file(db, session, id).await?;
    Ok(Download {
        name: f.file_name("csv"),
        fallback: format!("tiexi-bank-file-{id}.csv"),
        content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        bytes: bank_file::csv(&f).into_bytes(),
    })
}

#[post("/batches/<id>/bank-file.xlsx")]
async fn page_xlsx(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    xlsx(db, &session, id).await
}

#[post("/batches/<id>/bank-file.csv")]
async fn page_csv(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    csv(db, &session, id).await
}

#[post("/disbursements/<id>/bank-file.xlsx")]
async fn api_xlsx(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    xlsx(db, &session, id).await
}

#[post("/disbursements/<id>/bank-file.csv")]
async fn api_csv(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    csv(db, &session, id).await
}
