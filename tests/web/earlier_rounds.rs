//! Issue 15 item 3, no subsidy twice (docs/rules.md §9, docs/facts.md): the facts a stored
//! round's calculation loads (`storage::facts::round`) carry what other rounds granted and
//! subsidised, so the engine removes the days already subsidised and applies the program's
//! limits per applicant. On a real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`).

use crate::web_support;

use tiexi::engine::{self, Applicant, ApplicantType, Loan, Money, Project, Reason, Status};
use tiexi::storage;
use web_support::TestDb;

/// A 2024-style policy of `year`, its window given, with `limits` added.
pub fn policy(year: i32, window: Option<(&str, &str)>, limits: &str) -> String {
    let window = window.map_or(String::new(), |(s, e)| format!("window = {{ start = {s}, end = {e} }}\n"));
    format!(
        "year = {year}\nname = \"{year}年度贴息\"\n{window}\n[rate]\nmode = \"cap\"\ncap_percent = 5\nshare_percent = 100\n\n\
         [term]\nmax_months = 36\n\n[limits]\n{limits}\n\n[allocation]\nmethod = \"pro_rata\"\n\n\
         [[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 700000\n"
    )
}

pub fn loan(contract: &str, from: &str, to: &str) -> Loan {
    Loan {
        contract_no: contract.into(),
        bank: String::new(),
        principal: "360000".parse().expect("as written"),
        rate: "5".parse().expect("as written"),
        disbursed_on: from.parse().expect("as written"),
        maturity_on: to.parse().expect("as written"),
        settled_on: None,
        interest_paid: None,
        events: vec![],
        row: 0,
    }
}

pub fn project(key: &str, id_number: &str, credit_code: &str, loans: Vec<Loan>) -> Project {
    Project {
        key: key.into(),
        name: format!("{key}项目"),
        applicant_type: ApplicantType::Cooperative,
        union_member: Some(true),
        households: 10,
        income_increase: None,
        score: None,
        applicant: Applicant {
            unit: "红星一场".into(),
            leader: "张三".into(),
            id_number: id_number.into(),
            credit_code: credit_code.into(),
            ..Applicant::default()
        },
        loans,
    }
}

/// A round with its projects; each granted (and paid) the amount beside it when above 0.
pub async fn round(conn: &mut storage::Conn, toml: &str, projects: &[(Project, i64)]) -> i64 {
    let policy = tiexi::import::policy(toml).expect("the policy reads");
    let round_id =
        storage::rounds::insert(conn, &policy, toml, tiexi::engine::RoundStatus::Open).await.expect("a round");
    for (p, fen) in projects {
        let id = storage::projects::upsert(conn, round_id, p, None, None).await.expect("a project");
        if *fen > 0 {
            storage::bulk::set_calculations(conn, &[(id, *fen, tiexi::engine::Status::Funded.code())])
                .await
                .expect("a request");
            storage::projects::set_paid(conn, id, Money::from_fen(*fen)).await.expect("a grant");
        }
    }
    round_id
}

/// The round's stored projects through the engine with the facts storage loads.
pub async fn computed(conn: &mut storage::Conn, toml: &str, round_id: i64) -> engine::RoundResult {
    let policy = tiexi::import::policy(toml).expect("as written");
    let projects: Vec<Project> =
        storage::load::round(conn, round_id).await.expect("as written").into_iter().map(|(_, p)| p).collect();
    let facts = storage::facts::round(conn, round_id).await.expect("the facts load");
    engine::compute_with(&policy, &projects, &facts)
}

async fn database() -> (TestDb, storage::Pool) {
    let db = TestDb::new().await;
    let pool = storage::connect(&db.url, 2).await.expect("the database migrates");
    (db, pool)
}

/// docs/rules.md §9 "Days already subsidised": a contract granted in the round whose window is
/// [2097-07-01, 2098-07-01) earns nothing in the 2098 round for 2098-01-01..2098-07-01 (181
/// days); a contract of a project granted nothing there keeps all its days.
#[rocket::async_test]
async fn a_contract_granted_in_an_overlapping_window_earns_nothing_for_those_days() {
    let (_db, pool) = database().await;
    let mut conn = pool.inner.acquire().await.expect("as written");
    let special = policy(2097, Some(("2097-07-01", "2098-07-01")), "");
    let earlier = [
        (project("XX-2097-001", "650102198505054326", "", vec![loan("HT-1", "2097-01-01", "2100-01-01")]), 1_000_000),
        (project("XX-2097-002", "650102199001011234", "", vec![loan("HT-2", "2097-01-01", "2100-01-01")]), 0),
    ];
    round(&mut conn, &special, &earlier).await;
    let regular = policy(2098, None, "");
    let now = [(
        project(
            "XX-2098-001",
            "650102198505054326",
            "",
            vec![loan("HT-1", "2097-01-01", "2100-01-01"), loan("HT-2", "2097-01-01", "2100-01-01")],
        ),
        0,
    )];
    let id = round(&mut conn, &regular, &now).await;
    let r = computed(&mut conn, &regular, id).await;
    let (once, free) = (&r.projects[0].loans[0], &r.projects[0].loans[1]);
    assert_eq!((once.already_subsidised_days, once.eligible_days), (181, 184), "{once:?}");
    assert_eq!(once.reasons, vec![Reason::AlreadySubsidised]);
    // 360,000 × 5 % × 184 / 360 = 9,200.00 exactly: nothing for the days of 2097's window.
    assert_eq!(once.subsidy, Money::from_fen(920_000));
    assert_eq!((free.already_subsidised_days, free.eligible_days), (0, 365), "{free:?}");
    // The earlier round, recomputed, keeps its own days: "another round" is any other year,
    // and the 2098 round holds no grant.
    let first = storage::rounds::find_by_year(&mut conn, 2097).await.expect("as written").expect("as written");
    let again = computed(&mut conn, &special, first.id).await;
    assert_eq!(again.projects[0].loans[0].already_subsidised_days, 0);
}

/// docs/rules.md §9 "Earlier rounds of the same applicant": granted in two earlier rounds (once
/// by the 身份证号, once by the 统一社会信用代码), an applicant is ineligible under
/// `max_rounds_per_applicant = 2`; an applicant granted once is not.
#[rocket::async_test]
async fn an_applicant_granted_in_two_earlier_rounds_is_ineligible_under_a_limit_of_two() {
    let (_db, pool) = database().await;
    let mut conn = pool.inner.acquire().await.expect("as written");
    let (id, code, other) = ("650102198505054326", "93650000MA7ABCDE1R", "650102199001011234");
    round(
        &mut conn,
        &policy(2095, None, ""),
        &[(project("A-2095", id, "", vec![loan("L95", "2095-01-01", "2096-01-01")]), 500_000)],
    )
    .await;
    round(
        &mut conn,
        &policy(2096, None, ""),
        &[
            (project("A-2096", "", code, vec![loan("L96", "2096-01-01", "2097-01-01")]), 300_000),
            (project("B-2096", other, "", vec![loan("M96", "2096-01-01", "2097-01-01")]), 200_000),
        ],
    )
    .await;
    let limited = policy(2098, None, "max_rounds_per_applicant = 2\nmax_subsidy_per_applicant_total = 10000");
    let id98 = round(
        &mut conn,
        &limited,
        &[
            (project("A-2098", id, code, vec![loan("L98", "2098-01-01", "2099-01-01")]), 0),
            (project("B-2098", other, "", vec![loan("M98", "2098-01-01", "2099-01-01")]), 0),
        ],
    )
    .await;
    let r = computed(&mut conn, &limited, id98).await;
    let (a, b) = (&r.projects[0], &r.projects[1]);
    assert_eq!((a.status, a.requested), (Status::Ineligible, Money::ZERO), "{a:?}");
    assert!(a.reasons.contains(&Reason::RoundLimitReached), "{:?}", a.reasons);
    // B was granted 2,000.00 once: 10,000.00 less that is the most it may ask for now.
    assert_eq!(b.requested, Money::from_fen(800_000), "{b:?}");
    assert!(b.reasons.contains(&Reason::LimitedByApplicantTotal), "{:?}", b.reasons);
}

/// Issue 15 item 5: an import's preview reads the round's own facts (`storage::facts::own`,
/// no history) and the history of the file's keys (`storage::facts::history_for`), one lookup
/// of the earlier rounds instead of two; what it finds, and what the engine then computes,
/// is what the stored round's calculation (`storage::facts::round`) finds and computes.
#[rocket::async_test]
async fn a_preview_finds_what_the_stored_round_finds() {
    let (_db, pool) = database().await;
    let mut conn = pool.inner.acquire().await.expect("as written");
    let (id, code) = ("650102198505054326", "93650000MA7ABCDE1R");
    let special = policy(2097, Some(("2097-07-01", "2098-07-01")), "");
    let earlier = [
        (project("XX-2097-001", id, code, vec![loan("HT-1", "2097-01-01", "2100-01-01")]), 1_000_000),
        (project("XX-2097-002", "650102199001011234", "", vec![loan("HT-2", "2097-01-01", "2100-01-01")]), 0),
    ];
    round(&mut conn, &special, &earlier).await;
    let limited = policy(2098, None, "max_subsidy_per_applicant_total = 25000");
    let both = vec![loan("HT-1", "2097-01-01", "2100-01-01"), loan("HT-2", "2097-01-01", "2100-01-01")];
    let file = vec![project("XX-2098-001", "", code, both)];
    let id98 = round(&mut conn, &limited, &[]).await;
    let mut facts = storage::facts::own(&mut conn, id98).await.expect("the facts load");
    assert!(facts.history.is_empty(), "{:?}", facts.history);
    facts.history = storage::facts::history_for(&mut conn, 2098, &file).await.expect("the history loads");
    let previewed = engine::compute_with(&tiexi::import::policy(&limited).expect("as written"), &file, &facts);
    let (once, free) = (&previewed.projects[0].loans[0], &previewed.projects[0].loans[1]);
    assert_eq!((once.already_subsidised_days, free.already_subsidised_days), (181, 0), "{previewed:?}");
    // 25,000.00 less the 10,000.00 granted in 2097 by the 统一社会信用代码.
    assert!(previewed.projects[0].reasons.contains(&Reason::LimitedByApplicantTotal), "{previewed:?}");
    storage::projects::upsert(&mut conn, id98, &file[0], None, None).await.expect("stored");
    let stored = storage::facts::round(&mut conn, id98).await.expect("the facts load");
    assert_eq!(stored.history, facts.history);
    assert_eq!(computed(&mut conn, &limited, id98).await, previewed);
}

/// Issue 15 item 4: opening 2098, the 2097 round's approved project whose loan still runs is
/// offered and carried forward as a draft with the same contract (the loan that ended is
/// left behind, as is a project whose loans all ended); carrying again does nothing twice.
#[rocket::async_test]
#[expect(clippy::too_many_lines, reason = "one story: offer, carry, read back, carry again")]
async fn carrying_forward_creates_drafts_with_the_same_contracts() {
    use rocket::http::Status;
    use serde_json::json;
    let app = web_support::TestApp::empty().await;
    app.add_user("admin", tiexi::accounts::Role::DivisionStaff, None).await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let running = vec![loan("HT-RUN", "2097-03-01", "2100-03-01"), loan("HT-END", "2097-01-01", "2097-12-01")];
    round(
        &mut conn,
        &policy(2097, None, ""),
        &[
            (project("XX-2097-001", "650102198505054326", "", running), 1_000_000),
            (
                project("XX-2097-002", "650102199001011234", "", vec![loan("HT-OLD", "2097-01-01", "2097-10-01")]),
                500_000,
            ),
        ],
    )
    .await;
    drop(conn);
    let admin = app.login("admin").await;
    let (status, v) = admin.post_json("/api/v1/rounds", &json!({ "policy_toml": policy(2098, None, "") })).await;
    assert_eq!(status, Status::Ok, "{v}");
    let (status, offered) = admin.get_json("/api/v1/rounds/2098/carry_forward").await;
    assert_eq!(status, Status::Ok, "{offered}");
    assert_eq!(offered["from_year"], 2097);
    let keys: Vec<&str> =
        offered["projects"].as_array().into_iter().flatten().filter_map(|p| p["key"].as_str()).collect();
    assert_eq!(keys, vec!["XX-2097-001"], "{offered}");
    let (status, done) = admin.post_json("/api/v1/rounds/2098/carry_forward", &json!({})).await;
    assert_eq!(status, Status::Ok, "{done}");
    assert_eq!(done["carried"][0]["contracts"], json!(["HT-RUN"]), "{done}");
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let r98 = storage::rounds::find_by_year(&mut conn, 2098).await.expect("a read").expect("2098");
    let stored = storage::load::round(&mut conn, r98.id).await.expect("the projects");
    assert_eq!(stored.len(), 1);
    let (record, p) = &stored[0];
    assert_eq!((record.state.code(), p.key.as_str()), ("draft", "XX-2097-001"));
    assert_eq!(p.loans.iter().map(|l| l.contract_no.as_str()).collect::<Vec<_>>(), vec!["HT-RUN"]);
    drop(conn);
    let (status, again) = admin.post_json("/api/v1/rounds/2098/carry_forward", &json!({})).await;
    assert_eq!((status, again["carried"].clone()), (Status::Ok, json!([])), "{again}");
    let (_, audit) = admin.get_json("/api/v1/audit?action=project.carry_forward").await;
    assert_eq!(audit["entries"].as_array().map(Vec::len), Some(1), "{audit}");
}

/// Issue 15 item 3: `GET /api/v1/history?applicant=…` gives division staff and auditors one
/// applicant's rounds, projects, grants and payments, and the days its contracts were
/// subsidised, in the document `tiexi calc --history` reads; nobody else sees it.
#[rocket::async_test]
async fn the_history_of_one_applicant_is_for_division_staff_and_auditors() {
    use rocket::http::Status;
    let app = web_support::TestApp::empty().await;
    app.add_user("auditor", tiexi::accounts::Role::Auditor, None).await;
    app.add_user("regiment", tiexi::accounts::Role::RegimentStaff, Some("红星一场")).await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let special = policy(2097, Some(("2097-07-01", "2098-07-01")), "");
    let granted = project("XX-2097-001", "650102198505054326", "", vec![loan("HT-1", "2097-01-01", "2100-01-01")]);
    round(&mut conn, &special, &[(granted, 1_000_000)]).await;
    drop(conn);
    let auditor = app.login("auditor").await;
    let (status, h) = auditor.get_json("/api/v1/history?applicant=650102%20198505054326").await;
    assert_eq!(status, Status::Ok, "{h}");
    assert_eq!(h["projects"][0]["granted"], "10000.00", "{h}");
    assert_eq!(h["projects"][0]["paid"], "10000.00", "{h}");
    assert_eq!(h["applicants"]["650102198505054326"][0]["year"], 2097, "{h}");
    assert_eq!(h["contracts"]["HT-1"][0]["start"], "2097-07-01", "{h}");
    assert_eq!(h["contracts"]["HT-1"][0]["end"], "2098-07-01", "{h}");
    let read = tiexi::import::history::read(h.to_string().as_bytes()).expect("tiexi calc --history reads it");
    assert_eq!(read.subsidised(2098, "HT-1").map(tiexi::engine::Interval::days).sum::<i64>(), 365);
    let (status, _) = app.login("regiment").await.get_json("/api/v1/history?applicant=650102198505054326").await;
    assert_eq!(status, Status::Forbidden);
    // The command line gives the same document.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["history", "--applicant", "650102198505054326", "--database", &app.db.url])
        .output()
        .expect("tiexi history runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(cli, h, "tiexi history --applicant and the API agree");
}
