//! Allocations (分配方案): a run of the round, a proposal, its approval by another user, as
//! pages and in the API (`app::allocations`); `treasury` says who reads the division's money
//! and how a refused money action goes back to its page.

pub mod api;
pub mod list;
pub mod pages;
pub mod treasury;

use rocket::fairing::AdHoc;

/// Allocations: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::allocate, api::allocation_list, api::allocation, api::allocation_action))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("allocations", |rocket| async {
        rocket.mount("/", [pages::routes(), routes![list::export]].concat()).mount("/api/v1", api::routes())
    })
}
