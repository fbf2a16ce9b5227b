//! Disbursements (拨付批次) and clawbacks: prepare, approve (by another user), pay or cancel a
//! batch, as pages and in the API (`app::disbursements`); `confirm` says what an irreversible
//! money action will do before it is taken; `view` is a batch as the API and pages show it;
//! `bank_files` and `returns` are paying through the bank (`app::bank`, docs/payments.md).

pub mod api;
pub mod bank_files;
pub mod confirm;
pub mod list;
pub mod pages;
pub mod returns;
pub mod view;

use rocket::fairing::AdHoc;

/// Disbursements: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
/// This resource's part of the API's contract (`kernel::openapi`, issue 13 item 6).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::disburse,
    api::batch_list,
    api::batch,
    api::batch_action,
    bank_files::api_xlsx,
    bank_files::api_csv,
    returns::upload_api
))]
pub struct Api;

#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("disbursements", |rocket| async {
        rocket
            .mount("/", [pages::routes(), routes![list::export]].concat())
            .mount("/", bank_files::page_routes())
            .mount("/", returns::page_routes())
            .mount("/api/v1", api::routes())
            .mount("/api/v1", bank_files::api_routes())
            .mount("/api/v1", returns::api_routes())
    })
}
