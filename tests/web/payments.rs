//! Issue 14, paying for real (docs/payments.md), on a real database (SQLite file; PostgreSQL
//! with `TEST_DATABASE_URL`): payees through the API, audited and masked; a batch refuses
//! a project without a payee and names it; dates of payment neither in the future nor
//! before approval; the bank file; the bank's answer with a failed line, paid by a second
//! batch; an answer whose total differs refused whole; a fair allocation of the demo round
//! while projects are in review; `tiexi check` (the real binary) after all of it.
//!
//! Projects are made `approved` by a test-only SQL UPDATE after the real import, as in
//! `money.rs` (the review workflow is tested in `review.rs`).

use crate::web_support::{self, check};

use std::fmt::Write as _;

use rocket::http::{Header, Status};
use serde_json::{json, Value};
use tiexi::accounts::Role;
use tiexi::engine::{self, Money};
use tiexi::storage;
use web_support::{case000, case000_policy, Agent, TestApp};

fn fen(v: &Value) -> i64 {
    v.as_str().and_then(|s| s.replace(',', "").parse::<Money>().ok()).map_or_else(|| panic!("money: {v}"), Money::fen)
}

async fn ok(agent: &Agent, path: &str, body: Value) -> Value {
    let (status, v) = agent.post_json(path, &body).await;
    assert_eq!(status, Status::Ok, "{path} {body}: {v}");
    v
}

/// case000 imported, every project approved with its applicant as payee, allocated (the
/// budget covers every request) and the allocation approved.
async fn granted_round() -> (TestApp, Agent, Agent) {
    let app = TestApp::empty().await;
    app.add_user("maker", Role::DivisionStaff, None).await;
    app.add_user("checker", Role::DivisionStaff, None).await;
    let maker = app.login("maker").await;
    ok(&maker, "/api/v1/rounds", json!({ "policy_toml": case000_policy() })).await;
    let (status, up) =
        maker.upload("/api/v1/rounds/2023/imports", "applicants.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{up}");
    ok(&maker, &format!("/api/v1/imports/{}/confirm", up["import_id"]), json!({ "only_valid": true })).await;
    sqlx::query("UPDATE projects SET state = 'approved'").execute(&app.pool.inner).await.expect("test-only setup");
    app.give_payees().await;
    let checker = app.login("checker").await;
    let run = ok(&maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false })).await;
    ok(&checker, &format!("/api/v1/allocations/{}/actions", run["allocation_id"]), json!({ "action": "approve" }))
        .await;
    (app, maker, checker)
}

/// The granted projects: (id, key, granted fen), in workbook order.
async fn granted(agent: &Agent) -> Vec<(i64, String, i64)> {
    let mut out: Vec<(i64, String, i64)> = agent
        .projects(2023)
        .await
        .iter()
        .filter(|p| fen(&p["granted"]) > 0)
        .map(|p| {
            (p["id"].as_i64().expect("an id"), p["key"].as_str().unwrap_or_default().to_owned(), fen(&p["granted"]))
        })
        .collect();
    out.sort_by_key(|p| p.0);
    out
}

async fn batch_count(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM batches").fetch_one(&app.pool.inner).await.expect("a count")
}

/// Prepare (maker) and approve (checker) a payment batch of `ids`; returns its id.
async fn approved_batch(maker: &Agent, checker: &Agent, ids: &[i64]) -> i64 {
    let b = ok(maker, "/api/v1/rounds/2023/disbursements", json!({ "projects": ids })).await;
    let id = b["id"].as_i64().expect("a batch");
    ok(checker, &format!("/api/v1/disbursements/{id}/actions"), json!({ "action": "approve" })).await;
    id
}

/// `PUT /api/v1/projects/<id>/payee`.
async fn put(agent: &Agent, id: i64, body: Value) -> (Status, Value) {
    let r = agent
        .client
        .put(format!("/api/v1/projects/{id}/payee"))
        .header(rocket::http::ContentType::JSON)
        .header(Header::new("X-CSRF-Token", agent.csrf.clone()))
        .body(body.to_string())
        .dispatch()
        .await;
    (r.status(), serde_json::from_str::<Value>(&r.into_string().await.unwrap_or_default()).unwrap_or_default())
}

#[rocket::async_test]
async fn a_batch_refuses_projects_without_a_payee_and_names_each() {
    let (app, maker, _checker) = granted_round().await;
    let all = granted(&maker).await;
    let (a, b) = (&all[0], &all[1]);
    for id in [a.0, b.0] {
        sqlx::query("UPDATE projects SET payee_account = '' WHERE id = $1")
            .bind(id)
            .execute(&app.pool.inner)
            .await
            .expect("test-only: a payee never given");
    }
    let ids: Vec<i64> = all.iter().map(|p| p.0).collect();
    let before = batch_count(&app).await;
    let (status, refused) = maker.post_json("/api/v1/rounds/2023/disbursements", &json!({ "projects": ids })).await;
    assert_eq!(status, Status::Conflict, "{refused}");
    let text = refused["error"].as_str().unwrap_or_default();
    assert!(text.contains(&a.1) && text.contains(&b.1) && text.contains("银行账号"), "names each project: {text}");
    assert_eq!(batch_count(&app).await, before, "nothing written");

    // The payee through the API: regiment staff of another 团场 do not find it; an
    // incomplete one is 422; division staff set it, audited with the account masked.
    app.add_user("other", Role::RegimentStaff, Some("不存在的团场")).await;
    let body = json!({ "name": "某合作社", "bank": "中国农业银行", "account": "6228 4800-1234 5678 901" });
    assert_eq!(put(&app.login("other").await, a.0, body.clone()).await.0, Status::NotFound);
    let (status, bad) = put(&maker, a.0, json!({ "name": "某合作社", "bank": "", "account": "12" })).await;
    assert_eq!(status, Status::UnprocessableEntity, "{bad}");
    let (status, set) = put(&maker, a.0, body).await;
    assert_eq!(status, Status::Ok, "{set}");
    assert_eq!(set["account"], "6228480012345678901", "spaces and dashes dropped, whole for division staff");
    let (_, project) = maker.get_json(&format!("/api/v1/projects/{}", a.0)).await;
    assert_eq!(project["payee"]["name"], "某合作社", "{project}");
    let (_, audit) = maker.get_json("/api/v1/audit?per_page=5").await;
    let row = audit["entries"].as_array().into_iter().flatten().find(|e| e["action"] == "project.payee");
    let row = row.unwrap_or_else(|| panic!("an audit row: {audit}")).to_string();
    assert!(row.contains("6228***********8901") && !row.contains("6228480012345678901"), "masked: {row}");
}

#[rocket::async_test]
async fn a_payee_not_the_applicant_is_a_warning_the_preparer_acknowledges() {
    let (app, maker, _checker) = granted_round().await;
    let all = granted(&maker).await;
    let a = &all[0];
    sqlx::query("UPDATE projects SET payee_name = '李四' WHERE id = $1")
        .bind(a.0)
        .execute(&app.pool.inner)
        .await
        .expect("test-only: a payee someone else gave");
    let before = batch_count(&app).await;
    let (status, warned) = maker.post_json("/api/v1/rounds/2023/disbursements", &json!({ "projects": [a.0] })).await;
    assert_eq!(status, Status::Conflict, "{warned}");
    let text = warned["error"].as_str().unwrap_or_default();
    assert!(text.contains("既不是负责人也不是主体名称") && text.contains(&a.1), "{warned}");
    let page = maker.get("/rounds/2023/disbursements/new").await.1;
    assert!(
        page.contains(&format!("id=\"stranger-{}\"", a.0)) && page.contains("id=\"acknowledged\""),
        "marked on the page"
    );
    assert_eq!(batch_count(&app).await, before, "nothing written");
    ok(&maker, "/api/v1/rounds/2023/disbursements", json!({ "projects": [a.0], "acknowledged": true })).await;
    assert_eq!(batch_count(&app).await, before + 1);
}

#[rocket::async_test]
async fn a_date_of_payment_is_neither_in_the_future_nor_before_approval() {
    let (_app, maker, checker) = granted_round().await;
    let all = granted(&maker).await;
    let id = approved_batch(&maker, &checker, &[all[0].0]).await;
    let path = format!("/api/v1/disbursements/{id}/actions");
    for (day, words) in [(web_support::today(1), "晚于今天"), (web_support::today(-1), "早于批次的审核日期")]
    {
        let (status, v) =
            maker.post_json(&path, &json!({ "action": "pay", "voucher_no": "记-1", "paid_on": day })).await;
        assert_eq!(status, Status::Conflict, "{day}: {v}");
        assert!(v["error"].as_str().unwrap_or_default().contains(words), "{v}");
    }
    let (_, b) = maker.get_json(&format!("/api/v1/disbursements/{id}")).await;
    assert_eq!(b["state"], "approved", "nothing paid");
    ok(&maker, &path, json!({ "action": "pay", "voucher_no": "记-1", "paid_on": web_support::today(0) })).await;
}

/// A bank file as the API hands it: (Content-Disposition, body).
async fn bank_file(agent: &Agent, id: i64, ext: &str) -> (String, Vec<u8>) {
    let r = agent
        .client
        .post(format!("/api/v1/disbursements/{id}/bank-file.{ext}"))
        .header(Header::new("X-CSRF-Token", agent.csrf.clone()))
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Ok);
    let disposition = r.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    (disposition, r.into_bytes().await.expect("a body"))
}

/// The bank's answer to a bank file: every line 成功 but those of `failed` (by row, 1-based
/// among the lines), with `total` as the control line's 合计.
fn answer(file: &str, failed: &[usize], total: Option<&str>) -> Vec<u8> {
    let mut out = String::from("账号,户名,金额,状态,原因\n");
    let mut sum = String::new();
    let mut n = 0;
    for line in file.trim_start_matches('\u{feff}').lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[0] == "笔数" {
            f[4].clone_into(&mut sum);
            continue;
        }
        n += 1;
        let (state, why) = if failed.contains(&n) { ("失败", "账户已销户") } else { ("成功", "") };
        let _ = writeln!(out, "{},{},{},{state},{why}", f[2], f[1], f[4]);
    }
    let _ = writeln!(out, "笔数,{n},合计,{},", total.unwrap_or(&sum));
    out.into_bytes()
}

async fn upload_answer(agent: &Agent, id: i64, bytes: &[u8]) -> (Status, Value) {
    let today = web_support::today(0);
    let fields: [(&str, Option<&str>, &[u8]); 2] =
        [("file", Some("回单.csv"), bytes), ("paid_on", None, today.as_bytes())];
    agent.upload_with(&format!("/api/v1/disbursements/{id}/returns"), &fields).await
}

/// A later batch pays a project whose line failed; `tiexi check` holds.
async fn pay_later(app: &TestApp, maker: &Agent, checker: &Agent, id: i64, granted: i64) {
    let second = approved_batch(maker, checker, &[id]).await;
    let (_, csv2) = bank_file(maker, second, "csv").await;
    let csv2 = String::from_utf8(csv2).expect("UTF-8");
    let (status, paid) = upload_answer(maker, second, &answer(&csv2, &[], None)).await;
    assert_eq!(status, Status::Ok, "{paid}");
    assert_eq!(paid["state"], "paid", "{paid}");
    let (_, now) = maker.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(fen(&now["paid"]), granted, "{now}");
    let (code, out) = check(app);
    assert_eq!(code, 0, "{out}");
}

/// A partial answer shows on the batch's page, `tiexi check` holds, and the answer leaves two
/// entries on the batch, in the order the money moved: the answer with its failed line
/// (`batch.return`), then the payment (`batch.pay`), which counts it.
async fn answer_is_kept(app: &TestApp, maker: &Agent, id: i64, lines: usize) {
    let page = maker.get(&format!("/disbursements/{id}")).await.1;
    assert!(page.contains("部分支付") && page.contains("账户已销户"), "the batch page says so");
    assert_eq!(check(app).0, 0, "tiexi check holds after a partial return: {}", check(app).1);
    let (status, trail) = maker.get_json(&format!("/api/v1/audit?entity=batch&entity_id={id}&per_page=50")).await;
    assert_eq!(status, Status::Ok, "{trail}");
    let entries = trail["entries"].as_array().expect("entries");
    let actions: Vec<&str> = entries.iter().filter_map(|e| e["action"].as_str()).collect();
    // Newest first.
    assert_eq!(actions[..2], ["batch.pay", "batch.return"], "{trail}");
    let (paid, returned) = (&entries[0], &entries[1]);
    assert_eq!(returned["new"]["line_count"].as_u64(), Some(lines as u64), "{returned}");
    let failed = returned["new"]["failed"].as_array().expect("the failed lines");
    assert_eq!(failed.len(), 1, "{returned}");
    assert!(failed[0]["reason"].as_str().is_some_and(|r| r.contains("账户已销户")), "{returned}");
    assert_eq!(paid["old"]["state"], "approved", "{paid}");
    assert_eq!(
        (paid["new"]["state"].as_str(), paid["new"]["failed_items"].as_u64()),
        (Some("paid"), Some(1)),
        "{paid}"
    );
    assert!(paid["new"]["voucher_no"].as_str().is_some_and(|v| v.starts_with("银行回单")), "{paid}");
    assert!(paid["seq"].as_i64() > returned["seq"].as_i64(), "{trail}");
}

#[rocket::async_test]
async fn a_failed_line_goes_back_unpaid_and_a_second_batch_pays_it() {
    let (app, maker, checker) = granted_round().await;
    let all = granted(&maker).await;
    let ids: Vec<i64> = all.iter().take(3).map(|p| p.0).collect();
    let id = approved_batch(&maker, &checker, &ids).await;

    let (disposition, csv) = bank_file(&maker, id, "csv").await;
    assert!(
        disposition.contains(&tiexi::web::reports::workbooks::rfc5987("2023年度代发文件-第1批.csv")),
        "{disposition}"
    );
    let csv = String::from_utf8(csv).expect("UTF-8");
    assert!(csv.starts_with("\u{feff}序号,收款户名,银行账号,开户银行,金额,用途\r\n"), "{csv}");
    let total: i64 = all.iter().take(3).map(|p| p.2).sum();
    assert!(csv.contains(&format!("笔数,3,合计,,{},", Money::from_fen(total))), "the control line: {csv}");
    let (disposition, xlsx) = bank_file(&maker, id, "xlsx").await;
    assert!(
        disposition.contains(&tiexi::web::reports::workbooks::rfc5987("2023年度代发文件-第1批.xlsx"))
            && xlsx.starts_with(b"PK")
    );

    // A total that differs refuses the whole answer: nothing is written.
    let (status, refused) = upload_answer(&maker, id, &answer(&csv, &[], Some("1.00"))).await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    assert!(refused["error"].as_str().unwrap_or_default().contains("控制数"), "{refused}");
    let (_, b) = maker.get_json(&format!("/api/v1/disbursements/{id}")).await;
    assert_eq!(b["state"], "approved", "{b}");
    // A line twice: an error at its row.
    let mut twice = String::from_utf8(answer(&csv, &[], None)).expect("UTF-8");
    let first = twice.lines().nth(1).expect("a line").to_owned();
    twice = twice.replacen(&first, &format!("{first}\n{first}"), 1);
    let (status, refused) = upload_answer(&maker, id, twice.as_bytes()).await;
    assert_eq!(status, Status::UnprocessableEntity, "{refused}");
    assert!(refused["error"].as_str().unwrap_or_default().contains("第3行：账号"), "{refused}");

    // The second line fails: the batch is 部分支付, that project keeps its grant unpaid.
    let (status, paid) = upload_answer(&maker, id, &answer(&csv, &[2], None)).await;
    assert_eq!(status, Status::Ok, "{paid}");
    assert_eq!((paid["state"].as_str(), paid["failed_count"].as_i64()), (Some("partial"), Some(1)), "{paid}");
    let (_, failed) = maker.get_json(&format!("/api/v1/projects/{}", ids[1])).await;
    assert_eq!((fen(&failed["granted"]), fen(&failed["paid"])), (all[1].2, 0), "{failed}");
    let (_, done) = maker.get_json(&format!("/api/v1/projects/{}", ids[0])).await;
    assert_eq!(fen(&done["paid"]), all[0].2, "{done}");
    answer_is_kept(&app, &maker, id, ids.len()).await;

    pay_later(&app, &maker, &checker, ids[1], all[1].2).await;
}

#[rocket::async_test]
async fn an_allocation_while_projects_are_in_review_grants_each_approved_one_its_trial_grant() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    // Test-only: ten projects approved, the other 26 still in review.
    sqlx::query(
        "UPDATE projects SET state = 'approved' WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) \
                 AND project_key <= 'XX-2024-010'",
    )
    .execute(&app.pool.inner)
    .await
    .expect("test-only setup");
    let (status, dry) = admin.post_json("/api/v1/rounds/2024/allocations", &json!({ "dry_run": true })).await;
    assert_eq!(status, Status::Ok, "{dry}");
    let run = &dry["run"];
    assert_eq!(run["in_review"], 26, "{run}");

    // The trial calculation over every counted project (what `tiexi calc` computes).
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let round = storage::rounds::find_by_year(&mut conn, 2024).await.expect("a read").expect("the round");
    let counted = storage::load::round(&mut conn, round.id).await.expect("the projects");
    let projects: Vec<_> = counted.iter().map(|(_, p)| p.clone()).collect();
    let policy = tiexi::import::policy(&round.policy_toml).expect("the policy");
    let facts = storage::facts::round(&mut conn, round.id).await.expect("the facts");
    let trial = engine::compute_with(&policy, &projects, &facts);
    drop(conn);
    let lines = run["projects"].as_array().expect("lines");
    assert_eq!(lines.len(), 10);
    let mut sum = 0;
    for l in lines {
        let t = trial.projects.iter().find(|p| p.key == l["key"].as_str().unwrap_or_default()).expect("in the trial");
        assert_eq!(fen(&l["granted"]), t.granted.fen(), "{}: its trial grant, never its whole request", t.key);
        sum += t.granted.fen();
    }
    assert!(sum < trial.projects.iter().take(10).map(|p| p.requested.fen()).sum::<i64>(), "oversubscribed");
    let kept: i64 = trial.projects.iter().skip(10).map(|p| p.granted.fen()).sum();
    assert_eq!(fen(&run["kept_back"]), kept, "kept back for the 26 in review");
    let page = admin.get("/rounds/2024/allocations").await.1;
    assert!(page.contains("id=\"in-review\"") && page.contains("26"), "the page says how many are in review");

    // Allocated and approved, the demo's projects have payees, so a batch works.
    let made = ok(&admin, "/api/v1/rounds/2024/allocations", json!({ "dry_run": false })).await;
    let admin2 = app.login("admin2").await;
    ok(&admin2, &format!("/api/v1/allocations/{}/actions", made["allocation_id"]), json!({ "action": "approve" }))
        .await;
    let ids: Vec<i64> = lines.iter().filter_map(|l| l["id"].as_i64()).collect();
    ok(&admin, "/api/v1/rounds/2024/disbursements", json!({ "projects": ids })).await;
}

#[rocket::async_test]
async fn regiment_staff_set_a_payee_on_the_project_page_and_see_the_account_masked() {
    let app = TestApp::demo().await;
    let regiment = app.login("hongxing2").await;
    let id = regiment.projects(2024).await.iter().find_map(|p| p["id"].as_i64()).expect("a 红星二场 project");
    let form = [
        ("name", "红星二场果蔬专业合作社"),
        ("bank", "中国农业银行红星二场支行"),
        ("account", "6228-4800-9876-5432-21"),
    ];
    let (status, _) = regiment.post_form(&format!("/projects/{id}/payee"), &form).await;
    assert_eq!(status, Status::SeeOther);
    let page = regiment.get(&format!("/projects/{id}")).await.1;
    assert!(
        page.contains("收款信息已保存") && page.contains(&tiexi::export::mask::account("622848009876543221")),
        "masked for the regiment"
    );
    assert!(!page.contains("622848009876543221"), "never whole for the regiment");
    let admin = app.login("admin").await;
    assert!(admin.get(&format!("/projects/{id}")).await.1.contains("622848009876543221"), "whole for division staff");
    let (status, _) = app.login("coop-a").await.post_form(&format!("/projects/{id}/payee"), &form).await;
    assert_ne!(status, Status::SeeOther, "an applicant does not set it here");
    let (_, bad) =
        regiment.post_form(&format!("/projects/{id}/payee"), &[("name", "x"), ("bank", ""), ("account", "1")]).await;
    let page = regiment.get(&format!("/projects/{id}")).await.1;
    assert!(bad.is_empty() && page.contains("收款信息不完整：请填写开户银行、银行账号"), "a flash names the fields");
}
