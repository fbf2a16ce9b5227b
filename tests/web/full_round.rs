//! THE acceptance test of issue 5, on a real database (SQLite file; PostgreSQL with
//! `TEST_DATABASE_URL`), entirely over HTTP as the users run a round: division staff create
//! a round of two pools; cooperatives apply in the form and submit, regiment staff import
//! others; 初审 by each 团场, the bureau's opinion, 复审, 公示 (ended), approval and one
//! rejection; an oversubscribed allocation (maker-checker); two paid batches; a clawback and
//! the project's withdrawal; re-allocation of the freed money by the same rule. At the end
//! every project's grant and payment and every pool's balance equal what the engine's pure
//! functions give for the projects as the API returns them; the figures count only the
//! projects in the round; `tiexi check` and `tiexi audit verify` (the real binary) pass;
//! every transition and money action has its audit row.

use crate::web_support;

use std::collections::HashMap;
use std::fmt::Write;

use rocket::http::{ContentType, Status};
use serde_json::{json, Value};
use tiexi::accounts::Role;
use tiexi::engine::{allocation, grants::Claim, Money};
use web_support::{case000_policy, encode, workbook, Agent, TestApp};

/// 20,000.50 yuan in two pools: the approved projects ask more (oversubscribed).
const POOLS: &str = "[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 15000\n\n\
    [[pools]]\nname = \"师市总工会自筹\"\nkind = \"matched\"\namount = 5000.50\n";

fn policy() -> String {
    let base = case000_policy();
    let cut = base.find("[[pools]]").expect("case000 has pools");
    format!("{}{POOLS}", &base[..cut])
}

fn fen(v: &Value) -> i64 {
    v.as_str().and_then(|s| s.parse::<Money>().ok()).map_or_else(|| panic!("money: {v}"), Money::fen)
}

fn money(fen: i64) -> Value {
    json!(Money::from_fen(fen))
}

/// Everyone who takes part.
struct People {
    maker: Agent,
    checker: Agent,
    bureau: Agent,
    /// Regiment staff of 红星一场 and 红星二场.
    reg1: Agent,
    reg2: Agent,
    coop1: Agent,
    coop2: Agent,
}

impl People {
    fn regiment(&self, unit: &str) -> &Agent {
        if unit == "红星一场" {
            &self.reg1
        } else {
            &self.reg2
        }
    }
}

async fn people(app: &TestApp) -> People {
    for (name, role, unit) in [
        ("maker", Role::DivisionStaff, None),
        ("checker", Role::DivisionStaff, None),
        ("bureau", Role::BureauReviewer, None),
        ("reg1", Role::RegimentStaff, Some("红星一场")),
        ("reg2", Role::RegimentStaff, Some("红星二场")),
        ("coop1", Role::Cooperative, None),
        ("coop2", Role::Cooperative, None),
    ] {
        app.add_user(name, role, unit).await;
    }
    People {
        maker: app.login("maker").await,
        checker: app.login("checker").await,
        bureau: app.login("bureau").await,
        reg1: app.login("reg1").await,
        reg2: app.login("reg2").await,
        coop1: app.login("coop1").await,
        coop2: app.login("coop2").await,
    }
}

async fn ok(agent: &Agent, path: &str, body: Value) -> Value {
    let (status, v) = agent.post_json(path, &body).await;
    assert_eq!(status, Status::Ok, "{path} {body}: {v}");
    v
}

/// A cooperative fills in the application form (one loan); returns the new project's id.
async fn apply(coop: &Agent, unit: &str, contract: &str, principal: &str) -> i64 {
    let fields = [
        ("project.unit", unit),
        ("project.project_name", &format!("{contract}养殖项目")),
        ("project.applicant_type", "个人"),
        ("project.leader", "张三"),
        ("project.id_number", "11010519491231002X"),
        ("project.households", "5"),
        ("project.union_member", "是"),
        ("payee_name", "张三"),
        ("payee_bank", "农行红星支行"),
        ("payee_account", "6228480012345678901"),
        ("loans.0.contract_no", contract),
        ("loans.0.principal", principal),
        ("loans.0.rate", "4.35"),
        ("loans.0.disbursed_on", "2023-01-10"),
        ("loans.0.maturity_on", "2024-01-10"),
    ];
    let mut body = format!("csrf_token={}", coop.csrf);
    for (k, v) in fields {
        let _ = write!(body, "&{k}={}", encode(v));
    }
    let r = coop.client.post("/rounds/2023/applications").header(ContentType::Form).body(body).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther, "the application is stored");
    let location = r.headers().get_one("Location").expect("a redirect").to_string();
    location.trim_start_matches("/projects/").parse().expect("a project page")
}

/// Regiment staff upload their workbook, look at the preview and confirm it.
async fn import(reg: &Agent, unit: &str, keys: &[&str]) {
    let (status, up) = reg.upload("/api/v1/rounds/2023/imports", "申报表.xlsx", &workbook::of_unit(unit, keys)).await;
    assert_eq!(status, Status::Ok, "{up}");
    assert_eq!(up["preview"]["projects"].as_array().map(Vec::len), Some(keys.len()), "the preview shows them");
    ok(reg, &format!("/api/v1/imports/{}/confirm", up["import_id"]), json!({})).await;
}

/// Applications in the form and from workbooks; the cooperatives submit theirs (one draft
/// stays a draft). Returns (the draft's id, the id of the project to be rejected).
async fn applications(p: &People) -> (i64, i64) {
    let a1 = apply(&p.coop1, "红星二场", "HT-A1", "300000").await;
    let a2 = apply(&p.coop1, "红星二场", "HT-A2", "200000").await;
    let b1 = apply(&p.coop2, "红星一场", "HT-B1", "250000").await;
    let draft = apply(&p.coop2, "红星一场", "HT-B2", "300000").await;
    import(&p.reg2, "红星二场", &["IMP-2-1", "IMP-2-2"]).await;
    import(&p.reg1, "红星一场", &["IMP-1-1", "IMP-1-2"]).await;
    for (coop, id) in [(&p.coop1, a1), (&p.coop1, a2), (&p.coop2, b1)] {
        let v = ok(coop, &format!("/api/v1/projects/{id}/actions"), json!({ "action": "submit" })).await;
        assert_eq!(v["state"], "submitted");
    }
    let (status, _) =
        p.coop2.post_json(&format!("/api/v1/projects/{a1}/actions"), &json!({ "action": "submit" })).await;
    assert_eq!(status, Status::NotFound, "another cooperative's project is not theirs");
    (draft, a2)
}

/// 初审, opinion, 复审, 公示 (ended before today), then approve all but `rejected`.
async fn review(app: &TestApp, p: &People, projects: &[Value], rejected: i64) {
    let path = |id: &Value| format!("/api/v1/projects/{id}/actions");
    for project in projects.iter().filter(|v| v["state"] == "submitted") {
        let (id, unit) = (&project["id"], project["unit"].as_str().expect("a unit"));
        let other = if unit == "红星一场" { &p.reg2 } else { &p.reg1 };
        let (status, _) = other.post_json(&path(id), &json!({ "action": "regiment_review" })).await;
        assert_eq!(status, Status::NotFound, "another 团场's staff do not see it");
        ok(p.regiment(unit), &path(id), json!({ "action": "regiment_review", "comment": "材料齐全" })).await;
        ok(&p.bureau, &path(id), json!({ "action": "opinion", "comment": "同意推荐" })).await;
        ok(&p.maker, &path(id), json!({ "action": "division_review" })).await;
        ok(&p.maker, &path(id), web_support::publish_now()).await;
        app.publicity_ended(id.as_i64().expect("an id"), 1).await;
        if id.as_i64() == Some(rejected) {
            let (status, _) = p.maker.post_json(&path(id), &json!({ "action": "reject" })).await;
            assert_eq!(status, Status::UnprocessableEntity, "a rejection needs its reason");
            ok(&p.maker, &path(id), json!({ "action": "reject", "comment": "贷款用途与申报不符" })).await;
        } else {
            ok(&p.checker, &path(id), json!({ "action": "approve" })).await;
        }
    }
}

/// Every project of the round as the API returns it (with `paid`), by id.
async fn projects_by_id(agent: &Agent) -> HashMap<i64, Value> {
    let mut out = HashMap::new();
    for row in agent.projects(2023).await {
        let id = row["id"].as_i64().expect("an id");
        let (status, full) = agent.get_json(&format!("/api/v1/projects/{id}")).await;
        assert_eq!(status, Status::Ok, "{full}");
        out.insert(id, full);
    }
    out
}

/// What the books must show: per project granted and paid, per pool granted and paid (fen).
#[derive(Default, Debug)]
struct Books {
    granted: HashMap<i64, i64>,
    paid: HashMap<i64, i64>,
    parts: HashMap<i64, Vec<i64>>,
    pool_granted: Vec<i64>,
    pool_paid: Vec<i64>,
}

/// The run the engine gives for `claims` (id, what it lacks) against `remaining`; the dry
/// run, then the committed proposal, must show exactly it. Committed by the maker, approved
/// by the checker (the maker's own approval refused); the books take it.
async fn allocate(p: &People, claims: &[(i64, i64)], remaining: &[i64], books: &mut Books) {
    let rule = tiexi::import::policy(&policy()).expect("the policy").allocation;
    let engine_claims: Vec<Claim> =
        claims.iter().map(|(_, fen)| Claim { requested: Money::from_fen(*fen), score: None }).collect();
    let left: Vec<Money> = remaining.iter().map(|f| Money::from_fen(*f)).collect();
    let (grants, parts, after) = allocation::grant(rule, &engine_claims, &left);
    let dry = ok(&p.maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": true })).await;
    let committed = ok(&p.maker, "/api/v1/rounds/2023/allocations", json!({ "dry_run": false })).await;
    for run in [&dry["run"], &committed["run"]] {
        assert!(fen(&run["outstanding"]) > fen(&run["budget"]), "oversubscribed: {run}");
        let lines = run["projects"].as_array().expect("lines");
        let got: Vec<(i64, i64)> = lines.iter().map(|l| (l["id"].as_i64().unwrap_or(0), fen(&l["granted"]))).collect();
        let want: Vec<(i64, i64)> = claims.iter().zip(&grants).map(|((id, _), g)| (*id, g.fen())).collect();
        assert_eq!(got, want, "the run is the engine's");
        assert_eq!(
            lines.iter().map(|l| l["parts"].clone()).collect::<Vec<_>>(),
            parts.iter().map(|x| json!(x)).collect::<Vec<_>>()
        );
        let pools: Vec<Value> =
            run["pools"].as_array().expect("pools").iter().map(|x| x["remaining_after"].clone()).collect();
        assert_eq!(pools, after.iter().map(|m| json!(m)).collect::<Vec<_>>());
    }
    let path = format!("/api/v1/allocations/{}/actions", committed["allocation_id"]);
    let (status, own) = p.maker.post_json(&path, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict, "the maker cannot approve their own proposal: {own}");
    ok(&p.checker, &path, json!({ "action": "approve", "comment": "同意" })).await;
    for (((id, _), g), part) in claims.iter().zip(&grants).zip(&parts) {
        *books.granted.entry(*id).or_default() += g.fen();
        let mine = books.parts.entry(*id).or_insert_with(|| vec![0; part.len()]);
        for (j, x) in part.iter().enumerate() {
            mine[j] += x.fen();
            books.pool_granted[j] += x.fen();
        }
    }
}

/// Prepare (maker), approve (checker; the maker's own approval refused), pay with a voucher.
async fn paid_batch(p: &People, body: Value, voucher: &str) -> Value {
    let b = ok(&p.maker, "/api/v1/rounds/2023/disbursements", body).await;
    let path = format!("/api/v1/disbursements/{}/actions", b["id"]);
    let (status, own) = p.maker.post_json(&path, &json!({ "action": "approve" })).await;
    assert_eq!(status, Status::Conflict, "the preparer cannot approve: {own}");
    ok(&p.checker, &path, json!({ "action": "approve" })).await;
    ok(&p.maker, &path, json!({ "action": "pay", "voucher_no": voucher, "paid_on": web_support::today(0) })).await;
    let (_, paid) = p.maker.get_json(&format!("/api/v1/disbursements/{}", b["id"])).await;
    assert_eq!(paid["state"], "paid", "{paid}");
    paid
}

/// Two payment batches over every granted project; the books pay each its whole grant.
async fn pay_everyone(p: &People, books: &mut Books) -> Vec<i64> {
    let mut funded: Vec<i64> = books.granted.iter().filter(|(_, g)| **g > 0).map(|(id, _)| *id).collect();
    funded.sort_unstable();
    let (first, second) = funded.split_at(funded.len() / 2);
    for (ids, voucher) in [(first, "记-2024-031"), (second, "记-2024-032")] {
        let b = paid_batch(p, json!({ "projects": ids }), voucher).await;
        let want: i64 = ids.iter().map(|id| books.granted[id]).sum();
        assert_eq!((fen(&b["total"]), b["item_count"].clone()), (want, json!(ids.len())), "control totals: {b}");
        for id in ids {
            books.paid.insert(*id, books.granted[id]);
            for (j, x) in books.parts[id].iter().enumerate() {
                books.pool_paid[j] += x;
            }
        }
    }
    funded
}

/// 追回: the whole payment of `id` comes back (a paid clawback batch releases the grant), and
/// division staff withdraw the project, which leaves the round.
async fn claw_back(p: &People, id: i64, books: &mut Books) {
    let b = paid_batch(p, json!({ "projects": [id], "kind": "clawback" }), "记-2024-045").await;
    assert_eq!(fen(&b["total"]), -books.paid[&id], "the whole payment: {b}");
    for (j, x) in books.parts[&id].iter().enumerate() {
        books.pool_paid[j] -= x;
        books.pool_granted[j] -= x;
    }
    books.granted.insert(id, 0);
    books.paid.insert(id, 0);
    release_then_payment(p, id, &b).await;
    let v =
        ok(&p.maker, &format!("/api/v1/projects/{id}/actions"), json!({ "action": "withdraw", "comment": "已追回" }))
            .await;
    assert_eq!(v["state"], "withdrawn");
}

/// A paid clawback's entries follow its money: the grant released (`grant.release`, the
/// project and the amount given back) just before the batch's payment (`batch.pay`).
async fn release_then_payment(p: &People, id: i64, b: &Value) {
    let (_, trail) = p.maker.get_json("/api/v1/audit?per_page=2").await;
    let entries = trail["entries"].as_array().expect("entries");
    let (paid, released) = (&entries[0], &entries[1]);
    assert_eq!(
        (paid["action"].as_str(), released["action"].as_str()),
        (Some("batch.pay"), Some("grant.release")),
        "{trail}"
    );
    assert_eq!(paid["entity_id"].as_str(), Some(b["id"].to_string().as_str()), "{paid}");
    assert_eq!(released["new"]["project_id"].as_i64(), Some(id), "{released}");
    assert_eq!(released["new"]["amount_fen"].as_i64(), Some(fen(&b["total"])), "{released}");
}

/// The books equal what the API shows: every project's grant and payment, every pool.
async fn books_agree(p: &People, books: &Books) {
    let projects = projects_by_id(&p.maker).await;
    for (id, v) in &projects {
        let (granted, paid) = (books.granted.get(id).copied().unwrap_or(0), books.paid.get(id).copied().unwrap_or(0));
        assert_eq!((fen(&v["granted"]), fen(&v["paid"])), (granted, paid), "project {id} {}", v["key"]);
    }
    let (_, round) = p.maker.get_json("/api/v1/rounds/2023").await;
    let pools = round["balances"].as_array().expect("balances for division staff");
    for (j, pool) in pools.iter().enumerate() {
        let remaining = fen(&pool["amount"]) - books.pool_granted[j];
        assert_eq!(
            (pool["granted"].clone(), pool["paid"].clone(), pool["remaining"].clone()),
            (money(books.pool_granted[j]), money(books.pool_paid[j]), money(remaining)),
            "{}",
            pool["name"]
        );
    }
    let (_, theirs) = p.coop1.get_json("/api/v1/rounds/2023").await;
    assert_eq!(theirs["balances"], Value::Null, "the division's balances are not a cooperative's");
}

/// The round's figures count exactly the projects in the round (not the draft, the rejected
/// or the withdrawn one), and the whole budget is granted, as in the books.
async fn figures_agree(p: &People, out: &[i64], books: &Books) {
    let projects = projects_by_id(&p.maker).await;
    let counted: Vec<&Value> = projects.iter().filter(|(id, _)| !out.contains(id)).map(|(_, v)| v).collect();
    let (status, f) = p.maker.get_json("/api/v1/figures?year=2023").await;
    assert_eq!(status, Status::Ok, "{f}");
    assert_eq!(f["projects"], json!(counted.len()), "{f}");
    assert_eq!(fen(&f["requested"]), counted.iter().map(|v| fen(&v["requested"])).sum::<i64>(), "{f}");
    let granted: i64 = books.granted.values().sum();
    assert_eq!(fen(&f["granted"]), granted, "the figures' grants are the books': {f}");
    assert_eq!(granted, books.pool_granted.iter().sum::<i64>());
    let (_, round) = p.maker.get_json("/api/v1/rounds/2023").await;
    assert_eq!(fen(&round["budget"]), granted, "the whole budget is granted");
    assert_eq!(round["totals"], f, "the round page's figures are the figures");
    for row in p.maker.projects(2023).await.iter().filter(|v| v["id"].as_i64().is_some_and(|id| out.contains(&id))) {
        let stored = (row["status"].as_str(), fen(&row["requested"]), fen(&row["granted"]));
        assert_eq!(stored, (Some("ineligible"), 0, 0), "stored as out of the calculation: {row}");
    }
}

/// The real binary on the test's database: (exit code, output).
fn tiexi(app: &TestApp, args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(args)
        .args(["--database", &app.db.url])
        .output()
        .expect("tiexi runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The number of audit entries with this action.
async fn audited(agent: &Agent, query: &str) -> i64 {
    let (status, v) = agent.get_json(&format!("/api/v1/audit?{query}&per_page=500")).await;
    assert_eq!(status, Status::Ok, "{v}");
    v["total"].as_i64().expect("a total")
}

/// Every review transition of every project has its audit entry, in the same order; every
/// money action too.
async fn audit_is_complete(p: &People) {
    for id in projects_by_id(&p.maker).await.keys() {
        let (_, history) = p.maker.get_json(&format!("/api/v1/projects/{id}/transitions")).await;
        let moves: Vec<String> = history["transitions"]
            .as_array()
            .expect("transitions")
            .iter()
            .map(|t| format!("project.{}", t["action"].as_str().unwrap_or_default()))
            .collect();
        let (_, trail) = p.maker.get_json(&format!("/api/v1/audit?entity=project&entity_id={id}&per_page=500")).await;
        let mut entries: Vec<String> = trail["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_string))
            .filter(|a| moves.contains(a))
            .collect();
        entries.reverse();
        assert_eq!(entries, moves, "project {id}");
    }
    for (action, n) in [
        ("round.create", 1),
        ("allocation.propose", 2),
        ("allocation.approve", 2),
        ("batch.prepare", 3),
        ("batch.approve", 3),
        ("batch.pay", 3),
        ("grant.release", 1),
    ] {
        assert_eq!(audited(&p.maker, &format!("action={action}")).await, n, "{action}");
    }
}

#[rocket::async_test]
async fn a_whole_round_through_http_ends_as_the_engine_says() {
    let app = TestApp::empty().await;
    let p = people(&app).await;
    ok(&p.maker, "/api/v1/rounds", json!({ "policy_toml": policy() })).await;
    let (draft, rejected) = applications(&p).await;
    review(&app, &p, &p.maker.projects(2023).await, rejected).await;
    let listed = p.maker.projects(2023).await;
    assert_eq!(listed.iter().filter(|v| v["state"] == "approved").count(), 6, "all but the draft and the rejected");

    let (_, round) = p.maker.get_json("/api/v1/rounds/2023").await;
    let amounts: Vec<i64> = round["balances"].as_array().expect("balances").iter().map(|b| fen(&b["amount"])).collect();
    let mut books =
        Books { pool_granted: vec![0; amounts.len()], pool_paid: vec![0; amounts.len()], ..Books::default() };
    let all = projects_by_id(&p.maker).await;
    let approved: Vec<i64> =
        listed.iter().filter(|v| v["state"] == "approved").filter_map(|v| v["id"].as_i64()).collect();
    let claims: Vec<(i64, i64)> = approved.iter().map(|id| (*id, fen(&all[id]["requested"]))).collect();
    allocate(&p, &claims, &amounts, &mut books).await;
    books_agree(&p, &books).await;

    app.give_payees().await;
    let funded = pay_everyone(&p, &mut books).await;
    let (status, again) = p.maker.post_json("/api/v1/rounds/2023/disbursements", &json!({ "projects": funded })).await;
    assert_eq!(status, Status::Conflict, "nothing left to pay: {again}");
    // The smallest grant: the freed money is less than the others lack (oversubscribed again).
    let clawed = *funded.iter().min_by_key(|id| (books.granted[id], **id)).expect("a funded project");
    claw_back(&p, clawed, &mut books).await;
    books_agree(&p, &books).await;

    // Re-allocation: what each approved project still lacks, against what the pools have left.
    let lacking: Vec<(i64, i64)> = claims
        .iter()
        .filter(|(id, _)| *id != clawed)
        .map(|(id, asked)| {
            (*id, allocation::lacking(Money::from_fen(*asked), Money::from_fen(books.granted[id])).fen())
        })
        .collect();
    let left: Vec<i64> = amounts.iter().zip(&books.pool_granted).map(|(a, g)| a - g).collect();
    allocate(&p, &lacking, &left, &mut books).await;
    books_agree(&p, &books).await;
    figures_agree(&p, &[draft, rejected, clawed], &books).await;
    audit_is_complete(&p).await;
    for command in [&["check"][..], &["audit", "verify"][..]] {
        let (code, text) = tiexi(&app, command);
        assert_eq!(code, 0, "tiexi {command:?}: {text}");
    }
}
