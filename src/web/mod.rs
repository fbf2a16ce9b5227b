//! The web application: routes, sessions, CSRF, forms and templates. Handlers parse,
//! load, compute (through the engine), store (through storage) and respond; no SQL and
//! no arithmetic on money here.

pub mod allocation_pages;
pub mod api;
pub mod application_view;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod batch_pages;
pub mod cache;
pub mod calculation;
pub mod charts;
pub mod csrf;
pub mod dashboard;
pub mod disbursements;
pub mod documents;
pub mod funds;
pub mod idempotency;
pub mod imports;
pub mod money;
pub mod money_api;
pub mod pages;
pub mod performance;
pub mod policy_form;
pub mod projects;
pub mod publicity;
pub mod reports;
pub mod review;
pub mod rounds;
pub mod session;
pub mod settings;
pub mod views;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use rocket_db_pools::Database;
use rocket_dyn_templates::Template;

use crate::config::AppConfig;
use crate::storage::Db;

/// The whole application on a figment (Rocket.toml, `ROCKET_*`, or a test's own).
#[must_use]
pub fn rocket(figment: Figment) -> Rocket<Build> {
    rocket::custom(figment)
        .attach(Db::init())
        .attach(Template::custom(|engines| engines.tera.register_filter("yuan", views::yuan_filter)))
        .attach(AdHoc::config::<AppConfig>())
        .attach(csrf::Csrf)
        .attach(idempotency::Idempotency)
        .manage(session::Limiter::default())
        .manage(cache::Caches::default())
        .manage(imports::Parsers::default())
        .mount("/", pages::routes())
        .mount("/", allocation_pages::routes())
        .mount("/", batch_pages::routes())
        .mount("/", reports::page_routes())
        .mount("/", settings::page_routes())
        .mount("/", funds::page_routes())
        .mount("/", performance::page_routes())
        .mount("/", publicity::page_routes())
        .mount("/api/v1", api::routes())
        .mount("/api/v1", money_api::routes())
        .mount("/api/v1", review::api_routes())
        .mount("/api/v1", reports::api_routes())
        .mount("/api/v1", settings::api_routes())
        .mount("/api/v1", funds::api_routes())
        .mount("/api/v1", performance::api_routes())
        .register("/", pages::catchers())
}
