//! Logins under attack (issue 18 item 1), on SQLite and PostgreSQL: every attempt is
//! counted before its password is checked, under one lock, so that concurrent wrong
//! passwords never get more checks than the free ones; the owner with the right password
//! gets in once the wait is over; the limit holds per client address too; and no login
//! body, whatever its shape, reaches the server's log (the real binary).

use crate::web_support;

use std::net::SocketAddr;

use rocket::futures::future::join_all;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};
use sqlx::Row;
use web_support::server::{Http, Server};
use web_support::{TestApp, TestDb, PASSWORD};

/// The application with more password checks at once than the test sends, so that only
/// the limit (never the semaphore) decides how many passwords are checked.
async fn client(app: &TestApp, extra: &[(&str, i64)]) -> Client {
    let mut figment = app.figment().merge(("password_checks", 64));
    for (name, value) in extra {
        figment = figment.merge((*name, *value));
    }
    Client::tracked(tiexi::web::rocket(figment)).await.expect("the application ignites")
}

/// A JSON login: status, body, `Retry-After`.
async fn login(client: &Client, user: &str, password: &str, from: Option<&str>) -> (Status, Value, Option<u64>) {
    let mut req = client
        .post("/api/v1/session")
        .header(ContentType::JSON)
        .body(json!({ "username": user, "password": password }).to_string());
    if let Some(addr) = from {
        req = req.remote(addr.parse::<SocketAddr>().expect("an address"));
    }
    let r = req.dispatch().await;
    let retry = r.headers().get_one("Retry-After").and_then(|v| v.parse().ok());
    let status = r.status();
    let body = serde_json::from_str(&r.into_string().await.unwrap_or_default()).unwrap_or(Value::Null);
    (status, body, retry)
}

/// (attempts, failures) of a subject.
async fn counters(app: &TestApp, subject: &str) -> (i64, i64) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let row = sqlx::query("SELECT attempts, failures FROM login_attempts WHERE subject = $1")
        .bind(subject)
        .fetch_optional(&mut *conn)
        .await
        .expect("reads");
    row.map_or((0, 0), |r| (r.get(0), r.get(1)))
}

/// The wait is over, as time would make it (the clock of the server is not ours to turn).
async fn wait_over(app: &TestApp, subject: &str) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    sqlx::query("UPDATE login_attempts SET not_before = '2000-01-01T00:00:00Z' WHERE subject = $1")
        .bind(subject)
        .execute(&mut *conn)
        .await
        .expect("updates");
}

fn says_how_long(body: &Value) -> bool {
    let text = body["error"].as_str().unwrap_or_default();
    text.contains("秒后再试") || text.contains("分钟后再试")
}

#[rocket::async_test]
async fn forty_concurrent_wrong_logins_are_all_counted_and_none_succeeds() {
    let app = TestApp::demo().await;
    let client = client(&app, &[("login_delay_seconds", 600)]).await;
    let client = &client;
    let answers =
        join_all((0..40).map(|i| async move { login(client, "admin", &format!("wrong-{i}"), None).await })).await;
    assert!(answers.iter().all(|a| a.0 != Status::Ok), "{answers:?}");
    let checked = answers.iter().filter(|a| a.0 == Status::Unauthorized).count();
    assert!((1..=5).contains(&checked), "only the 5 free attempts are checked: {checked}");
    for (status, body, retry) in answers.iter().filter(|a| a.0 != Status::Unauthorized) {
        assert_eq!(*status, Status::TooManyRequests, "{body}");
        assert!(retry.is_some_and(|s| s > 0) && says_how_long(body), "{body} {retry:?}");
    }
    assert_eq!(counters(&app, "user:admin").await, (40, i64::try_from(checked).expect("small")), "all counted");
    // The owner waits too, and is told how long; once the wait is over, the owner gets in.
    let (status, body, retry) = login(client, "admin", PASSWORD, None).await;
    assert_eq!(status, Status::TooManyRequests, "{body}");
    assert!(retry.is_some() && says_how_long(&body), "{body}");
    wait_over(&app, "user:admin").await;
    assert_eq!(login(client, "admin", PASSWORD, None).await.0, Status::Ok, "no lockout of the owner");
    assert_eq!(counters(&app, "user:admin").await.1, 0, "the owner's success clears the failures");
}

/// The issue's burst: 29 wrong passwords and the right one. The right one that comes once
/// the free failures are counted waits like the others (it gets in only if fewer than 5
/// failures came before it, as a login on its own would).
#[rocket::async_test]
async fn a_burst_of_wrong_passwords_with_the_right_one_does_not_log_in_before_the_wait() {
    let app = TestApp::demo().await;
    let client = client(&app, &[("login_delay_seconds", 600)]).await;
    let client = &client;
    let wrong = join_all((0..29).map(|i| async move { login(client, "admin", &format!("nope-{i}"), None).await }));
    let right = async {
        for _ in 0..600 {
            if counters(&app, "user:admin").await.1 >= 5 {
                return login(client, "admin", PASSWORD, None).await;
            }
            rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("five failures were never counted");
    };
    let (wrong, right) = rocket::tokio::join!(wrong, right);
    assert!(wrong.iter().all(|a| a.0 != Status::Ok), "{wrong:?}");
    assert_eq!(right.0, Status::TooManyRequests, "{}", right.1);
    assert!(says_how_long(&right.1), "{}", right.1);
    assert_eq!(counters(&app, "user:admin").await.0, 30);
}

/// One address trying many names is slowed down for every name; another address is not.
#[rocket::async_test]
async fn the_limit_holds_per_client_address_too() {
    let app = TestApp::demo().await;
    let client = client(&app, &[("login_address_attempts", 4), ("login_delay_seconds", 600)]).await;
    let attacker = Some("10.0.0.1:40000");
    for i in 0..4 {
        let (status, body, _) = login(&client, &format!("guess-{i}"), "x", attacker).await;
        assert_eq!(status, Status::Unauthorized, "{body}");
    }
    let (status, body, retry) = login(&client, "admin", PASSWORD, attacker).await;
    assert_eq!(status, Status::TooManyRequests, "a fifth name from the same address waits: {body}");
    assert!(retry.is_some());
    let office = Some("10.0.0.2:40000");
    assert_eq!(login(&client, "admin", PASSWORD, office).await.0, Status::Ok, "another address is not slowed");
    assert_eq!(counters(&app, "addr:10.0.0.1").await, (5, 4));
}

/// The page's login says the same, in a page with the wait.
#[rocket::async_test]
async fn the_login_page_says_how_long_to_wait() {
    let app = TestApp::demo().await;
    let client = client(&app, &[("login_attempts", 1), ("login_delay_seconds", 600)]).await;
    let page = client.get("/login").dispatch().await.into_string().await.unwrap_or_default();
    let token = page.split("name=\"csrf_token\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("a token");
    let mut answers = Vec::new();
    for password in ["wrong", PASSWORD] {
        let body = format!("csrf_token={token}&username=admin&password={password}");
        let r = client.post("/login").header(ContentType::Form).body(body).dispatch().await;
        let retry = r.headers().get_one("Retry-After").map(str::to_owned);
        answers.push((r.status(), retry, r.into_string().await.unwrap_or_default()));
    }
    assert_eq!(answers[0].0, Status::UnprocessableEntity);
    assert!(answers[0].2.contains("用户名或密码错误"));
    assert_eq!(answers[1].0, Status::TooManyRequests, "the right password waits too");
    assert!(answers[1].1.is_some() && answers[1].2.contains("分钟后再试"), "{}", answers[1].2);
}

const SECRET: &str = "Zq7-never-in-any-log";

/// JSON logins of every wrong shape: refused, and the answer does not repeat them.
fn json_bodies_are_refused(http: &Http) {
    let json_bodies = [
        format!(r#"{{"username":"admin","passwrod":"{SECRET}"}}"#),
        format!(r#"{{"username":"admin","password":"{SECRET}",}}"#),
        format!(r#"{{"username":"admin","password":["{SECRET}"]}}"#),
        format!(r#"{{"username":"admin","password":{{"p":"{SECRET}"}}}}"#),
        format!(r#"{{"username":"{SECRET}","password":98765432123}}"#),
        format!(r#"{{"username":"admin","password":"{SECRET}""#),
        format!(r#"["admin","{SECRET}"]"#),
    ];
    for body in &json_bodies {
        let r = http.request("POST", "/api/v1/session", Some("application/json"), body.as_bytes()).expect("answers");
        assert!(matches!(r.status, 401 | 422), "{body}: {}", r.status);
        assert!(!String::from_utf8_lossy(&r.body).contains(SECRET), "the answer does not repeat it");
    }
}

/// Login forms of every wrong shape, with the page's visitor token (or a wrong one).
fn form_bodies_are_refused(http: &Http) {
    let page = http.get("/login");
    let visitor = page
        .headers
        .iter()
        .find_map(|(n, v)| (n == "set-cookie").then(|| v.strip_prefix("tiexi_visitor=")).flatten())
        .and_then(|v| v.split(';').next())
        .expect("a visitor cookie")
        .to_string();
    let cookie = format!("tiexi_visitor={visitor}");
    for form in [
        format!("csrf_token={visitor}&username=admin&passwrod={SECRET}"),
        format!("csrf_token={visitor}&username=admin&password={SECRET}&password=%ZZ"),
        format!("csrf_token={visitor}&username={SECRET}&password={SECRET}"),
        format!("csrf_token=wrong&username=admin&password={SECRET}"),
    ] {
        let ct = Some("application/x-www-form-urlencoded");
        let r =
            http.request_with("POST", "/login", ct, form.as_bytes(), &[("Cookie", cookie.as_str())]).expect("answers");
        assert!(matches!(r.status, 403 | 422), "{form}: {}", r.status);
    }
}

/// The real binary at its most talkative: no login body, whatever its shape, is in its log.
#[test]
fn no_login_body_reaches_the_log() {
    let rt = rocket::tokio::runtime::Runtime::new().expect("a runtime");
    let db = rt.block_on(TestDb::new());
    let dir = tempfile::tempdir().expect("a folder");
    let log = dir.path().join("serve.log");
    let server = Server::start_with(&db.url, true, &log, &[("ROCKET_LOG_LEVEL", "debug")]);
    let http = Http::new(server.port);
    json_bodies_are_refused(&http);
    form_bodies_are_refused(&http);
    drop(server);
    let text = std::fs::read_to_string(&log).expect("the log");
    assert!(text.contains("/api/v1/session"), "the log has the requests: {text}");
    assert!(!text.contains(SECRET) && !text.contains("98765432123"), "a login body is in the log:\n{text}");
}

/// 100 logins at once with made-up names: argon2 runs two at a time (the rest get 503 with
/// Retry-After), so the server's peak memory stays far below what 100 parallel checks of
/// 19 MiB would take.
#[test]
fn a_hundred_concurrent_logins_keep_the_peak_memory_low() {
    let rt = rocket::tokio::runtime::Runtime::new().expect("a runtime");
    let db = rt.block_on(TestDb::new());
    let dir = tempfile::tempdir().expect("a folder");
    let server = Server::start(&db.url, true, &dir.path().join("serve.log"));
    let port = server.port;
    let answers: Vec<(u16, Option<String>, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..100)
            .map(|i| {
                s.spawn(move || {
                    let body = json!({ "username": format!("nobody-{i}"), "password": "guess-guess" }).to_string();
                    let r = Http::new(port)
                        .request("POST", "/api/v1/session", Some("application/json"), body.as_bytes())
                        .expect("an answer");
                    (r.status, r.header("retry-after").map(str::to_owned), r.json())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a thread")).collect()
    });
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).expect("the server's status");
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| {
            // No VmHWM: the server has ended; its log says why.
            let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
            panic!("the server ended during the logins: {status}\n{log}")
        });
    println!("server peak after 100 concurrent logins: {} MB", peak_kb / 1024);
    assert!(peak_kb < 400 * 1024, "peak {peak_kb} kB");
    assert!(answers.iter().all(|a| matches!(a.0, 401 | 429 | 503)), "{answers:?}");
    let busy: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
    assert!(!busy.is_empty(), "two checks at a time: the rest are told to come back");
    assert!(busy.iter().all(|a| a.1.is_some() && a.2["error"].as_str().is_some_and(|e| e.contains("服务器繁忙"))));
}
