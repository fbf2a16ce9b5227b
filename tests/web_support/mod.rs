//! Shared by the web tests: a real database per test (a temporary SQLite file, or a fresh
//! PostgreSQL database when `TEST_DATABASE_URL` is set), the whole application under
//! Rocket's local client, and logged-in users that carry their CSRF token.

#![allow(dead_code, reason = "each test binary uses a different part")]

pub mod cdp;
pub mod server;
pub mod workbook;

use std::fmt::Write;

use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};
use sqlx::{Connection, Executor};
use tiexi::accounts::Role;
use tiexi::storage::{self, Pool};

/// The password of every account the tests create (the demo's too).
pub const PASSWORD: &str = tiexi::demo::PASSWORD;
pub const CASE000: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/case000");

/// A database of its own for one test; a PostgreSQL one is dropped at the end (best effort).
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!("tiexi_test_{:016x}", rand::random::<u64>());
                let mut conn = sqlx::PgConnection::connect(&admin).await.expect("TEST_DATABASE_URL is reachable");
                conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("a fresh test database");
                let _ = conn.close().await;
                TestDb { url: with_database(&admin, &name), _dir: None, postgres: Some((admin, name)) }
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                TestDb { url: format!("sqlite://{}/t.db", dir.path().display()), _dir: Some(dir), postgres: None }
            }
        }
    }

    #[must_use]
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

/// `postgres://u@h:5432/postgres?x=y` with another database name.
#[must_use]
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    query.map_or_else(|| format!("{host_part}/{name}"), |q| format!("{host_part}/{name}?{q}"))
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else { return };
        // Drop may run inside the test's runtime: use a thread with a runtime of its own.
        let _ = std::thread::spawn(move || {
            let rt = rocket::tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                conn.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await.ok()
            })
        })
        .join();
    }
}

/// A migrated database (optionally with the demo) and the application over it.
pub struct TestApp {
    pub pool: Pool,
    pub db: TestDb,
}

impl TestApp {
    pub async fn empty() -> TestApp {
        let db = TestDb::new().await;
        let pool = storage::connect(&db.url, 8).await.expect("connect and migrate");
        TestApp { pool, db }
    }

    /// The demo division of `tiexi serve --demo`.
    pub async fn demo() -> TestApp {
        let app = TestApp::empty().await;
        assert!(tiexi::demo::load(&app.pool).await.expect("the demo loads"), "a fresh database takes the demo");
        app
    }

    pub async fn add_user(&self, name: &str, role: Role, unit: Option<&str>) -> i64 {
        let hash = tiexi::accounts::hash_password(PASSWORD).expect("a hash");
        let mut tx = storage::begin_write(&self.pool).await.expect("a write transaction");
        let id = storage::users::insert(&mut tx, name, &hash, role, unit).await.expect("a new user");
        tx.commit().await.expect("commit");
        id
    }

    /// A 团场 of the division's list (the online application picks from it).
    pub async fn add_unit(&self, name: &str) {
        let mut tx = storage::begin_write(&self.pool).await.expect("a write transaction");
        storage::units::add(&mut tx, name).await.expect("a unit");
        tx.commit().await.expect("commit");
    }

    /// Time passes (test-only setup): the project's 5-day 公示 ended `days_ago` days ago.
    pub async fn publicity_ended(&self, id: i64, days_ago: i64) {
        sqlx::query("UPDATE projects SET publication_start = $1, publication_end = $2 WHERE id = $3")
            .bind(today(-days_ago - 4))
            .bind(today(-days_ago))
            .bind(id)
            .execute(&self.pool.inner)
            .await
            .expect("test-only setup");
    }

    /// Test-only setup: every project without a payee gets one, its applicant's (a batch
    /// refuses a project without a complete payee, docs/payments.md).
    pub async fn give_payees(&self) {
        sqlx::query(
            "UPDATE projects SET payee_name = leader, payee_bank = '中国农业银行', \
             payee_account = '62284800' || CAST(100000000 + id AS TEXT) WHERE payee_account = ''",
        )
        .execute(&self.pool.inner)
        .await
        .expect("test-only setup");
    }

    /// The figment of `tiexi serve`, with this test's database and the real parser binary;
    /// the templates are the ones built in.
    #[must_use]
    pub fn figment(&self) -> Figment {
        tiexi::commands::figment(&self.db.url)
            .merge(("parser", env!("CARGO_BIN_EXE_tiexi")))
            .merge(("log_level", "critical"))
    }

    pub async fn client(&self) -> Client {
        Client::tracked(tiexi::web::rocket(self.figment())).await.expect("the application ignites")
    }

    /// A client logged in as `user` through the JSON login.
    pub async fn login(&self, user: &str) -> Agent {
        let client = self.client().await;
        let response = client
            .post("/api/v1/session")
            .header(ContentType::JSON)
            .body(json!({ "username": user, "password": PASSWORD }).to_string())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok, "login as {user}");
        let body: Value = serde_json::from_str(&response.into_string().await.unwrap_or_default()).expect("JSON");
        let csrf = body["csrf_token"].as_str().expect("a CSRF token").to_string();
        Agent { client, csrf }
    }
}

/// `tiexi check` on the test's database: (exit code, output).
#[must_use]
pub fn check(app: &TestApp) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["check", "--database", &app.db.url])
        .output()
        .expect("tiexi check runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// Today in the server's calendar (Beijing time), shifted by `days`: `2024-05-01`.
#[must_use]
pub fn today(days: i64) -> String {
    ((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() + chrono::Duration::days(days)).to_string()
}

/// A 公示 of 5 days (the policies' default) starting today.
#[must_use]
pub fn publish_now() -> Value {
    json!({ "action": "publish", "start": today(0), "end": today(4) })
}

/// A logged-in client and its CSRF token.
pub struct Agent {
    pub client: Client,
    pub csrf: String,
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!({ "not_json": text }))
}

impl Agent {
    pub async fn get(&self, path: &str) -> (Status, String) {
        let r = self.client.get(path.to_string()).dispatch().await;
        (r.status(), r.into_string().await.unwrap_or_default())
    }

    pub async fn get_json(&self, path: &str) -> (Status, Value) {
        let (status, text) = self.get(path).await;
        (status, json_of(&text))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (Status, Value) {
        let r = self
            .client
            .post(path.to_string())
            .header(ContentType::JSON)
            .header(Header::new("X-CSRF-Token", self.csrf.clone()))
            .body(body.to_string())
            .dispatch()
            .await;
        (r.status(), json_of(&r.into_string().await.unwrap_or_default()))
    }

    /// `POST path` as multipart with the file in field `file` (API: token in the header).
    pub async fn upload(&self, path: &str, name: &str, bytes: &[u8]) -> (Status, Value) {
        self.upload_with(path, &[("file", Some(name), bytes)]).await
    }

    /// `POST path` as multipart with more fields (API: token in the header).
    pub async fn upload_with(&self, path: &str, fields: &[(&str, Option<&str>, &[u8])]) -> (Status, Value) {
        let (ct, body) = multipart(fields);
        let r = self
            .client
            .post(path.to_string())
            .header(ct)
            .header(Header::new("X-CSRF-Token", self.csrf.clone()))
            .body(body)
            .dispatch()
            .await;
        (r.status(), json_of(&r.into_string().await.unwrap_or_default()))
    }

    /// A page form, the token first as our templates put it.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
        let mut body = format!("csrf_token={}", self.csrf);
        for (k, v) in fields {
            let _ = write!(body, "&{k}={}", encode(v));
        }
        let r = self.client.post(path.to_string()).header(ContentType::Form).body(body).dispatch().await;
        (r.status(), r.into_string().await.unwrap_or_default())
    }

    /// Every project of a round this user sees through the API (all pages).
    pub async fn projects(&self, year: i32) -> Vec<Value> {
        let mut all = Vec::new();
        for page in 1.. {
            let (status, body) =
                self.get_json(&format!("/api/v1/rounds/{year}/projects?per_page=500&page={page}")).await;
            assert_eq!(status, Status::Ok, "{body}");
            let list = body["projects"].as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                break;
            }
            all.extend(list);
        }
        all
    }

    /// The `total` of the API's project list of a round.
    pub async fn project_count(&self, year: i32) -> i64 {
        let (status, body) = self.get_json(&format!("/api/v1/rounds/{year}/projects?per_page=1")).await;
        assert_eq!(status, Status::Ok, "{body}");
        body["total"].as_i64().expect("a total")
    }
}

/// Percent-encoding for form values.
#[must_use]
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A multipart/form-data body: (field, file name, bytes), in order.
#[must_use]
pub fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (ContentType, Vec<u8>) {
    const BOUNDARY: &str = "tiexi-test-boundary-5b3c9e1f";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(b"\r\n\r\n"),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY)), body)
}

/// A file of the golden case000.
#[must_use]
pub fn case000(file: &str) -> Vec<u8> {
    std::fs::read(format!("{CASE000}/{file}")).expect("case000 is committed")
}

#[must_use]
pub fn case000_policy() -> String {
    String::from_utf8(case000("policy.toml")).expect("UTF-8")
}

/// The structured fields of the round form (`policy.<name>`), which tests send empty when
/// the TOML is the source.
pub const POLICY_FIELDS: [&str; 18] = [
    "year",
    "name",
    "window_start",
    "window_end",
    "day_count",
    "rate_mode",
    "cap_percent",
    "share_percent",
    "borrower_percent",
    "max_contract_percent",
    "max_months",
    "cap_cooperative",
    "cap_enterprise",
    "cap_individual_business",
    "cap_individual",
    "max_subsidy_per_project",
    "overdue",
    "allocation_method",
];
