//! What is kept (issue 18 item 5), on SQLite and PostgreSQL: an upload with nothing to
//! import keeps no bytes; `tiexi purge` (the real binary, as the server does at start and
//! daily) deletes previews never confirmed after their days and empties the files of a
//! round closed longer ago than the retention, audited once; stored idempotent answers
//! hold no full account or ID number.

use crate::web_support;

use std::process::Command;

use rocket::http::{ContentType, Header, Status};
use serde_json::{json, Value};
use sqlx::Row;
use web_support::server::BIN;
use web_support::{case000, multipart, Agent, TestApp};

async fn sql(app: &TestApp, statement: &str) {
    let mut tx = tiexi::storage::begin_write(&app.pool).await.expect("a write");
    sqlx::query(sqlx::AssertSqlSafe(statement)).execute(&mut *tx).await.expect("runs");
    tx.commit().await.expect("commits");
}

async fn bytes_of(app: &TestApp, table: &str, column: &str, id: i64) -> Option<Vec<u8>> {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    // AssertSqlSafe: the test's own SQL (table and column names of ours); values are bound.
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {column} FROM {table} WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .expect("reads")
        .map(|r| r.get(0))
}

async fn upload(admin: &Agent, name: &str, bytes: &[u8]) -> i64 {
    let (status, body) = admin.upload("/api/v1/rounds/2024/imports", name, bytes).await;
    assert_eq!(status, Status::Ok, "{body}");
    body["import_id"].as_i64().expect("an import")
}

async fn document(admin: &Agent, project: i64) -> i64 {
    let (ct, form) = multipart(&[
        ("csrf_token", None, admin.csrf.as_bytes()),
        ("kind", None, b"contract"),
        ("file", Some("contract.pdf"), b"%PDF-1.4 the contract"),
    ]);
    let r = admin.client.post(format!("/projects/{project}/documents")).header(ct).body(form).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    project
}

fn purge(url: &str) -> String {
    let out = Command::new(BIN)
        .args(["purge", "--database", url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("tiexi purge runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn purge_entries(app: &TestApp) -> Vec<Value> {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    sqlx::query("SELECT new_json FROM audit WHERE action = 'retention.purge' ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .expect("reads")
        .iter()
        .map(|r| serde_json::from_str(&r.get::<String, _>(0)).expect("JSON"))
        .collect()
}

#[rocket::async_test]
async fn uploads_are_kept_only_for_their_time() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let rejected = upload(&admin, "nothing.csv", b"no header, no rows").await;
    assert_eq!(bytes_of(&app, "imports", "file_bytes", rejected).await, Some(Vec::new()), "no bytes kept");
    let stale = upload(&admin, "a.xlsx", &case000("applicants.xlsx")).await;
    let fresh = upload(&admin, "b.xlsx", &case000("applicants.xlsx")).await;
    let confirmed = upload(&admin, "c.xlsx", &case000("applicants.xlsx")).await;
    let (status, body) = admin.post_json(&format!("/api/v1/imports/{confirmed}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let project = admin.projects(2024).await[0]["id"].as_i64().expect("a project");
    let doc = document(&admin, project).await;
    let ten_days_ago = (chrono::Utc::now() - chrono::Duration::days(10)).format("%Y-%m-%dT%H:%M:%SZ");
    sql(&app, &format!("UPDATE imports SET created_at = '{ten_days_ago}' WHERE id IN ({rejected}, {stale})")).await;
    // The round is open: its files stay, whatever their age.
    let printed = purge(&app.db.url);
    assert!(printed.contains("已删除未确认的上传 2 个"), "{printed}");
    assert_eq!(bytes_of(&app, "imports", "file_bytes", stale).await, None, "a stale preview is deleted");
    assert!(bytes_of(&app, "imports", "file_bytes", fresh).await.is_some_and(|b| !b.is_empty()));
    assert!(bytes_of(&app, "imports", "file_bytes", confirmed).await.is_some_and(|b| !b.is_empty()));
    // Closed six years ago: past the five of the retention.
    sql(&app, "UPDATE rounds SET status = 'closed', updated_at = '2018-06-30T00:00:00Z' WHERE year = 2024").await;
    let printed = purge(&app.db.url);
    assert!(printed.contains("导入文件 1 个、证明材料 1 个"), "{printed}");
    assert_eq!(bytes_of(&app, "imports", "file_bytes", confirmed).await, Some(Vec::new()));
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let preview: String = sqlx::query("SELECT preview_json FROM imports WHERE id = $1")
        .bind(confirmed)
        .fetch_one(&mut *conn)
        .await
        .expect("reads")
        .get(0);
    assert_eq!(preview, "{}", "the preview's personal data go with the file");
    drop(conn);
    let page = admin.get(&format!("/projects/{doc}")).await.1;
    let name = page.split(&format!("/projects/{doc}/documents/")).nth(1).and_then(|s| s.split('"').next());
    let download = admin.get(&format!("/projects/{doc}/documents/{}", name.expect("still listed"))).await;
    assert_eq!(download.0, Status::NotFound, "its bytes are gone");
    purge(&app.db.url);
    let entries = purge_entries(&app).await;
    assert_eq!(entries.len(), 2, "one entry per purge that removed something: {entries:?}");
    assert_eq!(entries[0]["imports_deleted"], json!([rejected.min(stale), rejected.max(stale)]));
    assert_eq!(entries[1]["imports_emptied"], json!([confirmed]));
}

#[rocket::async_test]
async fn a_stored_idempotent_answer_holds_no_full_number() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let account = "6228480012345671234";
    let policy = web_support::case000_policy()
        .replace("year = 2023", "year = 2031")
        .replace("name = \"2023年度", &format!("name = \"{account} 2031年度"));
    let send = || {
        admin
            .client
            .post("/api/v1/rounds")
            .header(ContentType::JSON)
            .header(Header::new("X-CSRF-Token", admin.csrf.clone()))
            .header(Header::new("Idempotency-Key", "with-a-number"))
            .body(json!({ "policy_toml": policy }).to_string())
            .dispatch()
    };
    let first = send().await.into_string().await.unwrap_or_default();
    assert!(first.contains(account), "the first answer is whole: {first}");
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let stored: Vec<u8> = sqlx::query("SELECT body FROM idempotency WHERE key = 'with-a-number'")
        .fetch_one(&mut *conn)
        .await
        .expect("stored")
        .get(0);
    let stored = String::from_utf8(stored).expect("text");
    assert!(!stored.contains(account) && stored.contains("6228***********1234"), "{stored}");
    let again = send().await.into_string().await.unwrap_or_default();
    assert!(!again.contains(account) && again.contains("6228***********1234"), "the repeat is masked: {again}");
}
