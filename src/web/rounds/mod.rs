//! Rounds (年度): the list, a round's page with its figures, a new round and its policy
//! (`policy_form`), the API's rounds, the banks' interest statements with their
//! reconciliation (`statements`, their pages `statement_pages`) and carrying continuing loans forward (`carry`, its pages `carry_pages`).

pub mod api;
pub mod carry;
pub mod carry_pages;
pub mod pages;
pub mod policy_form;
pub mod policy_view;
pub mod statement_pages;
pub mod statements;

use rocket::fairing::AdHoc;

/// Rounds: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::rounds,
    api::round,
    api::create_round,
    statements::upload,
    statements::confirm,
    statements::list,
    statements::reconciliation,
    carry::offered,
    carry::forward
))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("rounds", |rocket| async {
        rocket
            .mount(
                "/",
                routes![pages::index, pages::new, pages::create_page, pages::show, pages::edit, pages::update_page],
            )
            .mount(
                "/",
                routes![
                    statement_pages::index,
                    statement_pages::upload,
                    statement_pages::show,
                    statement_pages::confirm,
                    statement_pages::reconciliation,
                    statement_pages::export,
                    carry_pages::forward,
                    carry_pages::drafts,
                    carry_pages::settle
                ],
            )
            .mount("/api/v1", api::routes())
            .mount("/api/v1", statements::routes())
            .mount("/api/v1", carry::routes())
    })
}
