//! The bank payment file (代发文件) of a batch (docs/payments.md), as .xlsx and CSV, through
//! `app::bank::file`: for division staff (the accounts are whole), audited. A download that
//! is audited is a POST (GET and HEAD have no effects, issue 18), in the pages
//! (`/disbursements/<id>/bank-file.xlsx`) and in the API
//! (`/api/v1/disbursements/<id>/bank-file.xlsx`), as the 拨付明细表's is.

use std::io::Cursor;

use rocket::http::{ContentType, Header};
use rocket::response::{self, Responder};
use rocket::{Request, Response, Route};

use crate::app::bank;
use crate::error::AppError;
use crate::export::bank_file;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::Writes;
use crate::web::kernel::openapi::ApiError;

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
            .header(Header::new(
                "Content-Disposition",
                crate::web::reports::workbooks::disposition(&self.name, &self.fallback),
            ))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(self.bytes.len(), Cursor::new(self.bytes))
            .ok()
    }
}

async fn xlsx(db: &Db, session: &Session, id: i64) -> Result<Download, AppError> {
    let f = bank::file(db, session.actor(), id).await?;
    let (name, bytes) = rocket::tokio::task::spawn_blocking(move || {
        bank_file::workbook(&f).and_then(|mut b| b.save_to_buffer()).map(|bytes| (f.file_name("xlsx"), bytes))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Download {
        name,
        fallback: format!("tiexi-bank-file-{id}.xlsx"),
        content_type: ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        bytes,
    })
}

async fn csv(db: &Db, session: &Session, id: i64) -> Result<Download, AppError> {
    let f = bank::file(db, session.actor(), id).await?;
    Ok(Download {
        name: f.file_name("csv"),
        fallback: format!("tiexi-bank-file-{id}.csv"),
        content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        bytes: bank_file::csv(&f).into_bytes(),
    })
}

#[post("/disbursements/<id>/bank-file.xlsx")]
async fn page_xlsx(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    xlsx(db, &session, id).await
}

#[post("/disbursements/<id>/bank-file.csv")]
async fn page_csv(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    csv(db, &session, id).await
}

// Deliberately like performance_delete (web/division/performance.rs), imports_confirm, carry_forward and statements_confirm: each its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "bank_files_xlsx", path = "/disbursements/{id}/bank-file.xlsx", summary = "代发文件 (xlsx): the bank payment file of an approved or paid payment batch: 序号, 收款户名, 银行账号, 开户银行, 金额, 用途 and the control line (笔数, 合计), named like 2024年度代发文件-第1批.xlsx. Issue 14 names it GET; it is a POST because every download is audited (whole account numbers; division staff only). docs/payments.md", tag = "disbursements", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The bank file as a workbook (full account numbers; audited)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = crate::web::kernel::openapi::File),
        Writes,
        (status = 404, description = "No such batch", body = ApiError),
        (status = 409, description = "The batch is not approved, or a payee is missing", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/disbursements/<id>/bank-file.xlsx")]
async fn api_xlsx(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    xlsx(db, &session, id).await
}

#[utoipa::path(post, operation_id = "bank_files_csv", path = "/disbursements/{id}/bank-file.csv", summary = "代发文件 (csv): the bank payment file of an approved or paid payment batch: 序号, 收款户名, 银行账号, 开户银行, 金额, 用途 and the control line (笔数, 合计), named like 2024年度代发文件-第1批.csv. Issue 14 names it GET; it is a POST because every download is audited (whole account numbers; division staff only). docs/payments.md", tag = "disbursements", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The bank file as CSV (full account numbers; audited)", content_type = "text/csv", body = crate::web::kernel::openapi::File),
        Writes,
        (status = 404, description = "No such batch", body = ApiError),
        (status = 409, description = "The batch is not approved, or a payee is missing; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/disbursements/<id>/bank-file.csv")]
async fn api_csv(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    csv(db, &session, id).await
}
