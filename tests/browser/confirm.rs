//! Issue 12, item 5, in headless Chromium against the real server (the demo): an
//! irreversible action (撤回) asks first on a page of its own, without script; going back
//! changes nothing; confirming acts once. A person's double-click on 保存草稿, and two
//! submissions of one form sent at once, each create one application.
//!
//! Without Chromium the test prints SKIP and passes, unless `CI` is set: then it fails.

use crate::web_support;
use crate::{started, submit_login, text};

use serde_json::{json, Value};
use web_support::cdp::Browser;
use web_support::server::Http;
use web_support::PASSWORD;

fn log_in(browser: &mut Browser, base: &str, user: &str) {
    submit_login(browser, base, user, PASSWORD);
    browser.wait_for(&format!("location.pathname === '/' && document.body.innerText.includes({})", json!(user)));
}

/// (id, state) of every 2024 project the user sees, by key.
fn projects(http: &Http) -> Vec<Value> {
    http.get("/api/v1/rounds/2024/projects?per_page=500").json()["projects"].as_array().cloned().unwrap_or_default()
}

fn state(http: &Http, id: i64) -> String {
    http.get(&format!("/api/v1/projects/{id}")).json()["state"].as_str().unwrap_or_default().to_string()
}

/// 撤回 on the project page: the confirmation page, 返回, then 确认撤回.
fn withdraw_asks_first(browser: &mut Browser, base: &str, admin: &Http) {
    let id =
        projects(admin).iter().find(|p| p["key"] == "XX-2024-003").and_then(|p| p["id"].as_i64()).expect("a project");
    browser.goto(&format!("{base}/projects/{id}"));
    browser.click("#action-withdraw");
    browser.wait_for("document.querySelector('#confirm-title') !== null");
    assert_eq!(text(browser, "#confirm-title"), "确认撤回");
    let said = text(browser, "#consequences");
    assert!(said.contains("将撤回") && said.contains("撤回不能恢复"), "{said}");
    assert_eq!(state(admin, id), "submitted", "the first click changes nothing");
    browser.click("#confirm-back");
    browser.wait_for(&format!("location.pathname === '/projects/{id}'"));
    assert_eq!(state(admin, id), "submitted", "going back changes nothing");
    browser.click("#action-withdraw");
    browser.wait_for("document.querySelector('#confirm-button') !== null");
    browser.double_click("#confirm-button");
    // The page the browser shows is the second click's answer, the first's replayed (its
    // flash message went with the first, abandoned, navigation).
    browser.wait_for(&format!(
        "location.pathname === '/projects/{id}' && (document.querySelector('#state') || {{}}).textContent === '已撤回'"
    ));
    assert_eq!(state(admin, id), "withdrawn");
    let history = admin.get(&format!("/api/v1/projects/{id}/transitions")).json();
    let withdrawals =
        history["transitions"].as_array().map_or(0, |l| l.iter().filter(|t| t["action"] == "withdraw").count());
    assert_eq!(withdrawals, 1, "{history}");
}

/// Fill the application form (one loan under 红星二场).
fn fill_application(browser: &mut Browser, base: &str, contract: &str) {
    browser.goto(&format!("{base}/rounds/2024/applications/new"));
    let fields = json!({
        "project.project_name": "温室大棚", "project.applicant_type": "个人", "project.leader": "李四",
        "project.id_number": "11010519491231002X", "project.households": "3", "project.union_member": "是",
        "loans.0.contract_no": contract, "loans.0.principal": "300000", "loans.0.rate": "4.35",
        "loans.0.disbursed_on": "2023-06-10", "loans.0.maturity_on": "2026-06-10",
    });
    let js = format!(
        "(() => {{ const f = {fields}; for (const [k, v] of Object.entries(f)) {{ document.querySelector(`[name='${{k}}']`).value = v; }} \
         document.querySelector('#unit-select').value = '红星二场'; return true; }})()"
    );
    assert_eq!(browser.eval(&js), Ok(json!(true)), "the form's fields");
}

/// A double-click on 保存草稿, then one form sent twice at once: one application each.
fn a_double_click_saves_one_draft(browser: &mut Browser, base: &str, coop: &Http) {
    let before = projects(coop).len();
    fill_application(browser, base, "HT-DBL-1");
    browser.double_click("#application button[type=submit]");
    browser.wait_for("location.pathname.startsWith('/projects/') && document.querySelector('#state') !== null");
    assert_eq!(projects(coop).len(), before + 1, "the double-click saved one draft");
    fill_application(browser, base, "HT-DBL-2");
    let twice = "(async () => { const f = document.querySelector('#application'); \
        const send = () => fetch(f.action, { method: 'POST', body: new URLSearchParams(new FormData(f)) }).then(r => r.status); \
        return await Promise.all([send(), send()]); })()";
    let statuses = browser.eval(twice).expect("two submissions");
    assert!(statuses.as_array().is_some_and(|s| s.len() == 2 && s.contains(&json!(200))), "{statuses}");
    assert_eq!(projects(coop).len(), before + 2, "two submissions of one form saved one draft: {statuses}");
}

#[test]
fn irreversible_actions_ask_first_and_a_double_click_saves_one_draft() {
    let Some((_dir, server, mut browser, base)) =
        started("irreversible_actions_ask_first_and_a_double_click_saves_one_draft")
    else {
        return;
    };
    log_in(&mut browser, &base, "admin");
    withdraw_asks_first(&mut browser, &base, &Http::login(server.port, "admin", PASSWORD));
    browser.click("header form button[type=submit]");
    browser.wait_for("location.pathname === '/login'");
    log_in(&mut browser, &base, "coop-a");
    a_double_click_saves_one_draft(&mut browser, &base, &Http::login(server.port, "coop-a", PASSWORD));
    drop(server);
}
