//! Idempotent requests (issue 5, item 7): the same `Idempotency-Key` (API) or one-time form
//! key (pages) has one effect and returns the first answer, also when sent at once.

use crate::web_support;

use rocket::futures::future::join_all;
use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};
use web_support::{Agent, TestApp};

fn policy(year: i32) -> String {
    web_support::case000_policy().replace("year = 2023", &format!("year = {year}"))
}

async fn create(agent: &Agent, year: i32, key: &str) -> (Status, String) {
    let r = agent
        .client
        .post("/api/v1/rounds")
        .header(ContentType::JSON)
        .header(Header::new("X-CSRF-Token", agent.csrf.clone()))
        .header(Header::new("Idempotency-Key", key.to_string()))
        .body(json!({ "policy_toml": policy(year) }).to_string())
        .dispatch()
        .await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn rounds(agent: &Agent) -> usize {
    let (_, body): (Status, Value) = agent.get_json("/api/v1/rounds").await;
    body["rounds"].as_array().map_or(0, Vec::len)
}

#[rocket::async_test]
async fn the_same_key_twice_has_one_effect_and_returns_the_first_answer() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let before = rounds(&admin).await;
    let first = create(&admin, 2030, "key-1").await;
    assert_eq!(first.0, Status::Ok, "{}", first.1);
    let second = create(&admin, 2030, "key-1").await;
    assert_eq!(second, first, "the same status and body");
    assert_eq!(rounds(&admin).await, before + 1, "one round");
    // Without a key the repeat is a second request (refused: the year exists).
    let (status, _) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy(2030) })).await;
    assert_eq!(status, Status::Conflict);
    // A first answer that was a refusal is also what the repeat gets.
    let refused = create(&admin, 2030, "key-2").await;
    assert_eq!(refused.0, Status::Conflict);
    // The key names the request: a changed body still gets the first answer; another
    // route is refused.
    assert_eq!(create(&admin, 2031, "key-2").await, refused, "the first answer, not a new round");
    let elsewhere = admin
        .client
        .post("/api/v1/imports/1/confirm")
        .header(ContentType::JSON)
        .header(Header::new("X-CSRF-Token", admin.csrf.clone()))
        .header(Header::new("Idempotency-Key", "key-2"))
        .body("{}")
        .dispatch()
        .await;
    assert_eq!(elsewhere.status(), Status::UnprocessableEntity, "a key is for one request");
    assert_eq!(rounds(&admin).await, before + 1);
    // Keys are per user: another user's same key is a request of its own.
    let other = app.login("coop-a").await;
    assert_eq!(create(&other, 2032, "key-1").await.0, Status::Forbidden);
}

#[rocket::async_test]
async fn a_page_form_submitted_twice_with_its_one_time_key_creates_one_round() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (_, page) = admin.get("/rounds/new").await;
    let key = page.split("?idempotency_key=").nth(1).and_then(|r| r.split('"').next()).expect("the form's key");
    assert_eq!(key.len(), 64, "{key}");
    let (_, again) = admin.get("/rounds/new").await;
    assert!(!again.contains(key), "a fresh key at each render");
    let before = rounds(&admin).await;
    let toml = policy(2033);
    let mut answers = Vec::new();
    for _ in 0..2 {
        let names: Vec<String> = web_support::POLICY_FIELDS.iter().map(|n| format!("policy.{n}")).collect();
        let mut fields: Vec<(&str, Option<&str>, &[u8])> = vec![
            ("csrf_token", None, admin.csrf.as_bytes()),
            ("source", None, b"toml"),
            ("toml", None, toml.as_bytes()),
        ];
        fields.extend(names.iter().map(|n| (n.as_str(), None, &b""[..])));
        let (ct, body) = web_support::multipart(&fields);
        let r = admin.client.post(format!("/rounds?idempotency_key={key}")).header(ct).body(body).dispatch().await;
        answers.push((r.status(), r.headers().get_one("Location").map(str::to_owned)));
    }
    assert_eq!(answers[0], (Status::SeeOther, Some("/rounds/2033".to_string())), "{answers:?}");
    assert_eq!(answers[1], answers[0], "the repeat is redirected as the first");
    assert_eq!(rounds(&admin).await, before + 1);
}

#[rocket::async_test]
async fn simultaneous_requests_with_one_key_have_one_effect() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let before = rounds(&admin).await;
    let answers = join_all((0..8).map(|_| create(&admin, 2034, "at-once"))).await;
    let created: Vec<_> = answers.iter().filter(|(s, _)| *s == Status::Ok).collect();
    assert!(!created.is_empty(), "{answers:?}");
    assert!(created.iter().all(|a| a.1 == created[0].1), "every 200 is the first answer");
    for (status, body) in &answers {
        assert!(*status == Status::Ok || *status == Status::Conflict, "{status}: {body}");
        if *status == Status::Conflict {
            assert!(body.contains("请求正在处理"), "{body}");
        }
    }
    assert_eq!(rounds(&admin).await, before + 1, "one round");
}
