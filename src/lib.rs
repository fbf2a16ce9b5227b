//! tiexi (贴息): loan-interest-subsidy rounds for trade-union worker entrepreneurship programs.
//!
//! Module map (dependencies point one way, towards the pure engine):
//!
//! - [`engine`]: rules.md as pure functions; its one door is [`engine::compute`].
//! - [`import`]: workbook and policy bytes → engine inputs, every row problem as data.
//! - [`export`]: engine results → JSON, text explanations and workbooks.
//! - [`storage`]: SQL for SQLite and PostgreSQL (one binary, chosen by URL); nothing else writes SQL.
//! - [`cli`]: the `tiexi` subcommands that need no database (`calc`).

pub mod cli;
pub mod engine;
pub mod export;
pub mod import;
pub mod storage;
