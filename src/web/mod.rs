//! The web application: routes, sessions, CSRF, forms and templates. Handlers parse,
//! load, compute (through the engine), store (through storage) and respond; no SQL and
//! no arithmetic on money here.

pub mod allocation_list;
pub mod allocation_pages;
pub mod api;
pub mod applicant_home;
pub mod application_view;
pub mod applications;
pub mod assets;
pub mod audit;
pub mod audit_view;
pub mod auth;
pub mod batch_list;
pub mod batch_pages;
pub mod cache;
pub mod calculation;
pub mod charts;
pub mod confirm;
pub mod csrf;
pub mod cuts;
pub mod dashboard;
pub mod disbursements;
pub mod documents;
pub mod errors;
pub mod funds;
pub mod headers;
pub mod idempotency;
pub mod import_checks;
pub mod import_diff;
pub mod import_pages;
pub mod imports;
pub mod login;
pub mod login_limit;
pub mod money;
pub mod money_api;
pub mod money_confirm;
pub mod pages;
pub mod params;
pub mod performance;
pub mod policy_form;
pub mod policy_view;
pub mod project_list;
pub mod projects;
pub mod publicity;
pub mod reports;
pub mod retention;
pub mod review;
pub mod review_pages;
pub mod rounds;
pub mod session;
pub mod settings;
pub mod shown_text;
pub mod totp;
pub mod units;
pub mod views;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use rocket_db_pools::Database;
use rocket_dyn_templates::Template;

use crate::config::AppConfig;
use crate::storage::Db;

/// The whole application on a figment (Rocket.toml, `ROCKET_*`, or a test's own). No
/// `Server` banner, whatever the figment says (`headers`).
#[must_use]
pub fn rocket(figment: Figment) -> Rocket<Build> {
    let figment = figment.merge(("ident", false));
    let checks: usize = figment.extract_inner("password_checks").unwrap_or(2);
    rocket::custom(figment)
        .attach(Db::init())
        .attach(Template::custom(|engines| {
            views::register_filters(&mut engines.tera);
            // Every value a template prints loses its bidirectional controls (`bidi`).
            engines.tera.set_escape_fn(views::escape_html);
        }))
        .attach(AdHoc::config::<AppConfig>())
        .attach(csrf::Csrf)
        .attach(idempotency::Idempotency)
        .attach(shown_text::BidiFreeJson)
        .attach(headers::SecurityHeaders)
        .attach(retention::Daily)
        .manage(login_limit::PasswordChecks::new(checks))
        .manage(cache::Caches::default())
        .manage(imports::Parsers::default())
        .mount("/", pages::routes())
        .mount("/", allocation_pages::routes())
        .mount("/", batch_pages::routes())
        .mount("/", project_list::routes())
        .mount("/", units::routes())
        .mount("/", totp::routes())
        .mount("/", assets::routes())
        .mount("/", errors::routes())
        .mount("/api/v1", errors::routes())
        .mount("/", reports::page_routes())
        .mount("/", settings::page_routes())
        .mount("/", funds::page_routes())
        .mount("/", performance::page_routes())
        .mount("/", publicity::page_routes())
        .mount("/api/v1", api::routes())
        .mount("/api/v1", money_api::routes())
        .mount("/api/v1", review::api_routes())
        .mount("/api/v1", units::api_routes())
        .mount("/api/v1", reports::api_routes())
        .mount("/api/v1", settings::api_routes())
        .mount("/api/v1", funds::api_routes())
        .mount("/api/v1", performance::api_routes())
        .register("/", errors::catchers())
}
