//! Issue 16's books and settings, through the pages, the API and the command line, on
//! SQLite or PostgreSQL (`TEST_DATABASE_URL`): the division's settings printed on every
//! report; pools as accounts (到位, 历史拨付, 结转 to the next round, cancelled lines) with
//! their guards; 绩效 targets scored in the report; every change audited with old and new
//! values, only by division staff, and `tiexi check` still finding nothing wrong.

use crate::support;
use crate::web_support;

use rocket::http::Status;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use support::{cell, dec, rows};
use web_support::{Agent, TestApp};

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM audit WHERE action = $1")
            .bind(action)
            .fetch_one(&mut *conn)
            .await
            .expect("a count"),
        0,
    )
}

async fn last_audit(app: &TestApp, action: &str) -> (Value, Value) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let r = sqlx::query("SELECT old_json, new_json FROM audit WHERE action = $1 ORDER BY seq DESC LIMIT 1")
        .bind(action)
        .fetch_one(&mut *conn)
        .await
        .expect("an audit row");
    let text = |i: usize| serde_json::from_str(&sqlx::Row::get::<String, _>(&r, i)).expect("JSON");
    (text(0), text(1))
}

async fn no_breach(app: &TestApp) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let breaches = tiexi::storage::check::run(&mut conn, app.pool.backend).await.expect("the checks run");
    assert!(breaches.is_empty(), "{breaches:?}");
}

async fn report(agent: &Agent, year: i32) -> Vec<u8> {
    let r = agent.client.get(format!("/api/v1/rounds/{year}/report.xlsx")).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    r.into_bytes().await.expect("a body")
}

/// The 资金来源 row of a pool, by name, and a column of it by header.
fn pool(bytes: &[u8], name: &str, column: &str) -> Decimal {
    let all = rows(bytes, "资金来源");
    let header = all.iter().find(|r| cell(r, 0) == "资金来源").expect("the header");
    let at = header.iter().position(|h| *h == column).expect(column);
    dec(&all.iter().find(|r| cell(r, 0) == name).expect(name)[at])
}

#[rocket::async_test]
async fn settings_are_set_on_the_page_and_the_command_line_and_every_report_prints_them() {
    let app = TestApp::demo().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["settings", "set", "division_name", "第十三师新星市总工会（测试）", "--database", &app.db.url])
        .output()
        .expect("tiexi runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["settings", "set", "division_nam", "x", "--database", &app.db.url])
        .output()
        .expect("tiexi runs");
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("未知的设置项"));
    let (old, new) = last_audit(&app, "setting.set").await;
    assert_eq!(
        (old["value"].as_str(), new["value"].as_str()),
        (Some("新疆生产建设兵团第十三师新星市总工会"), Some("第十三师新星市总工会（测试）"))
    );
    let admin = app.login("admin").await;
    let (status, page) = admin.get("/settings").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("第十三师新星市总工会（测试）") && page.contains("填报单位全称"));
    let (status, _) = admin.post_form("/settings", &[("title_head", "主席"), ("preparer", "王芳")]).await;
    assert_eq!(status, Status::SeeOther);
    let bytes = report(&admin, 2023).await;
    let summary = rows(&bytes, "汇总");
    assert_eq!(cell(&summary[2], 0), "填报单位（盖章）：第十三师新星市总工会（测试）");
    let text: Vec<String> = summary.iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(
        text.iter().any(|t| t.starts_with("主席：") && t.contains("制表人：王芳")),
        "the signature line follows the settings"
    );
    let (status, body) =
        admin.post_json("/api/v1/settings", &json!({ "objection_contact": "电话 0902-1111111" })).await;
    assert_eq!((status, body["changed"].as_i64()), (Status::Ok, Some(1)), "{body}");
    for user in ["auditor", "hongxing2", "coop-a"] {
        let agent = app.login(user).await;
        assert_eq!(agent.get("/settings").await.0, Status::Forbidden, "{user}");
        let (status, _) = agent.post_json("/api/v1/settings", &json!({ "division_name": "x" })).await;
        assert_eq!(status, Status::Forbidden, "{user}");
    }
    assert_eq!(audit_count(&app, "setting.set").await, 4, "one row per changed setting");
}

/// Approve one 2024 project through review (SQL: the review is issue 5's, tested there) and
/// grant it through the allocation workflow (maker and checker).
async fn granted(app: &TestApp, admin: &Agent) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    sqlx::query("UPDATE projects SET state = 'approved' WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) AND position = 4")
        .execute(&mut *conn)
        .await
        .expect("approved");
    drop(conn);
    let checker = app.login("admin2").await;
    let (status, proposal) = admin.post_json("/api/v1/rounds/2024/allocations", &json!({ "dry_run": false })).await;
    assert_eq!(status, Status::Ok, "{proposal}");
    let path = format!("/api/v1/allocations/{}/actions", proposal["allocation_id"]);
    assert_eq!(checker.post_json(&path, &json!({ "action": "approve" })).await.0, Status::Ok);
}

fn pool_id(funds: &Value, name: &str) -> i64 {
    funds["pools"]
        .as_array()
        .and_then(|p| p.iter().find(|x| x["name"] == name))
        .and_then(|x| x["id"].as_i64())
        .expect(name)
}

async fn record(admin: &Agent, body: &Value) -> (Status, Value) {
    admin.post_json("/api/v1/rounds/2024/funds", body).await
}

/// 到位 is recorded and cancelled (once); 历史拨付 only where a grant is not yet paid.
#[rocket::async_test]
async fn pools_record_money_received_and_paid_before_the_system() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let funds = admin.get_json("/api/v1/rounds/2024/funds").await.1;
    let (corps, own) = (pool_id(&funds, "兵团项目资金"), pool_id(&funds, "师市总工会自筹"));
    let receipt = json!({ "kind": "receipt", "pool_id": own, "amount": "350,000.00", "on": "2024-08-01", "document_no": "师市工发〔2024〕19号" });
    let (status, receipt) = record(&admin, &receipt).await;
    assert_eq!(status, Status::Ok, "{receipt}");
    let historical = json!({ "kind": "historical", "pool_id": corps, "amount": "1000.00", "on": "2024-06-30", "document_no": "2024-记-001" });
    assert_eq!(record(&admin, &historical).await.0, Status::Conflict, "nothing granted yet");
    granted(&app, &admin).await;
    assert_eq!(record(&admin, &historical).await.0, Status::Ok);
    let zero = json!({ "kind": "receipt", "pool_id": corps, "amount": "0", "on": "2024-08-01", "document_no": "x" });
    assert_eq!(record(&admin, &zero).await.0, Status::UnprocessableEntity);
    let bytes = report(&admin, 2024).await;
    assert_eq!(pool(&bytes, "师市总工会自筹", "到位"), Decimal::from(700_000));
    assert_eq!(pool(&bytes, "兵团项目资金", "已拨付"), Decimal::from(1000));
    assert_eq!(pool(&bytes, "兵团项目资金", "剩余"), Decimal::from(700_000 - 1000));
    let payments = rows(&bytes, "资金来源");
    assert!(payments.iter().any(|r| cell(r, 0) == "历史拨付" && cell(r, 4) == "2024-记-001"), "a line of its own");
    let id = receipt["id"].as_i64().expect("an id");
    let cancel = format!("/api/v1/funds/{id}/cancel");
    assert_eq!(admin.post_json(&cancel, &json!({ "kind": "receipt" })).await.0, Status::Ok);
    assert_eq!(admin.post_json(&cancel, &json!({ "kind": "receipt" })).await.0, Status::Conflict);
    assert_eq!(pool(&report(&admin, 2024).await, "师市总工会自筹", "到位"), Decimal::from(350_000));
    let (old, new) = last_audit(&app, "receipt.cancel").await;
    assert_eq!((old["amount"].as_str(), new["state"].as_str()), (Some("350000.00"), Some("cancelled")));
    for action in ["receipt.add", "historical_payment.add"] {
        assert!(audit_count(&app, action).await >= 1, "{action} is audited");
    }
    no_breach(&app).await;
}

/// 结转 goes to a pool of the next round only, no more than is uncommitted, and the next
/// round's report shows it carried in.
#[rocket::async_test]
async fn pools_carry_what_is_left_to_the_next_round() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let funds = admin.get_json("/api/v1/rounds/2024/funds").await.1;
    let (corps, own) = (pool_id(&funds, "兵团项目资金"), pool_id(&funds, "师市总工会自筹"));
    let toml =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/policy.example.toml")).expect("a policy");
    let toml = toml
        .replace("year = 2024", "year = 2025")
        .replace("2025-01-01 }", "2026-01-01 }")
        .replace("start = 2024-01-01", "start = 2025-01-01");
    assert_eq!(admin.post_json("/api/v1/rounds", &json!({ "policy_toml": toml })).await.0, Status::Ok);
    let to = pool_id(&admin.get_json("/api/v1/rounds/2025/funds").await.1, "兵团项目资金");
    let carry = |amount: &str, to_pool: i64| json!({ "kind": "carryover", "pool_id": corps, "to_pool_id": to_pool, "amount": amount, "on": "2024-12-31", "document_no": "师市工发〔2024〕30号" });
    assert_eq!(record(&admin, &carry("100000", own)).await.0, Status::UnprocessableEntity, "not within the round");
    let uncommitted: Decimal = funds["pools"][0]["uncommitted"].as_str().expect("an amount").parse().expect("a number");
    let over = (uncommitted + Decimal::new(1, 2)).to_string();
    assert_eq!(record(&admin, &carry(&over, to)).await.0, Status::Conflict, "beyond what is uncommitted");
    let (status, body) = record(&admin, &carry("100000", to)).await;
    assert_eq!(status, Status::Ok, "{body}");
    let bytes = report(&admin, 2024).await;
    assert_eq!(pool(&bytes, "兵团项目资金", "结转下年"), Decimal::from(100_000));
    assert_eq!(pool(&bytes, "兵团项目资金", "剩余"), Decimal::from(600_000));
    let next = report(&admin, 2025).await;
    assert_eq!(pool(&next, "兵团项目资金", "上年结转"), Decimal::from(100_000));
    assert!(rows(&next, "资金来源").iter().any(|r| cell(r, 2) == "上年结转" && cell(r, 1) == "兵团项目资金"));
    assert_eq!(audit_count(&app, "carryover.add").await, 1);
    no_breach(&app).await;
}

#[rocket::async_test]
async fn the_funds_page_records_for_division_staff_and_shows_auditors_the_accounts() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (status, page) = admin.get("/rounds/2024/funds").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("id=\"receipt\"") && page.contains("350,000.00"), "the form and the demo's receipts");
    let pool_id =
        admin.get_json("/api/v1/rounds/2024/funds").await.1["pools"][1]["id"].as_i64().expect("a pool").to_string();
    let (status, _) = admin
        .post_form(
            "/rounds/2024/funds",
            &[
                ("kind", "receipt"),
                ("pool_id", &pool_id),
                ("amount", "1,000.00"),
                ("on", "2024-09-01"),
                ("document_no", "师市工发〔2024〕20号"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = admin.get("/rounds/2024/funds").await;
    assert!(page.contains("师市工发〔2024〕20号") && page.contains("351,000.00"), "the line and the account");
    let auditor = app.login("auditor").await;
    let (status, page) = auditor.get("/rounds/2024/funds").await;
    assert_eq!(status, Status::Ok);
    assert!(!page.contains("id=\"receipt\""), "auditors read");
    let (status, _) = auditor
        .post_json(
            "/api/v1/rounds/2024/funds",
            &json!({ "kind": "receipt", "pool_id": 1, "amount": "1", "on": "2024-01-01", "document_no": "x" }),
        )
        .await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(app.login("hongxing2").await.get("/rounds/2024/funds").await.0, Status::Forbidden);
    no_breach(&app).await;
}

fn target(p: &Value, indicator: &str) -> Value {
    p["targets"].as_array().and_then(|t| t.iter().find(|x| x["indicator"] == indicator)).cloned().expect(indicator)
}

async fn set(agent: &Agent, year: i32, body: &Value) -> (Status, Value) {
    agent.post_json(&format!("/api/v1/rounds/{year}/performance"), body).await
}

/// Targets are set through the API (only by division staff, actuals typed only where the
/// engine cannot compute them) and scored in the annual report's 绩效自评表.
#[rocket::async_test]
async fn performance_targets_are_scored_in_the_annual_report() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (status, p) = admin.get_json("/api/v1/rounds/2023/performance").await;
    assert_eq!(status, Status::Ok);
    let projects = target(&p, "projects");
    let scored = (projects["actual"].as_str(), projects["score"].as_str(), projects["met"].as_bool());
    assert_eq!(scored, (Some("78"), Some("15.00"), Some(true)));
    let custom = json!({ "indicator": "custom", "name": "贷款逾期率", "unit": "%", "direction": "at_most",
        "target": "2", "weight": "5", "actual": "1.5", "reason": "" });
    assert_eq!(set(&admin, 2023, &custom).await.0, Status::Ok);
    let typed_computed = json!({ "indicator": "projects", "target": "75", "weight": "15", "actual": "80" });
    assert_eq!(set(&admin, 2023, &typed_computed).await.0, Status::UnprocessableEntity);
    let unknown = json!({ "indicator": "x", "target": "1", "weight": "1" });
    assert_eq!(set(&admin, 2023, &unknown).await.0, Status::UnprocessableEntity);
    assert_eq!(set(&app.login("hongxing2").await, 2023, &custom).await.0, Status::Forbidden);
    let bytes = report(&admin, 2023).await;
    let sheet = rows(&bytes, "绩效自评表");
    let line = |name: &str| sheet.iter().find(|r| cell(r, 1) == name).cloned().unwrap_or_else(|| panic!("{name}"));
    let overdue = line("贷款逾期率");
    let overdue = (dec(&overdue[5]), dec(&overdue[8]), cell(&overdue, 9));
    assert_eq!(overdue, (Decimal::new(15, 1), Decimal::from(5), "达成".into()));
    let hardship = line("带动困难职工户数");
    let hardship = (cell(&hardship, 9), cell(&hardship, 10));
    assert_eq!(hardship, ("未达成".into(), "申报表未单列困难职工户数，无法统计".into()), "the reason staff gave");
    let loans = line("撬动贷款");
    assert_eq!((dec(&loans[5]), cell(&loans, 6)), (Decimal::from(3050), "系统计算".into()));
    assert!(sheet.iter().any(|r| cell(r, 0).starts_with("自评结论：得分")), "the grade");
}

/// The page sets a target with its form; a target is removed (audited with what it was).
#[rocket::async_test]
async fn performance_targets_are_set_on_the_page_and_removed() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let custom = json!({ "indicator": "custom", "name": "贷款逾期率", "unit": "%", "target": "2", "weight": "5" });
    let (_, body) = set(&admin, 2023, &custom).await;
    let id = body["id"].as_i64().expect("an id");
    let csrf = rocket::http::Header::new("X-CSRF-Token", admin.csrf.clone());
    let deleted = admin.client.delete(format!("/api/v1/performance/{id}")).header(csrf).dispatch().await;
    assert_eq!(deleted.status(), Status::Ok);
    let (old, _) = last_audit(&app, "performance.delete").await;
    assert_eq!(old["name"].as_str(), Some("贷款逾期率"));
    let (status, page) = admin.get("/rounds/2023/performance").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("受益职工满意度") && !page.contains("贷款逾期率") && page.contains("id=\"add\""));
    let form = [("indicator", "satisfaction"), ("target", "90"), ("weight", "10"), ("actual", "97"), ("reason", "")];
    assert_eq!(admin.post_form("/rounds/2023/performance", &form).await.0, Status::SeeOther);
    let (_, after) = admin.get_json("/api/v1/rounds/2023/performance").await;
    assert_eq!(target(&after, "satisfaction")["typed"].as_str(), Some("97"));
    assert!(audit_count(&app, "performance.set").await >= 2, "every change is audited");
}
