//! Phones and desktops (issue 17 item 6): the pages an applicant and division staff use fit
//! a 390 px phone and a 1280 px desktop without scrolling sideways (the document is never
//! wider than the viewport); on the phone, lists become cards whose cells name their column.
//! Full-page screenshots go to `target/screenshots/phones-*.png` to be looked at.
//!
//! Without Chromium the test prints SKIP and passes, unless `CI` is set: then it fails.

use crate::web_support;
use crate::{started, submit_login};

use std::path::PathBuf;

use serde_json::{json, Value};
use web_support::cdp::Browser;
use web_support::PASSWORD;

const WIDTHS: [i64; 2] = [390, 1280];

fn log_in(browser: &mut Browser, base: &str, user: &str) {
    submit_login(browser, base, user, PASSWORD);
    browser.wait_for("location.pathname === '/'");
}

fn log_out(browser: &mut Browser) {
    browser.click("header form button[type=submit]");
    browser.wait_for("location.pathname === '/login'");
}

fn set_width(browser: &mut Browser, width: i64) {
    let metrics = json!({ "width": width, "height": 844, "deviceScaleFactor": 1, "mobile": width < 600 });
    browser.page("Emulation.setDeviceMetricsOverride", &metrics);
}

/// The first link on the page matching a CSS selector, as a path.
fn first_link(browser: &mut Browser, selector: &str) -> Option<String> {
    let js = format!(
        "(() => {{ const a = document.querySelector({}); return a ? a.getAttribute('href') : null; }})()",
        json!(selector)
    );
    browser.eval(&js).ok().and_then(|v| v.as_str().map(str::to_string))
}

/// Opens `path` at `width`, checks nothing is wider than the viewport, and keeps a screenshot.
fn fits(browser: &mut Browser, base: &str, who: &str, name: &str, path: &str, width: i64) -> Value {
    set_width(browser, width);
    browser.goto(&format!("{base}{path}"));
    browser.wait_for("document.body !== null");
    let measured = browser
        .eval(
            "({ doc: document.documentElement.scrollWidth, view: window.innerWidth, \
              h1: (document.querySelector('h1') || {textContent: ''}).textContent, \
              cards: document.querySelectorAll('table.cards td[data-label]').length, \
              wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 3).map(e => e.tagName + '#' + e.id + '.' + e.className) })",
        )
        .expect("the page's widths");
    let (doc, view) = (measured["doc"].as_i64().unwrap_or(0), measured["view"].as_i64().unwrap_or(0));
    let height = browser.eval("document.documentElement.scrollHeight").ok().and_then(|v| v.as_i64()).unwrap_or(844);
    let metrics = json!({ "width": width, "height": height.min(6000), "deviceScaleFactor": 1, "mobile": width < 600 });
    browser.page("Emulation.setDeviceMetricsOverride", &metrics);
    let png = browser.screenshot();
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/screenshots"));
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    let file = dir.join(format!("phones-{who}-{name}-{width}.png"));
    std::fs::write(&file, &png).expect("screenshot written");
    println!("screenshot: {} ({doc} px in {view} px)", file.display());
    assert!(view == width, "{who} {path} at {width}: the viewport is {view}");
    assert!(doc <= view, "{who} {path} at {width}: the page is {doc} px wide; too wide: {}", measured["wide"]);
    measured
}

/// An applicant's pages; the path of one of their projects.
fn applicant(browser: &mut Browser, base: &str) -> String {
    log_in(browser, base, "coop-a");
    let project = first_link(browser, "#mine a[href^='/projects/']").expect("an application on the home page");
    let coop_pages = [
        ("home", "/".to_string()),
        ("applications", "/applications".to_string()),
        ("projects", "/rounds/2024/projects".to_string()),
        ("project", project.clone()),
        ("new-application", "/rounds/2024/applications/new".to_string()),
        ("round", "/rounds/2024".to_string()),
    ];
    for width in WIDTHS {
        for (name, path) in &coop_pages {
            let m = fits(browser, base, "coop-a", name, path, width);
            if width < 600 && *name == "projects" {
                assert!(m["cards"].as_i64().unwrap_or(0) > 0, "the list is cards with labels: {m}");
            }
        }
    }
    log_out(browser);

    project
}

/// Division staff's pages, with the applicant's project among them.
fn staff(browser: &mut Browser, base: &str, project: String) {
    log_in(browser, base, "admin");
    let batch = {
        browser.goto(&format!("{base}/rounds/2024/disbursements"));
        first_link(browser, "#batches a[href^='/disbursements/']")
    };
    let mut staff_pages = vec![
        ("home", "/".to_string()),
        ("projects", "/rounds/2024/projects".to_string()),
        ("evidence", format!("{project}/evidence")),
        ("project", project),
        // Issue 15's pages: the bank statements, the reconciliation, the carried drafts.
        ("statements", "/rounds/2024/statements".to_string()),
        ("reconciliation", "/rounds/2024/reconciliation".to_string()),
        ("carried", "/rounds/2024/carried".to_string()),
        ("allocations", "/rounds/2024/allocations".to_string()),
        ("batches", "/rounds/2024/disbursements".to_string()),
        ("audit", "/audit".to_string()),
    ];
    staff_pages.extend(batch.map(|b| ("batch", b)));
    for width in WIDTHS {
        for (name, path) in &staff_pages {
            fits(browser, base, "admin", name, path, width);
        }
    }
}

#[test]
fn the_pages_fit_a_phone_and_a_desktop() {
    let Some((_dir, server, mut browser, base)) = started("the_pages_fit_a_phone_and_a_desktop") else { return };

    let project = applicant(&mut browser, &base);
    staff(&mut browser, &base, project);
    drop(server);
}
