//! Issue 12, item 3: review cuts (核减, docs/rules.md §9), on a real database (SQLite file;
//! PostgreSQL with `TEST_DATABASE_URL`), through the API and the pages. A bureau reviewer or
//! division staff member cuts a loan while its project is under review, with a reason from
//! the list; the cut is in the project's history, the audit trail (old and new) and its
//! page; it can be withdrawn; and the trial calculation changes by exactly the cut.

use crate::support;
use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::engine::Money;
use web_support::{publish_now, Agent, TestApp};

async fn project(admin: &Agent, key: &str) -> Value {
    let list = admin.projects(2024).await;
    let id = list.iter().find(|p| p["key"] == key).and_then(|p| p["id"].as_i64()).expect("a demo project");
    admin.get_json(&format!("/api/v1/projects/{id}")).await.1
}

async fn cut(who: &Agent, id: &Value, body: Value) -> (Status, Value) {
    let mut body = body;
    body["action"] = json!("cut");
    who.post_json(&format!("/api/v1/projects/{id}/actions"), &body).await
}

fn fen(v: &Value) -> i64 {
    v.as_str().and_then(|s| s.parse::<Money>().ok()).map_or_else(|| panic!("money: {v}"), Money::fen)
}

async fn audited(admin: &Agent, id: &Value) -> Vec<Value> {
    let (_, v) = admin.get_json(&format!("/api/v1/audit?action=project.cut&entity_id={id}")).await;
    v["entries"].as_array().cloned().unwrap_or_default()
}

#[rocket::async_test]
async fn only_reviewers_cut_with_a_reason_of_the_list_and_nothing_else_changes() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let p = project(&admin, "XX-2024-001").await;
    let (id, contract) = (&p["id"], p["loans"][0]["contract_no"].clone());
    let excluded = json!({ "contract_no": contract, "excluded": true, "reason": "材料不全" });
    for who in ["coop-a", "hongxing2", "auditor"] {
        assert_eq!(cut(&app.login(who).await, id, excluded.clone()).await.0, Status::Forbidden, "{who}");
    }
    let bureau = app.login("bureau").await;
    for (body, why) in [
        (json!({ "contract_no": contract, "excluded": true, "reason": "看着不像" }), "a reason off the list"),
        (json!({ "contract_no": contract, "excluded": true, "reason": "其他" }), "其他 without its words"),
        (json!({ "contract_no": contract, "excluded": true }), "no reason"),
        (json!({ "contract_no": contract, "excluded": true, "amount": "10.00", "reason": "材料不全" }), "both"),
        (json!({ "contract_no": contract, "reason": "材料不全" }), "neither"),
        (json!({ "contract_no": contract, "amount": "-1.00", "reason": "材料不全" }), "a negative amount"),
        (json!({ "contract_no": "NO-SUCH", "excluded": true, "reason": "材料不全" }), "another loan"),
    ] {
        let (status, v) = cut(&bureau, id, body).await;
        assert_eq!(status, Status::UnprocessableEntity, "{why}: {v}");
    }
    let (status, v) = cut(&bureau, id, json!({ "contract_no": contract, "excluded": false })).await;
    assert_eq!(status, Status::Conflict, "nothing to withdraw: {v}");
    assert!(audited(&admin, id).await.is_empty(), "no refusal left a trace");
    assert_eq!(admin.get_json(&format!("/api/v1/projects/{id}")).await.1, p, "the project is as it was");
}

/// The three cuts of the test, each in the audit trail (old and new) and the history.
async fn recorded(admin: &Agent, id: &Value, contract: &str) {
    let trail = audited(admin, id).await;
    let pairs: Vec<(Value, Value)> = trail
        .iter()
        .rev()
        .map(|e| (e["old"]["cut"]["described"].clone(), e["new"]["cut"]["described"].clone()))
        .collect();
    assert_eq!(
        pairs,
        [
            (Value::Null, json!("不予贴息（材料不全）")),
            (json!("不予贴息（材料不全）"), json!("核减至 100.00 元（逾期未还）")),
            (json!("核减至 100.00 元（逾期未还）"), Value::Null),
        ],
        "each cut old and new, oldest first"
    );
    let (_, history) = admin.get_json(&format!("/api/v1/projects/{id}/transitions")).await;
    let cuts: Vec<(&str, &str)> = history["transitions"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| (t["action_label"].as_str().unwrap_or(""), t["comment"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(cuts.len(), 3, "{history}");
    assert_eq!(cuts[0], ("核减", format!("{contract}：不予贴息（材料不全）。缺贷款合同").as_str()));
    assert_eq!(cuts[2].0, "撤销核减");
}

#[rocket::async_test]
async fn a_cut_is_in_the_history_the_trail_and_the_page_and_can_be_withdrawn() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let p = project(&admin, "XX-2024-001").await;
    let (id, contract) = (&p["id"], p["loans"][0]["contract_no"].as_str().expect("a contract"));
    let bureau = app.login("bureau").await;
    let (status, v) = cut(
        &bureau,
        id,
        json!({ "contract_no": contract, "excluded": true, "reason": "材料不全", "comment": "缺贷款合同" }),
    )
    .await;
    assert_eq!(status, Status::Ok, "{v}");
    assert_eq!(v["cut"]["described"], "不予贴息（材料不全）");
    let shown = admin.get_json(&format!("/api/v1/projects/{id}")).await.1;
    assert_eq!(shown["loans"][0]["cut"]["reason"], "材料不全", "{shown}");
    let (_, page) = admin.get(&format!("/projects/{id}")).await;
    assert!(page.contains(&format!("id=\"cut-{contract}\"")) && page.contains("不予贴息（材料不全）"), "{page}");
    assert!(page.contains("class=\"noprint cut\""), "division staff get the cut form while under review");
    let (status, _) = admin
        .post_form(
            &format!("/projects/{id}/cuts"),
            &[("contract_no", contract), ("mode", "amount"), ("amount", "100.00"), ("reason", "overdue")],
        )
        .await;
    assert_eq!(status, Status::SeeOther, "the page's form");
    let (status, v) = cut(&bureau, id, json!({ "contract_no": contract, "amount": null, "excluded": false })).await;
    assert_eq!((status, v["cut"].clone()), (Status::Ok, Value::Null), "withdrawn: {v}");
    recorded(&admin, id, contract).await;
    assert_eq!(admin.get_json(&format!("/api/v1/projects/{id}")).await.1["loans"], p["loans"], "as before the cuts");
}

#[rocket::async_test]
async fn a_published_project_is_no_longer_cut() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let p = project(&admin, "XX-2024-002").await;
    let id = &p["id"];
    let path = format!("/api/v1/projects/{id}/actions");
    for (who, body) in [
        ("hongxing2", json!({ "action": "regiment_review" })),
        ("bureau", json!({ "action": "opinion", "comment": "同意" })),
        ("admin", json!({ "action": "division_review" })),
        ("admin", publish_now()),
    ] {
        assert_eq!(app.login(who).await.post_json(&path, &body).await.0, Status::Ok, "{who} {body}");
    }
    let body = json!({ "contract_no": p["loans"][0]["contract_no"], "excluded": true, "reason": "材料不全" });
    let (status, v) = cut(&app.login("bureau").await, id, body).await;
    assert_eq!(status, Status::Conflict, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("公示前"), "{v}");
}

/// The round's trial calculation (its total request) and the project's stored request.
async fn requested(admin: &Agent, id: &Value) -> (i64, i64, Value) {
    let (_, round) = admin.get_json("/api/v1/rounds/2024").await;
    let (_, p) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    (fen(&round["totals"]["requested"]), fen(&p["requested"]), p)
}

#[rocket::async_test]
async fn a_cut_changes_the_trial_calculation_by_exactly_the_cut() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let bureau = app.login("bureau").await;
    // A project whose request is the sum of its loans' subsidies (no cap binds).
    let mut chosen = None;
    for key in ["XX-2024-001", "XX-2024-002", "XX-2024-003", "XX-2024-004"] {
        let p = project(&admin, key).await;
        let sum: i64 = p["loans"].as_array().expect("loans").iter().map(|l| fen(&l["subsidy"])).sum();
        if sum == fen(&p["requested"]) && fen(&p["loans"][0]["subsidy"]) > 100 {
            chosen = Some(p);
            break;
        }
    }
    let p = chosen.expect("an uncapped demo project with a subsidy");
    let (id, loan) = (&p["id"], &p["loans"][0]);
    let subsidy = fen(&loan["subsidy"]);
    let (round_before, project_before, _) = requested(&admin, id).await;
    let to = Money::from_fen(subsidy / 2);
    let body = json!({ "contract_no": loan["contract_no"], "amount": to.to_string(), "reason": "贷款用途不符" });
    assert_eq!(cut(&bureau, id, body).await.0, Status::Ok);
    let (round_after, project_after, shown) = requested(&admin, id).await;
    let by = subsidy - to.fen();
    assert_eq!((round_before - round_after, project_before - project_after), (by, by), "exactly the cut");
    assert_eq!((fen(&shown["loans"][0]["subsidy"]), fen(&shown["loans"][0]["applied"])), (to.fen(), subsidy));
    assert!(shown["loans"][0]["reasons"].as_array().expect("reasons").contains(&json!("limited_by_review")));
    let body = json!({ "contract_no": loan["contract_no"], "excluded": true, "reason": "材料不全" });
    assert_eq!(cut(&bureau, id, body).await.0, Status::Ok);
    let (round_excluded, project_excluded, _) = requested(&admin, id).await;
    assert_eq!((round_before - round_excluded, project_before - project_excluded), (subsidy, subsidy));
    assert_eq!(cut(&bureau, id, json!({ "contract_no": loan["contract_no"], "excluded": false })).await.0, Status::Ok);
    assert_eq!(requested(&admin, id).await.0, round_before, "withdrawn: as before");
}

/// The allocation follows the cut: an approved project with a cut is granted at most its
/// cut request, and the approval of the allocation goes through (a grant above the stored
/// request would be refused by the database).
#[rocket::async_test]
async fn an_allocation_grants_a_cut_project_its_cut_request() {
    let app = TestApp::demo().await;
    let (admin, admin2) = (app.login("admin").await, app.login("admin2").await);
    let p = project(&admin, "XX-2024-001").await;
    let (id, loan) = (&p["id"], &p["loans"][0]);
    let to = Money::from_fen(fen(&loan["subsidy"]) / 3);
    let body = json!({ "contract_no": loan["contract_no"], "amount": to.to_string(), "reason": "逾期未还" });
    assert_eq!(cut(&app.login("bureau").await, id, body).await.0, Status::Ok);
    let path = format!("/api/v1/projects/{id}/actions");
    for (who, body) in [
        ("hongxing2", json!({ "action": "regiment_review" })),
        ("bureau", json!({ "action": "opinion", "comment": "同意" })),
        ("admin", json!({ "action": "division_review" })),
        ("admin", publish_now()),
    ] {
        assert_eq!(app.login(who).await.post_json(&path, &body).await.0, Status::Ok, "{who} {body}");
    }
    app.publicity_ended(id.as_i64().expect("an id"), 1).await;
    assert_eq!(admin2.post_json(&path, &json!({ "action": "approve" })).await.0, Status::Ok);
    let cut_request = fen(&admin.get_json(&format!("/api/v1/projects/{id}")).await.1["requested"]);
    let (status, run) = admin.post_json("/api/v1/rounds/2024/allocations", &json!({ "dry_run": false })).await;
    assert_eq!(status, Status::Ok, "{run}");
    let line = run["run"]["projects"].as_array().and_then(|l| l.iter().find(|x| x["id"] == *id)).expect("its line");
    assert_eq!(fen(&line["requested"]), cut_request, "the run asks the cut request: {line}");
    let approve = format!("/api/v1/allocations/{}/actions", run["allocation_id"]);
    let (status, v) = admin2.post_json(&approve, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let granted = fen(&admin.get_json(&format!("/api/v1/projects/{id}")).await.1["granted"]);
    assert!(granted > 0 && granted <= cut_request, "granted {granted} within the cut request {cut_request}");
}

/// The annual report shows the cut: the loan's computed amount against its subsidy with the
/// engine's reason (贷款明细), and which loan was cut to what and why next to its project
/// (项目明细's 原因).
#[rocket::async_test]
async fn the_annual_report_shows_what_was_asked_against_what_was_cut_and_why() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let p = project(&admin, "XX-2024-001").await;
    let (id, loan) = (&p["id"], &p["loans"][0]);
    let contract = loan["contract_no"].as_str().expect("a contract");
    let to = Money::from_fen(fen(&loan["subsidy"]) / 4);
    let body = json!({ "contract_no": contract, "amount": to.to_string(), "reason": "逾期未还" });
    assert_eq!(cut(&app.login("bureau").await, id, body).await.0, Status::Ok);
    let made_on = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("a date");
    let heading = tiexi::export::report::Heading::plain("师市总工会", made_on);
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let bytes =
        tiexi::reports::annual(&mut conn, 2024, &heading).await.expect("the report").save_to_buffer().expect("bytes");
    let loans = support::rows(&bytes, "贷款明细");
    let header = loans.iter().position(|r| support::cell(r, 0) == "项目编号").expect("the header");
    let at = |name: &str| support::column(&loans[header..], name);
    let row = loans.iter().find(|r| support::cell(r, at("贷款合同编号")) == contract).expect("the loan's row");
    assert_eq!(support::dec(&row[at("贴息金额")]).normalize(), to.yuan().normalize(), "核定");
    let note = support::cell(row, at("说明"));
    let computed = tiexi::web::kernel::views::yuan(Money::from_fen(fen(&loan["computed"])));
    assert!(
        note.contains("审核核减") && note.contains(&format!("计算值{computed}元")) && note.contains("逾期未还"),
        "{note}"
    );
    let projects = support::rows(&bytes, "项目明细");
    let why = format!("{contract} 核减至 {} 元（逾期未还）", tiexi::web::kernel::views::yuan(to));
    assert!(projects.iter().any(|r| r.iter().any(|c| c.to_string().contains(&why))), "项目明细 names the cut: {why}");
}
