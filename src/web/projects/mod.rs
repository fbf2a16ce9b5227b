//! Projects (项目): the scoped list and a project's page (`pages`), the online application
//! (`applications`, `application_view`), its documents (`documents`) with their review and
//! the checklist of evidence before payment (`evidence`), its payee (`payees`,
//! docs/payments.md), an applicant's projects in every round (`history`), and the API's
//! projects.

pub mod api;
pub mod application_view;
pub mod applications;
pub mod documents;
pub mod evidence;
mod explain;
pub mod history;
pub mod list;
pub mod pages;
pub mod payees;

use rocket::fairing::AdHoc;

/// Projects: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::projects,
    api::project,
    api::reveal,
    payees::set_api,
    evidence::checklist_api,
    evidence::review,
    history::applicant
))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("projects", |rocket| async {
        rocket
            .mount(
                "/",
                routes![
                    pages::index,
                    pages::show,
                    pages::reveal_page,
                    applications::mine,
                    applications::export,
                    applications::new,
                    applications::create,
                    applications::edit,
                    applications::update,
                    documents::upload,
                    documents::download,
                    payees::set_page,
                    evidence::checklist_page,
                    evidence::review_page,
                    list::export
                ],
            )
            .mount("/api/v1", api::routes())
            .mount("/api/v1", routes![payees::set_api, evidence::checklist_api, evidence::review, history::applicant])
    })
}
