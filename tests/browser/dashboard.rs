//! The dashboard in headless Chromium on the demo: `admin`, `hongxing2` and `coop-a` each
//! see their own numbers (checked against the API's project list, fetched in the same
//! session), no other 团场's name, and the SVG charts drawn. Full-page screenshots (screen
//! and print) go to `target/screenshots/` to be looked at.
//!
//! Without Chromium the test prints SKIP and passes, unless `CI` is set: then it fails.

use crate::web_support;
use crate::{started, submit_login};

use std::path::PathBuf;

use serde_json::{json, Value};
use tiexi::sample::UNITS;
use web_support::cdp::Browser;
use web_support::PASSWORD;

const SENTENCE: &str = "自2017年以来累计开展职工自主创业示范项目431个，拨付贴息资金806.635万元，撬动贷款1.68亿元，带动职工7916户，户年均增收5000元以上";

fn log_in(browser: &mut Browser, base: &str, user: &str) {
    submit_login(browser, base, user, PASSWORD);
    browser.wait_for(&format!("location.pathname === '/' && document.body.innerText.includes({})", json!(user)));
}

fn log_out(browser: &mut Browser) {
    browser.click("header form button[type=submit]");
    browser.wait_for("location.pathname === '/login'");
}

/// The sum of `requested` over the user's 2024 projects, in fen, through the API.
fn api_requested(browser: &mut Browser) -> i64 {
    let js = "fetch('/api/v1/rounds/2024/projects?per_page=500').then(r => r.json()).then(b => \
              b.projects.reduce((s, p) => s + parseInt(p.requested.replace(/[^0-9-]/g, ''), 10), 0))";
    browser.eval(js).expect("the API list").as_i64().expect("a sum")
}

fn text(browser: &mut Browser, js: &str) -> String {
    browser.eval(js).unwrap_or(Value::Null).as_str().unwrap_or_default().to_string()
}

/// Checks what `user` sees; `units` are the 团场 names that may appear.
fn check(browser: &mut Browser, user: &str, units: &[&str]) {
    let charts = browser
        .eval("[...document.querySelectorAll('svg.chart')].filter(s => s.getBoundingClientRect().width > 300).length")
        .expect("charts");
    assert!(charts.as_i64().unwrap_or(0) >= 5, "{user}: the SVG charts are drawn ({charts})");
    let shown = text(browser, "document.querySelector('#requested').textContent");
    let fen: i64 = shown.chars().filter(char::is_ascii_digit).collect::<String>().parse().expect("an amount");
    assert_eq!(fen, api_requested(browser), "{user}: the request total is that of the user's own projects");
    let body = text(browser, "document.body.innerText");
    for unit in UNITS {
        assert_eq!(body.contains(unit), units.contains(&unit), "{user}: {unit} on the dashboard");
    }
}

/// A full-page PNG (screen, or print media) into `target/screenshots/`.
fn shoot(browser: &mut Browser, name: &str, print: bool) -> PathBuf {
    let media = if print { "print" } else { "screen" };
    browser.page("Emulation.setEmulatedMedia", &json!({ "media": media }));
    let height = browser.eval("document.documentElement.scrollHeight").ok().and_then(|v| v.as_i64()).unwrap_or(1000);
    let width = if print { 794 } else { 1280 }; // A4 at 96 dpi is 794 px wide
    browser.page(
        "Emulation.setDeviceMetricsOverride",
        &json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
    );
    let png = browser.screenshot();
    browser.page("Emulation.clearDeviceMetricsOverride", &json!({}));
    browser.page("Emulation.setEmulatedMedia", &json!({ "media": "" }));
    assert!(png.len() > 10_000 && png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG: {} bytes", png.len());
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots"));
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    let file = dir.join(format!("dashboard-{name}.png"));
    std::fs::write(&file, &png).expect("screenshot written");
    println!("screenshot: {} ({} bytes)", file.display(), png.len());
    file
}

#[test]
fn each_user_sees_their_own_dashboard_with_its_charts() {
    let Some((_dir, server, mut browser, base)) = started("each_user_sees_their_own_dashboard_with_its_charts") else {
        return;
    };

    log_in(&mut browser, &base, "admin");
    check(&mut browser, "admin", &UNITS);
    assert_eq!(text(&mut browser, "document.querySelector('#summary').value"), SENTENCE);
    browser.click("#copy-summary");
    assert_eq!(text(&mut browser, "document.querySelector('#copy-summary').textContent"), "已复制");
    shoot(&mut browser, "admin", false);
    shoot(&mut browser, "admin-print", true);
    log_out(&mut browser);

    log_in(&mut browser, &base, "hongxing2");
    check(&mut browser, "hongxing2", &["红星二场"]);
    let sentence = text(&mut browser, "document.querySelector('#summary').value");
    assert!(sentence.starts_with("自2017年以来累计开展") && sentence != SENTENCE, "{sentence}");
    shoot(&mut browser, "hongxing2", false);
    log_out(&mut browser);

    // A cooperative's home is its own applications (issue 17 item 6), not the dashboard.
    log_in(&mut browser, &base, "coop-a");
    assert_eq!(
        browser.eval("document.querySelector('#applicant-home') !== null && document.querySelector('svg') === null"),
        Ok(json!(true))
    );
    shoot(&mut browser, "coop-a", false);
    drop(server);
}
