//! Issue 17 item 1 in headless Chromium at 1280 px against the real server (the demo):
//! division staff add an account, reset a password and disable an account on the accounts
//! page, which fits the width; the new user's first login lands on the password page and
//! nowhere else until the one-time password is replaced.
//!
//! Without Chromium the test prints SKIP and passes, unless `CI` is set: then it fails.

use std::path::PathBuf;

use crate::web_support;
use crate::{started, submit_login, text};

use serde_json::json;
use web_support::cdp::Browser;
use web_support::server::Http;
use web_support::PASSWORD;

fn log_in(browser: &mut Browser, base: &str, user: &str, password: &str, lands_on: &str) {
    submit_login(browser, base, user, password);
    browser.wait_for(&format!("location.pathname === {}", json!(lands_on)));
}

/// The page at 1280 px: no horizontal overflow, and a screenshot in `target/screenshots/`.
fn fits_1280(browser: &mut Browser, name: &str) {
    browser.page(
        "Emulation.setDeviceMetricsOverride",
        &json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
    );
    let width = browser.eval("document.documentElement.scrollWidth").ok().and_then(|v| v.as_i64()).unwrap_or(0);
    assert!(width > 0 && width <= 1280, "{name}: the page is {width} px wide at 1280 px");
    let png = browser.screenshot();
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots"));
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    std::fs::write(dir.join(format!("{name}-1280.png")), &png).expect("screenshot written");
}

/// Submit the form of the user's row whose button has this class.
fn row_action(browser: &mut Browser, user: &str, button: &str) {
    browser.click(&format!("#user-{user} button.{button}"));
}

#[test]
fn staff_add_reset_and_disable_accounts_on_the_page() {
    let Some((_dir, server, mut browser, base)) = started("staff_add_reset_and_disable_accounts_on_the_page") else {
        return;
    };
    log_in(&mut browser, &base, "admin", PASSWORD, "/");
    browser.click("#accounts-link");
    browser.wait_for("location.pathname === '/accounts' && document.querySelector('#accounts') !== null");
    fits_1280(&mut browser, "accounts");

    let first = add_wangwu(&mut browser);
    reset_and_disable_coop_b(&mut browser, server.port);
    first_login(&mut browser, &base, &first, server.port);
    drop(server);
}

/// The status of a JSON login.
fn try_login(port: u16, user: &str, password: &str) -> u16 {
    let body = json!({ "username": user, "password": password }).to_string();
    Http::new(port)
        .request("POST", "/api/v1/session", Some("application/json"), body.as_bytes())
        .expect("answers")
        .status
}

/// Add a regiment account of 红星二场; the one-time password is shown once.
fn add_wangwu(browser: &mut Browser) -> String {
    let add = "document.querySelector('#add-account input[name=username]').value = 'wangwu'; \
               document.querySelector('#add-account select[name=role]').value = 'regiment_staff'; \
               document.querySelector('#add-account select[name=unit]').value = '红星二场'; true";
    browser.eval(add).expect("the add form");
    browser.click("#add-account button[type=submit]");
    browser.wait_for("document.querySelector('#one-time-password') !== null");
    let first = text(browser, "#one-time-password");
    assert_eq!(first.chars().count(), 12, "{first}");
    assert!(text(browser, "#user-wangwu").contains("待修改一次性密码"));
    fits_1280(browser, "accounts-added");
    first
}

/// Reset coop-b's password (the demo password stops working, the new one logs in), then
/// disable the account (no login any more, and the row says so).
fn reset_and_disable_coop_b(browser: &mut Browser, port: u16) {
    row_action(browser, "coop-b", "reset");
    browser.wait_for("document.querySelector('#issued') !== null && document.querySelector('#issued').textContent.includes('coop-b')");
    let reset = text(browser, "#one-time-password");
    assert_eq!(try_login(port, "coop-b", PASSWORD), 401);
    assert_eq!(try_login(port, "coop-b", &reset), 200);

    row_action(browser, "coop-b", "disable");
    browser.wait_for("(document.querySelector('#flash') || {}).textContent === '账户“coop-b”已停用'");
    assert!(text(browser, "#user-coop-b").contains("已停用"));
    assert_eq!(try_login(port, "coop-b", &reset), 401);
}

/// wangwu's first login: the password page, and nothing else, until it is replaced.
fn first_login(browser: &mut Browser, base: &str, first: &str, port: u16) {
    browser.click("header form button[type=submit]");
    browser.wait_for("location.pathname === '/login'");
    log_in(browser, base, "wangwu", first, "/account/password");
    assert!(text(browser, "#required").contains("一次性密码"));
    // A mark on this document, so that the wait below sees the next one.
    browser.eval("window.before = true; location.href = '/rounds'; true").expect("a navigation");
    browser.wait_for(
        "!window.before && location.pathname === '/account/password' && document.querySelector('#password') !== null",
    );
    let change = format!(
        "document.querySelector('#password input[name=current]').value = {}; \
         document.querySelector('#password input[name=new]').value = '王五的新密码很长很长'; \
         document.querySelector('#password input[name=repeat]').value = '王五的新密码很长很长'; true",
        json!(first)
    );
    browser.eval(&change).expect("the password form");
    browser.click("#password button[type=submit]");
    browser
        .wait_for("location.pathname === '/account/password' && (document.querySelector('#flash') || {}).textContent === '密码已修改'");
    assert_eq!(try_login(port, "wangwu", "王五的新密码很长很长"), 200);
}
