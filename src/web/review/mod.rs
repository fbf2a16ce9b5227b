//! Review (审核): a project's moves (`act`, shared by the page and the API; the rule is the pure
//! `crate::review`), the bulk and publication forms (`pages`), review cuts (`cuts`) and the
//! 公示 page (`publicity`).

pub mod act;
pub mod cuts;
pub mod pages;
pub mod publicity;

use rocket::fairing::AdHoc;

/// Review: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(act::api_act, act::api_transitions))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("review", |rocket| async {
        rocket
            .mount("/", [publicity::page_routes(), routes![pages::act_page, pages::bulk, cuts::cut_page]].concat())
            .mount("/api/v1", act::api_routes())
    })
}
