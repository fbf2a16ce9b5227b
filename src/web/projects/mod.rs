//! Projects (项目): the scoped list and a project's page (`pages`), the online application
//! (`applications`, `application_view`), its documents (`documents`), and the API's projects.

pub mod api;
pub mod application_view;
pub mod applications;
pub mod documents;
pub mod list;
pub mod pages;

use rocket::fairing::AdHoc;

/// Projects: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
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
                    applications::new,
                    applications::create,
                    applications::edit,
                    applications::update,
                    documents::upload,
                    documents::download,
                    list::export
                ],
            )
            .mount("/api/v1", api::routes())
    })
}
