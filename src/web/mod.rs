//! The web application: routes, sessions, CSRF, forms and templates. Handlers parse,
//! load, compute (through the engine), store (through storage) and respond; no SQL and
//! no arithmetic on money here.

pub mod accounts;
pub mod allocations;
pub mod audit;
pub mod dashboard;
pub mod disbursements;
pub mod division;
pub mod imports;
pub mod kernel;
pub mod projects;
pub mod reports;
pub mod review;
pub mod rounds;

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
    let app = rocket::custom(figment)
        .attach(Db::init())
        .attach(Template::custom(|engines| {
            kernel::views::register_filters(&mut engines.tera);
            // Every value a template prints loses its bidirectional controls (`bidi`).
            engines.tera.set_escape_fn(kernel::views::escape_html);
        }))
        .attach(AdHoc::config::<AppConfig>())
        .attach(kernel::csrf::Csrf)
        .attach(kernel::idempotency::Idempotency)
        .attach(kernel::shown_text::BidiFreeJson)
        .attach(kernel::headers::SecurityHeaders)
        .attach(kernel::retention::Daily)
        .manage(accounts::login_limit::PasswordChecks::new(checks))
        .manage(kernel::cache::Caches::default())
        .manage(crate::app::imports::Parsers::default())
        .attach(kernel::stage());
    // One stage per resource (Rocket's `databases` example): each mounts its pages and API.
    let resources = [
        accounts::stage(),
        dashboard::stage(),
        rounds::stage(),
        imports::stage(),
        projects::stage(),
        review::stage(),
        allocations::stage(),
        disbursements::stage(),
        reports::stage(),
        audit::stage(),
        division::stage(),
    ];
    resources.into_iter().fold(app, Rocket::attach)
}
