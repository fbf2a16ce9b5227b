//! tiexi (贴息): loan-interest-subsidy rounds for trade-union worker entrepreneurship programs.
//!
//! Module map (dependencies point one way, towards the pure engine):
//!
//! - [`engine`]: docs/rules.md as pure functions; its one door is [`engine::compute`].
//! - [`import`]: workbook bytes → engine inputs, every row problem as data.
//! - [`policy`]: the policy file (TOML) → `engine::Policy`; beside the engine, below import and
//!   storage (storage reads stored rounds' policies, and must not depend on import).
//! - [`export`]: engine results → JSON, text explanations and workbooks.
//! - [`app`]: the use cases (import and confirm, review, allocation, disbursement, the division's books),
//!   each taking the database and an [`app::Actor`]; web, commands and the demo call them.
//! - [`storage`]: SQL for SQLite and PostgreSQL (one binary, chosen by URL); nothing else writes SQL.
//! - [`web`]: the Rocket application: pages, the JSON API, sessions, CSRF ([`web::rocket`]).
//! - [`review`]: the review workflow of a project, pure: states, actions, who may move them;
//!   [`signoff`]: maker-checker of the division's money, pure.
//! - [`accounts`]: roles and argon2id passwords; [`config`]: the app's settings; [`error`]: `AppError`.
//! - [`cli`]: `tiexi calc` and `tiexi template`, which need no database.
//! - [`reports`]: the annual, cumulative and payment-list workbooks: storage → engine → export.
//! - [`commands`]: `tiexi serve` and `tiexi user add`; [`demo`]: the deterministic demo division;
//!   [`sample`]: deterministic applicant workbooks of any size (`tiexi bench gen`).

#[macro_use]
extern crate rocket;

pub mod accounts;
pub mod app;
pub mod bidi;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod engine;
pub mod error;
pub mod export;
pub mod import;
pub mod labels;
pub mod policy;
pub mod reports;
pub mod review;
pub mod sample;
pub mod second_factor;
pub mod sha;
pub mod signoff;
pub mod storage;
pub mod web;

/// The allocator of every binary built on this crate: the server, the parse child, the
/// benches and the tests, so that what the benches time is what runs. A round's result is
/// a few hundred thousand small strings and vectors; glibc's allocator spent more time on
/// them (and on freeing the previous round's) than the engine spent on docs/rules.md. The default
/// feature `mimalloc`; the fuzz build turns it off so that the address sanitizer sees everything.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
