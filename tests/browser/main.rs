//! The real binary in headless Chromium at desktop and phone widths: a person's path through the pages.
//!
//! One test binary per kind of proof (docs/ARCHITECTURE.md "Tests"): each file below was
//! a binary of its own, and every binary linked the whole crate.

#[path = "../web_support/mod.rs"]
mod web_support;

mod accounts;
mod confirm;
mod dashboard;
mod imports;
mod payment;
mod phones;
mod walkthrough;
