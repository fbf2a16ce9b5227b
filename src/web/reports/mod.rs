//! Reports (报表): the annual and cumulative workbooks, the payment list, the 公示名单 and
//! the 审批表, as downloads from the pages and the API (`crate::reports`).

pub mod api;
pub mod workbooks;

use rocket::fairing::AdHoc;

/// Reports: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::api_annual,
    api::api_annual_full,
    api::api_cumulative,
    api::api_payment_list,
    api::api_publicity,
    api::api_approval_form
))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("reports", |rocket| async {
        rocket
            .mount(
                "/",
                [
                    workbooks::page_routes(),
                    routes![
                        workbooks::page_annual,
                        workbooks::page_annual_full,
                        workbooks::page_cumulative,
                        workbooks::page_payment_list
                    ],
                ]
                .concat(),
            )
            .mount("/api/v1", api::routes())
    })
}
