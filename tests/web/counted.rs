//! What the round's trial calculation and figures count (README, decisions): the projects in
//! the round, not drafts, rejected or withdrawn ones. A rejected project's request no longer
//! takes budget from another's grant; a withdrawn project's contract no longer makes
//! another's a duplicate; a draft counts nowhere until it is submitted. Over HTTP, on a real
//! database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`).

use crate::web_support;

use std::fmt::Write;

use rocket::http::{ContentType, Status};
use serde_json::{json, Value};
use tiexi::accounts::Role;
use web_support::{case000_policy, encode, Agent, TestApp};

/// 15,000 yuan: more than one application of 300,000 yuan asks (about 10,300), less than two.
const POOLS: &str = "[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 10000\n\n\
    [[pools]]\nname = \"师市总工会自筹\"\nkind = \"matched\"\namount = 5000\n";

async fn round() -> (TestApp, Agent, Agent, Agent) {
    let app = TestApp::empty().await;
    app.add_user("admin", Role::DivisionStaff, None).await;
    app.add_user("coop1", Role::Cooperative, None).await;
    app.add_user("coop2", Role::Cooperative, None).await;
    app.add_unit("红星二场").await;
    let admin = app.login("admin").await;
    let base = case000_policy();
    let policy = format!("{}{POOLS}", &base[..base.find("[[pools]]").expect("pools")]);
    let (status, v) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let (coop1, coop2) = (app.login("coop1").await, app.login("coop2").await);
    (app, admin, coop1, coop2)
}

/// An application of one 300,000-yuan loan under `contract`; submitted unless `draft`.
async fn apply(coop: &Agent, contract: &str, draft: bool) -> i64 {
    let mut body = format!("csrf_token={}", coop.csrf);
    for (k, v) in [
        ("project.unit", "红星二场"),
        ("project.project_name", "设施农业"),
        ("project.applicant_type", "个人"),
        ("project.leader", "李四"),
        ("project.id_number", "11010519491231002X"),
        ("project.households", "3"),
        ("project.union_member", "是"),
        ("loans.0.contract_no", contract),
        ("loans.0.principal", "300000"),
        ("loans.0.rate", "4.35"),
        ("loans.0.disbursed_on", "2023-01-10"),
        ("loans.0.maturity_on", "2024-01-10"),
    ] {
        let _ = write!(body, "&{k}={}", encode(v));
    }
    let r = coop.client.post("/rounds/2023/applications").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    let id = r.headers().get_one("Location").and_then(|l| l.trim_start_matches("/projects/").parse().ok()).expect("id");
    if !draft {
        act(coop, id, json!({ "action": "submit" })).await;
    }
    id
}

async fn act(who: &Agent, id: i64, body: Value) {
    let (status, v) = who.post_json(&format!("/api/v1/projects/{id}/actions"), &body).await;
    assert_eq!(status, Status::Ok, "{body}: {v}");
}

/// (stored request, stored status) of a project, as the list shows them.
async fn stored(admin: &Agent, id: i64) -> (String, String) {
    let list = admin.projects(2023).await;
    let row = list.iter().find(|v| v["id"] == id).expect("listed");
    // The list writes yuan with thousands separators (10,324.00).
    let requested = row["requested"].as_str().unwrap_or_default().replace(',', "");
    (requested, row["status"].as_str().unwrap_or_default().to_string())
}

async fn figures(admin: &Agent) -> Value {
    let (status, f) = admin.get_json("/api/v1/figures?year=2023").await;
    assert_eq!(status, Status::Ok, "{f}");
    f
}

#[rocket::async_test]
async fn a_rejected_projects_request_no_longer_takes_from_anothers_grant() {
    let (_app, admin, coop1, coop2) = round().await;
    let kept = apply(&coop1, "HT-KEEP", false).await;
    let asked = stored(&admin, kept).await.0;
    let draft = apply(&coop2, "HT-DRAFT", true).await;
    assert_eq!(figures(&admin).await["projects"], json!(1), "a draft counts nowhere");
    assert_eq!(stored(&admin, draft).await, ("0.00".to_string(), "ineligible".to_string()));
    let (_, page) = coop2.get_json(&format!("/api/v1/projects/{draft}")).await;
    assert_eq!(page["requested"], json!(asked), "its own page shows what it would ask: {page}");

    let rejected = apply(&coop2, "HT-REJECT", false).await;
    assert_eq!(stored(&admin, kept).await.1, "partially_funded", "two requests share 15,000 yuan");
    assert_eq!(figures(&admin).await["granted"], json!("15000.00"));
    act(&admin, rejected, json!({ "action": "reject", "comment": "不符合申报条件" })).await;
    assert_eq!(stored(&admin, kept).await, (asked.clone(), "funded".to_string()), "the whole request now");
    assert_eq!(stored(&admin, rejected).await, ("0.00".to_string(), "ineligible".to_string()));
    let f = figures(&admin).await;
    assert_eq!(
        (f["projects"].clone(), f["requested"].clone(), f["granted"].clone()),
        (json!(1), json!(asked), json!(asked))
    );
}

#[rocket::async_test]
async fn a_withdrawn_projects_contract_no_longer_makes_anothers_a_duplicate() {
    let (_app, admin, coop1, coop2) = round().await;
    let first = apply(&coop1, "HT-SAME", false).await;
    let asked = stored(&admin, first).await.0;
    let second = apply(&coop2, "HT-SAME", false).await;
    assert_eq!(stored(&admin, second).await, ("0.00".to_string(), "ineligible".to_string()), "a duplicate contract");
    let (_, page) = admin.get_json(&format!("/api/v1/projects/{second}")).await;
    assert!(page["loans"][0]["reasons"].to_string().contains("duplicate_contract"), "{page}");
    act(&coop1, first, json!({ "action": "withdraw", "comment": "不再申请" })).await;
    assert_eq!(stored(&admin, second).await, (asked, "funded".to_string()), "its contract is its own again");
    let (_, page) = admin.get_json(&format!("/api/v1/projects/{second}")).await;
    assert!(!page["loans"][0]["reasons"].to_string().contains("duplicate_contract"), "{page}");
    assert_eq!(figures(&admin).await["projects"], json!(1));
}

/// A grant on the books bounds its project's request from below: a draft created earlier
/// under the same contract, submitted after the other project was granted, would take the
/// contract over (docs/rules.md §4: the first row keeps it) and cut the grant. The submission is
/// refused with a clear 409 and nothing changes.
#[rocket::async_test]
async fn a_late_submission_cannot_take_a_granted_projects_contract() {
    let (app, admin, coop1, coop2) = round().await;
    app.add_user("staff2", Role::DivisionStaff, None).await;
    app.add_user("tuan2", Role::RegimentStaff, Some("红星二场")).await;
    app.add_user("bureau", Role::BureauReviewer, None).await;
    let (staff2, tuan2, bureau) = (app.login("staff2").await, app.login("tuan2").await, app.login("bureau").await);
    let early_draft = apply(&coop2, "HT-LATE", true).await;
    let granted = apply(&coop1, "HT-LATE", false).await;
    act(&tuan2, granted, json!({ "action": "regiment_review", "comment": "材料齐全" })).await;
    act(&bureau, granted, json!({ "action": "opinion", "comment": "同意推荐" })).await;
    act(&admin, granted, json!({ "action": "division_review" })).await;
    act(&admin, granted, web_support::publish_now()).await;
    app.publicity_ended(granted, 1).await;
    act(&staff2, granted, json!({ "action": "approve" })).await;
    let (status, run) = admin.post_json("/api/v1/rounds/2023/allocations", &json!({ "dry_run": false })).await;
    assert_eq!(status, Status::Ok, "{run}");
    let path = format!("/api/v1/allocations/{}/actions", run["allocation_id"]);
    let (status, v) = staff2.post_json(&path, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let before = stored(&admin, granted).await;

    let (status, v) =
        coop2.post_json(&format!("/api/v1/projects/{early_draft}/actions"), &json!({ "action": "submit" })).await;
    assert_eq!(status, Status::Conflict, "{v}");
    assert!(v["error"].as_str().unwrap_or_default().contains("低于核定额"), "{v}");
    assert_eq!(stored(&admin, granted).await, before, "the granted project keeps its request");
    let (_, page) = coop2.get_json(&format!("/api/v1/projects/{early_draft}")).await;
    assert_eq!(page["state"], json!("draft"), "{page}");
}
