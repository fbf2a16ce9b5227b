//! What every resource of the web shares: the CSRF fairing (`csrf`), the security headers
//! (`headers`), idempotent forms (`idempotency`), errors and catchers (`errors`), the caches
//! (`cache`), the values templates print (`views`, `charts`), request parameters (`params`),
//! confirmations (`confirm`), the upload reader (`upload`), what every page knows of its user
//! (`pages`), assets, the API's description (`openapi`) with the answers its operations share
//! (`answers`), and the daily purge (`retention`).

pub mod answers;
pub mod assets;
pub mod cache;
pub mod charts;
pub mod confirm;
pub mod csrf;
pub mod errors;
pub mod headers;
pub mod idempotency;
pub mod openapi;
pub mod pages;
pub mod params;
pub mod retention;
pub mod shown_text;
pub mod templates;
pub mod upload;
pub mod views;

use rocket::fairing::AdHoc;

/// The kernel: mounts its pages at `/` and its API at `/api/v1` (Rocket's stage pattern).
#[must_use]
pub fn stage() -> AdHoc {
    AdHoc::on_ignite("kernel", |rocket| async {
        rocket
            .mount("/", [assets::routes(), errors::routes(), routes![idempotency::replay]].concat())
            .mount("/api/v1", [errors::routes(), openapi::routes()].concat())
            .register("/", errors::catchers())
    })
}
