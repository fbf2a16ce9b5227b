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

#[post("/disbursements/<id>/bank-file.xlsx")]
async fn api_xlsx(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    xlsx(db, &session, id).await
}

#[post("/disbursements/<id>/bank-file.csv")]
async fn api_csv(db: &Db, session: Session, id: i64) -> Result<Download, AppError> {
    csv(db, &session, id).await
}
