//! The audit trail as staff see it: the filterable page (`trail`) and `GET /api/v1/audit`.

pub mod api;
pub mod trail;
pub mod view;

use rocket::fairing::AdHoc;

/// Audit: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::audit))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("audit", |rocket| async {
        rocket.mount("/", routes![trail::index, trail::export]).mount("/api/v1", api::routes())
    })
}
