//! Allocations (分配方案): a run of the round, a proposal, its approval by another user, as
//! pages and in the API (`app::allocations`); `treasury` says who reads the division's money
//! and how a refused money action goes back to its page.

pub mod api;
pub mod list;
pub mod pages;
pub mod treasury;

use rocket::fairing::AdHoc;

/// Allocations: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("allocations", |rocket| async {
        rocket.mount("/", [pages::routes(), routes![list::export]].concat()).mount("/api/v1", api::routes())
    })
}
