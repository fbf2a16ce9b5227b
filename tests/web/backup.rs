//! `tiexi backup FILE` (issue 5, item 8) while the real server runs and a writer keeps
//! creating rounds: the copy passes `integrity_check`, holds every round committed before
//! the backup started, and a server started on it answers the same figures. PostgreSQL:
//! the command names `pg_dump` and exits non-zero.

use crate::web_support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use sqlx::{Connection, Row};
use web_support::server::{Http, Server, BIN};

fn policy(year: i32) -> String {
    web_support::case000_policy().replace("year = 2023", &format!("year = {year}"))
}

fn years(http: &Http) -> Vec<i64> {
    let r = http.get("/api/v1/rounds");
    assert_eq!(r.status, 200);
    r.json()["rounds"].as_array().expect("rounds").iter().filter_map(|r| r["year"].as_i64()).collect()
}

/// Create rounds 2100, 2101, ... until told to stop; `committed` holds the years answered 200.
fn writer(http: Http, stop: Arc<AtomicBool>, committed: Arc<Mutex<Vec<i32>>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for year in 2100.. {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let r = http.json("POST", "/api/v1/rounds", &json!({ "policy_toml": policy(year) }));
            assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
            committed.lock().expect("the list").push(year);
        }
    })
}

#[test]
fn a_backup_taken_during_writes_restores_into_a_working_server_with_the_same_figures() {
    let dir = tempfile::tempdir().expect("a directory");
    let url = format!("sqlite://{}/live.db", dir.path().display());
    let server = Server::start(&url, true, &dir.path().join("live.log"));
    let http = Http::login(server.port, "admin", web_support::PASSWORD);
    let (stop, committed) = (Arc::new(AtomicBool::new(false)), Arc::new(Mutex::new(Vec::new())));
    let handle = writer(http.clone(), stop.clone(), committed.clone());
    while committed.lock().expect("the list").len() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before: Vec<i32> = committed.lock().expect("the list").clone();
    let copy = dir.path().join("copy.db");
    let out =
        Command::new(BIN).args(["backup", copy.to_str().expect("UTF-8"), "--database", &url]).output().expect("runs");
    let during = committed.lock().expect("the list").len();
    stop.store(true, Ordering::SeqCst);
    handle.join().expect("the writer ends cleanly");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(during > before.len(), "the writer kept writing during the backup ({during})");
    let again =
        Command::new(BIN).args(["backup", copy.to_str().expect("UTF-8"), "--database", &url]).output().expect("runs");
    assert!(!again.status.success(), "an existing file is never overwritten");

    check_copy(&format!("sqlite://{}", copy.display()), &before, &http, dir.path());
}

/// The copy passes `integrity_check` and the audit chain, holds the rounds committed before
/// the backup, and a server on it answers the figures of the original.
fn check_copy(copy_url: &str, before: &[i32], http: &Http, dir: &std::path::Path) {
    rocket::execute(async {
        let mut conn = sqlx::SqliteConnection::connect(copy_url).await.expect("the copy opens");
        let ok: String =
            sqlx::query("PRAGMA integrity_check").fetch_one(&mut conn).await.and_then(|r| r.try_get(0)).expect("runs");
        assert_eq!(ok, "ok");
        let _ = conn.close().await;
    });
    let restored = Server::start(copy_url, false, &dir.join("copy.log"));
    let on_copy = Http::login(restored.port, "admin", web_support::PASSWORD);
    let kept = years(&on_copy);
    for y in before {
        assert!(kept.contains(&i64::from(*y)), "round {y}, committed before the backup, is in the copy");
    }
    let newest = kept.iter().max().copied().expect("rounds");
    for q in ["through=2024".to_string(), format!("through={newest}"), "year=2024".to_string()] {
        let (a, b) = (http.get(&format!("/api/v1/figures?{q}")), on_copy.get(&format!("/api/v1/figures?{q}")));
        assert_eq!((a.status, b.status), (200, 200));
        assert_eq!(a.json(), b.json(), "figures {q}");
    }
    let verify = Command::new(BIN).args(["audit", "verify", "--database", copy_url]).output().expect("runs");
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}

#[test]
fn a_postgresql_backup_names_pg_dump_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("x.dump");
    let out = Command::new(BIN)
        .args(["backup", file.to_str().expect("UTF-8"), "--database", "postgres://nobody@127.0.0.1:1/none"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump --format=custom"));
    assert!(!file.exists(), "nothing written");
}
