//! Issue 12, items 4 and 5 (the part without a browser), on a real database (SQLite file;
//! PostgreSQL with `TEST_DATABASE_URL`): the division's list of 团场, kept by division staff;
//! a project stranded under a mistyped 团场 corrected (audited, old → new) so that its
//! regiment sees it; the online application picks its 团场 from the list; a double-posted
//! 保存草稿 creates one application.

use crate::web_support;

use std::fmt::Write;

use rocket::http::{ContentType, Status};
use serde_json::json;
use web_support::{encode, Agent, TestApp};

/// The application form's fields for one loan under the 团场 given.
fn application(coop: &Agent, unit: &str) -> String {
    let mut body = format!("csrf_token={}", coop.csrf);
    for (k, v) in [
        ("project.unit", unit),
        ("project.project_name", "温室大棚"),
        ("project.applicant_type", "个人"),
        ("project.leader", "李四"),
        ("project.id_number", "11010519491231002X"),
        ("project.households", "3"),
        ("project.union_member", "是"),
        ("loans.0.contract_no", "HT-UNIT-1"),
        ("loans.0.principal", "300000"),
        ("loans.0.rate", "4.35"),
        ("loans.0.disbursed_on", "2023-06-10"),
        ("loans.0.maturity_on", "2026-06-10"),
    ] {
        let _ = write!(body, "&{k}={}", encode(v));
    }
    body
}

async fn mine(coop: &Agent) -> usize {
    let (_, page) = coop.get("/applications").await;
    page.matches("href=\"/projects/").count()
}

#[rocket::async_test]
async fn the_application_picks_its_unit_from_the_list() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let (_, form) = coop.get("/rounds/2024/applications/new").await;
    assert!(form.contains("<select name=\"project.unit\"") && form.contains("<option value=\"红星二牧场\">"), "{form}");
    let before = mine(&coop).await;
    let post = |unit: &str| {
        coop.client.post("/rounds/2024/applications").header(ContentType::Form).body(application(&coop, unit))
    };
    let r = post("红星2场").dispatch().await;
    assert_eq!(r.status(), Status::UnprocessableEntity);
    let page = r.into_string().await.unwrap_or_default();
    assert!(page.contains("“红星2场”不在本师团场名单中") && page.contains("（不在名单中，请重新选择）"), "{page}");
    assert_eq!(mine(&coop).await, before, "nothing stored");
    assert_eq!(post("红星二场").dispatch().await.status(), Status::SeeOther);
    assert_eq!(mine(&coop).await, before + 1);
}

#[rocket::async_test]
async fn a_double_posted_draft_creates_one_application() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let (_, form) = coop.get("/rounds/2024/applications/new").await;
    let action = form
        .split("id=\"application\"")
        .next()
        .and_then(|s| s.rsplit("action=\"").next())
        .and_then(|s| s.split('"').next())
        .expect("the form's action")
        .replace("&#x2F;", "/");
    assert!(action.starts_with("/rounds/2024/applications?idempotency_key="), "{action}");
    let before = mine(&coop).await;
    let send =
        || coop.client.post(action.clone()).header(ContentType::Form).body(application(&coop, "红星二场")).dispatch();
    let (one, two) = rocket::tokio::join!(send(), send());
    let mut statuses = [one.status().code, two.status().code];
    statuses.sort_unstable();
    assert!(statuses == [303, 303] || statuses == [303, 409], "{statuses:?}");
    assert_eq!(send().await.status(), Status::SeeOther, "a third click gets the first answer again");
    assert_eq!(mine(&coop).await, before + 1, "one application for one form");
    // Another rendering of the form is another application.
    let (_, form) = coop.get("/rounds/2024/applications/new").await;
    let fresh = form
        .split("id=\"application\"")
        .next()
        .and_then(|s| s.rsplit("action=\"").next())
        .and_then(|s| s.split('"').next())
        .expect("an action")
        .replace("&#x2F;", "/");
    assert_ne!(fresh, action, "each rendering has its own key");
    let r =
        coop.client.post(fresh.clone()).header(ContentType::Form).body(application(&coop, "红星二场")).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    assert_eq!(mine(&coop).await, before + 2);
}

async fn import_with_unit(admin: &Agent, unit: &str) -> i64 {
    let body = web_support::workbook::one_project("XX-2024-777", unit);
    let (_, up) = admin.upload("/api/v1/rounds/2024/imports", "a.xlsx", &body).await;
    let warnings = up["preview"]["warnings"].to_string();
    assert!(warnings.contains(&format!("团场“{unit}”不在本师团场名单中")), "{warnings}");
    let (status, v) = admin.post_json(&format!("/api/v1/imports/{}/confirm", up["import_id"]), &json!({})).await;
    assert_eq!(status, Status::Ok, "{v}");
    let list = admin.projects(2024).await;
    list.iter().find(|p| p["key"] == "XX-2024-777").and_then(|p| p["id"].as_i64()).expect("imported")
}

#[rocket::async_test]
async fn a_stranded_unit_is_corrected_by_division_staff_and_audited() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let id = import_with_unit(&admin, "红星2场").await;
    let hongxing2 = app.login("hongxing2").await;
    assert_eq!(hongxing2.get_json(&format!("/api/v1/projects/{id}")).await.0, Status::NotFound, "stranded");
    let path = format!("/api/v1/projects/{id}/unit");
    assert_eq!(hongxing2.post_json(&path, &json!({ "unit": "红星二场" })).await.0, Status::Forbidden);
    assert_eq!(
        admin.post_json(&path, &json!({ "unit": "红星9场" })).await.0,
        Status::UnprocessableEntity,
        "only the list"
    );
    let (status, v) = admin.post_json(&path, &json!({ "unit": "红星二场" })).await;
    assert_eq!((status, v["old_unit"].as_str(), v["unit"].as_str()), (Status::Ok, Some("红星2场"), Some("红星二场")));
    assert_eq!(
        hongxing2.get_json(&format!("/api/v1/projects/{id}")).await.1["unit"],
        "红星二场",
        "its regiment sees it"
    );
    let (_, trail) = admin.get_json(&format!("/api/v1/audit?action=project.unit&entity_id={id}")).await;
    let e = &trail["entries"][0];
    assert_eq!((e["old"].clone(), e["new"].clone()), (json!({ "unit": "红星2场" }), json!({ "unit": "红星二场" })));
    let (_, history) = admin.get_json(&format!("/api/v1/projects/{id}/transitions")).await;
    let last = history["transitions"].as_array().and_then(|l| l.last().cloned()).expect("a transition");
    assert_eq!(
        (last["action_label"].as_str(), last["comment"].as_str()),
        (Some("更正团场"), Some("更正团场：红星2场 → 红星二场"))
    );
    let (status, _) = admin.post_form(&format!("/projects/{id}/unit"), &[("unit", "红星一场")]).await;
    assert_eq!(status, Status::SeeOther, "the project page's form");
    let (_, page) = admin.get(&format!("/projects/{id}")).await;
    assert!(page.contains("团场已更正：红星二场 → 红星一场") && page.contains("id=\"correct-unit\""), "{page}");
}

#[rocket::async_test]
async fn division_staff_keep_the_list_of_units() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (_, page) = admin.get("/units").await;
    assert!(page.contains("红星二场") && page.contains("id=\"add-unit\""), "{page}");
    assert_eq!(app.login("hongxing2").await.post_form("/units", &[("name", "红星五场")]).await.0, Status::Forbidden);
    assert_eq!(admin.post_form("/units", &[("name", "红星五场")]).await.0, Status::SeeOther);
    let (_, offered) = admin.get_json("/api/v1/units").await;
    assert!(offered["units"].as_array().expect("a list").contains(&json!("红星五场")));
    let (_, page) = admin.get("/units").await;
    let id = page
        .split("<td>红星五场</td>")
        .nth(1)
        .and_then(|s| s.split("action=\"/units/").nth(1))
        .and_then(|s| s.split('?').next())
        .expect("its form");
    assert_eq!(admin.post_form(&format!("/units/{id}"), &[("active", "false")]).await.0, Status::SeeOther);
    let (_, offered) = admin.get_json("/api/v1/units").await;
    assert!(!offered["units"].as_array().expect("a list").contains(&json!("红星五场")), "retired: no longer offered");
    let (_, trail) = admin.get_json("/api/v1/audit?entity=unit").await;
    let actions: Vec<&str> =
        trail["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["unit.retire", "unit.add"], "{trail}");
}
