//! Sessions that end under a user (issue 17 item 7, docs/accounts.md "Sessions"), on SQLite
//! and PostgreSQL: a page asked for without a session comes back after the login; a form
//! sent after the session expired answers the login page carrying what was typed, acts on
//! nothing, and after the login offers it again under the new session's token (sent once,
//! on the user's click); a cross-site or cookie-less POST is still refused; password forms
//! never travel; pages are `no-store` and logging out clears the site's cache.

use std::fmt::Write as _;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use sqlx::Row;

use crate::web_support::{encode, TestApp, PASSWORD};
use tiexi::accounts::Role;

/// The value of the hidden input `name` (HTML entities undone).
fn hidden(page: &str, name: &str) -> Option<String> {
    let value = page.split(&format!("name=\"{name}\" value=\"")).nth(1)?.split('"').next()?;
    let text = value
        .replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    Some(text)
}

async fn post(client: &Client, path: &str, body: String, extra: Option<Header<'static>>) -> (Status, String) {
    let mut req = client.post(path.to_string()).header(ContentType::Form).body(body);
    if let Some(h) = extra {
        req = req.header(h);
    }
    let r = req.dispatch().await;
    (r.status(), r.into_string().await.unwrap_or_default())
}

/// Log in on the page; the page's answer (a redirect's target, or the page itself).
async fn page_login(client: &Client, page: &str, extra: &[(&str, String)]) -> (Status, Option<String>, String) {
    let token = hidden(page, "csrf_token").expect("the login form's token");
    let mut body = format!("csrf_token={token}&username=admin&password={PASSWORD}");
    for (name, value) in extra {
        let _ = write!(body, "&{name}={}", encode(value));
    }
    let r = client.post("/login").header(ContentType::Form).body(body).dispatch().await;
    let location = r.headers().get_one("Location").map(str::to_owned);
    (r.status(), location, r.into_string().await.unwrap_or_default())
}

async fn units(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM units").fetch_one(&app.pool.inner).await.expect("count").try_get(0).expect("n")
}

async fn expire_sessions(app: &TestApp) {
    // Test-only setup: the twelve hours have passed (and a write retires cached sessions).
    sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
        .execute(&app.pool.inner)
        .await
        .expect("expired");
    sqlx::query("UPDATE write_lock SET n = n + 1").execute(&app.pool.inner).await.expect("a write");
}

#[rocket::async_test]
async fn a_page_asked_for_without_a_session_comes_back_after_the_login() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let client = Client::tracked(tiexi::web::rocket(app.figment())).await.expect("ignites");
    let r = client.get("/units?x=1").dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    let to = r.headers().get_one("Location").expect("a redirect").to_string();
    assert!(to.starts_with("/login?next="), "{to}");
    let page = client.get(to).dispatch().await.into_string().await.unwrap_or_default();
    assert_eq!(hidden(&page, "next").as_deref(), Some("/units?x=1"));
    let (status, location, _) = page_login(&client, &page, &[("next", "/units?x=1".into())]).await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/units?x=1")));
    // Another host is never a destination.
    let page = client.get("/login?next=//evil.example/").dispatch().await.into_string().await.unwrap_or_default();
    assert_eq!(hidden(&page, "next"), None);
}

#[rocket::async_test]
async fn a_form_sent_after_the_session_expired_is_offered_again_after_the_login() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let client = Client::tracked(tiexi::web::rocket(app.figment())).await.expect("ignites");
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    assert_eq!(page_login(&client, &page, &[]).await.0, Status::SeeOther);
    let form = client.get("/units").dispatch().await.into_string().await.unwrap_or_default();
    let old = hidden(&form, "csrf_token").expect("the page's token");
    expire_sessions(&app).await;
    let before = units(&app).await;

    // The form, sent late: the login page, carrying the typed name; nothing is added.
    let typed = "红星三场 & 四场";
    let (status, page) =
        post(&client, "/units?idempotency_key=k1", format!("csrf_token={old}&name={}", encode(typed)), None).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("登录已过期"), "{page}");
    assert_eq!(hidden(&page, "resume_action").as_deref(), Some("/units?idempotency_key=k1"));
    let body = hidden(&page, "resume_body").expect("the typed fields");
    assert!(!body.contains("csrf_token") && !page.contains(&old), "the old token does not travel: {body}");
    assert_eq!(units(&app).await, before, "nothing was done");

    // A wrong password keeps carrying it; the right one offers the form again.
    let carried = [("resume_action", "/units?idempotency_key=k1".to_string()), ("resume_body", body)];
    let token = hidden(&page, "csrf_token").expect("the login form's token");
    let wrong = format!(
        "csrf_token={token}&username=admin&password=wrong-password&resume_action={}&resume_body={}",
        encode(&carried[0].1),
        encode(&carried[1].1)
    );
    let (status, refused) = post(&client, "/login", wrong, None).await;
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(hidden(&refused, "resume_action").as_deref(), Some("/units?idempotency_key=k1"));
    let (status, _, again) = page_login(&client, &refused, &carried).await;
    assert_eq!(status, Status::Ok);
    assert!(again.contains("继续提交") && again.contains("红星三场"), "{again}");
    assert_eq!(hidden(&again, "name").as_deref(), Some(typed));
    let token = hidden(&again, "csrf_token").expect("the new session's token");
    assert_ne!(token, old);
    assert_eq!(units(&app).await, before, "still nothing until the user confirms");
    let (status, _) =
        post(&client, "/units?idempotency_key=k1", format!("csrf_token={token}&name={}", encode(typed)), None).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(units(&app).await, before + 1);
}

#[rocket::async_test]
async fn foreign_or_password_forms_are_not_carried() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let client = Client::tracked(tiexi::web::rocket(app.figment())).await.expect("ignites");
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    page_login(&client, &page, &[]).await;
    expire_sessions(&app).await;
    // Cross-site: refused as before.
    let evil = Header::new("Origin", "http://evil.example");
    let (status, page) = post(&client, "/units", "csrf_token=x&name=a".into(), Some(evil)).await;
    assert_eq!(status, Status::Forbidden, "{page}");
    // The password form: the login page, without its fields.
    let (status, page) =
        post(&client, "/account/password", "csrf_token=x&current=a&new=bbbbbbbbbbbb&repeat=bbbbbbbbbbbb".into(), None)
            .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(hidden(&page, "resume_body"), None, "{page}");
    assert!(!page.contains("bbbbbbbbbbbb"));
    // No cookie of ours (another site's form, or a script): refused.
    let bare = Client::untracked(tiexi::web::rocket(app.figment())).await.expect("ignites");
    let r = bare.post("/units").header(ContentType::Form).body("csrf_token=x&name=a").dispatch().await;
    assert_eq!(r.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn pages_are_not_stored_and_logging_out_clears_the_cache() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    for path in ["/", "/rounds", "/accounts", "/account/password", "/units", "/audit"] {
        let r = admin.client.get(path).dispatch().await;
        assert_eq!(r.status(), Status::Ok, "{path}");
        assert_eq!(r.headers().get_one("Cache-Control"), Some("no-store"), "{path}");
    }
    let r = admin
        .client
        .post("/logout")
        .header(ContentType::Form)
        .body(format!("csrf_token={}", admin.csrf))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(r.headers().get_one("Clear-Site-Data"), Some("\"cache\""));
    let r = admin.client.get("/accounts").dispatch().await;
    assert_eq!(r.status(), Status::SeeOther, "after logout the page is gone");
}
