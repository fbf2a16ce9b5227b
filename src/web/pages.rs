//! The page routes, the home page, and what every page knows of its user (catchers: `errors`).

use rocket::Route;
use serde::Serialize;

use super::auth::Session;
use super::cache::{Html, Kept};
use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::Db;

/// Every page route. (The API's are in `api::routes`.)
#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![
        home,
        super::session::login_page,
        super::session::login,
        super::session::second_step_page,
        super::session::second_step,
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
        super::reports::page_annual_full,
        super::reports::page_cumulative,
        super::reports::page_payment_list,
    ]
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
    /// May turn on a TOTP second factor (`web::totp`).
    pub second_factor: bool,
    /// The role's code (`cooperative`), for what the menu offers each role.
    pub role_code: &'static str,
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
        second_factor: matches!(s.role, Role::DivisionStaff | Role::Auditor),
        role_code: s.role.code(),
    }
}

/// Home: the dashboard of what the user may see (`dashboard`).
#[get("/")]
pub(crate) async fn home(
    db: &Db,
    session: Session,
    kept: Kept<'_>,
) -> Result<rocket::Either<Html, rocket_dyn_templates::Template>, AppError> {
    // An applicant's home is their own applications (issue 17 item 6), not the dashboard.
    if session.role == Role::Cooperative {
        return Ok(rocket::Either::Right(super::applicant_home::page(db, &session).await?));
    }
    Ok(rocket::Either::Left(super::dashboard::page(db, kept, &session).await?))
}
