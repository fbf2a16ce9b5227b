//! Issue 5's money pages over HTTP (SQLite file; PostgreSQL with `TEST_DATABASE_URL`): the
//! dry run shows the engine's numbers, maker-checker through the pages (the proposer has no
//! button and a POST of theirs is a flash refusal that changes nothing), a batch prepared,
//! approved and paid through its forms, accounts whole or masked by role, the roles without
//! money pages refused, a clawback form, and the withdrawal of a granted project.
//!
//! As in `tests/web/money.rs`, projects are made `approved` by a test-only SQL UPDATE after the
//! real import, and given a payee account the same way.

use crate::web_support;

use rocket::http::Status;
use serde_json::{json, Value};
use tiexi::accounts::Role;
use tiexi::engine::Money;
use web_support::{case000, case000_policy, Agent, TestApp};

const ACCOUNT: &str = "6222020200112233445";

/// 300,000.50 yuan in two pools: case000 asks more (oversubscribed, so someone waits).
const POOLS: &str = "[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 200000\n\n\
    [[pools]]\nname = \"师市总工会自筹\"\nkind = \"matched\"\namount = 100000.50\n";

struct World {
    app: TestApp,
    maker: Agent,
    checker: Agent,
}

/// The 2023 round of case000 with every project approved and a payee account.
async fn world() -> World {
    let app = TestApp::empty().await;
    for (name, role) in [
        ("maker", Role::DivisionStaff),
        ("checker", Role::DivisionStaff),
        ("auditor", Role::Auditor),
        ("coop", Role::Cooperative),
        ("bureau", Role::BureauReviewer),
    ] {
        app.add_user(name, role, None).await;
    }
    let maker = app.login("maker").await;
    let base = case000_policy();
    let policy = format!("{}{POOLS}", &base[..base.find("[[pools]]").expect("pools")]);
    let (status, round) = maker.post_json("/api/v1/rounds", &json!({ "policy_toml": policy })).await;
    assert_eq!(status, Status::Ok, "{round}");
    let (status, up) = maker.upload("/api/v1/rounds/2023/imports", "a.xlsx", &case000("applicants.xlsx")).await;
    assert_eq!(status, Status::Ok, "{up}");
    let path = format!("/api/v1/imports/{}/confirm", up["import_id"]);
    let (status, done) = maker.post_json(&path, &json!({ "only_valid": true })).await;
    assert_eq!(status, Status::Ok, "{done}");
    let sql = format!(
        "UPDATE projects SET state = 'approved', payee_name = leader, payee_bank = '农行', payee_account = '{ACCOUNT}'"
    );
    // AssertSqlSafe: the test's own SQL (table and column names of ours); values are bound.
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&app.pool.inner).await.expect("test-only setup");
    let checker = app.login("checker").await;
    World { app, maker, checker }
}

fn fen(v: &Value) -> i64 {
    v.as_str().and_then(|s| s.parse::<Money>().ok()).map_or_else(|| panic!("money: {v}"), Money::fen)
}

/// A page form; the answer must be the redirect of `Flash<Redirect>`.
async fn post(agent: &Agent, path: &str, fields: &[(&str, &str)]) {
    let (status, body) = agent.post_form(path, fields).await;
    assert_eq!(status, Status::SeeOther, "{path}: {body}");
}

async fn page(agent: &Agent, path: &str) -> String {
    let (status, body) = agent.get(path).await;
    assert_eq!(status, Status::Ok, "{path}");
    body
}

async fn latest(agent: &Agent, path: &str, list: &str) -> Value {
    let (status, v) = agent.get_json(path).await;
    assert_eq!(status, Status::Ok, "{v}");
    v[list].as_array().and_then(|l| l.iter().max_by_key(|x| x["id"].as_i64())).cloned().expect("one at least")
}

/// An amount of the JSON (`"1400000.00"`) as the pages show it, by thousands (`1,400,000.00`).
fn grouped(amount: &Value) -> String {
    let text = amount.as_str().expect("an amount");
    let (int, frac) = text.split_once('.').expect("two decimals");
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let first = match digits.len() % 3 {
        0 => 3,
        n => n,
    };
    let mut groups = vec![&digits[..first.min(digits.len())]];
    groups.extend(
        digits.as_bytes()[first.min(digits.len())..].chunks(3).map(|c| std::str::from_utf8(c).expect("digits")),
    );
    format!("{sign}{}.{frac}", groups.join(","))
}

#[test]
fn grouped_shows_thousands() {
    for (json, shown) in
        [("0.00", "0.00"), ("1400000.00", "1,400,000.00"), ("-100.50", "-100.50"), ("123456.7", "123,456.7")]
    {
        assert_eq!(grouped(&json!(json)), shown);
    }
}

/// The page names each account in its element: `id="proposer">maker<`.
fn names(page: &str, named: &[(&str, &str)]) -> bool {
    named.iter().all(|(id, name)| page.contains(&format!("id=\"{id}\">{name}<")))
}

async fn pools_granted(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT CAST(SUM(granted_fen) AS BIGINT) FROM pools")
        .fetch_one(&app.pool.inner)
        .await
        .expect("a sum")
}

/// Propose through the page (maker), refuse the maker's own approval, approve (checker).
async fn allocate(w: &World) -> Value {
    let (_, dry) = w.maker.post_json("/api/v1/rounds/2023/allocations", &json!({ "dry_run": true })).await;
    let run = &dry["run"];
    let shown = page(&w.maker, "/rounds/2023/allocations").await;
    assert!(shown.contains(&format!("id=\"granted\">{}<", grouped(&run["granted"]))), "{shown}");
    for l in run["projects"].as_array().expect("lines") {
        let row = shown.split(&format!("id=\"line-{}\"", l["id"])).nth(1).expect("a row per project");
        let row = row.split("</tr>").next().unwrap_or_default();
        assert!(row.contains(&format!(">{}<", grouped(&l["granted"]))), "{row}");
    }
    for p in run["pools"].as_array().expect("pools") {
        assert!(shown.contains(&format!("id=\"left-{}\">{}<", p["id"], grouped(&p["remaining_after"]))));
    }
    let waiting: Vec<&str> =
        run["waitlisted"].as_array().expect("waitlisted").iter().filter_map(Value::as_str).collect();
    let listed = shown.split("id=\"waitlisted\">").nth(1).and_then(|s| s.split("</span>").next()).unwrap_or_default();
    assert_eq!(
        listed,
        if waiting.is_empty() { "无".to_string() } else { waiting.join("、") },
        "the waitlist as the run says"
    );
    assert!(shown.contains("id=\"propose\""));
    post(&w.maker, "/rounds/2023/allocations", &[]).await;
    let a = latest(&w.maker, "/api/v1/rounds/2023/allocations", "allocations").await;
    assert_eq!((a["state"].as_str(), &a["granted"]), (Some("proposed"), &run["granted"]));
    let path = format!("/allocations/{}", a["id"]);
    let own = page(&w.maker, &path).await;
    assert!(!own.contains("id=\"approve\"") && own.contains("id=\"cancel\""), "the proposer has no approve button");
    post(&w.maker, &format!("{path}/actions"), &[("action", "approve")]).await;
    let after = page(&w.maker, &path).await;
    assert!(after.contains("id=\"flash\"") && after.contains("不能审批自己"), "a friendly refusal: {after}");
    assert_eq!(pools_granted(&w.app).await, 0, "the refused approval changed nothing");
    approve_as_checker(w, &path, run).await;
    let approved = page(&w.checker, &path).await;
    assert!(approved.contains("已批准") && names(&approved, &[("proposer", "maker"), ("decider", "checker")]));
    assert_eq!(pools_granted(&w.app).await, fen(&run["granted"]), "the approval counts exactly the proposal");
    a
}

/// The checker's approval: the confirmation page says what it will do, then it is done.
async fn approve_as_checker(w: &World, path: &str, run: &Value) {
    assert!(page(&w.checker, path).await.contains("id=\"approve\""));
    let asked = ask(&w.checker, &format!("{path}/actions"), &[("action", "approve"), ("comment", "同意")]).await;
    assert!(asked.contains(&grouped(&run["granted"])) && asked.contains("不能撤销"), "what the approval does: {asked}");
    assert_eq!(pools_granted(&w.app).await, 0, "asking changes nothing");
    post(&w.checker, &format!("{path}/actions"), &[("action", "approve"), ("comment", "同意"), ("confirm", "1")]).await;
}

/// A page form of an irreversible action without `confirm`: the confirmation page (200),
/// which resends the fields with `confirm=1`.
async fn ask(agent: &Agent, path: &str, fields: &[(&str, &str)]) -> String {
    let (status, body) = agent.post_form(path, fields).await;
    assert_eq!(status, Status::Ok, "{path}: {body}");
    assert!(body.contains("id=\"confirm-form\"") && body.contains("name=\"confirm\" value=\"1\""), "{body}");
    body
}

/// `tiexi check` on the test's database passes.
fn check(app: &TestApp) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["check", "--database", &app.db.url])
        .output()
        .expect("tiexi check runs");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// The prepare form offers the granted projects; two are picked. Returns (batch, ids offered).
async fn prepare_two(w: &World) -> (Value, Vec<String>) {
    let new = page(&w.maker, "/rounds/2023/disbursements/new").await;
    let ids: Vec<String> = new
        .split("name=\"ids\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or_default().to_string())
        .collect();
    assert!(ids.len() >= 2, "granted projects are offered: {new}");
    let picked: Vec<(&str, &str)> = ids.iter().take(2).map(|id| ("ids", id.as_str())).collect();
    post(&w.maker, "/rounds/2023/disbursements", &picked).await;
    (latest(&w.maker, "/api/v1/rounds/2023/disbursements", "disbursements").await, ids)
}

/// An auditor sees the batch with accounts masked, and no form but the payment list's download.
async fn auditor_reads_only(w: &World, path: &str) {
    let audited = page(&w.app.login("auditor").await, path).await;
    assert!(
        !audited.contains(ACCOUNT) && audited.contains(&tiexi::export::mask::account(ACCOUNT)),
        "masked for auditors"
    );
    let download = format!("<form method=\"post\" action=\"{path}/payment-list.xlsx\"");
    let forms =
        (audited.matches("<form method=\"post\" action=\"/disbursements").count(), audited.matches(&download).count());
    assert_eq!(forms, (1, 1), "auditors read only: their one POST form downloads the payment list");
}

#[rocket::async_test]
async fn allocation_and_batches_go_through_the_pages_with_maker_checker() {
    let w = world().await;
    allocate(&w).await;
    let (b, ids) = prepare_two(&w).await;
    let path = format!("/disbursements/{}", b["id"]);
    let shown = page(&w.maker, &path).await;
    assert!(
        shown.contains("id=\"count\">2<") && shown.contains(&format!("id=\"total\">{}<", grouped(&b["total"]))),
        "the control totals, the total by thousands: {shown}"
    );
    assert!(
        shown.contains(ACCOUNT) && !shown.contains("id=\"approve\""),
        "staff see the account; the preparer has no approve"
    );
    auditor_reads_only(&w, &path).await;
    post(&w.maker, &format!("{path}/actions"), &[("action", "approve")]).await;
    assert!(page(&w.maker, &path).await.contains("id=\"flash\""), "the preparer's approval is a flash refusal");
    assert_eq!(latest(&w.maker, "/api/v1/rounds/2023/disbursements", "disbursements").await["state"], "prepared");
    post(&w.checker, &format!("{path}/actions"), &[("action", "approve")]).await;
    let today = web_support::today(0);
    let pay = [("action", "pay"), ("voucher_no", "记-7"), ("paid_on", today.as_str())];
    let asked = ask(&w.maker, &format!("{path}/actions"), &pay).await;
    assert!(asked.contains("记-7") && asked.contains(&grouped(&b["total"])) && asked.contains("不能更改或撤销"));
    assert_eq!(latest(&w.maker, "/api/v1/rounds/2023/disbursements", "disbursements").await["state"], "approved");
    post(&w.maker, &format!("{path}/actions"), &[pay[0], pay[1], pay[2], ("confirm", "1")]).await;
    let paid = page(&w.maker, &path).await;
    assert!(paid.contains("已拨付") && paid.contains("记-7") && paid.contains("id=\"clawback-"), "{paid}");
    assert!(names(&paid, &[("preparer", "maker"), ("approver", "checker")]), "who prepared, who approved: {paid}");
    let claw = [("project_id", ids[0].as_str()), ("amount", "100.00"), ("comment", "多付")];
    assert!(ask(&w.checker, &format!("{path}/clawbacks"), &claw).await.contains("追回100.00 元"));
    post(&w.checker, &format!("{path}/clawbacks"), &[claw[0], claw[1], claw[2], ("confirm", "1")]).await;
    let claw = latest(&w.maker, "/api/v1/rounds/2023/disbursements", "disbursements").await;
    assert_eq!((claw["kind"].as_str(), claw["total"].as_str()), (Some("clawback"), Some("-100.00")));
    let project = page(&w.maker, &format!("/projects/{}", ids[0])).await;
    assert!(project.contains("贴息核定与拨付") && project.contains(b["number"].as_str().expect("text")));
    check(&w.app);
}

#[rocket::async_test]
async fn roles_without_money_pages_are_refused() {
    let w = world().await;
    allocate(&w).await;
    let coop = w.app.login("coop").await;
    let bureau = w.app.login("bureau").await;
    for path in
        ["/rounds/2023/allocations", "/rounds/2023/disbursements", "/rounds/2023/disbursements/new", "/allocations/1"]
    {
        for who in [&coop, &bureau] {
            let (status, _) = who.get(path).await;
            assert!(matches!(status, Status::Forbidden | Status::NotFound), "{path}: {status}");
        }
    }
    for who in [&coop, &bureau] {
        let (status, _) = who.post_form("/rounds/2023/allocations", &[]).await;
        assert_eq!(status, Status::Forbidden);
    }
    let auditor = w.app.login("auditor").await;
    let shown = page(&auditor, "/rounds/2023/allocations").await;
    assert!(!shown.contains("id=\"propose\""), "auditors see the dry run without the button");
    assert_eq!(auditor.post_form("/rounds/2023/allocations", &[]).await.0, Status::Forbidden);
    let (_, round) = bureau.get("/rounds/2023").await;
    assert!(!round.contains("资金分配"), "no link for the bureau");
}

#[rocket::async_test]
async fn withdrawing_a_granted_unpaid_project_frees_exactly_its_grant() {
    let w = world().await;
    allocate(&w).await;
    let (id, granted): (i64, i64) =
        sqlx::query_as("SELECT id, granted_fen FROM projects WHERE granted_fen > 0 ORDER BY id LIMIT 1")
            .fetch_one(&w.app.pool.inner)
            .await
            .expect("a granted project");
    let before = pools_granted(&w.app).await;
    let withdraw = [("asked.action", "withdraw"), ("asked.comment", "放弃")];
    let asked = ask(&w.maker, &format!("/projects/{id}/actions"), &withdraw).await;
    let freed = tiexi::web::kernel::views::yuan(Money::from_fen(granted));
    assert!(asked.contains(&format!("未拨付的核定贴息 {freed} 元将释放回资金池")), "{asked}");
    post(&w.maker, &format!("/projects/{id}/actions"), &[withdraw[0], withdraw[1], ("confirm", "1")]).await;
    let state: (String, i64) = sqlx::query_as("SELECT state, granted_fen FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(&w.app.pool.inner)
        .await
        .expect("the project");
    assert_eq!(state, ("withdrawn".to_string(), 0));
    assert_eq!(pools_granted(&w.app).await, before - granted, "exactly its grant is freed");
    check(&w.app);
    // A paid project must be clawed back first.
    let (other, _): (i64, i64) = sqlx::query_as(
        "SELECT id, granted_fen FROM projects WHERE granted_fen > 0 AND state = 'approved' ORDER BY id LIMIT 1",
    )
    .fetch_one(&w.app.pool.inner)
    .await
    .expect("another granted project");
    let b = w.maker.post_json("/api/v1/rounds/2023/disbursements", &json!({ "projects": [other] })).await.1;
    let path = format!("/api/v1/disbursements/{}/actions", b["id"]);
    assert_eq!(w.checker.post_json(&path, &json!({ "action": "approve" })).await.0, Status::Ok);
    let paid = json!({ "action": "pay", "voucher_no": "记-9", "paid_on": web_support::today(0) });
    assert_eq!(w.maker.post_json(&path, &paid).await.0, Status::Ok);
    let (status, v) =
        w.maker.post_json(&format!("/api/v1/projects/{other}/actions"), &json!({ "action": "withdraw" })).await;
    assert_eq!(status, Status::Conflict, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains("追回"), "{v}");
}
