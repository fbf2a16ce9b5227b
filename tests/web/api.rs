//! The JSON API on a real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`):
//! the demo's published figures, and an import of case000 that previews exactly what
//! `tiexi calc --json` prints and never creates anything twice; imports that must be
//! refused (a closed round, a regiment bringing another 团场's project key).

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use sqlx::Row;
use tiexi::accounts::Role;
use tiexi::storage;
use web_support::{case000, case000_policy, workbook, Agent, TestApp, CASE000};

/// The issue: the demo's cumulative figures through 2023 are the published ones.
#[rocket::async_test]
async fn figures_through_2023_are_the_published_ones() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let (status, f) = admin.get_json("/api/v1/figures?through=2023").await;
    assert_eq!(status, Status::Ok, "{f}");
    assert_eq!(f["funded_projects"], json!(431));
    assert_eq!(f["granted"], json!("8066350.00"));
    assert_eq!(f["loans_unlocked"], json!("168000000.00"));
    assert_eq!(f["leverage"], json!("20.83"));
    assert_eq!(f["households"], json!(7916));
    let (status, one) = admin.get_json("/api/v1/figures?year=2017").await;
    assert_eq!(status, Status::Ok);
    assert_eq!((one["funded_projects"].clone(), one["granted"].clone()), (json!(40), json!("720000.00")));
    assert_eq!(admin.get_json("/api/v1/figures?year=2016").await.0, Status::NotFound);
    assert_eq!(admin.get_json("/api/v1/figures").await.0, Status::UnprocessableEntity);
}

/// `tiexi calc --json` on case000, as a JSON value.
fn calc_json() -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["calc", "--json", "--policy", &format!("{CASE000}/policy.toml"), &format!("{CASE000}/applicants.xlsx")])
        .output()
        .expect("tiexi calc runs");
    assert!(out.status.code().is_some_and(|c| c <= 1), "tiexi calc: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("calc prints JSON")
}

/// An empty database with one division staff account and the 2023 round of case000.
async fn round_2023() -> (TestApp, web_support::Agent) {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    let (status, round) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": case000_policy() })).await;
    assert_eq!(status, Status::Ok, "{round}");
    assert_eq!((round["year"].clone(), round["status"].clone()), (json!(2023), json!("open")));
    (app, admin)
}

#[rocket::async_test]
async fn the_preview_of_an_upload_is_what_tiexi_calc_prints() {
    let (_app, admin) = round_2023().await;
    let (status, body) =
        admin.upload("/api/v1/rounds/2023/imports", "applicants.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mut preview = body["preview"].clone();
    let checked =
        ["changes", "added", "refused", "warnings"].map(|k| preview.as_object_mut().and_then(|o| o.remove(k)));
    // The projects left out (issue 17 item 3: none here), and each project's 团场 and 负责人
    // for the preview page, are the import's additions too.
    assert_eq!(preview.as_object_mut().and_then(|o| o.remove("faulty")), Some(json!([])));
    for p in preview["projects"].as_array_mut().into_iter().flatten() {
        let o = p.as_object_mut().expect("a project");
        assert!(o.remove("unit").is_some() && o.remove("leader").is_some(), "团场 and 负责人");
    }
    assert_eq!(preview, calc_json(), "besides what the import's check adds, the preview is the calculation");
    assert_eq!(body["preview"]["projects"].as_array().map(Vec::len), Some(20), "case000 has 20 projects");
    let [changes, added, refused, warnings] = checked;
    assert_eq!(added.and_then(|a| a.as_array().map(Vec::len)), Some(20), "all 20 are new to the round");
    assert_eq!((changes, refused, warnings), (Some(json!([])), Some(json!([])), Some(json!([]))));
    assert_eq!(body["same_file_confirmed_at"], Value::Null);
}

#[rocket::async_test]
async fn confirming_twice_or_uploading_the_same_file_again_creates_nothing_twice() {
    let (_app, admin) = round_2023().await;
    let file = case000("applicants.xlsx");
    let (_, first) = admin.upload("/api/v1/rounds/2023/imports", "applicants.xlsx", &file).await;
    let id = first["import_id"].as_i64().expect("an import id");
    assert_eq!(admin.project_count(2023).await, 0, "a preview writes no project");

    let (status, done) = admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!((done["projects"].clone(), done["already"].clone()), (json!(20), json!(false)));
    assert_eq!(admin.project_count(2023).await, 20);
    let (_, round_after_first) = admin.get_json("/api/v1/rounds/2023").await;
    assert_eq!(round_after_first["totals"], calc_json()["totals"], "the stored round computes as calc did");

    let (status, again) = admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{again}");
    assert_eq!(again["already"], json!(true));
    assert_eq!(admin.project_count(2023).await, 20);

    let (status, second) = admin.upload("/api/v1/rounds/2023/imports", "again.xlsx", &file).await;
    assert_eq!(status, Status::Ok, "{second}");
    assert!(second["same_file_confirmed_at"].is_string(), "the same file is recognised: {second}");
    let second_id = second["import_id"].as_i64().expect("an import id");
    assert_ne!(second_id, id);
    let (status, done) = admin.post_json(&format!("/api/v1/imports/{second_id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(admin.project_count(2023).await, 20);
    let (_, round_after_second) = admin.get_json("/api/v1/rounds/2023").await;
    assert_eq!(round_after_second["totals"], round_after_first["totals"], "no loan was added twice");
    let mut loans = 0;
    for p in admin.projects(2023).await {
        loans +=
            admin.get_json(&format!("/api/v1/projects/{}", p["id"])).await.1["loans"].as_array().map_or(0, Vec::len);
    }
    let calc = calc_json();
    let expected: usize =
        calc["projects"].as_array().expect("projects").iter().map(|p| p["loans"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(loans, expected, "every loan once");
}

#[rocket::async_test]
async fn a_workbook_with_errors_is_confirmed_only_with_only_valid() {
    let (_app, admin) = round_2023().await;
    let bad =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/messy000/applicants.xlsx")).expect("messy000");
    let (status, body) = admin.upload("/api/v1/rounds/2023/imports", "messy.xlsx", &bad).await;
    assert_eq!(status, Status::Ok, "{body}");
    let errors = body["preview"]["errors"].as_array().map_or(0, Vec::len);
    assert!(errors > 0, "messy000 has errors");
    let valid = body["preview"]["projects"].as_array().map_or(0, Vec::len);
    let id = body["import_id"].as_i64().expect("an id");
    let (status, refused) = admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Conflict, "{refused}");
    assert_eq!(admin.project_count(2023).await, 0);
    let (status, done) =
        admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({ "only_valid": true })).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(admin.project_count(2023).await, i64::try_from(valid).expect("small"));
}

async fn upload(agent: &Agent, year: i32, bytes: &[u8]) -> Value {
    let (status, body) = agent.upload(&format!("/api/v1/rounds/{year}/imports"), "a.xlsx", bytes).await;
    assert_eq!(status, Status::Ok, "{body}");
    body
}

/// The issue's `same_file_confirmed_at` is when the earlier import was confirmed.
#[rocket::async_test]
async fn a_second_upload_says_when_the_same_file_was_confirmed() {
    let (app, admin) = round_2023().await;
    let first = upload(&admin, 2023, &case000("applicants.xlsx")).await["import_id"].as_i64().expect("an id");
    let (status, _) = admin.post_json(&format!("/api/v1/imports/{first}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok);
    // The upload happened long before its confirmation.
    let mut tx = storage::begin_write(&app.pool).await.expect("a transaction");
    sqlx::query("UPDATE imports SET created_at = '2000-01-01T00:00:00Z' WHERE id = $1")
        .bind(first)
        .execute(&mut *tx)
        .await
        .expect("backdated");
    let row = sqlx::query("SELECT confirmed_at FROM imports WHERE id = $1").bind(first).fetch_one(&mut *tx).await;
    let confirmed_at: String = row.and_then(|r| r.try_get(0)).expect("confirmed_at");
    tx.commit().await.expect("commit");
    let second = upload(&admin, 2023, &case000("applicants.xlsx")).await;
    assert_eq!(second["same_file_confirmed_at"], json!(confirmed_at));
    let (_, page) = admin.get(&format!("/imports/{}", second["import_id"])).await;
    let shown = tiexi::web::kernel::views::beijing(&confirmed_at);
    assert!(
        page.contains(&format!("此文件已于 {shown} 导入过本年度")),
        "the preview page says it too, in Beijing time"
    );
}

#[rocket::async_test]
async fn a_round_closed_after_the_preview_refuses_the_confirmation() {
    let (app, admin) = round_2023().await;
    let id = upload(&admin, 2023, &case000("applicants.xlsx")).await["import_id"].as_i64().expect("an id");
    let mut tx = storage::begin_write(&app.pool).await.expect("a transaction");
    let round = storage::rounds::find_by_year(&mut tx, 2023).await.expect("a query").expect("the round");
    storage::rounds::set_status(&mut tx, round.id, tiexi::engine::RoundStatus::Closed).await.expect("closed");
    tx.commit().await.expect("commit");
    let (status, body) = admin.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Conflict, "{body}");
    assert_eq!(admin.project_count(2023).await, 0);
}

/// Regiment staff import their own 团场's projects; a project key of another 团场 in their
/// workbook must not move that project into their 团场 (nor overwrite it): an error at its
/// row in the preview; refused whole without `only_valid`, left out and named with it.
#[rocket::async_test]
async fn regiment_staff_cannot_take_over_another_regiments_project_by_its_key() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let all = admin.projects(2024).await;
    let other = all.iter().find(|p| p["unit"] != json!("红星二场")).expect("a project of another 团场");
    let (key, unit) = (other["key"].as_str().expect("a key"), other["unit"].clone());
    let staff = app.login("hongxing2").await;
    let body = upload(&staff, 2024, &workbook::one_project(key, "红星二场")).await;
    let id = body["import_id"].as_i64().expect("an id");
    let error = &body["preview"]["errors"][0];
    assert_eq!((error["column"].as_str(), error["value"].as_str()), (Some("项目编号"), Some(key)), "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(unit.as_str().unwrap_or("?")) && message.contains(other["name"].as_str().unwrap_or("?")));
    let (status, refused) = staff.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Conflict, "{refused}");
    let (status, body) =
        staff.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({ "only_valid": true })).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!((body["projects"].as_u64(), body["left_out"].clone()), (Some(0), json!([key])), "{body}");
    let (_, after) = admin.get_json(&format!("/api/v1/projects/{}", other["id"])).await;
    assert_eq!((after["unit"].clone(), after["name"].clone()), (unit, other["name"].clone()), "untouched");
    assert_eq!(admin.project_count(2024).await, i64::try_from(all.len()).expect("small"));
    // A new key of their own 团场 goes in.
    let body = upload(&staff, 2024, &workbook::one_project("XX-2024-901", "红星二场")).await;
    let id = body["import_id"].as_i64().expect("an id");
    let (status, body) = staff.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(admin.project_count(2024).await, i64::try_from(all.len() + 1).expect("small"));
}

/// docs/hazards.md: an upload over the limit is a 413 (API and page), never a 200 with "no file".
#[rocket::async_test]
async fn an_upload_over_the_limit_is_refused_with_413() {
    let (_app, admin) = round_2023().await;
    for size in [21 << 20, 26 << 20] {
        let big = vec![b'x'; size];
        let (status, body) = admin.upload("/api/v1/rounds/2023/imports", "big.xlsx", &big).await;
        assert_eq!(status, Status::PayloadTooLarge, "{size} bytes: {body}");
        let fields = [("csrf_token", None, admin.csrf.as_bytes()), ("file", Some("big.xlsx"), &big[..])];
        let (ct, form) = web_support::multipart(&fields);
        let page = admin.client.post("/rounds/2023/imports").header(ct).body(form).dispatch().await;
        assert_eq!(page.status(), Status::PayloadTooLarge, "{size} bytes through the page");
    }
}
