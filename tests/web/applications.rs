//! Applications online (issue 5, item 1): a cooperative fills in a project in the form,
//! gets the workbook's own Chinese messages, edits, uploads documents (PDF/JPEG/PNG by
//! their bytes, size-capped), submits; nobody else's cooperative sees or downloads it.

use crate::web_support;

use std::fmt::Write;

use rocket::http::{ContentType, Header, Status};
use web_support::{multipart, Agent, TestApp};

/// A complete application: two loans (the second in 万元) and a repayment.
fn good() -> Vec<(&'static str, &'static str)> {
    vec![
        ("project.unit", "红星二场"),
        ("project.project_name", "奶牛养殖扩建"),
        ("project.applicant_type", "个人"),
        ("project.leader", "张三"),
        ("project.id_number", "11010519491231002X"),
        ("project.households", "5"),
        ("project.union_member", "是"),
        ("payee_name", "张三"),
        ("payee_bank", "农行红星支行"),
        ("payee_account", "6228480012345678901"),
        ("loans.0.contract_no", "WEB-HT-001"),
        ("loans.0.principal", "300000"),
        ("loans.0.rate", "4.35"),
        ("loans.0.disbursed_on", "2024-01-10"),
        ("loans.0.maturity_on", "2025-01-10"),
        ("loans.1.contract_no", "WEB-HT-002"),
        ("loans.1.principal", "20万元"),
        ("loans.1.rate", "3.95%"),
        ("loans.1.disbursed_on", "2024/3/1"),
        ("loans.1.maturity_on", "2026年3月1日"),
        ("events.0.contract_no", "WEB-HT-001"),
        ("events.0.date", "2024-06-10"),
        ("events.0.kind", "还款"),
        ("events.0.amount", "100000"),
    ]
}

fn with(fields: &[(&'static str, &'static str)], key: &str, value: &'static str) -> Vec<(&'static str, &'static str)> {
    fields.iter().map(|(k, v)| (*k, if *k == key { value } else { *v })).collect()
}

/// The project id of a redirect to `/projects/<id>`.
fn id_of(location: &str) -> i64 {
    location.trim_start_matches("/projects/").parse().expect("a project page")
}

async fn create(coop: &Agent, fields: &[(&str, &str)]) -> (Status, String, Option<String>) {
    let mut body = format!("csrf_token={}", coop.csrf);
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", web_support::encode(v));
    }
    let r = coop.client.post("/rounds/2024/applications").header(ContentType::Form).body(body).dispatch().await;
    let location = r.headers().get_one("Location").map(str::to_string);
    (r.status(), r.into_string().await.unwrap_or_default(), location)
}

async fn upload(who: &Agent, id: i64, kind: &str, name: &str, bytes: &[u8]) -> Status {
    let (ct, body) = multipart(&[
        ("csrf_token", None, who.csrf.as_bytes()),
        ("kind", None, kind.as_bytes()),
        ("file", Some(name), bytes),
    ]);
    who.client.post(format!("/projects/{id}/documents")).header(ct).body(body).dispatch().await.status()
}

#[rocket::async_test]
async fn bad_values_get_the_workbooks_messages_next_to_their_fields() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    for (key, value, message) in [
        ("project.id_number", "110105194912310021", "校验位错误，请核对号码"),
        ("loans.0.principal", "三十万", "不是有效金额，请填写数字"),
        ("loans.1.disbursed_on", "2024-02-30", "日期不存在（2024年2月30日）"),
        ("loans.0.rate", "30", "不在 0 到 24% 之间"),
    ] {
        let (status, page, _) = create(&coop, &with(&good(), key, value)).await;
        assert_eq!(status, Status::UnprocessableEntity, "{key}");
        let at = page.find(&format!("data-field=\"{key}\"")).unwrap_or_else(|| panic!("an error at {key}: {page}"));
        let shown = page[at..].split("</span>").next().unwrap_or_default();
        assert!(shown.contains(message), "{key}: {message}: {shown}");
        assert!(page.contains(&format!("value=\"{value}\"")), "the typed value is shown again");
    }
    assert_eq!(coop.project_count(2024).await, 2, "nothing was stored");
}

/// Documents: a PDF is kept and downloads as an attachment; a renamed .exe and an over-size
/// file are refused; another cooperative neither sees nor downloads it.
async fn documents(coop: &Agent, other: &Agent, id: i64) {
    assert_eq!(upload(coop, id, "contract", "贷款合同<甲>.PDF.exe", b"%PDF-1.4\n% test\n").await, Status::SeeOther);
    let mut exe = b"MZ\x90\x00".to_vec();
    exe.extend_from_slice(&[0; 64]);
    assert_eq!(upload(coop, id, "contract", "合同.pdf", &exe).await, Status::UnprocessableEntity);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    assert_eq!(upload(coop, id, "other", "big.pdf", &big).await, Status::PayloadTooLarge);
    let (_, page) = coop.get(&format!("/projects/{id}")).await;
    let link =
        page.split(&format!("/projects/{id}/documents/")).nth(1).and_then(|s| s.split('"').next()).expect("a link");
    assert_eq!(page.matches(&format!("/projects/{id}/documents/")).count(), 1, "one document kept");
    let r = coop.client.get(format!("/projects/{id}/documents/{link}")).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.content_type(), Some(ContentType::PDF));
    // Under its own name, without folder or quote, with the extension of what it is (issue 17).
    let disposition = r.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    let own = tiexi::web::reports::workbooks::rfc5987("贷款合同甲.PDF.pdf");
    assert!(
        disposition.starts_with("attachment") && disposition.contains(&format!("filename*={own}")),
        "{disposition}"
    );
    // Another cooperative neither sees nor downloads it.
    assert_eq!(other.get(&format!("/projects/{id}")).await.0, Status::NotFound);
    assert_eq!(other.get(&format!("/projects/{id}/documents/{link}")).await.0, Status::NotFound);
    assert_eq!(other.get(&format!("/projects/{id}/edit")).await.0, Status::NotFound);
    assert_eq!(upload(other, id, "other", "x.pdf", b"%PDF-1.4").await, Status::NotFound);
}

#[rocket::async_test]
async fn a_cooperative_drafts_edits_uploads_and_submits_and_nobody_else_sees_it() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let (status, page) = coop.get("/applications").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("新建申请"));
    let (status, page, location) = create(&coop, &good()).await;
    assert_eq!(status, Status::SeeOther, "{}", page.split("id=\"errors\"").nth(1).unwrap_or_default());
    let id = id_of(&location.expect("a redirect"));
    let (_, project) = coop.get_json(&format!("/api/v1/projects/{id}")).await;
    assert_eq!((project["state"].as_str(), project["loans"].as_array().map(Vec::len)), (Some("draft"), Some(2)));
    // A Chinese project number: the year, the 团场 and the next number (issue 17 item 4).
    let key = project["key"].as_str().unwrap_or_default().to_string();
    assert!(key.starts_with("2024-") && key.ends_with("-0001") && !key.contains("WEB"), "{key}");
    assert_eq!(project["loans"][1]["principal"], "200000.00", "20万元 read as the workbook reads it");
    // Edit: the form shows the stored values; a third field changes.
    let (status, form) = coop.get(&format!("/projects/{id}/edit")).await;
    assert_eq!(status, Status::Ok);
    assert!(form.contains("value=\"WEB-HT-002\"") && form.contains("value=\"还款\""));
    let (status, _) = coop.post_form(&format!("/projects/{id}/edit"), &with(&good(), "project.households", "8")).await;
    assert_eq!(status, Status::SeeOther);
    assert_eq!(coop.get_json(&format!("/api/v1/projects/{id}")).await.1["households"], 8);
    let other = app.login("coop-b").await;
    documents(&coop, &other, id).await;
    // Submit, after which the draft can no longer be edited.
    let (status, answer) =
        coop.post_json(&format!("/api/v1/projects/{id}/actions"), &serde_json::json!({ "action": "submit" })).await;
    assert_eq!((status, answer["state"].as_str()), (Status::Ok, Some("submitted")));
    assert_eq!(coop.get(&format!("/projects/{id}/edit")).await.0, Status::Conflict);
    let r = coop
        .client
        .post(format!("/projects/{id}/edit"))
        .header(ContentType::Form)
        .header(Header::new("X-CSRF-Token", coop.csrf.clone()))
        .body("project.households=1")
        .dispatch()
        .await;
    assert_eq!(r.status(), Status::Conflict);
    let (_, mine) = coop.get("/applications").await;
    assert!(mine.contains("奶牛养殖扩建") && mine.contains("已提交"));
}

#[rocket::async_test]
async fn only_cooperatives_apply() {
    let app = TestApp::demo().await;
    for who in ["admin", "hongxing2", "auditor"] {
        let agent = app.login(who).await;
        assert_eq!(agent.get("/rounds/2024/applications/new").await.0, Status::Forbidden, "{who}");
        assert_eq!(agent.post_form("/rounds/2024/applications", &good()).await.0, Status::Forbidden, "{who}");
    }
}
