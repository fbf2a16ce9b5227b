//! The JSON API on a real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`):
//! the demo's published figures, and an import of case000 that previews exactly what
//! `tiexi calc --json` prints and never creates anything twice.

mod web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::accounts::Role;
use web_support::{case000, case000_policy, TestApp, CASE000};

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
    assert_eq!(body["preview"], calc_json());
    assert_eq!(body["preview"]["projects"].as_array().map(Vec::len), Some(20), "case000 has 20 projects");
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
    let loans: usize = admin.projects(2023).await.len();
    assert_eq!(loans, 20);
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
