//! The division's own records: its settings, its pools as accounts (`funds`), its rounds'
//! 绩效 targets (`performance`) and its list of 团场 (`units`), as pages and in the API
//! (`app::division`).

pub mod funds;
pub mod performance;
pub mod settings;
pub mod units;

use rocket::fairing::AdHoc;

/// Division: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    settings::api_get,
    settings::api_set,
    funds::api_get,
    funds::api_record,
    funds::api_cancel,
    performance::api_get,
    performance::api_set,
    performance::api_delete,
    units::list_api,
    units::correct_api
))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("division", |rocket| async {
        rocket
            .mount(
                "/",
                [settings::page_routes(), funds::page_routes(), performance::page_routes(), units::routes()].concat(),
            )
            .mount(
                "/api/v1",
                [settings::api_routes(), funds::api_routes(), performance::api_routes(), units::api_routes()].concat(),
            )
    })
}
