//! A person's path through the real server in headless Chromium: log in on the login
//! page, create a round from a policy file, import a workbook through the file input,
//! read the preview table, confirm, and see the project list.
//!
//! Without Chromium the test prints SKIP and passes, unless `CI` is set: then it fails.

use crate::started;
use crate::web_support;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use web_support::cdp::Browser;
use web_support::server::BIN;
use web_support::{case000_policy, CASE000};

/// `tiexi calc --json` with the policy file given.
fn calc(policy: &Path) -> Value {
    let out = std::process::Command::new(BIN)
        .args(["calc", "--json", "--policy"])
        .arg(policy)
        .arg(format!("{CASE000}/applicants.xlsx"))
        .output()
        .expect("tiexi calc runs");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The rows of a table as text cells (the header row and a 合计 row left out).
fn table(browser: &mut Browser, selector: &str) -> Vec<Vec<String>> {
    let js = format!(
        "[...document.querySelectorAll({} + ' tr:not(.total)')].slice(1).map(tr => [...tr.cells].map(td => td.textContent.trim()))",
        json!(selector)
    );
    serde_json::from_value(browser.eval(&js).expect("the table")).expect("rows of text")
}

fn log_in(browser: &mut Browser, base: &str) {
    browser.goto(&format!("{base}/login"));
    let fill = "document.querySelector('input[name=username]').value = 'admin'; \
                document.querySelector('input[name=password]').value = 'tiexi-demo'; true";
    browser.eval(fill).expect("the login form");
    browser.click("#login button[type=submit]");
    browser.wait_for("location.pathname === '/' && document.body.innerText.includes('admin')");
}

/// A new round 2025 from a policy file pasted into the round form: case000's policy with
/// its subsidy window (2023), so that case000's loans get amounts. Returns the policy file.
fn create_round(browser: &mut Browser, base: &str, dir: &Path) -> PathBuf {
    let policy = case000_policy()
        .replace("year = 2023", "year = 2025\nwindow = { start = 2023-01-01, end = 2024-01-01 }")
        .replace("2023年度", "2025年度");
    let file = dir.join("policy.toml");
    std::fs::write(&file, &policy).expect("policy written");
    browser.goto(&format!("{base}/rounds/new"));
    let paste = format!(
        "document.querySelector('input[name=source][value=toml]').checked = true; \
         document.querySelector('textarea[name=toml]').value = {}; true",
        json!(policy)
    );
    browser.eval(&paste).expect("the round form");
    browser.click("#round-form button[type=submit]");
    browser.wait_for("location.pathname === '/rounds/2025'");
    file
}

/// The import through the round page's link and the file input; returns the preview's
/// (key, requested) rows after checking them against `tiexi calc`.
fn import(browser: &mut Browser, policy: &Path) -> Vec<(String, String)> {
    browser.click("a[href='/rounds/2025/imports/new']");
    browser.wait_for("location.pathname === '/rounds/2025/imports/new'");
    browser.set_file("#upload input[type=file]", Path::new(&format!("{CASE000}/applicants.xlsx")));
    browser.click("#upload button[type=submit]");
    browser.wait_for("location.pathname.startsWith('/imports/')");
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let want: Vec<(String, String)> = calc(policy)["projects"]
        .as_array()
        .expect("projects")
        .iter()
        .map(|p| (text(&p["key"]), text(&p["requested"])))
        .collect();
    // Columns: 项目编号, 项目名称, 团场, 负责人, 状态, 申请贴息 (with thousands separators), …
    let got: Vec<(String, String)> =
        table(browser, "#projects").iter().map(|r| (r[0].clone(), r[5].replace(',', ""))).collect();
    assert_eq!(got, want, "the preview table shows each project and its request as tiexi calc computes them");
    assert!(want.iter().any(|(_, r)| r != "0.00"), "some project requests a subsidy: {want:?}");
    assert_eq!(browser.eval("document.querySelector('#error-count').textContent"), Ok(json!("0")));
    want
}

fn screenshot(browser: &mut Browser, dir: &Path) {
    let png = browser.screenshot();
    let shot = dir.join("preview.png");
    std::fs::write(&shot, &png).expect("screenshot written");
    assert!(png.len() > 1000 && png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG of the preview: {} bytes", png.len());
    println!("screenshot of the preview: {} ({} bytes)", shot.display(), png.len());
    if std::env::var_os("TIEXI_KEEP_SCREENSHOT").is_some() {
        std::fs::copy(&shot, std::env::temp_dir().join("tiexi-preview.png")).expect("copied");
    }
}

#[test]
fn a_person_imports_a_workbook_in_the_browser() {
    let Some((dir, server, mut browser, base)) = started("a_person_imports_a_workbook_in_the_browser") else { return };
    log_in(&mut browser, &base);
    let policy = create_round(&mut browser, &base, dir.path());
    let want = import(&mut browser, &policy);
    screenshot(&mut browser, dir.path());
    browser.click("#confirm button[type=submit]");
    browser.wait_for("location.pathname === '/rounds/2025/projects'");
    let flash = browser.eval("document.querySelector('#flash').textContent").expect("a flash message");
    assert_eq!(flash, json!(format!("已导入 {n} 个项目（新增 {n} 个，修改 0 个）", n = want.len())));
    // Division staff see a 选择 column (bulk 公示) before the 项目编号.
    let listed: Vec<String> = table(&mut browser, "#projects").into_iter().map(|r| r[1].clone()).collect();
    let keys: Vec<String> = want.into_iter().map(|(k, _)| k).collect();
    assert_eq!(listed, keys, "the project list shows the imported projects");
    drop(server);
}
