//! Accounts: who is asking (`auth`: the session cookie → user and role), logging in and out
//! (`session`, `login`, with the password checks' limit in `login_limit`), the TOTP second
//! factor (`totp`), the API's session (`api`), the accounts page and one's own password
//! (`pages`, whose use cases are `app::accounts`), and a form sent after its session ended
//! (`resume`: the login page, then the typed form again).

pub mod api;
pub mod auth;
pub mod login;
pub mod login_limit;
pub mod pages;
pub mod resume;
pub mod session;
pub mod totp;

use rocket::fairing::AdHoc;

/// Accounts: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::login, api::logout))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("accounts", |rocket| async {
        rocket
            .mount(
                "/",
                [
                    totp::routes(),
                    pages::routes(),
                    routes![resume::login_again],
                    routes![
                        session::login_page,
                        session::login,
                        session::second_step_page,
                        session::second_step,
                        session::logout
                    ],
                ]
                .concat(),
            )
            .mount("/api/v1", api::routes())
    })
}
