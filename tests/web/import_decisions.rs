//! Issue 12, item 1: imports never rewrite a decision and never lose what they replace. On a
//! real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`), through the API and
//! the pages: a re-import over an approved and paid project is an error at its row and the
//! project's JSON stays byte for byte what it was; another 团场's key is an error for
//! division staff too; an update of a submitted project lists each change old → new and
//! writes them to the audit trail; a workbook of another year gets a warning.

use crate::web_support;

use rocket::http::Status;
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};
use tiexi::import::codes::id_check_digit;
use web_support::{multipart, publish_now, Agent, TestApp};

/// One row of a test workbook (one loan of one project).
#[derive(Clone)]
struct Line {
    key: &'static str,
    unit: &'static str,
    name: String,
    leader: &'static str,
    phone: &'static str,
    contract: String,
    principal: f64,
    from: String,
    to: String,
}

/// A row of this year's kind: a loan of 2023 to 2026 under `HT-{key}`.
fn line(key: &'static str, unit: &'static str) -> Line {
    Line {
        key,
        unit,
        name: format!("{key}项目"),
        leader: "王五",
        phone: "",
        contract: format!("HT-{key}"),
        principal: 200_000.0,
        from: "2023-03-01".into(),
        to: "2026-03-01".into(),
    }
}

const HEADERS: [&str; 16] = [
    "项目编号",
    "团场",
    "项目名称",
    "主体类型",
    "主体名称",
    "负责人",
    "身份证号",
    "联系电话",
    "是否工会会员",
    "带动职工户数",
    "贷款银行",
    "贷款合同编号",
    "贷款金额（元）",
    "年利率（%）",
    "放款日期",
    "到期日期",
];

/// A workbook with a title row, the header and the rows (data from Excel row 3).
fn workbook(title: &str, rows: &[Line]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("申报汇总表").expect("a sheet");
    sheet.write_string(0, 0, title).expect("the title");
    for (col, h) in (0_u16..).zip(HEADERS) {
        sheet.write_string(1, col, h).expect("a header");
    }
    for (row, r) in (2_u32..).zip(rows) {
        let body = "65010219800101123";
        let id = format!("{body}{}", id_check_digit(body));
        let texts = [r.key, r.unit, &r.name, "个人", "", r.leader, &id, r.phone, "是"];
        for (col, text) in (0_u16..).zip(texts) {
            sheet.write_string(row, col, text).expect("a cell");
        }
        sheet.write_number(row, 9, 6.0).expect("households");
        sheet.write_string(row, 10, "农业银行").expect("bank");
        sheet.write_string(row, 11, &r.contract).expect("contract");
        sheet.write_number(row, 12, r.principal).expect("principal");
        sheet.write_number(row, 13, 4.35).expect("rate");
        sheet.write_string(row, 14, &r.from).expect("disbursed");
        sheet.write_string(row, 15, &r.to).expect("maturity");
    }
    book.save_to_buffer().expect("the workbook")
}

const TITLE: &str = "2024年度职工自主创业示范项目贷款贴息申报汇总表";

async fn project_id(admin: &Agent, key: &str) -> i64 {
    let list = admin.projects(2024).await;
    list.iter().find(|p| p["key"] == key).and_then(|p| p["id"].as_i64()).expect("a demo project")
}

async fn ok(who: &Agent, path: &str, body: Value) -> Value {
    let (status, v) = who.post_json(path, &body).await;
    assert_eq!(status, Status::Ok, "{path} {body}: {v}");
    v
}

/// XX-2024-001 (红星二场) through review, 公示, approval, allocation and a paid batch, each
/// step by the demo account whose step it is.
async fn approve_and_pay(app: &TestApp, id: i64) {
    let (admin, admin2) = (app.login("admin").await, app.login("admin2").await);
    let path = format!("/api/v1/projects/{id}/actions");
    ok(&app.login("hongxing2").await, &path, json!({ "action": "regiment_review" })).await;
    ok(&app.login("bureau").await, &path, json!({ "action": "opinion", "comment": "同意" })).await;
    ok(&admin, &path, json!({ "action": "division_review" })).await;
    ok(&admin, &path, publish_now()).await;
    app.publicity_ended(id, 1).await;
    ok(&admin2, &path, json!({ "action": "approve" })).await;
    let run = ok(&admin, "/api/v1/rounds/2024/allocations", json!({ "dry_run": false })).await;
    ok(&admin2, &format!("/api/v1/allocations/{}/actions", run["allocation_id"]), json!({ "action": "approve" })).await;
    sqlx::query("UPDATE projects SET payee_name = leader, payee_bank = '农行', payee_account = '6228480012345678901' WHERE id = $1")
        .bind(id)
        .execute(&app.pool.inner)
        .await
        .expect("test-only setup: the payee the applicant would have given");
    let batch = ok(&admin, "/api/v1/rounds/2024/disbursements", json!({ "projects": [id] })).await;
    let path = format!("/api/v1/disbursements/{}/actions", batch["id"]);
    ok(&admin2, &path, json!({ "action": "approve" })).await;
    ok(&admin, &path, json!({ "action": "pay", "voucher_no": "记-12", "paid_on": web_support::today(0) })).await;
}

async fn audited(admin: &Agent, action: &str, id: i64) -> Vec<Value> {
    let (status, v) = admin.get_json(&format!("/api/v1/audit?action={action}&entity_id={id}&per_page=100")).await;
    assert_eq!(status, Status::Ok, "{v}");
    v["entries"].as_array().cloned().unwrap_or_default()
}

/// The page's upload: the form posts and is sent to its preview; returns the preview's path.
async fn upload_page(who: &Agent, bytes: &[u8]) -> String {
    let (ct, body) = multipart(&[("csrf_token", None, who.csrf.as_bytes()), ("file", Some("申报表.xlsx"), bytes)]);
    let r = who.client.post("/rounds/2024/imports").header(ct).body(body).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    r.headers().get_one("Location").expect("the preview").to_string()
}

/// The same refusal through the pages: the preview shows the row's error, the confirmation
/// is refused (409) with the reason.
async fn refused_through_the_pages(who: &Agent, bytes: &[u8], message: &str) {
    let preview = upload_page(who, bytes).await;
    let (_, page) = who.get(&preview).await;
    let shown = message.replace('"', "&quot;");
    assert!(page.contains(&shown) && page.contains("id=\"refused\""), "the page shows the row's error: {page}");
    let (status, page) = who.post_form(&format!("{preview}/confirm"), &[]).await;
    assert_eq!(status, Status::Conflict, "the confirmation is refused whole");
    assert!(page.contains("未导入任何项目"), "{page}");
}

#[rocket::async_test]
async fn a_reimport_over_an_approved_and_paid_project_is_an_error_at_its_row_and_changes_nothing() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = project_id(&admin, "XX-2024-001").await;
    approve_and_pay(&app, id).await;
    let (_, before) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!((before["state"].as_str(), before["paid"] == before["granted"]), (Some("approved"), true), "{before}");
    let row = Line {
        name: "改过的项目".into(),
        phone: "13900001111",
        principal: 1_418_250.0,
        ..line("XX-2024-001", "红星二场")
    };
    let hongxing2 = app.login("hongxing2").await;
    let (status, up) =
        hongxing2.upload("/api/v1/rounds/2024/imports", "a.xlsx", &workbook(TITLE, std::slice::from_ref(&row))).await;
    assert_eq!(status, Status::Ok, "{up}");
    let e = &up["preview"]["errors"][0];
    assert_eq!(
        (e["sheet"].as_str(), e["row"].as_u64(), e["column"].as_str()),
        (Some("申报汇总表"), Some(3), Some("项目编号"))
    );
    let message = e["message"].as_str().unwrap_or_default();
    assert!(message.contains("已批准") && message.contains("已拨付") && message.contains("退回修改"), "{message}");
    assert_eq!(up["preview"]["refused"], json!(["XX-2024-001"]));
    let confirm = format!("/api/v1/imports/{}/confirm", up["import_id"]);
    let (status, body) = hongxing2.post_json(&confirm, &json!({})).await;
    assert_eq!(status, Status::Conflict, "without only_valid nothing is written: {body}");
    let done = ok(&hongxing2, &confirm, json!({ "only_valid": true })).await;
    assert_eq!((done["projects"].as_u64(), &done["left_out"]), (Some(0), &json!(["XX-2024-001"])), "{done}");
    refused_through_the_pages(&hongxing2, &workbook(TITLE, &[row]), message).await;
    let (_, after) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(after, before, "the project, loans included, is exactly as it was");
    assert!(audited(&admin, "project.import_update", id).await.is_empty());
}

#[rocket::async_test]
async fn another_regiments_key_is_an_error_for_division_staff_too() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = project_id(&admin, "XX-2024-005").await;
    let (_, before) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    let row = Line { leader: "孙晓东", ..line("XX-2024-005", "红星一场") };
    let (_, up) =
        admin.upload("/api/v1/rounds/2024/imports", "a.xlsx", &workbook(TITLE, std::slice::from_ref(&row))).await;
    let e = &up["preview"]["errors"][0];
    assert_eq!((e["row"].as_u64(), e["column"].as_str()), (Some(3), Some("项目编号")), "{up}");
    let message = e["message"].as_str().unwrap_or_default();
    let (unit, name) = (before["unit"].as_str().unwrap_or("?"), before["name"].as_str().unwrap_or("?"));
    assert!(message.contains(unit) && message.contains(name) && message.contains("红星一场"), "{message}");
    assert_eq!(up["preview"]["totals"]["projects"], json!(0), "the preview counts nothing it refused");
    let confirm = format!("/api/v1/imports/{}/confirm", up["import_id"]);
    assert_eq!(admin.post_json(&confirm, &json!({})).await.0, Status::Conflict);
    let (_, after) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(after, before);
}

/// The preview lists the changes of XX-2024-003, old → new, personal numbers masked.
fn previewed_changes(change: &Value, before: &Value, id: i64, contract: &str) {
    assert_eq!(change["id"], json!(id));
    let field = |f: &str| change["fields"].as_array().and_then(|l| l.iter().find(|c| c["field"] == f).cloned());
    let leader = field("负责人").expect("the leader changes");
    assert_eq!((leader["old"].clone(), leader["new"].as_str()), (before["leader"].clone(), Some("赵六")));
    let phone = field("联系电话").expect("the phone changes");
    assert_eq!((phone["old"].clone(), phone["new"].as_str()), (before["phone"].clone(), Some("139****5678")), "masked");
    let principal = field(&format!("贷款 {contract} 贷款金额")).expect("the loan changes");
    assert_eq!(principal["new"], "123,456.00");
    let id_number = field("身份证号").expect("the ID number changes");
    assert!(id_number["new"].as_str().is_some_and(|s| s.contains('*')), "masked: {id_number}");
}

#[rocket::async_test]
async fn an_update_of_a_submitted_project_shows_and_audits_each_change_old_and_new() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = project_id(&admin, "XX-2024-003").await;
    let (_, before) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(before["state"], "submitted");
    let loan = &before["loans"][0];
    let contract = loan["contract_no"].as_str().expect("a contract");
    let row = Line {
        name: before["name"].as_str().expect("a name").into(),
        leader: "赵六",
        phone: "13912345678",
        contract: contract.into(),
        principal: 123_456.0,
        from: loan["disbursed_on"].as_str().expect("a date").into(),
        to: loan["maturity_on"].as_str().expect("a date").into(),
        ..line("XX-2024-003", "红星二场")
    };
    let hongxing2 = app.login("hongxing2").await;
    let (_, up) =
        hongxing2.upload("/api/v1/rounds/2024/imports", "a.xlsx", &workbook(TITLE, std::slice::from_ref(&row))).await;
    assert_eq!(up["preview"]["errors"], json!([]), "{up}");
    previewed_changes(&up["preview"]["changes"][0], &before, id, contract);
    ok(&hongxing2, &format!("/api/v1/imports/{}/confirm", up["import_id"]), json!({})).await;
    let entries = audited(&admin, "project.import_update", id).await;
    assert_eq!(entries.len(), 1, "one audit row for the changed project");
    let (old, new) = (&entries[0]["old"], &entries[0]["new"]);
    assert_eq!(
        (old["负责人"].clone(), new["负责人"].as_str()),
        (before["leader"].clone(), Some("赵六")),
        "{old} {new}"
    );
    assert_eq!(new[format!("贷款 {contract} 贷款金额")], "123,456.00", "loans included");
    assert_eq!(new["联系电话"], "139****5678", "personal numbers masked in the trail");
    let (_, after) = admin.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!((after["leader"].as_str(), after["loans"][0]["principal"].as_str()), (Some("赵六"), Some("123456.00")));
    let removed = before["loans"].as_array().map_or(0, |l| l.len() - 1);
    let deleted = new.as_object().map_or(0, |o| o.values().filter(|v| *v == "删除").count());
    assert_eq!(deleted, removed, "a loan the workbook no longer has is listed as removed");
}

#[rocket::async_test]
async fn a_workbook_of_another_year_is_warned_about_at_the_top() {
    let app = TestApp::demo().await;
    let hongxing2 = app.login("hongxing2").await;
    let row = Line { from: "2021-03-01".into(), to: "2022-03-01".into(), ..line("XX-2023-901", "红星二场") };
    let old = workbook("2023年度职工自主创业示范项目贷款贴息申报汇总表", &[row]);
    let (_, up) = hongxing2.upload("/api/v1/rounds/2024/imports", "a.xlsx", &old).await;
    let warnings: Vec<&str> =
        up["preview"]["warnings"].as_array().expect("warnings").iter().filter_map(Value::as_str).collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("2023") && warnings[1].contains("XX-2023-901") && warnings[2].contains("结清或到期"));
    assert_eq!(up["preview"]["errors"], json!([]), "a warning, not an error");
    let preview = upload_page(&hongxing2, &old).await;
    let (_, page) = hongxing2.get(&preview).await;
    let top = page.find("id=\"warnings\"").expect("the warnings");
    assert!(top < page.find("id=\"summary\"").expect("the summary") && page.contains(warnings[0]), "at the top");
    let this_year = workbook(TITLE, &[line("XX-2024-901", "红星二场")]);
    let (_, up) = hongxing2.upload("/api/v1/rounds/2024/imports", "a.xlsx", &this_year).await;
    assert_eq!(up["preview"]["warnings"], json!([]), "this year's workbook has none");
}
