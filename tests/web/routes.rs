//! Every route of the built Rocket (`rocket.routes()`), so that a route added later is
//! covered without editing this file: no state-changing route works without the
//! session's CSRF token (docs/hazards.md "Rocket 0.5"), and each works with it.

use crate::web_support;

use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::asynchronous::Client;
use serde_json::json;
use web_support::{case000, Agent, TestApp};

/// A route of the inventory with its parameters filled in.
struct Probe {
    method: Method,
    template: String,
    path: String,
}

/// Every route, `<year>` → 2024 (the demo's open round), `<id>` → the given id.
fn inventory(client: &Client, id: i64) -> Vec<Probe> {
    let probes: Vec<Probe> = client
        .rocket()
        .routes()
        .map(|r| {
            let template = r.uri.as_str().split('?').next().unwrap_or_default().to_string();
            let path = template.replace("<year>", "2024").replace("<id>", &id.to_string()).replace("<name>", "x.pdf");
            assert!(!path.contains('<'), "a parameter this test does not know: {template}");
            Probe { method: r.method, template, path }
        })
        .collect();
    assert!(probes.len() >= 25, "the inventory comes from the built Rocket: {}", probes.len());
    probes
}

fn state_changing(p: &Probe) -> bool {
    !matches!(p.method, Method::Get | Method::Head)
}

/// The one exemption of src/web/csrf.rs.
fn json_login(p: &Probe) -> bool {
    p.method == Method::Post && p.template == "/api/v1/session"
}

fn ends_session(p: &Probe) -> bool {
    p.template == "/logout" || (p.template == "/api/v1/session" && p.method == Method::Delete)
}

async fn send(
    client: &Client,
    p: &Probe,
    ct: ContentType,
    body: &str,
    token: Option<&str>,
    extra: &[(&'static str, &'static str)],
) -> Status {
    let mut req = client.req(p.method, p.path.clone()).header(ct).body(body);
    if let Some(t) = token {
        req = req.header(Header::new("X-CSRF-Token", t.to_string()));
    }
    for (name, value) in extra {
        req = req.header(Header::new(*name, *value));
    }
    req.dispatch().await.status()
}

/// The admin's preview of case000 in the 2024 round, not confirmed.
async fn an_import(admin: &Agent) -> i64 {
    let (status, body) =
        admin.upload("/api/v1/rounds/2024/imports", "applicants.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{body}");
    body["import_id"].as_i64().expect("an import id")
}

/// A request of the table below: who, content type, body, token header, other headers, name.
type Case<'a> = (&'a Client, ContentType, &'a str, Option<&'a str>, &'a [(&'static str, &'static str)], &'a str);

/// Every way of asking without the right token is refused, whoever asks.
async fn refused_without_the_token(admin: &Agent, anonymous: &Client, p: &Probe) {
    const FORM: &str = "only_valid=true&username=admin&password=tiexi-demo";
    let what = format!("{} {}", p.method, p.template);
    let (multipart, body) =
        web_support::multipart(&[("csrf_token", None, b"0123abcd"), ("file", Some("a.xlsx"), b"PK")]);
    let multipart_body = String::from_utf8(body).expect("ASCII");
    let json =
        json!({ "username": "admin", "password": "tiexi-demo", "policy_toml": "", "only_valid": true }).to_string();
    let token = Some(admin.csrf.as_str());
    let cases: Vec<Case<'_>> = vec![
        (&admin.client, ContentType::Form, FORM, None, &[], "form, no token"),
        (anonymous, ContentType::Form, FORM, None, &[], "anonymous form"),
        (&admin.client, ContentType::Form, FORM, Some("0123abcd"), &[], "wrong token"),
        (&admin.client, ContentType::Form, "csrf_token=0123abcd&only_valid=true", None, &[], "wrong form token"),
        (&admin.client, multipart, &multipart_body, None, &[], "multipart, wrong token"),
        (&admin.client, ContentType::Form, FORM, token, &[("Sec-Fetch-Site", "cross-site")], "cross-site"),
        (
            &admin.client,
            ContentType::Form,
            FORM,
            token,
            &[("Host", "127.0.0.1:8000"), ("Origin", "http://evil.example")],
            "other origin",
        ),
        (&admin.client, ContentType::Form, FORM, token, &[("Origin", "http://evil.example")], "an origin and no host"),
    ];
    for (client, ct, body, token, headers, case) in cases {
        assert_eq!(send(client, p, ct, body, token, headers).await, Status::Forbidden, "{what}: {case}");
    }
    if !json_login(p) {
        assert_eq!(
            send(&admin.client, p, ContentType::JSON, &json, None, &[]).await,
            Status::Forbidden,
            "{what}: JSON"
        );
    }
}

/// With the token every route is reached (403 would mean the token did not count).
async fn reached_with_the_token(app: &TestApp, admin: &Agent, changing: &[&Probe]) {
    let same_origin =
        [("Host", "127.0.0.1:8000"), ("Origin", "http://127.0.0.1:8000"), ("Sec-Fetch-Site", "same-origin")];
    // Applying is a cooperative's: the admin's 403 there is the role's, so a cooperative asks.
    let coop = app.login("coop-a").await;
    for p in changing.iter().filter(|p| !ends_session(p)) {
        let cooperative_only = ["/rounds/<year>/applications", "/projects/<id>/edit"].contains(&p.template.as_str());
        let who = if cooperative_only { &coop } else { admin };
        let body = format!("csrf_token={}&only_valid=true", who.csrf);
        let status = send(&who.client, p, ContentType::Form, &body, Some(&who.csrf), &same_origin).await;
        assert_ne!(status, Status::Forbidden, "{} {} with its token", p.method, p.template);
    }
    for p in changing.iter().filter(|p| ends_session(p)) {
        let fresh = app.login("admin").await;
        let body = format!("csrf_token={}", fresh.csrf);
        let status = send(&fresh.client, p, ContentType::Form, &body, Some(&fresh.csrf), &[]).await;
        let what = format!("{} {} with its token", p.method, p.template);
        assert!(status == Status::Ok || status == Status::SeeOther, "{what}: {status}");
        assert_eq!(fresh.get_json("/api/v1/rounds").await.0, Status::Unauthorized, "{what} ended the session");
    }
}

#[rocket::async_test]
async fn every_state_changing_route_refuses_a_request_without_the_csrf_token() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let import = an_import(&admin).await;
    let before = admin.project_count(2024).await;
    let anonymous = app.client().await;
    let probes = inventory(&admin.client, import);
    let changing: Vec<&Probe> = probes.iter().filter(|p| state_changing(p)).collect();
    assert!(changing.len() >= 10, "POST and DELETE routes found: {}", changing.len());
    // Issue 5's applications, review actions, bulk publication and documents are among them.
    for route in [
        "/rounds/<year>/applications",
        "/projects/<id>/edit",
        "/projects/<id>/actions",
        "/rounds/<year>/publications",
        "/projects/<id>/documents",
        "/api/v1/projects/<id>/actions",
        // The money pages' forms.
        "/rounds/<year>/allocations",
        "/allocations/<id>/actions",
        "/rounds/<year>/disbursements",
        "/disbursements/<id>/actions",
        "/disbursements/<id>/clawbacks",
    ] {
        assert!(changing.iter().any(|p| p.template == route), "{route} is checked for its CSRF token");
    }
    for p in &changing {
        refused_without_the_token(&admin, &anonymous, p).await;
    }
    // Nothing of the above had an effect: the session lives, the import is unconfirmed.
    assert_eq!(admin.get_json("/api/v1/rounds").await.0, Status::Ok, "no logout went through");
    assert_eq!(admin.project_count(2024).await, before, "no confirmation went through");
    let (_, page) = admin.get(&format!("/imports/{import}")).await;
    assert!(page.contains("id=\"confirm\""), "the import is still to be confirmed");
    reached_with_the_token(&app, &admin, &changing).await;
}

/// The issue: `POST /api/v1/session` is exempt only as JSON; a form-encoded login is refused.
#[rocket::async_test]
async fn the_json_login_is_the_only_exemption() {
    let app = TestApp::demo().await;
    let client = app.client().await;
    let form = client
        .post("/api/v1/session")
        .header(ContentType::Form)
        .body("username=admin&password=tiexi-demo")
        .dispatch()
        .await;
    assert_eq!(form.status(), Status::Forbidden);
    assert!(client.cookies().get("tiexi_session").is_none(), "no session from a refused login");
    let page =
        client.post("/login").header(ContentType::Form).body("username=admin&password=tiexi-demo").dispatch().await;
    assert_eq!(page.status(), Status::Forbidden, "the login page's form needs its visitor token");
    let json = json!({ "username": "admin", "password": "tiexi-demo" }).to_string();
    let ok = client.post("/api/v1/session").header(ContentType::JSON).body(json).dispatch().await;
    assert_eq!(ok.status(), Status::Ok);
}

/// The login page works the way a browser uses it: visitor token from the page, then a session.
#[rocket::async_test]
async fn the_login_page_logs_in_with_its_visitor_token() {
    let app = TestApp::demo().await;
    let client = app.client().await;
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    let token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a token in the form");
    let body = format!("csrf_token={token}&username=admin&password=tiexi-demo");
    let r = client.post("/login").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!((r.status(), r.headers().get_one("Location")), (Status::SeeOther, Some("/")));
    let home = client.get("/").dispatch().await;
    assert_eq!(home.status(), Status::Ok);
    assert!(home.into_string().await.unwrap_or_default().contains("admin"));
}

/// docs/hazards.md: logging out ends the session on the server, so a copied cookie stops working;
/// the cookie itself is `HttpOnly` and `SameSite`.
#[rocket::async_test]
async fn logging_out_revokes_a_copied_session_cookie() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let cookie = admin.client.cookies().get("tiexi_session").expect("a session cookie").clone();
    assert_eq!((cookie.http_only(), cookie.same_site()), (Some(true), Some(rocket::http::SameSite::Lax)));
    let thief = Client::untracked(tiexi::web::rocket(app.figment())).await.expect("a second client");
    let stolen =
        || thief.get("/api/v1/rounds").cookie(rocket::http::Cookie::new("tiexi_session", cookie.value().to_string()));
    assert_eq!(stolen().dispatch().await.status(), Status::Ok, "the copy works while the session lives");
    let out =
        admin.client.delete("/api/v1/session").header(Header::new("X-CSRF-Token", admin.csrf.clone())).dispatch().await;
    assert_eq!(out.status(), Status::Ok);
    assert_eq!(stolen().dispatch().await.status(), Status::Unauthorized, "the copy died with the session");
}
