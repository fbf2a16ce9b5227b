//! The pure engine and the trial calculation: rules.md by example, golden cases through the real `tiexi calc`, properties, the reference engine, facts of §9.
//!
//! One test binary per kind of proof (docs/ARCHITECTURE.md "Tests"): each file below was
//! a binary of its own, and every binary linked the whole crate.

#[path = "../common/mod.rs"]
mod common;
#[path = "../reference/mod.rs"]
mod reference;

mod cases;
mod engine_reference;
mod facts;
mod facts_cli;
mod layers;
mod properties;
mod rules;
mod settle;
