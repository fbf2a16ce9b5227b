//! An applicant's home page (issue 17 item 6): their own applications and states, what they
//! must do next, and a dated list of what happened, never the division's dashboard.

use crate::web_support;

use rocket::http::Status;
use serde_json::json;
use web_support::TestApp;

#[rocket::async_test]
async fn an_applicant_sees_their_applications_what_to_do_and_what_happened() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let (status, html) = coop.get("/").await;
    assert_eq!(status, Status::Ok);
    assert!(html.contains("id=\"applicant-home\"") && !html.contains("id=\"dashboard\""), "its own home");
    let own = coop.projects(2024).await;
    assert_eq!(own.len(), 2);
    for p in &own {
        assert!(html.contains(p["key"].as_str().unwrap_or("?")), "{p}");
    }
    let other = app.login("coop-b").await;
    for p in other.projects(2024).await {
        assert!(!html.contains(p["key"].as_str().unwrap_or("?")), "not coop-b's {p}");
    }
    assert!(!html.contains("<svg"), "no division charts");
    // The regiment returns one: the applicant is told to change it, with the reason, dated.
    let hongxing2 = app.login("hongxing2").await;
    let id = own[0]["id"].as_i64().expect("an id");
    let body = json!({ "action": "return", "comment": "请补充结息单原件" });
    let (status, answer) = hongxing2.post_json(&format!("/api/v1/projects/{id}/actions"), &body).await;
    assert_eq!(status, Status::Ok, "{answer}");
    let (_, html) = coop.get("/").await;
    let todos = html.split("id=\"todos\"").nth(1).and_then(|s| s.split("</section>").next()).expect("the to-do list");
    assert!(todos.contains("修改退回的申请") && todos.contains("退回原因：请补充结息单原件"), "{todos}");
    assert!(todos.contains(&format!("/projects/{id}/edit")), "{todos}");
    let events = html.split("id=\"events\"").nth(1).and_then(|s| s.split("</ul>").next()).expect("the events");
    assert!(events.contains("退回修改（已退回）") && events.contains("意见：请补充结息单原件"), "{events}");
    assert!(events.contains('年') && events.contains('日'), "dated in Chinese: {events}");
    // Division staff still get the dashboard.
    let (_, admin) = app.login("admin").await.get("/").await;
    assert!(admin.contains("id=\"dashboard\"") && !admin.contains("id=\"applicant-home\""));
}
