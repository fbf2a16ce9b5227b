//! Who sees what (the demo's accounts): a cooperative its own projects, regiment staff
//! their 团场's, and roles without the right are refused round creation and imports.
//! Objects that are not the user's answer 404 on every route that takes an id.

use crate::web_support;

use std::collections::BTreeSet;

use rocket::http::{Method, Status};
use serde_json::{json, Value};
use web_support::{case000, encode, Agent, TestApp};

fn keys(list: &[Value]) -> BTreeSet<String> {
    list.iter().map(|p| p["key"].as_str().unwrap_or_default().to_string()).collect()
}

fn ids(list: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<i64> {
    list.iter().filter(|p| keep(p)).map(|p| p["id"].as_i64().expect("an id")).collect()
}

/// The GET routes of the built Rocket that take a project id.
fn project_routes(agent: &Agent) -> Vec<String> {
    let routes: Vec<String> = agent
        .client
        .rocket()
        .routes()
        .filter(|r| r.method == Method::Get && r.uri.as_str().contains("projects/<id>"))
        .map(|r| r.uri.as_str().to_string())
        .collect();
    assert_eq!(
        routes.len(),
        9,
        "the page, the API, transitions, the edit form, documents, the evidence checklist (page, API), the 审批表 (page, API): {routes:?}"
    );
    routes
}

/// Each of `ids` answers `expected` on every project route. An own project answers 200 on
/// the routes that show it; the edit form (only while a draft) and a document that does
/// not exist are left out of that check, while every route answers 404 outside the scope.
async fn each_answers(agent: &Agent, ids: &[i64], expected: Status) {
    assert!(!ids.is_empty());
    for route in project_routes(agent) {
        if expected == Status::Ok && (route.ends_with("/edit") || route.contains("<name>")) {
            continue;
        }
        for id in ids {
            let path = route.replace("<id>", &id.to_string()).replace("<name>", "no-such-document");
            assert_eq!(agent.get(&path).await.0, expected, "{path}");
        }
    }
}

/// The keys of the API's 2024 list with a query string.
async fn filtered(agent: &Agent, query: &str) -> BTreeSet<String> {
    let (status, body) = agent.get_json(&format!("/api/v1/rounds/2024/projects?{query}")).await;
    assert_eq!(status, Status::Ok, "{body}");
    keys(body["projects"].as_array().map_or(&[][..], Vec::as_slice))
}

/// The project list page shows exactly these keys of `all`.
async fn page_shows(agent: &Agent, year: i32, all: &BTreeSet<String>, own: &BTreeSet<String>) {
    let (status, html) = agent.get(&format!("/rounds/{year}/projects")).await;
    assert_eq!(status, Status::Ok);
    for key in all {
        assert_eq!(html.contains(&format!(">{key}<")), own.contains(key), "{key} on the list page");
    }
}

#[rocket::async_test]
async fn a_cooperative_sees_only_its_own_projects() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let all = admin.projects(2024).await;
    let all_keys = keys(&all);
    let (a, b) = (app.login("coop-a").await, app.login("coop-b").await);
    let a_keys: BTreeSet<String> = ["XX-2024-001", "XX-2024-002"].map(String::from).into();
    let b_keys: BTreeSet<String> = ["XX-2024-003", "XX-2024-004"].map(String::from).into();
    assert_eq!(keys(&a.projects(2024).await), a_keys);
    assert_eq!(keys(&b.projects(2024).await), b_keys);
    assert_eq!(
        filtered(&b, "applicant_type=individual_business").await,
        ["XX-2024-003".to_string()].into(),
        "filters apply within the scope"
    );
    assert_eq!(
        filtered(&b, &format!("unit={}", encode("红星一场"))).await,
        BTreeSet::new(),
        "a filter cannot widen the scope"
    );
    assert_eq!(b.project_count(2023).await, 0, "no project of a closed round is coop-b's");
    page_shows(&a, 2024, &all_keys, &a_keys).await;
    page_shows(&b, 2024, &all_keys, &b_keys).await;

    let of_a = ids(&all, |p| a_keys.contains(p["key"].as_str().unwrap_or_default()));
    let not_b = ids(&all, |p| !b_keys.contains(p["key"].as_str().unwrap_or_default()));
    each_answers(&b, &of_a, Status::NotFound).await;
    each_answers(&b, &not_b, Status::NotFound).await;
    each_answers(&a, &of_a, Status::Ok).await;
    let closed = ids(&admin.projects(2023).await, |_| true);
    each_answers(&b, &closed[..5], Status::NotFound).await;
    each_answers(&b, &[999_999], Status::NotFound).await;
}

#[rocket::async_test]
async fn regiment_staff_see_only_their_own_regiment() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let staff = app.login("hongxing2").await;
    for year in [2024, 2023] {
        let all = admin.projects(year).await;
        let own_unit = |p: &Value| p["unit"] == json!("红星二场");
        let own: BTreeSet<String> = keys(&all.iter().filter(|p| own_unit(p)).cloned().collect::<Vec<_>>());
        assert!(own.len() >= 3 && own.len() < all.len(), "the demo has projects of 红星二场 and of others in {year}");
        let seen = staff.projects(year).await;
        assert!(seen.iter().all(own_unit), "only 红星二场 in {year}");
        assert_eq!(keys(&seen), own);
        let widened = staff.get_json(&format!("/api/v1/rounds/{year}/projects?unit={}", encode("红星一场"))).await.1;
        assert_eq!(widened["total"], json!(0), "a filter cannot widen the scope");
        page_shows(&staff, year, &keys(&all), &own).await;
        each_answers(&staff, &ids(&all, |p| !own_unit(p)), Status::NotFound).await;
        each_answers(&staff, &ids(&all, own_unit), Status::Ok).await;
    }
}

/// Every field of the round form, as the page sends it (so that only the role can refuse it).
fn round_form(toml: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![("source".into(), "toml".into()), ("toml".into(), toml.into())];
    for f in web_support::POLICY_FIELDS {
        fields.push((format!("policy.{f}"), String::new()));
    }
    fields
}

/// (round creation through the page, its status) for one user.
async fn create_round_page(agent: &Agent, toml: &str) -> Status {
    let fields = round_form(toml);
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    agent.post_form("/rounds", &refs).await.0
}

async fn upload_page(agent: &Agent, year: i32) -> Status {
    let (ct, body) = web_support::multipart(&[
        ("csrf_token", None, agent.csrf.as_bytes()),
        ("file", Some("a.xlsx"), &case000("applicants.xlsx")),
    ]);
    agent.client.post(format!("/rounds/{year}/imports")).header(ct).body(body).dispatch().await.status()
}

#[rocket::async_test]
async fn roles_without_the_right_cannot_create_rounds_or_import() {
    let app = TestApp::demo().await;
    let policy = web_support::case000_policy().replace("year = 2023", "year = 2025");
    let admin = app.login("admin").await;
    let (_, preview) = admin.upload("/api/v1/rounds/2024/imports", "a.xlsx", &case000("applicants.xlsx")).await;
    let import = preview["import_id"].as_i64().expect("an import");
    let projects = admin.project_count(2024).await;
    for user in ["auditor", "coop-a", "bureau", "hongxing2"] {
        let agent = app.login(user).await;
        let (status, body) = agent.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
        assert_eq!(status, Status::Forbidden, "{user}: API round creation: {body}");
        assert_eq!(create_round_page(&agent, &policy).await, Status::Forbidden, "{user}: page round creation");
        assert_eq!(agent.get("/rounds/new").await.0, Status::Forbidden, "{user}: new round page");
        assert_eq!(agent.get("/rounds/2024/edit").await.0, Status::Forbidden, "{user}: edit page");
        let fields = round_form(&web_support::case000_policy().replace("year = 2023", "year = 2024"));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(agent.post_form("/rounds/2024", &refs).await.0, Status::Forbidden, "{user}: policy update");
        let (status, _) = agent.post_json(&format!("/api/v1/imports/{import}/confirm"), &json!({})).await;
        assert_eq!(status, Status::NotFound, "{user}: someone else's import");
        if user == "hongxing2" {
            continue; // regiment staff may import (their own 团场 only)
        }
        let (status, body) = agent.upload("/api/v1/rounds/2024/imports", "a.xlsx", &case000("applicants.xlsx")).await;
        assert_eq!(status, Status::Forbidden, "{user}: API import: {body}");
        assert_eq!(upload_page(&agent, 2024).await, Status::Forbidden, "{user}: page import");
        assert_eq!(agent.get("/rounds/2024/imports/new").await.0, Status::Forbidden, "{user}: import page");
    }
    let (_, rounds) = admin.get_json("/api/v1/rounds").await;
    assert_eq!(rounds["rounds"].as_array().map(Vec::len), Some(8), "no round was created");
    assert_eq!(admin.project_count(2024).await, projects, "nothing was imported");
    // The same requests succeed for those who hold the right.
    assert_eq!(create_round_page(&admin, &policy).await, Status::SeeOther);
    let staff = app.login("hongxing2").await;
    assert_eq!(upload_page(&staff, 2024).await, Status::SeeOther);
}
