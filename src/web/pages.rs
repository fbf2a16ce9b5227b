//! The page routes and catchers, the home page, and what every page knows of its user.

use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{Catcher, Request, Route};
use serde::Serialize;

use super::auth::Session;
use super::cache::{Html, Kept};
use super::views;
use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::Db;

/// Every page route. (The API's are in `api::routes`.)
#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![
        home,
        csrf_denied,
        super::session::login_page,
        super::session::login,
        super::session::logout,
        super::rounds::index,
        super::rounds::new,
        super::rounds::create_page,
        super::rounds::show,
        super::rounds::edit,
        super::rounds::update_page,
        super::import_pages::new,
        super::import_pages::upload,
        super::import_pages::show,
        super::import_pages::confirm_page,
        super::projects::index,
        super::projects::show,
        super::applications::mine,
        super::applications::new,
        super::applications::create,
        super::applications::edit,
        super::applications::update,
        super::review_pages::act_page,
        super::review_pages::bulk,
        super::cuts::cut_page,
        super::documents::upload,
        super::documents::download,
        super::projects::reveal_page,
        super::audit::index,
        super::idempotency::replay,
        super::reports::page_annual,
        super::reports::page_cumulative,
        super::reports::page_payment_list,
    ]
}

#[must_use]
pub(crate) fn catchers() -> Vec<Catcher> {
    catchers![unauthorized, forbidden, not_found, too_large, unprocessable, server_error]
}

/// The user as the page header shows them.
#[derive(Serialize)]
pub struct Me {
    pub username: String,
    pub role: &'static str,
    pub unit: Option<String>,
    pub csrf: String,
    /// A fresh one-time key for the forms of this page (`web::idempotency`).
    pub once: String,
    pub staff: bool,
    /// May open the audit page.
    pub audit: bool,
}

#[must_use]
pub(crate) fn me(s: &Session) -> Me {
    Me {
        username: s.user.username.clone(),
        role: s.role.label(),
        unit: s.user.unit.clone(),
        csrf: s.csrf.clone(),
        once: super::auth::token(),
        staff: s.role.may_manage_rounds(),
        audit: matches!(s.role, Role::DivisionStaff | Role::Auditor | Role::RegimentStaff),
    }
}

/// Home: the dashboard of what the user may see (`dashboard`).
#[get("/")]
pub(crate) async fn home(db: &Db, session: Session, kept: Kept<'_>) -> Result<Html, AppError> {
    super::dashboard::page(db, kept, &session).await
}

/// Where the CSRF fairing sends a request without a valid token.
#[get("/csrf-denied")]
#[must_use]
pub(crate) fn csrf_denied() -> (Status, String) {
    (Status::Forbidden, views::error_page(Status::Forbidden, "请求缺少有效的安全令牌（CSRF），请刷新页面后重试"))
}

fn is_api(req: &Request<'_>) -> bool {
    req.uri().path().starts_with("/api/")
}

#[catch(401)]
fn unauthorized(req: &Request<'_>) -> Result<Redirect, AppError> {
    if is_api(req) {
        Err(AppError::Unauthorized)
    } else {
        Ok(Redirect::to("/login"))
    }
}

#[catch(403)]
fn forbidden() -> AppError {
    AppError::Forbidden
}

#[catch(404)]
fn not_found() -> AppError {
    AppError::NotFound
}

#[catch(413)]
fn too_large() -> AppError {
    AppError::TooLarge
}

#[catch(422)]
fn unprocessable() -> AppError {
    AppError::Invalid("提交的内容无法识别，请检查后重试".into())
}

#[catch(500)]
fn server_error() -> AppError {
    AppError::Internal("caught 500".into())
}
