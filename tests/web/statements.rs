//! Issue 15 item 1: a bank's interest statement uploaded to a round (preview, then confirm all
//! or nothing) caps each loan's subsidy at its certified interest, exactly (docs/rules.md §9);
//! the same file twice does nothing twice. On a real database (SQLite file; PostgreSQL with
//! `TEST_DATABASE_URL`), through the API.

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::accounts::Role;
use web_support::{Agent, TestApp};

const FACTS000: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/facts000");

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FACTS000}/{name}")).expect("facts000 is committed")
}

/// The 2024 round of facts000 with its workbook imported (no statement yet).
pub async fn round_2024() -> (TestApp, Agent) {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    let admin = app.login("admin").await;
    let policy = String::from_utf8(file("policy.toml")).expect("UTF-8");
    let (status, round) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
    assert_eq!(status, Status::Ok, "{round}");
    let (status, up) = admin.upload("/api/v1/rounds/2024/imports", "applicants.xlsx", &file("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{up}");
    let (status, done) = admin.post_json(&format!("/api/v1/imports/{}/confirm", up["import_id"]), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    (app, admin)
}

pub async fn project(admin: &Agent, key: &str) -> Value {
    let list = admin.projects(2024).await;
    let id = list.iter().find(|p| p["key"] == key).and_then(|p| p["id"].as_i64()).expect("the project");
    admin.get_json(&format!("/api/v1/projects/{id}")).await.1
}

fn loan<'a>(p: &'a Value, contract: &str) -> &'a Value {
    p["loans"].as_array().and_then(|l| l.iter().find(|l| l["contract_no"] == contract)).expect("the loan")
}

/// Upload and confirm; returns the confirmation.
pub async fn confirmed(admin: &Agent, name: &str, bytes: &[u8]) -> (Value, Value) {
    let (status, up) = admin.upload("/api/v1/rounds/2024/statements", name, bytes).await;
    assert_eq!(status, Status::Ok, "{up}");
    let (status, done) =
        admin.post_json(&format!("/api/v1/statements/{}/confirm", up["statement_id"]), &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    (up, done)
}

#[rocket::async_test]
async fn a_confirmed_statement_caps_a_subsidy_exactly_and_the_same_file_counts_once() {
    let (_app, admin) = round_2024().await;
    let before = project(&admin, "XX-2024-002").await;
    // docs/rules.md §4: 200,000 × 4.35 % × 366 / 360.
    assert_eq!(loan(&before, "B2")["subsidy"], "8845.00", "{before}");
    let (status, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    assert_eq!(status, Status::Ok, "{recon}");
    assert!(recon["lacking"].as_array().is_some_and(|l| l.contains(&json!("B2"))), "{recon}");

    let (up, done) = confirmed(&admin, "statements2.csv", &file("statements2.csv")).await;
    assert_eq!(up["preview"]["errors"], json!([]), "{up}");
    let b2 =
        up["preview"]["reconciliation"]["loans"].as_array().and_then(|l| l.iter().find(|r| r["contract_no"] == "B2"));
    // The bank's interest on a 365-day basis: 200,000 × 4.35 % × 366 / 365 = 8,723.84.
    assert_eq!(b2.map(|r| (r["certified"].clone(), r["cause"].clone())), Some((json!("8723.84"), json!("days"))));
    assert_eq!((done["lines"].clone(), done["already"].clone()), (json!(1), json!(false)), "{done}");

    let after = project(&admin, "XX-2024-002").await;
    assert_eq!(loan(&after, "B2")["subsidy"], "8723.84", "{after}");
    assert!(loan(&after, "B2")["reasons"]
        .as_array()
        .is_some_and(|r| r.contains(&json!("limited_by_certified_interest"))));
    let requested = |p: &Value| {
        p["requested"].as_str().and_then(|s| s.parse::<tiexi::engine::Money>().ok()).map(tiexi::engine::Money::fen)
    };
    assert_eq!(requested(&before).zip(requested(&after)).map(|(b, a)| b - a), Some(12_116), "8,845.00 − 8,723.84");

    // The same confirmation, and the same file uploaded again: nothing is counted twice.
    let (status, again) =
        admin.post_json(&format!("/api/v1/statements/{}/confirm", up["statement_id"]), &json!({})).await;
    assert_eq!((status, again["already"].clone()), (Status::Ok, json!(true)), "{again}");
    let (up2, done2) = confirmed(&admin, "again.csv", &file("statements2.csv")).await;
    assert!(up2["same_file_confirmed_at"].is_string(), "{up2}");
    assert_eq!((done2["lines"].clone(), done2["already"].clone()), (json!(0), json!(true)), "{done2}");
    let (_, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    let b2 = recon["loans"].as_array().and_then(|l| l.iter().find(|r| r["contract_no"] == "B2")).cloned();
    assert_eq!(b2.map(|r| r["certified"].clone()), Some(json!("8723.84")), "{recon}");
    assert_eq!(loan(&project(&admin, "XX-2024-002").await, "B2")["subsidy"], "8723.84");
}

/// A period that overlaps a confirmed one is an error at its row, and nothing of the file is
/// confirmed; an applicant may not upload statements.
#[rocket::async_test]
async fn an_overlapping_statement_is_refused_whole() {
    let (app, admin) = round_2024().await;
    let b1 = loan(&project(&admin, "XX-2024-002").await, "B1")["subsidy"].clone();
    confirmed(&admin, "statements2.csv", &file("statements2.csv")).await;
    let overlapping =
        "合同编号,计息起日,计息止日,实收利息\nB1,2024-03-10,2024-06-20,100.00\nB2,2024-06-01,2024-06-30,50.00\n";
    let (status, up) = admin.upload("/api/v1/rounds/2024/statements", "late.csv", overlapping.as_bytes()).await;
    assert_eq!(status, Status::Ok, "{up}");
    let errors = up["preview"]["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 1, "{up}");
    assert_eq!(errors[0]["row"], 3, "the B2 period that starts later: {up}");
    let (status, refused) =
        admin.post_json(&format!("/api/v1/statements/{}/confirm", up["statement_id"]), &json!({})).await;
    assert_eq!(status, Status::Conflict, "{refused}");
    let p = project(&admin, "XX-2024-002").await;
    assert_eq!(loan(&p, "B1")["subsidy"], b1, "B1's line (100.00) was not confirmed either: {p}");
    app.add_user("coop", Role::Cooperative, None).await;
    let coop = app.login("coop").await;
    let (status, _) = coop.upload("/api/v1/rounds/2024/statements", "s.csv", &file("statements2.csv")).await;
    assert_eq!(status, Status::Forbidden);
}
