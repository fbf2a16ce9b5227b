//! The application through HTTP on a real database per test (SQLite by default,
//! PostgreSQL when `TEST_DATABASE_URL` is set): every use case, role, invariant and report.
//!
//! One test binary per kind of proof (docs/ARCHITECTURE.md "Tests"): each file below was
//! a binary of its own, and every binary linked the whole crate.

#[macro_use]
extern crate rocket;

#[path = "../web_support/mod.rs"]
mod web_support;

/// The reports' checks, rendering and XML readers.
#[path = "../reports/check.rs"]
mod check;
#[path = "../reports/render.rs"]
mod render;
/// The workbooks' readers, shared with `tests/files` (export).
#[path = "../export/support.rs"]
#[expect(dead_code, reason = "shared with tests/files: only its workbook readers are used here")]
mod support;
#[path = "../reports/xml.rs"]
mod xml;

mod accounts;
mod api;
mod applicant_home;
mod applications;
mod audit;
mod audit_page;
mod backup;
mod cache;
mod carry_pages;
mod counted;
mod cuts;
mod dashboard;
mod dates_in_words;
mod division;
mod document_review;
mod driver;
mod earlier_rounds;
mod errors;
mod evidence;
mod full_round;
mod hardening;
mod idempotency;
mod import_decisions;
mod import_preview;
mod kill;
mod list_export;
mod login;
mod money;
mod money_pages;
mod one_binary;
mod one_result;
mod openapi;
mod payments;
mod publicity;
mod reports;
mod reports_lists;
mod resume;
mod retention;
mod review;
mod routes;
mod scope;
mod sessions;
mod statement_pages;
mod statements;
mod storage;
mod template_words;
mod units;
mod unknown_codes;
