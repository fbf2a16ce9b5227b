//! Issue 5, grants and disbursements on a real database (SQLite file; PostgreSQL with
//! `TEST_DATABASE_URL`): an oversubscribed allocation equals the engine, maker-checker,
//! two paid batches, a clawback, re-allocation to the waitlist, `tiexi check` (the real
//! binary); 50 racing approvals and payments; paid batches refuse SQL edits.
//!
//! The review workflow is another part of issue 5: projects are made `approved` here by a
//! test-only SQL UPDATE of `state` after the real import.

use crate::web_support::{self, check};

use std::sync::Arc;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::accounts::Role;
use tiexi::engine::{self, allocation, Money};
use tiexi::storage;
use web_support::{case000, case000_policy, workbook, Agent, TestApp};

/// case000's policy with other pools.
fn two_pool_policy(base: &str, pools: &str) -> String {
    let cut = base.find("[[pools]]").expect("case000 has pools");
    format!("{}{pools}", &base[..cut])
}

/// 300,000.50 yuan in all: case000 asks 484,942.50, oversubscribed.
const POOLS: &str = "[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 200000\n\n\
    [[pools]]\nname = \"师市总工会自筹\"\nkind = \"matched\"\namount = 100000.50\n";

/// A round from `policy`, the workbook imported through the API and every project approved.
async fn round_with(policy: &str, book: &[u8]) -> (TestApp, Agent, Agent) {
    let app = TestApp::empty().await;
    app.add_user("maker", Role::DivisionStaff, None).await;
    app.add_user("checker", Role::DivisionStaff, None).await;
    let maker = app.login("maker").await;
    let (status, round) = maker.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
    assert_eq!(status, Status::Ok, "{round}");
    let (status, up) = maker.upload("/api/v1/rounds/2023/imports", "applicants.xlsx", book).await;
    assert_eq!(status, Status::Ok, "{up}");
    let id = up["import_id"].as_i64().expect("an import");
    let (status, done) =
        maker.post_json(&format!("/api/v1/imports/{id}/confirm"), &json!({ "only_valid": true })).await;
    assert_eq!(status, Status::Ok, "{done}");
    // Test-only: the review workflow (another helper's part) would bring them here.
    sqlx::query("UPDATE projects SET state = 'approved'").execute(&app.pool.inner).await.expect("approve all");
    app.give_payees().await;
    let checker = app.login("checker").await;
    (app, maker, checker)
}

fn fen(v: &Value) -> i64 {
    v.as_str().and_then(|s| s.parse::<Money>().ok()).map_or_else(|| panic!("money: {v}"), Money::fen)
}

/// The engine over the stored round (what every figure must equal).
async fn engine_result(app: &TestApp, policy: &str) -> (Vec<i64>, engine::RoundResult) {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let round = storage::rounds::find_by_year(&mut conn, 2023).await.expect("a read").expect("the round");
    let stored = storage::load::round(&mut conn, round.id).await.expect("the projects");
    let projects: Vec<_> = stored.iter().map(|(_, p)| p.clone()).collect();
    let policy = tiexi::import::policy(policy).expect("the policy");
    (stored.iter().map(|(r, _)| r.id).collect(), engine::compute(&policy, &projects))
}

async fn act(agent: &Agent, path: &str, body: Value) -> Value {
    let (status, v) = agent.post_json(path, &body).await;
    assert_eq!(status, Status::Ok, "{path} {body}: {v}");
    v
}

/// Propose the round's allocation (maker) and approve it (checker); returns the proposal.
async fn approved_allocation(maker: &Agent, checker: &Agent) -> Value {
    let proposal = act(maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false })).await;
    let path = format!("/api/v1/allocations/{}/actions", proposal["allocation_id"]);
    act(checker, &path, json!({ "action": "approve" })).await;
    proposal
}

/// Prepare (maker), approve (checker) and pay (maker) a batch; returns its JSON.
async fn paid_batch(maker: &Agent, checker: &Agent, body: Value, voucher: &str) -> Value {
    let b = act(maker, "/api/v1/rounds/2023/disbursements", body).await;
    let path = format!("/api/v1/disbursements/{}/actions", b["id"]);
    let (status, own) = maker.post_json(&path, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict, "the preparer cannot approve: {own}");
    assert!(own["error"].as_str().unwrap_or("").contains("制单人"), "{own}");
    act(checker, &path, json!({ "action": "approve" })).await;
    act(maker, &path, json!({ "action": "pay", "voucher_no": voucher, "paid_on": web_support::today(0) })).await;
    b
}

/// The dry run of an oversubscribed round is the engine's grants, parts and pools.
async fn dry_run_is_the_engine(maker: &Agent, engine: &engine::RoundResult) {
    let (_, dry) = maker.post_json("/api/v1/rounds/2023/allocations", &json!({ "dry_run": true })).await;
    let run = &dry["run"];
    assert!(fen(&run["outstanding"]) > fen(&run["budget"]), "oversubscribed: {run}");
    for (line, p) in run["projects"].as_array().expect("as set up").iter().zip(&engine.projects) {
        assert_eq!((fen(&line["requested"]), fen(&line["granted"])), (p.requested.fen(), p.granted.fen()), "{}", p.key);
        assert_eq!(line["parts"], json!(p.pools), "{}", p.key);
    }
    let left: Vec<Value> = engine.pools.iter().map(|p| json!(p.remaining)).collect();
    assert_eq!(
        run["pools"].as_array().expect("as set up").iter().map(|p| p["remaining_after"].clone()).collect::<Vec<_>>(),
        left
    );
}

#[rocket::async_test]
async fn a_round_is_allocated_paid_clawed_back_and_reallocated_as_the_engine_says() {
    let policy = two_pool_policy(&case000_policy(), POOLS);
    let (app, maker, checker) = round_with(&policy, &case000("applicants.xlsx")).await;
    let (ids, engine) = engine_result(&app, &policy).await;
    dry_run_is_the_engine(&maker, &engine).await;

    let proposal = act(&maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false })).await;
    let path = format!("/api/v1/allocations/{}/actions", proposal["allocation_id"]);
    let (status, own) = maker.post_json(&path, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict, "{own}");
    assert!(own["error"].as_str().unwrap_or("").contains("不能审批自己"), "{own}");
    act(&checker, &path, json!({ "action": "approve", "comment": "同意" })).await;
    assert_eq!(checker.post_json(&path, &json!({ "action": "approve" })).await.0, Status::Conflict, "only once");

    let funded: Vec<i64> =
        ids.iter().zip(&engine.projects).filter(|(_, p)| p.granted.is_positive()).map(|(id, _)| *id).collect();
    let (first, second) = funded.split_at(funded.len() / 2);
    paid_batch(&maker, &checker, json!({ "projects": first }), "记-001").await;
    let (status, again) =
        maker.post_json("/api/v1/rounds/2023/disbursements", &json!({ "projects": [first[0]] })).await;
    assert_eq!(status, Status::Conflict, "nothing left to pay: {again}");
    paid_batch(&maker, &checker, json!({ "projects": second }), "记-002").await;
    assert_eq!(check(&app).0, 0, "{}", check(&app).1);

    let clawed = funded[0];
    let claw = paid_batch(&maker, &checker, json!({ "projects": [clawed], "kind": "clawback" }), "记-003").await;
    assert_eq!(claw["number"], json!("2023-003"));
    let i = ids.iter().position(|id| *id == clawed).expect("as set up");
    assert_eq!(fen(&claw["total"]), -engine.projects[i].granted.fen());
    // Test-only: the project workflow (another helper's part) withdraws a clawed-back project.
    sqlx::query("UPDATE projects SET state = 'withdrawn' WHERE id = $1")
        .bind(clawed)
        .execute(&app.pool.inner)
        .await
        .expect("as set up");
    reallocate(&app, &maker, &checker, &policy, &engine, &ids, clawed).await;
    let (code, text) = check(&app);
    assert_eq!(code, 0, "{text}");
}

/// The freed money goes to what the others lack, by the round's rule (docs/rules.md §6), and the
/// final figures are the first run's plus the second's.
async fn reallocate(
    app: &TestApp,
    maker: &Agent,
    checker: &Agent,
    policy: &str,
    engine: &engine::RoundResult,
    ids: &[i64],
    clawed: i64,
) {
    let rule = tiexi::import::policy(policy).expect("as set up").allocation;
    let claims: Vec<engine::grants::Claim> = ids
        .iter()
        .zip(&engine.projects)
        .map(|(id, p)| {
            let lacking = if *id == clawed { Money::ZERO } else { allocation::lacking(p.requested, p.granted) };
            engine::grants::Claim { requested: lacking, score: None }
        })
        .collect();
    let freed = engine.projects[ids.iter().position(|id| *id == clawed).expect("as set up")].granted;
    let expected = engine::grants::grants(rule, freed, &claims);
    let proposal = act(maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false })).await;
    let got: Vec<i64> =
        proposal["run"]["projects"].as_array().expect("as set up").iter().map(|l| fen(&l["granted"])).collect();
    let expected: Vec<i64> = ids.iter().zip(&expected).filter(|(id, _)| **id != clawed).map(|(_, m)| m.fen()).collect();
    assert_eq!(got, expected, "the withdrawn project is no longer in the run");
    assert!(got.iter().sum::<i64>() == freed.fen(), "all the freed money is granted again");
    act(checker, &format!("/api/v1/allocations/{}/actions", proposal["allocation_id"]), json!({ "action": "approve" }))
        .await;
    let rows = sqlx::query_as::<_, (i64, i64)>("SELECT amount_fen, granted_fen FROM pools ORDER BY position")
        .fetch_all(&app.pool.inner)
        .await
        .expect("as set up");
    assert!(rows.iter().all(|(a, g)| a == g), "the pools are wholly granted again: {rows:?}");
}

#[rocket::async_test]
async fn a_paid_batch_cannot_be_edited_by_sql_and_check_names_a_breach() {
    let policy = two_pool_policy(&case000_policy(), POOLS);
    let (app, maker, checker) = round_with(&policy, &case000("applicants.xlsx")).await;
    let proposal = approved_allocation(&maker, &checker).await;
    let first = proposal["run"]["projects"][0]["id"].as_i64().expect("as set up");
    let b = paid_batch(&maker, &checker, json!({ "projects": [first] }), "V1").await;
    let db = &app.pool.inner;
    for sql in [
        "UPDATE batches SET total_fen = 0 WHERE id = $1",
        "UPDATE batch_items SET amount_fen = 1 WHERE batch_id = $1",
        "DELETE FROM batch_items WHERE batch_id = $1",
        "DELETE FROM batches WHERE id = $1",
    ] {
        assert!(sqlx::query(sql).bind(b["id"].as_i64()).execute(db).await.is_err(), "{sql} must be refused");
    }
    let (status, _) =
        maker.post_json(&format!("/api/v1/disbursements/{}/actions", b["id"]), &json!({ "action": "cancel" })).await;
    assert_eq!(status, Status::Conflict);
    assert_eq!(check(&app).0, 0);
    sqlx::query("UPDATE pools SET paid_fen = paid_fen - 1 WHERE paid_fen > 0").execute(db).await.expect("as set up");
    let (code, text) = check(&app);
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("pool paid = sum of paid batch parts"), "{text}");
}

/// 50 one-project proposals of 10,000 yuan against pools of 200,000: exactly 20 approvals
/// succeed; then 50 payments racing on the 20 approved batches: exactly 20 succeed.
#[rocket::async_test]
async fn fifty_racing_approvals_and_payments_succeed_exactly_as_often_as_the_pools_allow() {
    for round in 0..10 {
        race(round).await;
    }
}

async fn race(round: usize) {
    let pools = "[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 120000\n\n\
        [[pools]]\nname = \"师市总工会自筹\"\nkind = \"matched\"\namount = 80000\n";
    let policy = two_pool_policy(&case000_policy(), pools)
        .replace("max_subsidy_per_project = 150000", "max_subsidy_per_project = 10000")
        .replace("max_months = 12", "max_months = 60");
    let (app, maker, checker) = round_with(&policy, &workbook::generate(50, 4)).await;
    let mut proposals = Vec::new();
    for p in maker.projects(2023).await {
        let v =
            act(&maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false, "projects": [p["id"]] })).await;
        assert_eq!(v["run"]["granted"], json!("10000.00"), "each project asks 10,000 yuan");
        proposals.push(v["allocation_id"].as_i64().expect("as set up"));
    }
    assert_eq!(proposals.len(), 50);
    let checker = Arc::new(checker);
    let paths: Vec<String> = proposals.iter().map(|id| format!("/api/v1/allocations/{id}/actions")).collect();
    let approved = racing(&checker, paths, json!({ "action": "approve" })).await;
    assert_eq!(approved, 20, "round {round}");
    assert_eq!(check(&app).0, 0, "{}", check(&app).1);

    race_payments(&app, maker, &checker, round).await;
}

/// 20 approved one-project batches, 50 payments racing on them: exactly 20 are paid.
async fn race_payments(app: &TestApp, maker: Agent, checker: &Agent, round: usize) {
    let granted: Vec<i64> = sqlx::query_as::<_, (i64,)>("SELECT id FROM projects WHERE granted_fen > 0 ORDER BY id")
        .fetch_all(&app.pool.inner)
        .await
        .expect("as set up")
        .into_iter()
        .map(|r| r.0)
        .collect();
    let mut batches = Vec::new();
    for id in granted {
        let b = act(&maker, "/api/v1/rounds/2023/disbursements", json!({ "projects": [id] })).await;
        act(checker, &format!("/api/v1/disbursements/{}/actions", b["id"]), json!({ "action": "approve" })).await;
        batches.push(b["id"].as_i64().expect("as set up"));
    }
    let paths: Vec<String> =
        (0..50).map(|k| format!("/api/v1/disbursements/{}/actions", batches[k % batches.len()])).collect();
    let body = json!({ "action": "pay", "voucher_no": "V", "paid_on": web_support::today(0) });
    assert_eq!(racing(&Arc::new(maker), paths, body).await, 20, "round {round}");
    let paid: (i64,) = sqlx::query_as("SELECT CAST(SUM(paid_fen) AS BIGINT) FROM pools")
        .fetch_one(&app.pool.inner)
        .await
        .expect("as set up");
    assert_eq!(paid.0, 20_000_000);
    let (code, text) = check(app);
    assert_eq!(code, 0, "{text}");
}

/// Send every request at once; count the successes; every other answer must be a 409 with a reason.
async fn racing(agent: &Arc<Agent>, paths: Vec<String>, body: Value) -> usize {
    let tasks: Vec<_> = paths
        .into_iter()
        .map(|path| {
            let (agent, body) = (Arc::clone(agent), body.clone());
            rocket::tokio::spawn(async move { agent.post_json(&path, &body).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        let (status, v) = t.await.expect("the request task");
        match status {
            Status::Ok => ok += 1,
            Status::Conflict => {
                assert!(v["error"].as_str().is_some_and(|e| !e.is_empty() && !e.contains("locked")), "{v}");
            }
            other => panic!("{other}: {v}"),
        }
    }
    ok
}

/// A withdrawn, granted and unpaid project gives its whole grant back to the pools.
#[rocket::async_test]
async fn withdrawing_an_unpaid_grant_releases_it_to_the_pools() {
    let policy = two_pool_policy(&case000_policy(), POOLS);
    let (app, maker, checker) = round_with(&policy, &case000("applicants.xlsx")).await;
    let proposal = approved_allocation(&maker, &checker).await;
    let line = &proposal["run"]["projects"][0];
    let mut tx = storage::begin_write(&app.pool).await.expect("as set up");
    let actor = storage::allocations::Actor { id: 1, name: "maker" };
    let id = storage::batches::release_unpaid(&mut tx, line["id"].as_i64().expect("as set up"), actor)
        .await
        .expect("as set up");
    tx.commit().await.expect("as set up");
    assert!(id.is_some());
    let left: (i64,) = sqlx::query_as("SELECT CAST(SUM(amount_fen - granted_fen) AS BIGINT) FROM pools")
        .fetch_one(&app.pool.inner)
        .await
        .expect("as set up");
    assert_eq!(left.0, fen(&line["granted"]), "exactly its grant is free again");
    assert_eq!(check(&app).0, 0, "{}", check(&app).1);
}
