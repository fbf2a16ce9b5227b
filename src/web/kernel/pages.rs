//! The home page, and what every page knows of its user (catchers: `errors`).

use serde::Serialize;

use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::cache::{Html, Kept};

/// A flash message as a page shows it: (an error, or a notice).
#[must_use]
pub(crate) fn flash_parts(flash: Option<rocket::request::FlashMessage<'_>>) -> (Option<String>, Option<String>) {
    match flash {
        Some(f) if f.kind() == "error" => (Some(f.message().to_string()), None),
        other => (None, other.map(|f| f.message().to_string())),
    }
}

/// The user as the page header shows them.
#[derive(Serialize)]
pub struct Me {
    pub username: String,
    pub role: &'static str,
    pub unit: Option<String>,
    pub csrf: String,
    /// A fresh one-time key for the forms of this page (`web::kernel::idempotency`).
    pub once: String,
    pub staff: bool,
    /// May open the audit page.
    pub audit: bool,
    /// May turn on a TOTP second factor (`web::accounts::totp`).
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
        once: crate::web::accounts::auth::token(),
        staff: s.role.may_manage_rounds(),
        audit: matches!(s.role, Role::DivisionStaff | Role::Auditor | Role::RegimentStaff),
        second_factor: matches!(s.role, Role::DivisionStaff | Role::Auditor),
        role_code: s.role.code(),
    }
}

/// Home: the dashboard of what the user may see (`dashboard`); an applicant's home is their
/// own applications (issue 17 item 6, `dashboard::applicant_home`).
#[get("/")]
pub(crate) async fn home(
    db: &Db,
    session: Session,
    kept: Kept<'_>,
) -> Result<rocket::Either<Html, crate::web::kernel::templates::Template>, AppError> {
    if session.role == Role::Cooperative {
        return Ok(rocket::Either::Right(crate::web::dashboard::applicant_home::page(db, &session).await?));
    }
    Ok(rocket::Either::Left(crate::web::dashboard::figures::page(db, kept, &session).await?))
}
