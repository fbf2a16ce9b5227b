//! Issue 15 item 4 on the pages: the page of a newly opened round offers division staff the
//! previous round's approved projects whose loans still run; those ticked arrive as drafts
//! with the same contracts for their regiment, whose page confirms or drops each (and sees
//! no other regiment's). Real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`).

use crate::web_support;

use rocket::http::Status;
use serde_json::json;
use tiexi::accounts::Role;
use tiexi::storage;

use crate::earlier_rounds::{loan, policy, project, round};

#[rocket::async_test]
#[expect(clippy::too_many_lines, reason = "one story: offer, carry, read back, each regiment settles")]
async fn the_round_page_offers_carrying_forward_and_each_regiment_settles_its_drafts() {
    let app = web_support::TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    app.add_user("one", Role::RegimentStaff, Some("红星一场")).await;
    app.add_user("two", Role::RegimentStaff, Some("红星二场")).await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let mut second = project("XX-2097-003", "650102199202021234", "", vec![loan("HT-TWO", "2097-05-01", "2099-05-01")]);
    second.applicant.unit = "红星二场".into();
    let running = vec![loan("HT-RUN", "2097-03-01", "2100-03-01"), loan("HT-END", "2097-01-01", "2097-12-01")];
    let r97 = round(
        &mut conn,
        &policy(2097, None, ""),
        &[(project("XX-2097-001", "650102198505054326", "", running), 1_000_000), (second, 500_000)],
    )
    .await;
    // Test-only setup: the review workflow would have approved them.
    sqlx::query("UPDATE projects SET state = 'approved' WHERE round_id = $1")
        .bind(r97)
        .execute(&mut *conn)
        .await
        .expect("test-only setup");
    drop(conn);
    let admin = app.login("admin").await;
    let (status, v) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy(2098, None, "") })).await;
    assert_eq!(status, Status::Ok, "{v}");

    let (status, page) = admin.get("/rounds/2098").await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(
        page.contains("id=\"carry-offer\"") && page.contains("XX-2097-001") && page.contains("XX-2097-003"),
        "{page}"
    );
    let (_, offered) = admin.get_json("/api/v1/rounds/2098/carry_forward").await;
    let ids: Vec<String> = offered["projects"].as_array().into_iter().flatten().map(|p| p["id"].to_string()).collect();
    let fields: Vec<(&str, &str)> = ids.iter().map(|i| ("projects", i.as_str())).collect();
    let (status, _) = admin.post_form("/rounds/2098/carry_forward", &fields).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = admin.get("/rounds/2098/carried").await;
    assert!(page.contains("已结转 2 个项目") && page.contains("HT-RUN"), "{page}");
    let (_, page) = admin.get("/rounds/2098").await;
    assert!(!page.contains("id=\"carry-offer\""), "nothing is offered twice: {page}");

    // The drafts hold the same contracts (the loan that ended stays behind).
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let r98 = storage::rounds::find_by_year(&mut conn, 2098).await.expect("a read").expect("2098");
    let stored = storage::load::round(&mut conn, r98.id).await.expect("the projects");
    drop(conn);
    let contracts: Vec<(String, String, Vec<String>)> = stored
        .iter()
        .map(|(r, p)| {
            (p.key.clone(), r.state.code().to_string(), p.loans.iter().map(|l| l.contract_no.clone()).collect())
        })
        .collect();
    assert_eq!(
        contracts,
        vec![
            ("XX-2097-001".into(), "draft".into(), vec!["HT-RUN".to_string()]),
            ("XX-2097-003".into(), "draft".into(), vec!["HT-TWO".to_string()]),
        ]
    );
    let id_of = |key: &str| stored.iter().find(|(_, p)| p.key == key).map(|(r, _)| r.id).expect("carried");
    let (first, other) = (id_of("XX-2097-001"), id_of("XX-2097-003"));

    let (one, two) = (app.login("one").await, app.login("two").await);
    let (_, page) = one.get("/rounds/2098").await;
    assert!(page.contains("href=\"/rounds/2098/carried\"") && !page.contains("id=\"carry-offer\""), "{page}");
    let (status, page) = one.get("/rounds/2098/carried").await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("XX-2097-001") && !page.contains("XX-2097-003"), "{page}");
    let (_, page) = two.get("/rounds/2098/carried").await;
    assert!(page.contains("XX-2097-003") && !page.contains("XX-2097-001"), "{page}");
    let settle = |id: i64| format!("/projects/{id}/carried");
    assert_eq!(two.post_form(&settle(first), &[("decision", "confirm")]).await.0, Status::NotFound);
    assert_eq!(one.post_form(&settle(first), &[("decision", "confirm")]).await.0, Status::SeeOther);
    assert_eq!(two.post_form(&settle(other), &[("decision", "drop")]).await.0, Status::SeeOther);
    let (_, page) = one.get("/rounds/2098/carried").await;
    assert!(page.contains("已确认，项目进入团场初审") && page.contains("没有待确认的结转项目"), "{page}");
    let state = |id: i64| {
        let admin = &admin;
        async move { admin.get_json(&format!("/api/v1/projects/{id}")).await.1["state"].clone() }
    };
    assert_eq!((state(first).await, state(other).await), (json!("submitted"), json!("withdrawn")));
    // Settling twice does nothing twice: the project is no longer a carried draft.
    assert_eq!(one.post_form(&settle(first), &[("decision", "drop")]).await.0, Status::NotFound);
}
