//! Imports (导入): the upload, its preview and its confirmation, as pages and in the API. The
//! work is `app::imports`; these parse the request and respond.

pub mod api;
pub mod history;
pub mod pages;

use rocket::fairing::AdHoc;

/// Imports: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api::upload, api::confirm))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("imports", |rocket| async {
        rocket
            .mount(
                "/",
                routes![
                    pages::new,
                    pages::upload,
                    pages::show,
                    pages::confirm_page,
                    history::list,
                    history::export,
                    history::marked_workbook
                ],
            )
            .mount("/api/v1", api::routes())
    })
}
