//! The review workflow over HTTP (issue 5, item 2): every step by the role that may take it
//! succeeds and writes a transition and an audit row; every other user is refused (403, or
//! 404 outside their scope) and changes nothing; two simultaneous identical actions move a
//! project once.

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use sqlx::Row;
use tiexi::accounts::Role;
use web_support::{publish_now, today, Agent, TestApp};

/// Everyone: the demo's accounts (a bureau reviewer and two division staff among them) and
/// the staff of another 团场.
async fn everyone(app: &TestApp) -> Vec<(&'static str, Agent)> {
    app.add_user("other-unit", Role::RegimentStaff, Some("某某团场")).await;
    let mut all = Vec::new();
    for name in ["admin", "admin2", "hongxing2", "other-unit", "coop-a", "coop-b", "bureau", "auditor"] {
        all.push((name, app.login(name).await));
    }
    all
}

fn agent<'a>(all: &'a [(&'static str, Agent)], name: &str) -> &'a Agent {
    &all.iter().find(|(n, _)| *n == name).expect("a known user").1
}

/// The id of a 2024 project by its key.
async fn project_id(admin: &Agent, key: &str) -> i64 {
    let list = admin.projects(2024).await;
    list.iter().find(|p| p["key"] == key).and_then(|p| p["id"].as_i64()).expect("a demo project")
}

/// (state, transitions, audit rows) of a project, read from the database.
async fn record(app: &TestApp, id: i64) -> (String, i64, i64) {
    let state: String = sqlx::query("SELECT state FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool.inner)
        .await
        .expect("the project")
        .get(0);
    let count = |sql: &'static str, key: String| {
        let pool = app.pool.inner.clone();
        async move { sqlx::query(sql).bind(key).fetch_one(&pool).await.expect("a count").get::<i64, _>(0) }
    };
    let transitions =
        count("SELECT COUNT(*) FROM transitions WHERE CAST(project_id AS TEXT) = $1", id.to_string()).await;
    let audits = count("SELECT COUNT(*) FROM audit WHERE entity = 'project' AND entity_id = $1", id.to_string()).await;
    (state, transitions, audits)
}

async fn act(who: &Agent, id: i64, body: &Value) -> (Status, Value) {
    who.post_json(&format!("/api/v1/projects/{id}/actions"), body).await
}

/// Everyone but `who` (and the other division staff member for admin's steps) is refused
/// the step and changes nothing: 403, 404 outside their scope, and 409 for the publisher's
/// approval (docs/rules.md §10).
async fn others_are_refused(app: &TestApp, all: &[(&'static str, Agent)], id: i64, who: &str, body: &Value) {
    let before = record(app, id).await;
    let peer = |n: &str| who == "admin" && n == "admin2";
    for (name, other) in all.iter().filter(|(n, _)| *n != who && !peer(n)) {
        let (status, answer) = act(other, id, body).await;
        let publisher = *name == "admin" && body["action"] == "approve";
        let refused = if publisher {
            status == Status::Conflict
        } else {
            status == Status::Forbidden || status == Status::NotFound
        };
        assert!(refused, "{name} {body}: {status} {answer}");
        assert_eq!(record(app, id).await, before, "{name} {body} changed nothing");
    }
}

#[rocket::async_test]
async fn every_step_succeeds_only_for_its_role_and_others_change_nothing() {
    let app = TestApp::demo().await;
    let all = everyone(&app).await;
    let id = project_id(agent(&all, "admin"), "XX-2024-001").await;
    let steps: [(&str, Value, &str); 7] = [
        ("hongxing2", json!({ "action": "return", "comment": "请补充结息单" }), "returned"),
        ("coop-a", json!({ "action": "submit" }), "submitted"),
        ("hongxing2", json!({ "action": "regiment_review", "comment": "材料齐全" }), "regiment_reviewed"),
        ("bureau", json!({ "action": "opinion", "comment": "同意" }), "regiment_reviewed"),
        ("admin", json!({ "action": "division_review" }), "division_reviewed"),
        ("admin", publish_now(), "published"),
        ("admin2", json!({ "action": "approve" }), "approved"),
    ];
    for (who, body, to) in &steps {
        if body["action"] == "approve" {
            app.publicity_ended(id, 1).await;
        }
        let before = record(&app, id).await;
        others_are_refused(&app, &all, id, who, body).await;
        let (status, answer) = act(agent(&all, who), id, body).await;
        assert_eq!(status, Status::Ok, "{who} {body}: {answer}");
        assert_eq!(answer["state"], *to);
        let after = record(&app, id).await;
        assert_eq!(after, (to.to_string(), before.1 + 1, before.2 + 1), "{who} {body}: one transition, one audit row");
    }
    let (status, history) = agent(&all, "coop-a").get_json(&format!("/api/v1/projects/{id}/transitions")).await;
    assert_eq!(status, Status::Ok);
    let actions: Vec<&str> =
        history["transitions"].as_array().unwrap().iter().map(|t| t["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["return", "submit", "regiment_review", "opinion", "division_review", "publish", "approve"]);
    assert_eq!(
        history["transitions"][3]["from_state"], history["transitions"][3]["to_state"],
        "an opinion keeps the state"
    );
    assert_eq!(history["transitions"][0]["actor"], "hongxing2");
    let (status, _) = agent(&all, "coop-b").get_json(&format!("/api/v1/projects/{id}/transitions")).await;
    assert_eq!(status, Status::NotFound, "another cooperative does not learn it exists");
}

#[rocket::async_test]
async fn refusals_by_rule_are_409_or_422_and_change_nothing() {
    let app = TestApp::demo().await;
    let all = everyone(&app).await;
    let (admin, hongxing2, bureau) = (agent(&all, "admin"), agent(&all, "hongxing2"), agent(&all, "bureau"));
    let id = project_id(admin, "XX-2024-004").await;
    let start = record(&app, id).await;
    for (who, body, status) in [
        (hongxing2, json!({ "action": "return" }), Status::UnprocessableEntity),
        (bureau, json!({ "action": "opinion", "comment": "同意" }), Status::Conflict),
        (admin, json!({ "action": "approve" }), Status::Conflict),
        (admin, json!({ "action": "fly" }), Status::UnprocessableEntity),
    ] {
        assert_eq!(act(who, id, &body).await.0, status, "{body}");
        assert_eq!(record(&app, id).await, start);
    }
    assert_eq!(act(hongxing2, id, &json!({ "action": "regiment_review" })).await.0, Status::Ok);
    let (status, answer) = act(admin, id, &json!({ "action": "division_review" })).await;
    assert_eq!(status, Status::Conflict, "no bureau opinion yet: {answer}");
    assert_eq!(act(bureau, id, &json!({ "action": "opinion", "comment": "同意" })).await.0, Status::Ok);
    assert_eq!(act(admin, id, &json!({ "action": "division_review" })).await.0, Status::Ok);
    let (status, _) = act(admin, id, &json!({ "action": "publish", "start": "2024-01-10", "end": "2024-01-01" })).await;
    assert_eq!(status, Status::UnprocessableEntity, "the end before the start");
    let (status, _) = act(admin, id, &json!({ "action": "publish", "start": today(0), "end": "2999-12-31" })).await;
    assert_eq!(status, Status::Ok);
    let before = record(&app, id).await;
    let (status, answer) = act(admin, id, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict, "the publication has not ended: {answer}");
    assert!(answer["error"].as_str().unwrap_or_default().contains("公示期尚未结束"));
    assert_eq!(record(&app, id).await, before);
    let (status, _) = act(admin, id, &json!({ "action": "reject" })).await;
    assert_eq!(status, Status::UnprocessableEntity, "a rejection needs its reason");
    assert_eq!(act(admin, id, &json!({ "action": "reject", "comment": "材料不实" })).await.1["state"], "rejected");
    let reason: String = sqlx::query("SELECT decision_reason FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool.inner)
        .await
        .unwrap()
        .get(0);
    assert_eq!(reason, "材料不实");
    assert_eq!(act(admin, id, &json!({ "action": "withdraw" })).await.0, Status::Conflict, "a decided project stays");
}

#[rocket::async_test]
async fn cooperatives_withdraw_only_their_own_and_regiments_review_only_their_unit() {
    let app = TestApp::demo().await;
    let all = everyone(&app).await;
    let admin = agent(&all, "admin");
    let own = project_id(admin, "XX-2024-002").await;
    let theirs = project_id(admin, "XX-2024-003").await;
    let far = project_id(admin, "XX-2024-005").await;
    assert_eq!(act(agent(&all, "coop-b"), own, &json!({ "action": "withdraw" })).await.0, Status::NotFound);
    assert_eq!(act(agent(&all, "coop-a"), theirs, &json!({ "action": "withdraw" })).await.0, Status::NotFound);
    assert_eq!(act(agent(&all, "coop-a"), own, &json!({ "action": "withdraw" })).await.1["state"], "withdrawn");
    let review = json!({ "action": "regiment_review" });
    assert_eq!(act(agent(&all, "hongxing2"), far, &review).await.0, Status::NotFound, "another 团场");
    assert_eq!(act(agent(&all, "other-unit"), theirs, &review).await.0, Status::NotFound, "another 团场");
    assert_eq!(record(&app, far).await.1, 0);
}

#[rocket::async_test]
async fn two_simultaneous_identical_actions_move_the_project_once() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = project_id(&admin, "XX-2024-001").await;
    let (one, two) = (app.login("hongxing2").await, app.login("hongxing2").await);
    let body = json!({ "action": "regiment_review" });
    let (a, b) = rocket::tokio::join!(act(&one, id, &body), act(&two, id, &body));
    let mut statuses = [a.0, b.0];
    statuses.sort_by_key(|s| s.code);
    assert_eq!(statuses, [Status::Ok, Status::Conflict], "{a:?} {b:?}");
    assert_eq!(record(&app, id).await, ("regiment_reviewed".to_string(), 1, 1));
}

#[rocket::async_test]
async fn the_project_page_shows_only_the_buttons_of_the_user_and_the_bulk_list_publishes_each() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let hongxing2 = app.login("hongxing2").await;
    let id = project_id(&admin, "XX-2024-001").await;
    let (_, page) = hongxing2.get(&format!("/projects/{id}")).await;
    assert!(page.contains("id=\"action-regiment_review\"") && page.contains("id=\"action-return\""), "{page}");
    let (_, page) = admin.get(&format!("/projects/{id}")).await;
    assert!(!page.contains("id=\"action-regiment_review\"") && page.contains("id=\"action-withdraw\""));
    let (_, auditor_page) = app.login("auditor").await.get(&format!("/projects/{id}")).await;
    assert!(!auditor_page.contains("id=\"action-"), "auditors never act");
    let (status, _) =
        hongxing2.post_form(&format!("/projects/{id}/actions"), &[("asked.action", "regiment_review")]).await;
    assert_eq!(status, Status::SeeOther);
    let bureau = app.login("bureau").await;
    act(&bureau, id, &json!({ "action": "opinion", "comment": "同意" })).await;
    act(&admin, id, &json!({ "action": "division_review" })).await;
    let second = project_id(&admin, "XX-2024-006").await;
    let (status, _) = admin
        .post_form(
            "/rounds/2024/publications",
            &[
                ("action", "publish"),
                ("start", &today(0)),
                ("end", &today(4)),
                ("ids", &id.to_string()),
                ("ids", &second.to_string()),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(record(&app, id).await.0, "published");
    assert_eq!(record(&app, second).await.0, "submitted", "a project not ready is left as it was");
    let (_, list) = admin.get("/rounds/2024/projects?state=published").await;
    assert!(list.contains("XX-2024-001") && !list.contains("XX-2024-006"), "the list filters by state: {list}");
}
