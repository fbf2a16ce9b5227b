//! Rounds (年度): the list, a round's page with its figures, a new round and its policy
//! (`policy_form`), and the API's rounds.

pub mod api;
pub mod pages;
pub mod policy_form;
pub mod policy_view;

use rocket::fairing::AdHoc;

/// Rounds: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("rounds", |rocket| async {
        rocket
            .mount(
                "/",
                routes![pages::index, pages::new, pages::create_page, pages::show, pages::edit, pages::update_page],
            )
            .mount("/api/v1", api::routes())
    })
}
