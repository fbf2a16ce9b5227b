//! Issue 16's lists, through the web as people take them: a batch's payment list (拨付明细表,
//! its total in 大写 and the paying account), the 公示名单 (page and workbook, names and ID
//! numbers masked, where to object) and a project's 审批表 (each review level's opinion as
//! recorded, computed and approved subsidy in figures and 大写). Each is formal (borders,
//! fonts, the full name, the signature line) and printed by `LibreOffice`.

use crate::check;
use crate::render;
use crate::support;
use crate::web_support;

use rocket::http::Status;
use rust_decimal::Decimal;
use serde_json::json;
use support::{cell, dec, rows};
use tiexi::web::reports::workbooks::rfc5987;
use web_support::{Agent, TestApp};

use check::table;

async fn download(agent: &Agent, path: &str) -> (String, Vec<u8>) {
    let r = agent.client.get(path.to_string()).dispatch().await;
    answered(path, r).await
}

/// An audited download (a payment list): a POST with the session's token (issue 18).
async fn post<'c>(agent: &'c Agent, path: &str) -> rocket::local::asynchronous::LocalResponse<'c> {
    let token = rocket::http::Header::new("X-CSRF-Token", agent.csrf.clone());
    agent.client.post(path.to_string()).header(token).dispatch().await
}

async fn posted(agent: &Agent, path: &str) -> (String, Vec<u8>) {
    answered(path, post(agent, path).await).await
}

async fn answered(path: &str, r: rocket::local::asynchronous::LocalResponse<'_>) -> (String, Vec<u8>) {
    assert_eq!(r.status(), Status::Ok, "{path}");
    let disposition = r.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    (disposition, r.into_bytes().await.expect("a body"))
}

/// The formal checks, with today's date (Beijing) as the web writes it.
fn formal(bytes: &[u8], name: &str, sheet: &str) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let made_on = tiexi::export::report::formal::chinese_date(today);
    check::formal(bytes, name, &[sheet], &made_on);
}

#[rocket::async_test]
async fn a_payment_list_has_its_total_in_capitals_the_paying_account_and_a_chinese_name() {
    let app = TestApp::demo().await;
    let batch = render::insert_batch(&app).await;
    let path = format!("/disbursements/{batch}/payment-list.xlsx");
    let admin = app.login("admin").await;
    let (disposition, full) = posted(&admin, &path).await;
    assert!(disposition.contains(&rfc5987("2023年度拨付明细表-第1批.xlsx")), "{disposition}");
    assert!(disposition.contains("filename=\"tiexi-payment-list-"), "an ASCII name for old clients: {disposition}");
    let list = table(&full, "拨付明细表", "序号");
    assert_eq!(cell(&list[1], 6), "6228480012345671234", "division staff see the full account");
    check::totals_add_up(&full, "拨付明细表", "序号");
    let total = list.iter().find(|r| cell(r, 0) == "合计").expect("合计");
    assert_eq!((dec(&total[7]), cell(total, 1)), (Decimal::new(3_000_050, 2), "共2笔".to_string()));
    let text: Vec<String> = rows(&full, "拨付明细表").iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    for line in
        ["合计金额（大写）：人民币叁万元零伍角整", "30-480101040012345", "控制合计：笔数 2 笔，金额 30,000.50 元"]
    {
        assert!(text.iter().any(|t| t.contains(line)), "the list has {line}");
    }
    let record = text.iter().find(|t| t.starts_with("系统记录：")).expect("who did what");
    assert!(record.contains("经办") && record.contains("审批") && record.contains("确认拨付"), "{record}");
    assert!(
        text.iter().any(|t| t.contains("第1批（批次号 2023-001）") && t.contains("2024年1月20日")),
        "the batch and its date"
    );
    formal(&full, "payment-list", "拨付明细表");
    let auditor = app.login("auditor").await;
    let (_, masked) = posted(&auditor, &format!("/api/v1/disbursements/{batch}/payment-list.xlsx")).await;
    assert_eq!(cell(&table(&masked, "拨付明细表", "序号")[1], 6), "6228***********1234");
    for user in ["hongxing2", "bureau"] {
        let other = app.login(user).await;
        assert_eq!(post(&other, &path).await.status(), Status::Forbidden, "{user}: as on the batch pages");
    }
    assert_eq!(admin.client.get(path).dispatch().await.status(), Status::NotFound, "no GET: it is audited");
    assert_eq!(post(&admin, "/disbursements/999999/payment-list.xlsx").await.status(), Status::NotFound);
}

/// A 红星二场 project of 2024 through every review level to approval, by the roles that
/// take each step; returns its id.
async fn reviewed(app: &TestApp) -> i64 {
    let (regiment, bureau, admin) = (app.login("hongxing2").await, app.login("bureau").await, app.login("admin").await);
    let projects = admin.projects(2024).await;
    let id =
        projects.iter().find(|p| p["unit"] == "红星二场").and_then(|p| p["id"].as_i64()).expect("a 红星二场 project");
    let act = format!("/api/v1/projects/{id}/actions");
    for (who, body) in [
        (&regiment, json!({ "action": "regiment_review", "comment": "材料齐全，同意上报" })),
        (&bureau, json!({ "action": "opinion", "comment": "贷款真实，用途合规，同意" })),
        (&admin, json!({ "action": "division_review", "comment": "同意" })),
        (&admin, web_support::publish_now()),
    ] {
        let (status, answer) = who.post_json(&act, &body).await;
        assert_eq!(status, Status::Ok, "{body}: {answer}");
    }
    // Time passes (test-only setup): the 公示 of 2024-03-05 to 2024-03-11 has ended; the
    // other staff member approves (docs/rules.md §10: never the publisher).
    sqlx::query("UPDATE projects SET publication_start = '2024-03-05', publication_end = '2024-03-11' WHERE id = $1")
        .bind(id)
        .execute(&app.pool.inner)
        .await
        .expect("test-only setup");
    let (status, answer) =
        app.login("admin2").await.post_json(&act, &json!({ "action": "approve", "comment": "" })).await;
    assert_eq!(status, Status::Ok, "approve: {answer}");
    id
}

#[rocket::async_test]
async fn the_publicity_list_masks_names_and_says_where_to_object() {
    let app = TestApp::demo().await;
    let id = reviewed(&app).await;
    let coop = app.login("coop-a").await;
    let (disposition, bytes) = download(&coop, "/api/v1/rounds/2024/publicity.xlsx").await;
    assert!(disposition.contains(&rfc5987("2024年度贷款贴息公示名单.xlsx")), "{disposition}");
    let list = table(&bytes, "公示名单", "序号");
    assert_eq!(list.iter().take_while(|r| cell(r, 0) != "合计").count(), 1 + 1, "the approved project, then 合计");
    let row = &list[1];
    let (leader, id_number) = (cell(row, 4), cell(row, 5));
    assert!(leader.chars().nth(1) == Some('*') && leader.chars().count() >= 2, "a masked name: {leader}");
    assert!(id_number.contains("********") && id_number.len() == 18, "a masked ID: {id_number}");
    assert_eq!(cell(row, 8), "2024年3月5日\n至2024年3月11日");
    let admin = app.login("admin").await;
    let project = admin.get_json(&format!("/api/v1/projects/{id}")).await.1;
    let requested = project["requested"].as_str().expect("the request").parse::<Decimal>().expect("an amount");
    assert_eq!(dec(&row[7]), requested, "the proposed subsidy is the computed request");
    let text: Vec<String> = rows(&bytes, "公示名单").iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(text.iter().any(|t| t.contains("公示期间如有异议") && t.contains("0902-2345678")), "where to object");
    formal(&bytes, "publicity-2024", "公示名单");
    let (status, page) = coop.get("/rounds/2024/publicity").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains(&leader) && page.contains(&id_number) && page.contains("0902-2345678"), "the printable page");
    let full = project["id_number"].as_str().unwrap_or_default();
    assert!(!page.contains(full) || full.contains('*'), "no full ID number on the page");
}

#[rocket::async_test]
async fn an_approval_form_shows_each_level_and_the_subsidy_in_capitals() {
    let app = TestApp::demo().await;
    let id = reviewed(&app).await;
    let regiment = app.login("hongxing2").await;
    let (disposition, bytes) = download(&regiment, &format!("/api/v1/projects/{id}/approval-form.xlsx")).await;
    assert!(disposition.contains(&rfc5987("2024年度贴息审批表-")), "{disposition}");
    let text: Vec<String> = rows(&bytes, "审批表").iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    for line in
        ["材料齐全，同意上报", "贷款真实，用途合规，同意", "hongxing2", "公示期：2024年3月5日至2024年3月11日", "签字："]
    {
        assert!(text.iter().any(|t| t.contains(line)), "the form has {line}");
    }
    let admin = app.login("admin").await;
    let project = admin.get_json(&format!("/api/v1/projects/{id}")).await.1;
    let requested: tiexi::engine::Money =
        project["requested"].as_str().expect("the request").parse().expect("an amount");
    let capitals = format!("人民币{}", tiexi::engine::capital::amount(requested));
    assert!(text.contains(&capitals), "the computed subsidy in capitals: {capitals}");
    formal(&bytes, "approval-form", "审批表");
    let coop = app.login("coop-b").await;
    let other = coop.client.get(format!("/projects/{id}/approval-form.xlsx")).dispatch().await;
    assert_eq!(other.status(), Status::NotFound, "another's project is not found");
}
