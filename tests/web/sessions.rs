//! Sessions and the second factor (issue 18 item 4), on SQLite and PostgreSQL: a login
//! ends the browser's earlier session; a session idle past `session_idle_minutes` ends;
//! the TOTP enrolment, login, replay and recovery-code cycle on the pages and the API; a
//! role that must have a second factor is sent to the enrolment first.

use crate::web_support;

use rocket::http::{ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};
use sqlx::Row;
use tiexi::second_factor::code_at;
use web_support::{TestApp, PASSWORD};

async fn client(figment: rocket::figment::Figment) -> Client {
    Client::tracked(tiexi::web::rocket(figment)).await.expect("the application ignites")
}

/// The login page's form, as a browser sends it: the visitor token first.
async fn page_login(client: &Client, user: &str) -> (Status, Option<String>) {
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    let token = token_of(&page);
    let body = format!("csrf_token={token}&username={user}&password={PASSWORD}");
    let r = client.post("/login").header(ContentType::Form).body(body).dispatch().await;
    (r.status(), r.headers().get_one("Location").map(str::to_owned))
}

fn token_of(page: &str) -> String {
    page.split("name=\"csrf_token\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("a token").to_string()
}

async fn json_login(client: &Client, user: &str, code: Option<&str>) -> (Status, Value) {
    let mut body = json!({ "username": user, "password": PASSWORD });
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    let r = client.post("/api/v1/session").header(ContentType::JSON).body(body.to_string()).dispatch().await;
    let status = r.status();
    (status, serde_json::from_str(&r.into_string().await.unwrap_or_default()).unwrap_or(Value::Null))
}

fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).expect("after 1970")
}

async fn sql(app: &TestApp, statement: &str) {
    let mut tx = tiexi::storage::begin_write(&app.pool).await.expect("a write");
    sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut *tx).await.expect("runs");
    tx.commit().await.expect("commits");
}

async fn sessions_of(app: &TestApp, user: &str) -> i64 {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    sqlx::query("SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = $1")
        .bind(user)
        .fetch_one(&mut *conn)
        .await
        .expect("counts")
        .get(0)
}

#[rocket::async_test]
async fn a_login_ends_the_browsers_earlier_session() {
    let app = TestApp::demo().await;
    let browser = app.client().await;
    assert_eq!(json_login(&browser, "coop-a", None).await.0, Status::Ok);
    let earlier = browser.cookies().get("tiexi_session").expect("a session cookie").value().to_string();
    assert_eq!(page_login(&browser, "admin").await, (Status::SeeOther, Some("/".into())));
    assert_eq!(sessions_of(&app, "coop-a").await, 0, "coop-a's session ended with the next login");
    let copied = app.client().await;
    let r = copied.get("/api/v1/rounds").cookie(Cookie::new("tiexi_session", earlier)).dispatch().await;
    assert_eq!(r.status(), Status::Unauthorized, "the earlier cookie opens nothing");
    assert_eq!(browser.get("/api/v1/rounds").dispatch().await.status(), Status::Ok, "the new one works");
}

#[rocket::async_test]
async fn a_session_idle_past_the_setting_ends() {
    let app = TestApp::demo().await;
    for (idle_minutes, alive) in [(30, false), (60, true)] {
        let browser = client(app.figment().merge(("session_idle_minutes", idle_minutes))).await;
        assert_eq!(json_login(&browser, "auditor", None).await.0, Status::Ok);
        assert_eq!(browser.get("/api/v1/rounds").dispatch().await.status(), Status::Ok);
        // 31 minutes without a request (and a write, so that no cache holds the session).
        let ago = (chrono::Utc::now() - chrono::Duration::minutes(31)).format("%Y-%m-%dT%H:%M:%SZ");
        sql(&app, &format!("UPDATE sessions SET last_seen_at = '{ago}'")).await;
        let api = browser.get("/api/v1/rounds").dispatch().await.status();
        let page = browser.get("/").dispatch().await;
        if alive {
            assert_eq!((api, page.status()), (Status::Ok, Status::Ok), "idle {idle_minutes}");
        } else {
            assert_eq!(api, Status::Unauthorized, "idle {idle_minutes}");
            assert_eq!(page.headers().get_one("Location"), Some("/login"));
        }
    }
}

/// The enrolment page as division staff see it; returns the secret shown for typing in.
async fn enrol(browser: &Client) -> String {
    let page = browser.get("/account/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    assert!(page.contains("未开启"), "{page}");
    let token = token_of(&page);
    let r = browser.post("/account/second-factor/setup").header(ContentType::Form).body(format!("csrf_token={token}"));
    assert_eq!(r.dispatch().await.status(), Status::SeeOther);
    let page = browser.get("/account/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    assert!(page.contains("<svg class=\"qr\""), "a QR code drawn here");
    let secret = page.split("id=\"secret\">").nth(1).and_then(|s| s.split('<').next()).expect("the secret");
    secret.replace(' ', "")
}

async fn form(browser: &Client, path: &str, token: &str, code: &str) -> (Status, String, Option<String>) {
    let r = browser
        .post(path.to_string())
        .header(ContentType::Form)
        .body(format!("csrf_token={token}&code={code}"))
        .dispatch()
        .await;
    let (status, location) = (r.status(), r.headers().get_one("Location").map(str::to_owned));
    (status, r.into_string().await.unwrap_or_default(), location)
}

/// Confirm with a first code; returns the ten recovery codes shown once.
async fn confirm(browser: &Client, secret: &str) -> Vec<String> {
    let page = browser.get("/account/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    let token = token_of(&page);
    let (status, _, location) = form(browser, "/account/second-factor/confirm", &token, "000000").await;
    assert_eq!((status, location.as_deref()), (Status::SeeOther, Some("/account/second-factor")), "a wrong code");
    let code = code_at(secret, now()).expect("a code");
    let r = browser
        .post("/account/second-factor/confirm")
        .header(ContentType::Form)
        .body(format!("csrf_token={token}&code={code}"))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.headers().get_one("Cache-Control"), Some("no-store"));
    let page = r.into_string().await.unwrap_or_default();
    let block = page.split("id=\"recovery-codes\">").nth(1).and_then(|s| s.split("</pre>").next()).expect("codes");
    let codes: Vec<String> = block.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    assert_eq!(codes.len(), 10, "{block}");
    codes
}

/// Password on the page, then the second step with `code`: where the browser ends up.
async fn two_steps(app: &TestApp, code: &str) -> (Client, Status, String) {
    let browser = app.client().await;
    assert_eq!(page_login(&browser, "admin").await, (Status::SeeOther, Some("/login/second-factor".into())));
    let home = browser.get("/").dispatch().await.headers().get_one("Location").map(str::to_owned);
    assert_eq!(home.as_deref(), Some("/login"), "the password alone opens nothing");
    let page = browser.get("/login/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    let (status, body, _) = form(&browser, "/login/second-factor", &token_of(&page), code).await;
    (browser, status, body)
}

#[rocket::async_test]
async fn totp_enrolment_login_replay_and_recovery_codes() {
    let app = TestApp::demo().await;
    let browser = app.client().await;
    page_login(&browser, "admin").await;
    let secret = enrol(&browser).await;
    let enrolled_at = now();
    let codes = confirm(&browser, &secret).await;
    // The code of the enrolment's time step is used: it does not open a second login.
    let (_, status, body) = two_steps(&app, &code_at(&secret, enrolled_at).expect("a code")).await;
    assert_eq!(status, Status::UnprocessableEntity, "replay: {body}");
    assert!(body.contains("验证码错误或已使用"));
    let (admin, status, _) = two_steps(&app, &code_at(&secret, now() + 30).expect("a code")).await;
    assert_eq!(status, Status::SeeOther, "the next step's code is good");
    assert_eq!(admin.get("/").dispatch().await.status(), Status::Ok);
    // A recovery code, once.
    let (_, status, _) = two_steps(&app, &codes[0]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, status, _) = two_steps(&app, &codes[0].to_uppercase()).await;
    assert_eq!(status, Status::UnprocessableEntity, "a recovery code works once");
    // The API wants the code in the same request.
    let api = app.client().await;
    let (status, body) = json_login(&api, "admin", None).await;
    assert_eq!(status, Status::Unauthorized);
    assert!(body["error"].as_str().is_some_and(|e| e.contains("code")), "{body}");
    assert_eq!(json_login(&api, "admin", Some("123456")).await.0, Status::Unauthorized);
    assert_eq!(json_login(&api, "admin", Some(&codes[1])).await.0, Status::Ok);
    // Off with a code; then the password alone is enough again.
    let page = admin.get("/account/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    let (status, _, _) = form(&admin, "/account/second-factor/off", &token_of(&page), &codes[2]).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(json_login(&app.client().await, "admin", None).await.0, Status::Ok);
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let actions: Vec<String> = sqlx::query("SELECT action FROM audit WHERE entity = 'user' ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .expect("reads")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected =
        ["user.second_factor_on", "user.recovery_code_use", "user.recovery_code_use", "user.recovery_code_use"];
    assert_eq!(actions[..4], expected, "{actions:?}");
    assert_eq!(actions.last().map(String::as_str), Some("user.second_factor_off"));
}

#[rocket::async_test]
async fn a_role_that_must_have_a_second_factor_enrols_first() {
    let app = TestApp::demo().await;
    let figment = app.figment().merge(("second_factor_roles", ["division_staff"]));
    let admin = client(figment.clone()).await;
    assert_eq!(json_login(&admin, "admin", None).await.0, Status::Ok);
    let home = admin.get("/").dispatch().await;
    assert_eq!(home.headers().get_one("Location"), Some("/account/second-factor"));
    let api = admin.get("/api/v1/rounds").dispatch().await;
    assert_eq!(api.status(), Status::Unauthorized);
    assert!(api.into_string().await.unwrap_or_default().contains("双重验证"));
    let page = admin.get("/account/second-factor").dispatch().await;
    assert_eq!(page.status(), Status::Ok);
    assert!(page.into_string().await.unwrap_or_default().contains("必须开启双重验证"));
    let auditor = client(figment).await;
    assert_eq!(json_login(&auditor, "auditor", None).await.0, Status::Ok);
    assert_eq!(auditor.get("/api/v1/rounds").dispatch().await.status(), Status::Ok, "other roles as before");
    // Once enrolled, everything opens; turning it off is refused for this role.
    let secret = enrol(&admin).await;
    let codes = confirm(&admin, &secret).await;
    assert_eq!(admin.get("/").dispatch().await.status(), Status::Ok);
    let page = admin.get("/account/second-factor").dispatch().await.into_string().await.unwrap_or_default();
    let r = admin
        .post("/account/second-factor/off")
        .header(ContentType::Form)
        .header(Header::new("Accept", "text/html"))
        .body(format!("csrf_token={}&code={}", token_of(&page), codes[0]))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Conflict);
}
