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

use serde_json::json;
use web_support::cdp::{chromium, Browser};
use web_support::server::Server;

/// A test's demo server (a fresh SQLite file in a temporary directory) and a headless
/// Chromium: the directory, the server, the browser and the server's base URL, to be bound
/// in this order so that they are dropped the other way round. None, with a line saying the
/// test was skipped, where Chromium is not installed (and CI is not set: there it fails).
fn started(test: &str) -> Option<(tempfile::TempDir, Server, Browser, String)> {
    let Some(exe) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI is set but Chromium is missing: apt-get install -y chromium");
        println!("SKIP {test}: Chromium is not installed (and CI is not set)");
        return None;
    };
    let dir = tempfile::tempdir().expect("a directory");
    let server =
        Server::start(&format!("sqlite://{}/t.db", dir.path().display()), true, &dir.path().join("server.log"));
    let base = format!("http://127.0.0.1:{}", server.port);
    let browser = Browser::launch(&exe, &dir.path().join("profile"));
    Some((dir, server, browser, base))
}

/// Fill the login form as `user` with `password` and send it; the caller waits for the page
/// it expects.
fn submit_login(browser: &mut Browser, base: &str, user: &str, password: &str) {
    browser.goto(&format!("{base}/login"));
    let fill = format!(
        "document.querySelector('input[name=username]').value = {}; \
         document.querySelector('input[name=password]').value = {}; true",
        json!(user),
        json!(password)
    );
    browser.eval(&fill).expect("the login form");
    browser.click("#login button[type=submit]");
}

/// The text of the first element `selector` finds, or "" when there is none.
fn text(browser: &mut Browser, selector: &str) -> String {
    let js = format!("(document.querySelector({}) || {{}}).textContent || ''", json!(selector));
    browser.eval(&js).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
