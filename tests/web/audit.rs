//! The audit trail (issue 5, item 6): every change writes one entry in its own transaction,
//! with personal numbers masked; the table refuses UPDATE and DELETE; an edit behind the
//! triggers' back is named by the real `tiexi audit verify`; the reveal of a full ID number
//! is audited and refused to roles without the right. SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`.

use crate::web_support;

use std::process::{Command, Output, Stdio};

use rocket::http::{ContentType, Status};
use serde_json::json;
use sqlx::{Connection, Executor, Row};
use tiexi::accounts::Role;
use tiexi::storage;
use web_support::server::{self, BIN};
use web_support::{case000, Agent, TestApp};

/// (action, old JSON, new JSON) of every entry, in order.
async fn entries(app: &TestApp) -> Vec<(String, String, String)> {
    let rows = sqlx::query("SELECT action, old_json, new_json FROM audit ORDER BY seq")
        .fetch_all(&app.pool.inner)
        .await
        .expect("the audit table reads");
    rows.iter()
        .map(|r| (r.try_get(0).expect("action"), r.try_get(1).expect("old"), r.try_get(2).expect("new")))
        .collect()
}

async fn count(app: &TestApp, action: &str) -> usize {
    entries(app).await.iter().filter(|(a, _, _)| a == action).count()
}

fn verify(url: &str) -> Output {
    Command::new(BIN).args(["audit", "verify", "--database", url]).stdin(Stdio::null()).output().expect("tiexi runs")
}

/// The round form of the pages, with TOML as its source.
async fn update_policy_page(agent: &Agent, toml: &str) -> Status {
    let mut fields: Vec<(&str, Option<&str>, &[u8])> =
        vec![("csrf_token", None, agent.csrf.as_bytes()), ("source", None, b"toml"), ("toml", None, toml.as_bytes())];
    let names = web_support::POLICY_FIELDS;
    let policy_fields: Vec<String> = names.iter().map(|n| format!("policy.{n}")).collect();
    for n in &policy_fields {
        fields.push((n.as_str(), None, b""));
    }
    let (ct, body) = web_support::multipart(&fields);
    agent.client.post("/rounds/2023").header(ct).body(body).dispatch().await.status()
}

/// Round creation, policy update, import confirmation with its recalculation: one entry
/// each (one per project the engine moves); returns the round's projects.
async fn rounds_and_imports(app: &TestApp, admin: &Agent) -> Vec<serde_json::Value> {
    let policy = web_support::case000_policy();
    assert_eq!(admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await.0, Status::Ok);
    assert_eq!(count(app, "round.create").await, 1);
    let changed = policy.replace("2023年度职工", "2023年度（修订）职工");
    assert_eq!(update_policy_page(admin, &changed).await, Status::SeeOther);
    assert_eq!(count(app, "round.policy_update").await, 1);

    let (_, up) = admin.upload("/api/v1/rounds/2023/imports", "a.xlsx", &case000("applicants.xlsx")).await;
    let import = up["import_id"].as_i64().expect("an import");
    let (status, body) = admin.post_json(&format!("/api/v1/imports/{import}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(count(app, "import.confirm").await, 1);
    let projects = admin.projects(2023).await;
    // A new project starts at 0 and 'ineligible': those that the engine moves get an entry.
    let moved = sqlx::query("SELECT COUNT(*) FROM projects WHERE requested_fen <> 0 OR calc_status <> 'ineligible'")
        .fetch_one(&app.pool.inner)
        .await
        .and_then(|r| r.try_get::<i64, _>(0))
        .expect("a count");
    assert!(moved > 10, "{moved} of {}", projects.len());
    assert_eq!(count(app, "project.recalculate").await, usize::try_from(moved).expect("small"));
    // A second confirmation changes nothing and writes nothing.
    admin.post_json(&format!("/api/v1/imports/{import}/confirm"), &json!({})).await;
    assert_eq!(count(app, "import.confirm").await, 1);
    projects
}

/// Round status, user add and disable (the real binary), one reveal; returns the full number.
async fn status_users_and_reveal(app: &TestApp, admin: &Agent, project: i64) -> String {
    let round = storage::rounds::find_by_year(&mut app.pool.inner.acquire().await.expect("c"), 2023)
        .await
        .expect("reads")
        .expect("the round");
    let session = tiexi::web::accounts::auth::Session {
        user: storage::users::find_by_name(&mut app.pool.inner.acquire().await.expect("c"), "admin")
            .await
            .expect("reads")
            .expect("admin"),
        role: Role::DivisionStaff,
        csrf: String::new(),
    };
    tiexi::app::rounds::set_status(&app.pool, session.actor(), &round, "closed").await.expect("closed");
    assert_eq!(count(app, "round.status").await, 1);

    server::add_user(&app.db.url, "clerk", "auditor", "a-long-password");
    let disabled = Command::new(BIN)
        .args(["user", "disable", "--username", "clerk", "--database", &app.db.url])
        .status()
        .expect("tiexi runs");
    assert!(disabled.success());
    assert_eq!(count(app, "user.add").await, 1);
    assert_eq!(count(app, "user.disable").await, 1);

    let (status, body) = admin.post_json(&format!("/api/v1/projects/{project}/id-number"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let full = body["id_number"].as_str().expect("the full number").to_string();
    assert_eq!(full.chars().count(), 18, "{full}");
    assert_eq!(count(app, "id_number.reveal").await, 1);
    full
}

#[rocket::async_test]
async fn every_change_writes_one_entry_with_personal_numbers_masked() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    let projects = rounds_and_imports(&app, &admin).await;
    let full = status_users_and_reveal(&app, &admin, projects[0]["id"].as_i64().expect("an id")).await;
    // No full ID number is anywhere in the trail; the masked ones are.
    let all = entries(&app).await;
    let numbers: Vec<String> = sqlx::query("SELECT id_number FROM projects")
        .fetch_all(&app.pool.inner)
        .await
        .expect("reads")
        .iter()
        .map(|r| r.try_get(0).expect("text"))
        .collect();
    for n in numbers.iter().filter(|n| !n.is_empty()) {
        assert!(all.iter().all(|(_, o, w)| !o.contains(n.as_str()) && !w.contains(n.as_str())), "{n} is in the trail");
    }
    let masked = tiexi::export::mask::id_number(&full);
    assert!(all.iter().any(|(a, _, w)| a == "id_number.reveal" && w.contains(&masked)), "{masked}");

    let ok = verify(&app.db.url);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains(&format!("{} 条", all.len())));
}

#[rocket::async_test]
async fn the_reveal_is_audited_and_refused_to_cooperatives_and_regiment_staff() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let own = coop.projects(2024).await;
    let id = own[0]["id"].as_i64().expect("coop-a owns a project");
    assert!(own[0]["id_number"].as_str().is_some_and(|n| n.contains('*')), "masked in the list");
    let before = entries(&app).await.len();
    for user in ["coop-a", "hongxing2"] {
        let agent = app.login(user).await;
        assert_eq!(agent.post_json(&format!("/api/v1/projects/{id}/id-number"), &json!({})).await.0, Status::Forbidden);
        assert_eq!(agent.post_form(&format!("/projects/{id}/id-number"), &[]).await.0, Status::Forbidden, "{user}");
        let (_, page) = agent.get(&format!("/projects/{id}")).await;
        assert!(!page.contains("id=\"reveal\""), "{user} is offered no reveal");
    }
    assert_eq!(entries(&app).await.len(), before, "a refused reveal writes nothing");
    let auditor = app.login("auditor").await;
    let (_, page) = auditor.get(&format!("/projects/{id}")).await;
    assert!(page.contains("id=\"reveal\"") && !page.contains("id=\"full-id\""), "masked until revealed");
    let (status, page) = auditor.post_form(&format!("/projects/{id}/id-number"), &[]).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("id=\"full-id\""), "the page shows the full number");
    let (status, trail) = auditor.get_json(&format!("/api/v1/audit?action=id_number.reveal&entity_id={id}")).await;
    assert_eq!(status, Status::Ok, "{trail}");
    assert_eq!(trail["total"], 1, "{trail}");
    assert_eq!(trail["entries"][0]["actor"], "auditor");
    // Without the CSRF token the reveal is refused like every other POST.
    let bare = auditor.client.post(format!("/projects/{id}/id-number")).header(ContentType::Form).dispatch().await;
    assert_eq!(bare.status(), Status::Forbidden);
}

#[rocket::async_test]
async fn the_audit_page_and_api_filter_and_scope_by_role() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let policy = web_support::case000_policy().replace("year = 2023", "year = 2026");
    assert_eq!(admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await.0, Status::Ok);
    let (status, all) = admin.get_json("/api/v1/audit").await;
    assert_eq!(status, Status::Ok, "{all}");
    assert_eq!(all["total"], 2, "demo.load and round.create: {all}");
    let (_, by_year) = admin.get_json("/api/v1/audit?year=2026&actor=admin&entity=round").await;
    assert_eq!(by_year["total"], 1, "{by_year}");
    assert_eq!(by_year["entries"][0]["action"], "round.create");
    let (_, none) = admin.get_json("/api/v1/audit?from=2000-01-01&to=2000-12-31").await;
    assert_eq!(none["total"], 0);
    assert_eq!(admin.get_json("/api/v1/audit?from=yesterday").await.0, Status::UnprocessableEntity);
    let (status, page) = admin.get("/audit?entity=round").await;
    assert_eq!(status, Status::Ok);
    let table = page.split("id=\"audit\"").nth(1).and_then(|t| t.split("</table>").next()).unwrap_or_default();
    assert!(table.contains("新建年度") && !table.contains("载入演示数据"), "filtered page, in words: {table}");
    for user in ["coop-a"] {
        let agent = app.login(user).await;
        assert_eq!(agent.get("/audit").await.0, Status::Forbidden, "{user}");
        assert_eq!(agent.get_json("/api/v1/audit").await.0, Status::Forbidden, "{user}");
    }
    // Regiment staff see their 团场's projects' entries and their own, nothing else.
    let auditor = app.login("auditor").await;
    let staff = app.login("hongxing2").await;
    let theirs = staff.projects(2024).await[0]["id"].as_i64().expect("a project of 红星二场");
    let other = admin.projects(2024).await.iter().find(|p| p["unit"] != "红星二场").expect("another")["id"].clone();
    for id in [json!(theirs), other] {
        let (status, _) = auditor.post_json(&format!("/api/v1/projects/{id}/id-number"), &json!({})).await;
        assert_eq!(status, Status::Ok);
    }
    let (status, seen) = staff.get_json("/api/v1/audit").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(seen["total"], 1, "only the reveal of their own project: {seen}");
    assert_eq!(seen["entries"][0]["entity_id"], theirs.to_string());
}

#[rocket::async_test]
async fn the_audit_table_refuses_update_and_delete() {
    let app = TestApp::demo().await;
    let before = entries(&app).await;
    assert!(!before.is_empty());
    for sql in
        ["UPDATE audit SET actor = 'mallory'", "DELETE FROM audit", "UPDATE audit SET new_json = '{}' WHERE seq = 1"]
    {
        assert!(app.pool.inner.execute(sql).await.is_err(), "{sql} must be refused");
    }
    assert_eq!(entries(&app).await, before);
}

/// Change a row where the triggers cannot see it: drop them (SQLite) or disable them
/// (PostgreSQL, as the superuser the tests use) on a connection of its own.
async fn tamper(url: &str, postgres: bool, seq: i64) {
    let statements = if postgres {
        vec![
            "ALTER TABLE audit DISABLE TRIGGER audit_no_update".to_string(),
            format!("UPDATE audit SET actor = 'mallory' WHERE seq = {seq}"),
        ]
    } else {
        vec![
            "DROP TRIGGER audit_no_update".to_string(),
            format!("UPDATE audit SET actor = 'mallory' WHERE seq = {seq}"),
        ]
    };
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("a connection of its own");
    for s in statements {
        conn.execute(sqlx::AssertSqlSafe(s)).await.expect("the tampering runs");
    }
    let _ = conn.close().await;
}

#[rocket::async_test]
async fn an_edit_behind_the_triggers_back_is_named_by_tiexi_audit_verify() {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    for year in 2030..2034 {
        let policy = web_support::case000_policy().replace("year = 2023", &format!("year = {year}"));
        assert_eq!(admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await.0, Status::Ok);
    }
    let intact = verify(&app.db.url);
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stderr));
    assert!(String::from_utf8_lossy(&intact.stdout).contains("OK"));
    let seqs: Vec<i64> = sqlx::query("SELECT seq FROM audit ORDER BY seq")
        .fetch_all(&app.pool.inner)
        .await
        .expect("reads")
        .iter()
        .map(|r| r.try_get(0).expect("seq"))
        .collect();
    assert_eq!(seqs.len(), 4);
    app.pool.inner.close().await;
    tamper(&app.db.url, app.db.is_postgres(), seqs[2]).await;
    let broken = verify(&app.db.url);
    assert!(!broken.status.success(), "verify must fail");
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains(&format!("seq {} ", seqs[2])), "names the changed row: {err}");
}
