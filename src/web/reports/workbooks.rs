//! Report downloads (issues 6 and 16): the annual report of a round, the cumulative report,
//! a batch's payment list, a round's 公示名单 and a project's 审批表, for the pages' links and
//! the API's (`reports::api`). The round reports hold every project: only roles that see all of them
//! (division staff, bureau reviewers, auditors); full ID numbers only for division staff who
//! ask (a POST, audited). A payment list follows its batch page: division staff and
//! auditors; full account numbers only for division staff (the role that pays), audited.
//! A download that is audited is a POST: GET and HEAD have no effects (issue 18). Files
//! are named in Chinese (RFC 6266 with RFC 5987's `filename*`).

use std::fmt::Write as _;
use std::io::Cursor;

use rocket::http::{ContentType, Header};
use rocket::response::{self, Responder};
use rocket::{Request, Response, Route};

use crate::accounts::Role;
use crate::app::division::settings::{self, Settings};
use crate::app::Scope;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::export::report::Heading;
use crate::reports::{self, ReportError};
use crate::storage::Db;
use crate::web::accounts::auth::Session;

/// The pages' routes of this module added by issue 16 (the others are in `pages::routes`).
#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page_publicity, page_approval_form]
}

/// An .xlsx download, named in Chinese with an ASCII fallback for old clients.
pub struct Xlsx {
    name: String,
    fallback: String,
    bytes: Vec<u8>,
}

impl Xlsx {
    /// A workbook already written, named `name` (Chinese) with an ASCII `fallback`.
    #[must_use]
    pub fn new(name: String, fallback: String, bytes: Vec<u8>) -> Xlsx {
        Xlsx { name, fallback, bytes }
    }
}

/// RFC 5987 `ext-value`: UTF-8, every byte outside `attr-char` percent-encoded.
#[must_use]
pub fn rfc5987(name: &str) -> String {
    name.bytes().fold(String::from("UTF-8''"), |mut s, b| {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "%{b:02X}");
        }
        s
    })
}

/// The `Content-Disposition` of an attachment named `name` (RFC 6266).
#[must_use]
pub fn disposition(name: &str, fallback: &str) -> String {
    format!("attachment; filename=\"{fallback}\"; filename*={}", rfc5987(name))
}

impl<'r> Responder<'r, 'static> for Xlsx {
    fn respond_to(self, _req: &'r Request<'_>) -> response::Result<'static> {
        let xlsx = ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        Response::build()
            .header(xlsx)
            .header(Header::new("Content-Disposition", disposition(&self.name, &self.fallback)))
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

/// Beijing's date today (the reports' 制表日期).
fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The division's settings and the heading every report prints.
async fn heading_of(db: &Db, full_ids: bool) -> Result<(Settings, Heading), AppError> {
    let settings = settings::load(&mut *db.inner.acquire().await?).await?;
    let heading = settings.heading(today(), full_ids);
    Ok((settings, heading))
}

/// Round reports hold every project: only for roles whose scope is all of them.
fn require_all(session: &Session, full_ids: bool) -> Result<(), AppError> {
    session.require(session.scope() == Scope::All)?;
    session.require(!full_ids || session.role == Role::DivisionStaff)
}

/// A workbook as a download named `name` (`fallback` for old clients).
///
/// # Errors
/// When the workbook cannot be written.
pub(crate) async fn xlsx(book: rust_xlsxwriter::Workbook, name: String, fallback: String) -> Result<Xlsx, AppError> {
    bytes(book, name, fallback).await
}

/// The workbook's bytes, written off the async threads.
async fn bytes(book: rust_xlsxwriter::Workbook, name: String, fallback: String) -> Result<Xlsx, AppError> {
    let mut book = book;
    let bytes = rocket::tokio::task::spawn_blocking(move || book.save_to_buffer())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Xlsx { name, fallback, bytes })
}

/// The annual report of a round: `2024年度贷款贴息年度报表（试算）.xlsx` while it is open.
pub(crate) async fn annual(db: &Db, session: &Session, year: i32, full: bool) -> Result<Xlsx, AppError> {
    require_all(session, full)?;
    let round = crate::app::rounds::find(db, year).await?;
    if full {
        crate::app::audit::full_numbers(db, session.actor(), "id_number.reveal", "report", format!("annual-{year}"))
            .await?;
    }
    let (_, heading) = heading_of(db, full).await?;
    let mut conn = db.inner.acquire().await?;
    let book = reports::annual(&mut conn, year, &heading).await?;
    drop(conn);
    let trial = if round.status == RoundStatus::Closed { "" } else { "（试算）" };
    bytes(book, format!("{year}年度贷款贴息年度报表{trial}.xlsx"), format!("tiexi-annual-{year}.xlsx")).await
}

/// The cumulative report through a year.
pub(crate) async fn cumulative(db: &Db, session: &Session, through: i32) -> Result<Xlsx, AppError> {
    require_all(session, false)?;
    let (_, heading) = heading_of(db, false).await?;
    let mut conn = db.inner.acquire().await?;
    let book = reports::cumulative(&mut conn, through, &heading).await?;
    drop(conn);
    bytes(book, format!("截至{through}年贷款贴息累计报表.xlsx"), format!("tiexi-cumulative-{through}.xlsx")).await
}

/// A batch's payment list (`2024年度拨付明细表-第1批.xlsx`); full account numbers for
/// division staff, audited.
pub(crate) async fn payment_list(db: &Db, session: &Session, id: i64) -> Result<Xlsx, AppError> {
    crate::web::allocations::treasury::require_reader(session)?;
    let full = session.role == Role::DivisionStaff;
    let (settings, heading) = heading_of(db, false).await?;
    let mut conn = db.inner.acquire().await?;
    let (book, name) =
        reports::payment_list(&mut conn, id, &heading, settings.payer(), full).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    if full {
        crate::app::audit::full_numbers(db, session.actor(), "payment_list.export", "batch", id.to_string()).await?;
    }
    bytes(book, name, format!("tiexi-payment-list-{id}.xlsx")).await
}

/// A round's 公示名单 (names and numbers masked): any logged-in user may have it, since it
/// is posted for all to see.
pub(crate) async fn publicity(db: &Db, year: i32) -> Result<Xlsx, AppError> {
    let (settings, heading) = heading_of(db, false).await?;
    let mut conn = db.inner.acquire().await?;
    let book = reports::publicity_list(&mut conn, year, &heading, settings.get("objection_contact")).await?;
    drop(conn);
    bytes(book, format!("{year}年度贷款贴息公示名单.xlsx"), format!("tiexi-publicity-{year}.xlsx")).await
}

/// A project's 审批表, for whoever may see the project (404 otherwise).
pub(crate) async fn approval_form(db: &Db, session: &Session, id: i64) -> Result<Xlsx, AppError> {
    let (_, heading) = heading_of(db, false).await?;
    let mut conn = db.inner.acquire().await?;
    let (book, name) =
        reports::approval_form(&mut conn, id, &session.scope(), &heading).await?.ok_or(AppError::NotFound)?;
    drop(conn);
    bytes(book, name, format!("tiexi-approval-form-{id}.xlsx")).await
}

/// `?full=true` on a GET is refused rather than ignored: the full report is audited, so
/// it is a POST.
pub(crate) fn masked_only(full: Option<bool>) -> Result<(), AppError> {
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

#[get("/reports/cumulative.xlsx?<through>")]
pub(crate) async fn page_cumulative(db: &Db, session: Session, through: i32) -> Result<Xlsx, AppError> {
    cumulative(db, &session, through).await
}

#[post("/disbursements/<id>/payment-list.xlsx")]
pub(crate) async fn page_payment_list(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    payment_list(db, &session, id).await
}

#[get("/rounds/<year>/publicity.xlsx")]
async fn page_publicity(db: &Db, _session: Session, year: i32) -> Result<Xlsx, AppError> {
    publicity(db, year).await
}

#[get("/projects/<id>/approval-form.xlsx")]
async fn page_approval_form(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    approval_form(db, &session, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_are_sent_as_rfc5987_with_an_ascii_fallback() {
        let header = disposition("2024年度拨付明细表-第1批.xlsx", "tiexi-payment-list-7.xlsx");
        assert_eq!(
            header,
            "attachment; filename=\"tiexi-payment-list-7.xlsx\"; \
             filename*=UTF-8''2024%E5%B9%B4%E5%BA%A6%E6%8B%A8%E4%BB%98%E6%98%8E%E7%BB%86%E8%A1%A8-%E7%AC%AC1%E6%89%B9.xlsx"
        );
        assert_eq!(rfc5987("a b\"c"), "UTF-8''a%20b%22c");
    }
}
