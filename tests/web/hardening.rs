//! Issue 18 items 2, 3, 5 and 6 on every route of the built Rocket (`rocket.routes()`), on
//! SQLite and PostgreSQL: the security headers on every answer; GET and HEAD of every route,
//! whoever asks, change no row; a `_method` override is refused; bidirectional controls
//! never reach a page or the JSON.

use crate::web_support;

use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sqlx::Row;
use tiexi::accounts::Role;
use web_support::{case000, multipart, Agent, TestApp};

const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Every route's path with its parameters filled in, once per value given.
fn paths(client: &Client, ids: &[i64], names: &[&str], query: &str) -> Vec<(Method, String)> {
    let mut out = Vec::new();
    for route in client.rocket().routes() {
        let template = route.uri.as_str().split('?').next().unwrap_or_default().to_string();
        for id in ids {
            for name in names {
                let path = template.replace("<year>", "2024").replace("<id>", &id.to_string()).replace("<name>", name);
                assert!(!path.contains('<'), "a parameter this test does not know: {template}");
                out.push((route.method, format!("{path}{query}")));
            }
        }
    }
    out.sort_by(|a, b| (a.0.as_str(), &a.1).cmp(&(b.0.as_str(), &b.1)));
    out.dedup();
    assert!(out.len() >= 40, "the inventory comes from the built Rocket");
    out
}

fn check_headers(r: &LocalResponse<'_>, what: &str) {
    let h = r.headers();
    assert_eq!(h.get_one("Content-Security-Policy"), Some(CSP), "{what}");
    assert_eq!(h.get_one("X-Content-Type-Options"), Some("nosniff"), "{what}");
    assert_eq!(h.get_one("Referrer-Policy"), Some("same-origin"), "{what}");
    assert_eq!(h.get_one("Server"), None, "{what}");
    let asset = what.contains("/static/") && r.status() == Status::Ok;
    let cache = if asset { "public, max-age=3600" } else { "no-store" };
    assert_eq!(h.get_one("Cache-Control"), Some(cache), "{what}");
}

/// An admin's preview of case000 in 2024 and a document on the first 2024 project.
async fn fixtures(admin: &Agent) -> (i64, i64, String) {
    let (status, body) =
        admin.upload("/api/v1/rounds/2024/imports", "申报\u{202E}表.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{body}");
    let import = body["import_id"].as_i64().expect("an import");
    let project = admin.projects(2024).await[0]["id"].as_i64().expect("a project");
    let (ct, form) = multipart(&[
        ("csrf_token", None, admin.csrf.as_bytes()),
        ("kind", None, b"contract"),
        ("file", Some("evil\u{202E}fdp.exe.pdf"), b"%PDF-1.4 a contract"),
    ]);
    let r = admin.client.post(format!("/projects/{project}/documents")).header(ct).body(form).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    let page = admin.get(&format!("/projects/{project}")).await.1;
    let link = format!("/projects/{project}/documents/");
    let name = page.split(&link).nth(1).and_then(|s| s.split('"').next()).expect("a document link").to_string();
    (import, project, name)
}

#[rocket::async_test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (import, project, document) = fixtures(&admin).await;
    let anonymous = app.client().await;
    let token = Header::new("X-CSRF-Token", admin.csrf.clone());
    for (method, path) in paths(&admin.client, &[import, project], &[&document], "") {
        let ends_session = path == "/logout" || (path == "/api/v1/session" && method == Method::Delete);
        for (who, client) in [("admin", &admin.client), ("anonymous", &anonymous)] {
            let r = client.get(path.clone()).dispatch().await;
            check_headers(&r, &format!("{who} GET {path}"));
            let r = client.head(path.clone()).dispatch().await;
            check_headers(&r, &format!("{who} HEAD {path}"));
            if !ends_session && !matches!(method, Method::Get | Method::Head) {
                let r =
                    client.req(method, path.clone()).header(token.clone()).header(ContentType::Form).dispatch().await;
                check_headers(&r, &format!("{who} {method} {path}"));
            }
        }
    }
    let css = anonymous.get("/static/tiexi.css").dispatch().await;
    check_headers(&css, "/static/tiexi.css");
    assert_eq!(css.content_type(), Some(ContentType::CSS));
}

/// Row counts of every table, the audit chain's end and the write generation (every
/// business write goes through `begin_write`, which bumps it).
async fn snapshot(app: &TestApp) -> Vec<(String, i64)> {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let list = if app.db.is_postgres() {
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY 1"
    };
    let tables: Vec<String> =
        sqlx::query(list).fetch_all(&mut *conn).await.expect("tables").iter().map(|r| r.get(0)).collect();
    assert!(tables.len() >= 20, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        // AssertSqlSafe: the test's own SQL (table and column names of ours); values are bound.
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
            .fetch_one(&mut *conn)
            .await
            .expect("a count")
            .get(0);
        out.push((t, n));
    }
    let chain_end: String = sqlx::query("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .expect("reads")
        .map_or_else(String::new, |r| r.get(0));
    out.push((format!("audit end {chain_end}"), 0));
    let generation: i64 = sqlx::query("SELECT n FROM write_lock").fetch_one(&mut *conn).await.expect("n").get(0);
    out.push(("write generation".into(), generation));
    out
}

#[rocket::async_test]
async fn get_and_head_of_every_route_change_no_row() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (import, project, document) = fixtures(&admin).await;
    let mut agents = vec![("anonymous", app.client().await)];
    for user in ["admin", "auditor", "hongxing2", "coop-a", "bureau"] {
        agents.push((user, app.login(user).await.client));
    }
    let before = snapshot(&app).await;
    let queries = ["", "?full=true&page=2&per_page=3&year=2023&through=2023", "?_method=post&full=1"];
    for query in queries {
        for (_, path) in paths(&admin.client, &[1, import, project], &[&document, "x.pdf"], query) {
            for (who, client) in &agents {
                let get = client.get(path.clone()).dispatch().await.status();
                let head = client.head(path.clone()).dispatch().await.status();
                assert!(get.code < 500 && head.code < 500, "{who} {path}: {get} {head}");
            }
        }
    }
    assert_eq!(snapshot(&app).await, before, "a GET or HEAD changed something");
}

#[rocket::async_test]
async fn a_method_override_is_refused_before_routing() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let cross_site = Header::new("Sec-Fetch-Site", "cross-site");
    for (path, body) in [
        ("/", "_method=get"),
        ("/disbursements/1/payment-list.xlsx", "_method=get&csrf_token=x"),
        ("/api/v1/session", "_method=delete"),
        ("/rounds", "_method=put"),
    ] {
        let r =
            admin.client.post(path).header(ContentType::Form).header(cross_site.clone()).body(body).dispatch().await;
        assert_eq!(r.status(), Status::BadRequest, "{path} {body}");
        let api = path.starts_with("/api/");
        assert_eq!(r.content_type(), Some(if api { ContentType::JSON } else { ContentType::HTML }), "{path}");
        assert!(r.into_string().await.unwrap_or_default().contains("_method"));
    }
    assert_eq!(admin.get_json("/api/v1/rounds").await.0, Status::Ok, "the session was not ended");
}

#[rocket::async_test]
async fn bidirectional_controls_never_reach_a_page_or_the_json() {
    let app = TestApp::demo().await;
    app.add_user("eve\u{202E}nimda", Role::Auditor, None).await;
    let admin = app.login("admin").await;
    let (import, project, _) = fixtures(&admin).await;
    let page = admin.get(&format!("/projects/{project}")).await.1;
    assert!(page.contains("evilfdp.exe.pdf"), "the document's name, cleaned");
    let preview = admin.get(&format!("/imports/{import}")).await.1;
    assert!(preview.contains("申报表.xlsx"), "the import's file name, cleaned");
    let eve = app.login("eve\u{202E}nimda").await;
    let home = eve.get("/").await.1;
    assert!(home.contains("evenimda"), "the user's name on the page");
    let (_, audit) = admin.get_json("/api/v1/audit?per_page=500").await;
    let text = audit.to_string();
    for (page, what) in [(&page, "project page"), (&preview, "preview"), (&home, "home"), (&text, "audit JSON")] {
        assert!(!page.chars().any(tiexi::bidi::is_control), "{what}");
    }
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let stored: String = sqlx::query("SELECT original_name FROM documents ORDER BY id DESC LIMIT 1")
        .fetch_one(&mut *conn)
        .await
        .expect("a document")
        .get(0);
    assert_eq!(stored, "evilfdp.exe.pdf", "stored without them too");
}
