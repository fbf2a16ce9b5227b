//! Report downloads (issue 6): the annual report of a round, the cumulative report and a
//! batch's payment list, as pages' links and under `/api/v1`. Only roles that see every
//! project may have the reports (division staff, bureau reviewers, auditors); full ID
//! numbers only for division staff who ask (a POST, audited). A payment list follows its
//! batch page: division staff and auditors; full account numbers only for division staff
//! (the role that pays), audited. A download that is audited is a POST: GET and HEAD
//! have no effects (issue 18).

use std::io::Cursor;

use rocket::http::{ContentType, Header};
use rocket::response::{self, Responder};
use rocket::{Request, Response, Route};
use serde_json::json;

use super::auth::Session;
use crate::accounts::Role;
use crate::error::AppError;
use crate::export::report::Heading;
use crate::reports::{self, ReportError};
use crate::storage::{self, projects::Scope, Db};

/// The API's routes of this module (the pages' are in `pages::routes`).
#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![api_annual, api_annual_full, api_cumulative, api_payment_list]
}

/// An .xlsx download.
pub struct Xlsx {
    name: String,
    bytes: Vec<u8>,
}

impl<'r> Responder<'r, 'static> for Xlsx {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let xlsx = ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        Response::build()
            .header(xlsx)
            .header(Header::new("Content-Disposition", format!("attachment; filename=\"{}\"", self.name)))
            .header(Header::new("Cache-Control", "no-store"))
            .sized_body(self.bytes.len(), Cursor::new(self.bytes))
            .ok()
    }
}

impl From<ReportError> for AppError {
    fn from(e: ReportError) -> AppError {
        match e {
            ReportError::NoRound(_) => AppError::NotFound,
            ReportError::Db(e) => AppError::Db(e),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Reports hold every project: only for roles whose scope is all of them.
fn heading(session: &Session, full_ids: bool) -> Result<Heading, AppError> {
    session.require(session.scope() == Scope::All)?;
    session.require(!full_ids || session.role == Role::DivisionStaff)?;
    Ok(Heading { issuer: reports::ISSUER.to_string(), made_on: chrono::Local::now().date_naive(), full_ids })
}

/// The workbook's bytes, written off the async threads.
async fn bytes(book: rust_xlsxwriter::Workbook, name: String) -> Result<Xlsx, AppError> {
    let mut book = book;
    let bytes = rocket::tokio::task::spawn_blocking(move || book.save_to_buffer())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Xlsx { name, bytes })
}

/// Record that a user took a report with full numbers (style.md: every reveal is audited).
async fn audit_reveal(db: &Db, session: &Session, action: &str, entity: &str, id: String) -> Result<(), AppError> {
    let mut tx = storage::begin_write(db).await?;
    let entry = storage::audit::Entry {
        actor_id: Some(session.user.id),
        actor: &session.user.username,
        action,
        entity,
        entity_id: id,
        round_id: None,
        old: json!({}),
        new: json!({ "full_numbers": true }),
    };
    storage::audit::append(&mut tx, &entry).await?;
    tx.commit().await?;
    Ok(())
}

/// The annual report of a round.
async fn annual(db: &Db, session: &Session, year: i32, full: bool) -> Result<Xlsx, AppError> {
    let heading = heading(session, full)?;
    if full {
        audit_reveal(db, session, "id_number.reveal", "report", format!("annual-{year}")).await?;
    }
    let mut conn = db.inner.acquire().await?;
    let book = reports::annual(&mut conn, year, &heading).await?;
    drop(conn);
    bytes(book, format!("tiexi-report-{year}.xlsx")).await
}

/// The cumulative report through a year.
async fn cumulative(db: &Db, session: &Session, through: i32) -> Result<Xlsx, AppError> {
    let heading = heading(session, false)?;
    let mut conn = db.inner.acquire().await?;
    let book = reports::cumulative(&mut conn, through, &heading).await?;
    drop(conn);
    bytes(book, format!("tiexi-cumulative-{through}.xlsx")).await
}

/// A batch's payment list; full account numbers for division staff, audited.
async fn payment_list(db: &Db, session: &Session, id: i64) -> Result<Xlsx, AppError> {
    super::money::require_reader(session)?;
    let heading = heading(session, false)?;
    let full = session.role == Role::DivisionStaff;
    let mut conn = db.inner.acquire().await?;
    let book = reports::payment_list(&mut conn, id, &heading, full).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    if full {
        audit_reveal(db, session, "payment_list.export", "batch", id.to_string()).await?;
    }
    bytes(book, format!("tiexi-payment-list-{id}.xlsx")).await
}

/// `?full=true` on a GET is refused rather than ignored: the full report is audited, so
/// it is a POST.
fn masked_only(full: Option<bool>) -> Result<(), AppError> {
    if full == Some(true) {
        return Err(AppError::Invalid("含完整身份证号的年度报表须以 POST 请求下载（将记入审计）".into()));
    }
    Ok(())
}

#[get("/rounds/<year>/report.xlsx?<full>")]
pub(crate) async fn page_annual(db: &Db, session: Session, year: i32, full: Option<bool>) -> Result<Xlsx, AppError> {
    masked_only(full)?;
    annual(db, &session, year, false).await
}

/// The annual report with full ID numbers (division staff, audited).
#[post("/rounds/<year>/report.xlsx")]
pub(crate) async fn page_annual_full(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    annual(db, &session, year, true).await
}

#[get("/rounds/<year>/report.xlsx?<full>")]
async fn api_annual(db: &Db, session: Session, year: i32, full: Option<bool>) -> Result<Xlsx, AppError> {
    masked_only(full)?;
    annual(db, &session, year, false).await
}

#[post("/rounds/<year>/report.xlsx")]
async fn api_annual_full(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    annual(db, &session, year, true).await
}

#[get("/reports/cumulative.xlsx?<through>")]
pub(crate) async fn page_cumulative(db: &Db, session: Session, through: i32) -> Result<Xlsx, AppError> {
    cumulative(db, &session, through).await
}

#[get("/reports/cumulative.xlsx?<through>")]
async fn api_cumulative(db: &Db, session: Session, through: i32) -> Result<Xlsx, AppError> {
    cumulative(db, &session, through).await
}

#[post("/batches/<id>/payment-list.xlsx")]
pub(crate) async fn page_payment_list(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    payment_list(db, &session, id).await
}

#[post("/disbursements/<id>/payment-list.xlsx")]
async fn api_payment_list(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    payment_list(db, &session, id).await
}
