//! The pages kept until the next write (`web::kernel::cache`): a write is on the next view of the
//! dashboard and the project list, whoever made it and from wherever (another instance, the
//! CLI); a page or figures made for one scope or session are never served to another; a
//! session ends at once on logout or when its user is disabled. Several users share one
//! application instance here (one cache), each request carrying its own cookie. Runs on
//! SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set.

use crate::web_support;

use rocket::http::{ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};
use tiexi::sample::UNITS;
use web_support::{case000, case000_policy, TestApp, PASSWORD};

/// A logged-in user of the shared instance: the session cookie and the CSRF token.
struct User {
    cookie: String,
    csrf: String,
}

async fn shared(app: &TestApp) -> Client {
    Client::untracked(tiexi::web::rocket(app.figment())).await.expect("the application ignites")
}

async fn login(client: &Client, name: &str) -> User {
    let r = client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(json!({ "username": name, "password": PASSWORD }).to_string())
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok, "login as {name}");
    let cookie = r.cookies().get("tiexi_session").expect("a session cookie").value().to_string();
    let body: Value = serde_json::from_str(&r.into_string().await.unwrap_or_default()).expect("JSON");
    User { cookie, csrf: body["csrf_token"].as_str().expect("a token").to_string() }
}

async fn get(client: &Client, user: &User, path: &str) -> (Status, String) {
    let r = client.get(path.to_string()).cookie(Cookie::new("tiexi_session", user.cookie.clone())).dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

async fn page(client: &Client, user: &User, path: &str) -> String {
    let (status, html) = get(client, user, path).await;
    assert_eq!(status, Status::Ok, "{path}");
    html
}

async fn post_json(client: &Client, user: &User, path: &str, body: &Value) -> (Status, Value) {
    let r = client
        .post(path.to_string())
        .cookie(Cookie::new("tiexi_session", user.cookie.clone()))
        .header(ContentType::JSON)
        .header(Header::new("X-CSRF-Token", user.csrf.clone()))
        .body(body.to_string())
        .dispatch()
        .await;
    (r.status(), serde_json::from_str(&r.into_string().await.unwrap_or_default()).unwrap_or(Value::Null))
}

/// The number after `marker` (up to the next `<`), e.g. a count in a table cell.
fn number_after(html: &str, marker: &str) -> Option<i64> {
    let at = html.find(marker)? + marker.len();
    html[at..].split('<').next()?.chars().filter(char::is_ascii_digit).collect::<String>().parse().ok()
}

/// The dashboard's count of projects in a review state (`None`: no row for it).
fn state_count(home: &str, label: &str) -> Option<i64> {
    let table = &home[home.find("<table id=\"states\">").expect("the states table")..];
    number_after(table, &format!("<tr><td>{label}</td><td class=\"num\">"))
}

/// "共 N 个项目" of the list page.
fn list_total(list: &str) -> i64 {
    number_after(list, "id=\"total\">共 ").expect("the list's total")
}

/// The dashboard's count of the current round's projects.
fn home_projects(home: &str) -> i64 {
    number_after(home, "申请贴息（").expect("the project count")
}

const RETURNED: &str = "/rounds/2024/projects?state=returned";

#[rocket::async_test]
async fn a_review_move_is_on_the_next_dashboard_and_list_of_every_scope() {
    let app = TestApp::demo().await;
    let client = shared(&app).await;
    let (admin, hongxing2) = (login(&client, "admin").await, login(&client, "hongxing2").await);
    // Seen (and kept) before the move, by both scopes.
    for user in [&admin, &hongxing2] {
        assert_eq!(state_count(&page(&client, user, "/").await, "已退回"), None);
        assert_eq!(list_total(&page(&client, user, RETURNED).await), 0);
    }
    let html = page(&client, &admin, "/rounds/2024/projects").await;
    let before = &html[..html.find("\">XX-2024-001</a>").expect("the demo's first project")];
    let id: i64 = before[before.rfind("/projects/").expect("its link") + 10..].parse().expect("its id");
    let (status, moved) = post_json(
        &client,
        &hongxing2,
        &format!("/api/v1/projects/{id}/actions"),
        &json!({ "action": "return", "comment": "请补充结息单" }),
    )
    .await;
    assert_eq!((status, moved["state"].clone()), (Status::Ok, json!("returned")), "{moved}");
    for user in [&admin, &hongxing2] {
        assert_eq!(state_count(&page(&client, user, "/").await, "已退回"), Some(1));
        let list = page(&client, user, RETURNED).await;
        assert_eq!(list_total(&list), 1);
        assert!(list.contains(">XX-2024-001</a>"));
    }
}

#[rocket::async_test]
async fn a_confirmed_import_is_on_the_next_dashboard_and_list() {
    let app = TestApp::empty().await;
    app.add_user("admin", tiexi::accounts::Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    let (status, round) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": case000_policy() })).await;
    assert_eq!(status, Status::Ok, "{round}");
    let views = || async {
        let (home, list) = (admin.get("/").await, admin.get("/rounds/2023/projects").await);
        assert_eq!((home.0, list.0), (Status::Ok, Status::Ok));
        (home_projects(&home.1), list_total(&list.1))
    };
    assert_eq!(views().await, (0, 0));
    let (status, body) =
        admin.upload("/api/v1/rounds/2023/imports", "applicants.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(views().await, (0, 0), "a preview changes no project");
    let id = body["import_id"].as_i64().expect("the import's id");
    let (status, done) = admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(views().await, (20, 20), "case000's 20 projects");
}

/// The projects' 团场 named on a page (the list's or the dashboard's).
fn units_on(html: &str) -> Vec<&'static str> {
    UNITS.into_iter().filter(|u| html.contains(u)).collect()
}

#[rocket::async_test]
async fn pages_made_for_one_scope_or_session_serve_no_other() {
    let app = TestApp::demo().await;
    let client = shared(&app).await;
    let names = ["admin", "hongxing2", "coop-a", "coop-b", "admin"];
    let mut users = Vec::new();
    for name in names {
        users.push(login(&client, name).await);
    }
    // Twice round: the second time every page comes from the cache.
    for _ in 0..2 {
        let mut seen = Vec::new();
        for (name, user) in names.iter().zip(&users) {
            let (home, list) = (page(&client, user, "/").await, page(&client, user, "/rounds/2024/projects").await);
            assert!(home.contains(&user.csrf) && list.contains(&user.csrf), "{name}: the page of its own session");
            seen.push((
                number_after(&home, "申请贴息（").unwrap_or(0),
                list_total(&list),
                units_on(&home),
                units_on(&list),
            ));
        }
        assert_eq!((seen[0].0, seen[0].1, seen[0].2.len()), (36, 36, UNITS.len()), "admin: the whole division");
        assert_eq!((seen[1].2.clone(), seen[1].3.clone()), (vec!["红星二场"], vec!["红星二场"]), "hongxing2");
        assert!(seen[1].0 < 36 && seen[1].0 == seen[1].1);
        assert_eq!((seen[2].1, seen[3].1), (2, 2), "each cooperative: its two");
        let (a, b) = (page(&client, &users[2], "/").await, page(&client, &users[3], "/").await);
        assert!(
            a.contains("id=\"applicant-home\"") && b.contains("id=\"applicant-home\"") && a != b,
            "each its own home"
        );
        assert_eq!(seen[4], seen[0], "a second admin session: the same figures, its own page");
    }
}

#[rocket::async_test]
async fn a_session_ends_at_once_on_logout_or_when_its_user_is_disabled() {
    let app = TestApp::demo().await;
    let client = shared(&app).await;
    let (admin, hongxing2) = (login(&client, "admin").await, login(&client, "hongxing2").await);
    for user in [&admin, &hongxing2] {
        page(&client, user, "/").await;
        page(&client, user, "/").await;
    }
    // `tiexi user disable`, a process of its own.
    tiexi::commands::user_disable(&app.db.url, "hongxing2").await.expect("disabled");
    assert_eq!(get(&client, &hongxing2, "/").await.0, Status::SeeOther, "to the login page");
    assert_eq!(get(&client, &hongxing2, "/api/v1/rounds").await.0, Status::Unauthorized);
    let form = format!("csrf_token={}", admin.csrf);
    let r = client
        .post("/logout")
        .cookie(Cookie::new("tiexi_session", admin.cookie.clone()))
        .header(ContentType::Form)
        .body(form)
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(get(&client, &admin, "/").await.0, Status::SeeOther, "the cookie died with the session");
    assert_eq!(get(&client, &admin, "/api/v1/rounds").await.0, Status::Unauthorized);
}
