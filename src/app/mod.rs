//! The use cases: each operation of a round is a function here that takes the database (a
//! pool or a write transaction) and an [`Actor`], checks the rule, loads through storage,
//! computes through the engine, stores with its audit entry ([`Actor::entry`], the one place
//! entries are begun) and returns typed results, with `AppError` for what refuses
//! (docs/ARCHITECTURE.md, "Use cases in one layer"). The web handlers, the command line
//! and the demo call the same functions; nothing here knows HTTP, cookies or templates.

pub mod actor;
pub mod allocations;
pub mod applicant_home;
pub mod audit;
pub mod calculation;
pub mod disbursements;
pub mod division;
pub mod imports;
pub mod lists;

pub use actor::Actor;
