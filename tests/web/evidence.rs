//! Issue 15 item 2, evidence before money (docs/rules.md §9): with
//! `evidence.interest_statement = "required"` a payment batch refuses (409, naming them) the
//! projects whose loans lack certified interest, and with `evidence.documents` those without
//! an accepted document of each category; staff accept or reject documents with a reason the
//! applicant sees, and the project's checklist says what is missing. Real database (SQLite
//! file; PostgreSQL with `TEST_DATABASE_URL`), through the API.

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::accounts::Role;
use web_support::{Agent, TestApp};

const FACTS000: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/facts000");

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FACTS000}/{name}")).expect("facts000 is committed")
}

/// facts000's round with the evidence rules, imported, approved and granted in full.
async fn granted(evidence: &str) -> (TestApp, Agent, Agent) {
    let app = TestApp::empty().await;
    app.add_user("maker", Role::DivisionStaff, None).await;
    app.add_user("checker", Role::DivisionStaff, None).await;
    let maker = app.login("maker").await;
    let policy = format!("{}\n[evidence]\n{evidence}\n", String::from_utf8(file("policy.toml")).expect("UTF-8"));
    let (status, round) = maker.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
    assert_eq!(status, Status::Ok, "{round}");
    let (status, up) = maker.upload("/api/v1/rounds/2024/imports", "applicants.xlsx", &file("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{up}");
    let (status, done) = maker.post_json(&format!("/api/v1/imports/{}/confirm", up["import_id"]), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    // Test-only, as tests/web/money.rs: the review workflow would bring them here.
    sqlx::query("UPDATE projects SET state = 'approved'").execute(&app.pool.inner).await.expect("approve all");
    let checker = app.login("checker").await;
    let (status, proposal) = maker.post_json("/api/v1/rounds/2024/allocations", &json!({ "dry_run": false })).await;
    assert_eq!(status, Status::Ok, "{proposal}");
    let path = format!("/api/v1/allocations/{}/actions", proposal["allocation_id"]);
    let (status, v) = checker.post_json(&path, &json!({ "action": "approve", "comment": "同意" })).await;
    assert_eq!(status, Status::Ok, "{v}");
    // Every project has a payee, so that only the evidence can stop a batch (docs/payments.md).
    app.give_payees().await;
    (app, maker, checker)
}

async fn ids(agent: &Agent) -> Vec<(String, i64)> {
    agent
        .projects(2024)
        .await
        .iter()
        .map(|p| (p["key"].as_str().unwrap_or("").to_string(), p["id"].as_i64().unwrap_or(0)))
        .collect()
}

async fn prepare(maker: &Agent, ids: &[i64]) -> (Status, Value) {
    maker.post_json("/api/v1/rounds/2024/disbursements", &json!({ "projects": ids })).await
}

#[rocket::async_test]
async fn a_required_statement_missing_blocks_a_batch_until_the_bank_certifies() {
    let (_app, maker, _checker) = granted("interest_statement = \"required\"").await;
    let all = ids(&maker).await;
    let second = all.iter().find(|(k, _)| k == "XX-2024-002").map(|(_, id)| *id).expect("XX-2024-002");
    let (status, refused) = prepare(&maker, &[second]).await;
    assert_eq!(status, Status::Conflict, "{refused}");
    let text = refused["error"].as_str().unwrap_or("");
    assert!(text.contains("XX-2024-002") && text.contains("B1") && text.contains("B2"), "{text}");
    let (_, list) = maker.get_json(&format!("/api/v1/projects/{second}/evidence")).await;
    assert_eq!((list["ready"].clone(), list["lacking_statements"].clone()), (json!(false), json!(["B1", "B2"])));

    // B2 certified (above what it was granted: a statement that undercuts a grant on the
    // books is refused, see web::calculation): B1 still lacks its statement, and the batch
    // names only B1.
    let b2 = "合同编号,计息起日,计息止日,实收利息\nB2,2024-01-01,2024-12-31,9000.00\n";
    crate::statements::confirmed(&maker, "b2.csv", b2.as_bytes()).await;
    let (status, refused) = prepare(&maker, &[second]).await;
    let text = refused["error"].as_str().unwrap_or("");
    assert!(status == Status::Conflict && text.contains("B1") && !text.contains("B2"), "{text}");

    let b1 = "合同编号,计息起日,计息止日,实收利息\nB1,2024-03-10,2024-12-31,8000.00\n";
    crate::statements::confirmed(&maker, "b1.csv", b1.as_bytes()).await;
    let (status, batch) = prepare(&maker, &[second]).await;
    assert_eq!(status, Status::Ok, "every loan with subsidy is certified now: {batch}");
    let (_, list) = maker.get_json(&format!("/api/v1/projects/{second}/evidence")).await;
    assert_eq!(list["ready"], json!(true), "{list}");
}

/// A document as the upload stores it (the upload's own checks are tests/web/applications.rs's).
async fn document(app: &TestApp, project: i64, kind: &str) -> i64 {
    let pdf = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let name = format!("test-{project}-{kind}-{}", rand_suffix());
    tiexi::storage::documents::insert(
        &mut conn,
        &tiexi::storage::documents::New {
            project_id: project,
            kind: tiexi::review::DocumentKind::parse(kind).expect("a document kind"),
            stored_name: &name,
            original_name: "合同.pdf",
            content_type: "application/pdf",
            sha256: "0",
            content: pdf,
            uploaded_by: 1,
        },
    )
    .await
    .expect("a document")
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| u64::from(d.subsec_nanos()))
}

#[rocket::async_test]
async fn a_listed_document_category_needs_an_accepted_document_and_a_rejection_says_why() {
    let (app, maker, _checker) = granted("documents = [\"贷款合同\"]").await;
    let all = ids(&maker).await;
    let first = all.iter().find(|(k, _)| k == "XX-2024-001").map(|(_, id)| *id).expect("XX-2024-001");
    let (status, refused) = prepare(&maker, &[first]).await;
    let text = refused["error"].as_str().unwrap_or("");
    assert!(status == Status::Conflict && text.contains("贷款合同"), "{text}");

    let doc = document(&app, first, "contract").await;
    let review = format!("/api/v1/documents/{doc}/review");
    let (status, v) = maker.post_json(&review, &json!({ "decision": "reject" })).await;
    assert_eq!(status, Status::UnprocessableEntity, "a rejection needs its reason: {v}");
    let (status, v) = maker.post_json(&review, &json!({ "decision": "reject", "reason": "合同未盖章" })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let (_, list) = maker.get_json(&format!("/api/v1/projects/{first}/evidence")).await;
    assert_eq!(list["categories"][0]["state"], "rejected", "{list}");
    assert_eq!(list["categories"][0]["reason"], "合同未盖章", "{list}");
    let (status, _) = prepare(&maker, &[first]).await;
    assert_eq!(status, Status::Conflict);

    app.add_user("auditor", Role::Auditor, None).await;
    let (status, _) = app.login("auditor").await.post_json(&review, &json!({ "decision": "accept" })).await;
    assert_eq!(status, Status::Forbidden, "auditors look, they do not accept");
    let (status, v) = maker.post_json(&review, &json!({ "decision": "accept" })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let (status, audit) = maker.get_json(&format!("/api/v1/audit?action=document.review&entity_id={doc}")).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(2), "{audit}");
    let (status, batch) = prepare(&maker, &[first]).await;
    assert_eq!(status, Status::Ok, "{batch}");
    let (status, page) = maker.get(&format!("/projects/{first}/evidence")).await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("已认可") && page.contains("贷款合同"), "{page}");
}
