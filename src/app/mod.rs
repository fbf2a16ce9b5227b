//! The use cases: each operation of a round is a function here that takes the database (a
//! pool or a write transaction) and an [`Actor`], checks the rule, loads through storage,
//! computes through the engine, stores with its audit entry ([`Actor::entry`], the one place
//! entries are begun) and returns typed results, with `AppError` for what refuses
//! (docs/ARCHITECTURE.md, "Use cases in one layer"). The web handlers, the command line
//! and the demo call the same functions; nothing here knows HTTP, cookies or templates.

pub mod accounts;
pub mod actor;
pub mod allocations;
pub mod applicant_home;
pub mod applications;
pub mod audit;
pub mod bank;
pub mod calculation;
pub mod carry;
pub mod dashboard;
pub mod disbursements;
pub mod division;
pub mod documents;
pub mod evidence;
pub mod history;
pub mod imports;
pub mod lists;
pub mod payees;
pub mod projects;
pub mod retention;
pub mod review;
pub mod rounds;
pub mod second_factor;
pub mod statements;
pub mod units;

pub use crate::storage::projects::Scope;
/// The database as the use cases take it (a pool; `storage::Db` is the web's handle on it).
pub use crate::storage::Pool;
pub use actor::Actor;

/// Today in the server's calendar (China Standard Time, UTC+8): approvals and payment dates
/// compare with it (docs/payments.md).
#[must_use]
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
