//! The dashboard (the home page, `figures`) and the API's cumulative figures.

pub mod api;
pub mod applicant_home;
pub mod figures;

use rocket::fairing::AdHoc;

/// The dashboard: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::figures))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("dashboard", |rocket| async {
        rocket.mount("/", routes![crate::web::kernel::pages::home]).mount("/api/v1", api::routes())
    })
}
