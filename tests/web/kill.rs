//! SIGKILL of the real server in the middle of a confirmed import leaves the whole import
//! or none of it, and a database file that passes `PRAGMA integrity_check`.

use crate::web_support;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::{Connection, Row};
use web_support::server::{self, Http, Server};

const PROJECTS: u32 = 1500;
const LOANS_EACH: u32 = 2;
const PASSWORD: &str = "kill-test-password";

/// A server on a fresh database with an account, the 2023 round and a previewed upload
/// of the large workbook; returns the server, the client, the import id, the database URL
/// and how long the upload took (mostly the parse that the confirmation repeats).
fn prepared(dir: &Path, workbook: &[u8]) -> (Server, Http, i64, String, Duration) {
    let url = format!("sqlite://{}/t.db", dir.display());
    server::add_user(&url, "admin", "division_staff", PASSWORD);
    let server = Server::start(&url, false, &dir.join("server.log"));
    let http = Http::login(server.port, "admin", PASSWORD);
    let round = http.json("POST", "/api/v1/rounds", &json!({ "policy_toml": web_support::case000_policy() }));
    assert_eq!(round.status, 200, "{}", String::from_utf8_lossy(&round.body));
    let (ct, body) = web_support::multipart(&[("file", Some("large.xlsx"), workbook)]);
    let started = Instant::now();
    let upload = http.request("POST", "/api/v1/rounds/2023/imports", Some(&ct.to_string()), &body).expect("an answer");
    let parse = started.elapsed();
    assert_eq!(upload.status, 200, "{}", String::from_utf8_lossy(&upload.body));
    let preview = upload.json()["preview"].clone();
    assert_eq!(preview["errors"], json!([]), "the generated workbook is valid");
    assert_eq!(preview["projects"].as_array().map(Vec::len), Some(PROJECTS as usize));
    let id = upload.json()["import_id"].as_i64().expect("an import id");
    (server, http, id, url, parse)
}

fn count(http: &Http) -> i64 {
    let r = http.get("/api/v1/rounds/2023/projects?per_page=1");
    assert_eq!(r.status, 200);
    r.json()["total"].as_i64().expect("a total")
}

/// `PRAGMA integrity_check` on the file, then what it holds: (projects, loans, import status).
async fn check_file(url: &str) -> (i64, i64, String) {
    let mut conn = sqlx::SqliteConnection::connect(url).await.expect("the file opens");
    let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&mut conn).await.expect("integrity_check runs");
    let answers: Vec<String> = rows.iter().map(|r| r.try_get(0).expect("text")).collect();
    assert_eq!(answers, ["ok"], "integrity_check");
    let one = |sql: &'static str| sqlx::query(sql);
    let projects: i64 =
        one("SELECT COUNT(*) FROM projects").fetch_one(&mut conn).await.and_then(|r| r.try_get(0)).expect("n");
    let loans: i64 =
        one("SELECT COUNT(*) FROM loans").fetch_one(&mut conn).await.and_then(|r| r.try_get(0)).expect("n");
    let status: String =
        one("SELECT status FROM imports").fetch_one(&mut conn).await.and_then(|r| r.try_get(0)).expect("s");
    let _ = conn.close().await;
    (projects, loans, status)
}

/// Confirm the import while the server is killed after `delay`; returns the projects found.
async fn kill_during_confirm(workbook: &[u8], delay: Duration) -> i64 {
    let dir = tempfile::tempdir().expect("a directory");
    let (mut server, http, id, url, _) = prepared(dir.path(), workbook);
    let confirming = http.clone();
    let path = format!("/api/v1/imports/{id}/confirm");
    let request = std::thread::spawn(move || confirming.request("POST", &path, Some("application/json"), b"{}"));
    std::thread::sleep(delay);
    server.kill();
    let answered = request.join().is_ok_and(|r| r.is_ok());
    let all = (i64::from(PROJECTS), i64::from(PROJECTS * LOANS_EACH), "confirmed".to_string());
    let found = check_file(&url).await;
    assert!(
        found == (0, 0, "previewed".into()) || found == all,
        "killed after {delay:?}: {found:?} is neither none nor all"
    );
    assert!(!answered || found == all, "an answered confirmation was kept");
    let server = Server::start(&url, false, &dir.path().join("restart.log"));
    let http = Http::login(server.port, "admin", PASSWORD);
    assert_eq!(count(&http), found.0, "the restarted server sees the same");
    // Whatever happened, the import finishes (or has finished) exactly once.
    let again = http.json("POST", &format!("/api/v1/imports/{id}/confirm"), &json!({}));
    assert_eq!(again.status, 200, "{}", String::from_utf8_lossy(&again.body));
    assert_eq!(again.json()["already"], json!(found.0 != 0), "the import's state agrees with its projects");
    assert_eq!(count(&http), i64::from(PROJECTS));
    drop(server);
    assert_eq!(check_file(&url).await, all);
    found.0
}

#[rocket::async_test]
async fn sigkill_during_a_confirmed_import_leaves_all_or_nothing() {
    let workbook = web_support::workbook::generate(PROJECTS, LOANS_EACH);
    // How long the parse and the whole confirmation take here, so that kills land in the
    // parse and in the write transaction after it (no assertion on time).
    let dir = tempfile::tempdir().expect("a directory");
    let (server, http, id, url, parse) = prepared(dir.path(), &workbook);
    let started = Instant::now();
    let done = http.json("POST", &format!("/api/v1/imports/{id}/confirm"), &json!({}));
    let full = started.elapsed();
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    assert_eq!(count(&http), i64::from(PROJECTS));
    drop(server);
    assert_eq!(check_file(&url).await.0, i64::from(PROJECTS));
    let write = full.saturating_sub(parse);
    println!("{PROJECTS} projects: parse about {parse:?}, whole confirmation {full:?}");
    let mut outcomes = Vec::new();
    for delay in [parse / 2, parse + write / 4, parse + write / 2, parse + write * 9 / 10] {
        outcomes.push((delay, kill_during_confirm(&workbook, delay).await));
    }
    println!("kill delay → projects found after restart: {outcomes:?}");
}
