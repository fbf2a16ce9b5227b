//! Issue 14 in headless Chromium against the real server (the demo): a batch from its
//! preparation on the page, through the bank file, to the bank's answer uploaded on the
//! batch page with one failed line (docs/payments.md).
//!
//! Three demo projects are made `approved` by a test-only SQL UPDATE (the review workflow
//! has its own browser test). Without Chromium the test prints SKIP and passes, unless
//! `CI` is set: then it fails.

use crate::web_support;
use crate::{submit_login, text};

use std::fmt::Write as _;

use serde_json::json;
use web_support::cdp::{chromium, Browser};
use web_support::server::{Http, Server};
use web_support::PASSWORD;

fn log_in(browser: &mut Browser, base: &str, user: &str) {
    submit_login(browser, base, user, PASSWORD);
    browser.wait_for(&format!("location.pathname === '/' && document.body.innerText.includes({})", json!(user)));
}

/// Test-only setup: three projects of 2024 approved, allocated (admin) and the allocation
/// approved (admin2).
fn granted(url: &str, admin: &Http, admin2: &Http) {
    let runtime = rocket::tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let pool = tiexi::storage::connect(url, 1).await.expect("the server's database");
        sqlx::query(
            "UPDATE projects SET state = 'approved' WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) \
             AND project_key <= 'XX-2024-003'",
        )
        .execute(&pool.inner)
        .await
        .expect("test-only setup");
    });
    let run = admin.json("POST", "/api/v1/rounds/2024/allocations", &json!({ "dry_run": false })).json();
    let path = format!("/api/v1/allocations/{}/actions", run["allocation_id"]);
    assert_eq!(admin2.json("POST", &path, &json!({ "action": "approve" })).status, 200);
}

/// The bank's answer to a bank file: the second line failed.
fn answer(file: &str) -> String {
    let mut out = String::from("账号,户名,金额,状态,原因\n");
    for (n, line) in file.trim_start_matches('\u{feff}').lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] == "笔数" {
            let _ = writeln!(out, "笔数,{},合计,{},", f[1], f[4]);
        } else if n == 1 {
            let _ = writeln!(out, "{},{},{},失败,户名与账号不符", f[2], f[1], f[4]);
        } else {
            let _ = writeln!(out, "{},{},{},成功,", f[2], f[1], f[4]);
        }
    }
    out
}

/// On the batch page: the bank's answer to its bank file, the second line failed.
fn upload_answer(browser: &mut Browser, admin: &Http, id: i64, dir: &std::path::Path) {
    let file = admin.request("POST", &format!("/api/v1/disbursements/{id}/bank-file.csv"), None, &[]).expect("a file");
    assert_eq!(file.status, 200);
    let returned = dir.join("回单.csv");
    std::fs::write(&returned, answer(&String::from_utf8_lossy(&file.body))).expect("the answer is written");
    browser.set_file("#return input[name=file]", &returned);
    let today = web_support::today(0);
    browser.eval(&format!("document.querySelector('#return input[name=paid_on]').value = {}; true", json!(today))).ok();
    browser.click("#return button[type=submit]");
    browser.wait_for("(document.querySelector('#flash') || {}).textContent !== undefined && document.body.innerText.includes('银行回单已登记')");
    assert_eq!(text(browser, "#state"), "部分支付");
    let page = text(browser, "#items");
    assert!(page.contains("户名与账号不符") && page.contains("成功"), "{page}");
    let batch = admin.get(&format!("/api/v1/disbursements/{id}")).json();
    assert_eq!(batch["state"], "partial", "{batch}");
}

#[test]
fn a_batch_goes_from_preparation_to_the_banks_answer_in_the_pages() {
    let Some(exe) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI is set but Chromium is missing: apt-get install -y chromium");
        println!("SKIP a_batch_goes_from_preparation_to_the_banks_answer_in_the_pages: Chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("a directory");
    let url = format!("sqlite://{}/t.db", dir.path().display());
    let server = Server::start(&url, true, &dir.path().join("server.log"));
    let base = format!("http://127.0.0.1:{}", server.port);
    let (admin, admin2) = (Http::login(server.port, "admin", PASSWORD), Http::login(server.port, "admin2", PASSWORD));
    granted(&url, &admin, &admin2);

    let mut browser = Browser::launch(&exe, &dir.path().join("profile"));
    log_in(&mut browser, &base, "admin");
    browser.goto(&format!("{base}/rounds/2024/disbursements/new"));
    assert_eq!(browser.eval("document.querySelectorAll('#candidates input[name=ids]').length"), Ok(json!(3)));
    browser.click("#acknowledged");
    browser.click("#prepare button[type=submit]");
    browser.wait_for("location.pathname.startsWith('/disbursements/') && document.querySelector('#state') !== null");
    assert_eq!(text(&mut browser, "#state"), "待审核");
    let id: i64 = browser
        .eval("location.pathname.split('/')[2]")
        .ok()
        .and_then(|v| v.as_str().and_then(|s| s.parse().ok()))
        .expect("the batch's id");
    let path = format!("/api/v1/disbursements/{id}/actions");
    assert_eq!(admin2.json("POST", &path, &json!({ "action": "approve" })).status, 200, "a second person approves");

    browser.goto(&format!("{base}/disbursements/{id}"));
    browser.wait_for("document.querySelector('#return') !== null");
    for link in ["#payment-list", "#bank-file-xlsx", "#bank-file-csv"] {
        assert_eq!(browser.eval(&format!("document.querySelector('{link}') !== null")), Ok(json!(true)), "{link}");
    }
    upload_answer(&mut browser, &admin, id, dir.path());
    drop(server);
}
