//! Issue 12, item 2 (docs/rules.md §10), on a real database (SQLite file; PostgreSQL with
//! `TEST_DATABASE_URL`), through the API and the pages: the 公示 starts no earlier than the
//! day it is published and lasts at least `review.publicity_days`; approval before it ends,
//! by its publisher, or with an open objection is refused with a clear Chinese message;
//! objections and their resolution are in the project's history and the audit trail.

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use web_support::{publish_now, today, Agent, TestApp};

async fn project_id(admin: &Agent, key: &str) -> i64 {
    let list = admin.projects(2024).await;
    list.iter().find(|p| p["key"] == key).and_then(|p| p["id"].as_i64()).expect("a demo project")
}

async fn act(who: &Agent, id: i64, body: Value) -> (Status, String) {
    let (status, v) = who.post_json(&format!("/api/v1/projects/{id}/actions"), &body).await;
    let text = v["error"].as_str().map_or_else(|| v.to_string(), str::to_string);
    (status, text)
}

async fn state(admin: &Agent, id: i64) -> String {
    admin.get_json(&format!("/api/v1/projects/{id}")).await.1["state"].as_str().unwrap_or_default().to_string()
}

/// Up to 复审, each step by the demo account whose step it is.
async fn reviewed(app: &TestApp, admin: &Agent, id: i64) {
    for (who, body) in [
        ("hongxing2", json!({ "action": "regiment_review" })),
        ("bureau", json!({ "action": "opinion", "comment": "同意" })),
        ("admin", json!({ "action": "division_review" })),
    ] {
        let agent = if who == "admin" { None } else { Some(app.login(who).await) };
        let (status, v) = act(agent.as_ref().unwrap_or(admin), id, body).await;
        assert_eq!(status, Status::Ok, "{who}: {v}");
    }
}

#[rocket::async_test]
async fn the_publicity_starts_no_earlier_than_today_and_lasts_the_policy_days() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = project_id(&admin, "XX-2024-002").await;
    reviewed(&app, &admin, id).await;
    let backdated = json!({ "action": "publish", "start": today(-1), "end": today(5) });
    let (status, message) = act(&admin, id, backdated).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(message.contains("不能早于发布公示的当天"), "{message}");
    let short = json!({ "action": "publish", "start": today(0), "end": today(3) });
    let (status, message) = act(&admin, id, short).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(message.contains("公示期至少 5 天") && message.contains("只有 4 天"), "{message}");
    assert_eq!(state(&admin, id).await, "division_reviewed", "nothing changed");
    assert_eq!(act(&admin, id, publish_now()).await.0, Status::Ok, "5 days, both ends included");
    let (status, message) = act(&app.login("admin2").await, id, json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict);
    assert!(message.contains("公示期尚未结束") && message.contains("起才能批准"), "{message}");
    assert_eq!(state(&admin, id).await, "published");
}

#[rocket::async_test]
async fn approval_waits_for_a_second_person_and_for_every_objection_to_be_resolved() {
    let app = TestApp::demo().await;
    let (admin, admin2, bureau) = (app.login("admin").await, app.login("admin2").await, app.login("bureau").await);
    let id = project_id(&admin, "XX-2024-002").await;
    reviewed(&app, &admin, id).await;
    assert_eq!(act(&admin, id, publish_now()).await.0, Status::Ok);
    let objection = json!({ "action": "object", "comment": "有职工反映贷款用途与申报不符" });
    assert_eq!(act(&bureau, id, objection.clone()).await.0, Status::Ok);
    assert_eq!(act(&app.login("hongxing2").await, id, objection.clone()).await.0, Status::Ok, "their own 团场");
    assert_eq!(act(&app.login("coop-a").await, id, objection.clone()).await.0, Status::Forbidden);
    app.publicity_ended(id, 1).await;
    let (status, message) = act(&bureau, id, objection).await;
    assert_eq!(status, Status::Conflict, "after the 公示 no new objection: {message}");
    let (status, message) = act(&admin, id, json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict);
    assert!(message.contains("由您发布") && message.contains("另一位"), "{message}");
    let (status, message) = act(&admin2, id, json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict);
    assert!(message.contains("异议尚有 2 条未处理"), "{message}");
    assert_eq!(
        act(&app.login("hongxing2").await, id, json!({ "action": "resolve", "comment": "已核实" })).await.0,
        Status::Forbidden
    );
    assert_eq!(
        act(&admin2, id, json!({ "action": "resolve" })).await.0,
        Status::UnprocessableEntity,
        "how it was resolved"
    );
    assert_eq!(
        act(&admin2, id, json!({ "action": "resolve", "comment": "经核实，贷款用于设施农业，属实" })).await.0,
        Status::Ok
    );
    approve_through_the_page(&admin, &admin2, id).await;
    let (_, history) = admin.get_json(&format!("/api/v1/projects/{id}/transitions")).await;
    let labels: Vec<&str> =
        history["transitions"].as_array().expect("a list").iter().filter_map(|t| t["action_label"].as_str()).collect();
    assert_eq!(labels[labels.len() - 5..], ["公示", "提出异议", "提出异议", "处理异议", "批准"], "{history}");
    for (action, n) in [("project.object", 2), ("project.resolve", 1), ("project.approve", 1)] {
        let (_, trail) = admin.get_json(&format!("/api/v1/audit?action={action}&entity_id={id}")).await;
        assert_eq!(trail["total"], json!(n), "{action}: {trail}");
    }
}

/// The publisher's click is refused with the reason on the page; the other's asks first,
/// changes nothing until confirmed, then approves.
async fn approve_through_the_page(publisher: &Agent, other: &Agent, id: i64) {
    let path = format!("/projects/{id}/actions");
    let (status, _) = publisher.post_form(&path, &[("asked.action", "approve")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = publisher.get(&format!("/projects/{id}")).await;
    assert!(page.contains("id=\"flash\"") && page.contains("须由另一位工作人员批准"), "{page}");
    let (status, asked) = other.post_form(&path, &[("asked.action", "approve")]).await;
    assert_eq!(status, Status::Ok);
    assert!(asked.contains("id=\"confirm-title\">确认批准<") && asked.contains("批准不能撤销"), "{asked}");
    assert_eq!(state(other, id).await, "published", "asking changes nothing");
    let (status, _) = other.post_form(&path, &[("asked.action", "approve"), ("confirm", "1")]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(state(other, id).await, "approved");
}
