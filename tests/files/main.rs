//! Workbooks in and out: the importer on real and hostile files, messy cases, the isolated parser, the exported workbooks.
//!
//! One test binary per kind of proof (docs/ARCHITECTURE.md "Tests"): each file below was
//! a binary of its own, and every binary linked the whole crate.

#[path = "../common/mod.rs"]
mod common;
#[path = "../hostile_support/mod.rs"]
mod hostile_support;

mod bank_return;
mod export;
mod hostile;
mod import;
mod messy;
