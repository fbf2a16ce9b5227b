//! Issue 15 item 3 on the pages: staff accept or reject an applicant's document from the
//! evidence checklist's forms; a rejection needs a reason, which the applicant then reads on
//! their own checklist; a document downloads under its own file name. Real database
//! (SQLite file; PostgreSQL with `TEST_DATABASE_URL`).

use crate::web_support;

use rocket::http::Status;
use tiexi::accounts::Role;

use crate::statements::round_2024;

/// A document of `project`, stored as the upload stores it.
async fn document(app: &web_support::TestApp, project: i64, original: &str) -> (i64, String) {
    let pdf = b"%PDF-1.4\n% test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let stored = format!("page-{project}.pdf");
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let id = tiexi::storage::documents::insert(
        &mut conn,
        &tiexi::storage::documents::New {
            project_id: project,
            kind: tiexi::review::DocumentKind::Contract,
            stored_name: &stored,
            original_name: original,
            content_type: "application/pdf",
            sha256: "0",
            content: pdf,
            uploaded_by: 1,
        },
    )
    .await
    .expect("a document");
    (id, stored)
}

#[rocket::async_test]
async fn staff_reject_with_a_reason_the_applicant_reads_and_then_accept() {
    let (app, admin) = round_2024().await;
    let coop_id = app.add_user("coop", Role::Cooperative, None).await;
    app.add_user("two", Role::RegimentStaff, Some("红星二场")).await;
    let list = admin.projects(2024).await;
    let id = list.iter().find(|p| p["key"] == "XX-2024-002").and_then(|p| p["id"].as_i64()).expect("XX-2024-002");
    // Test-only setup: the applicant owns the project (an online application would).
    sqlx::query("UPDATE projects SET owner_id = $1 WHERE id = $2")
        .bind(coop_id)
        .bind(id)
        .execute(&app.pool.inner)
        .await
        .expect("test-only setup");
    let (doc, stored) = document(&app, id, "农机贷款合同.pdf").await;

    let (status, page) = admin.get(&format!("/projects/{id}/evidence")).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains(&format!("id=\"review-{doc}\"")) && page.contains("待审核"), "{page}");
    let review = format!("/documents/{doc}/review");
    let (status, _) = admin.post_form(&review, &[("decision", "reject"), ("reason", "")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = admin.get(&format!("/projects/{id}/evidence")).await;
    assert!(page.contains("不认可时须填写原因") && page.contains("待审核"), "no reason, no rejection: {page}");
    let (status, _) = admin.post_form(&review, &[("decision", "reject"), ("reason", "合同未盖银行公章")]).await;
    assert_eq!(status, Status::SeeOther);

    // Another regiment may not review 红星一场's document; the applicant may not review at all.
    let two = app.login("two").await;
    assert_eq!(two.post_form(&review, &[("decision", "accept"), ("reason", "")]).await.0, Status::NotFound);
    let coop = app.login("coop").await;
    let (status, page) = coop.get(&format!("/projects/{id}/evidence")).await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("合同未盖银行公章") && page.contains("未认可"), "{page}");
    assert!(!page.contains(&format!("id=\"review-{doc}\"")), "the applicant sees no review form: {page}");
    assert_eq!(coop.post_form(&review, &[("decision", "accept"), ("reason", "")]).await.0, Status::Forbidden);

    // The document downloads under its own name.
    let r = coop.client.get(format!("/projects/{id}/documents/{stored}")).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let disposition = r.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    assert!(disposition.contains(&web_support::encode("农机贷款合同.pdf")), "{disposition}");

    let (status, _) = admin.post_form(&review, &[("decision", "accept"), ("reason", "")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = coop.get(&format!("/projects/{id}/evidence")).await;
    assert!(page.contains("已认可") && !page.contains("合同未盖银行公章"), "{page}");
    let (_, audit) = admin.get_json(&format!("/api/v1/audit?action=document.review&entity_id={doc}")).await;
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(2), "{audit}");
}
