//! Issue 15 item 5: "an import of 10,000 loans into a database holding seven earlier rounds
//! of 10,000 loans each previews within 1.5× the time of the same import into an empty one".
//! A plain timed bench, as `figures` (`benches/run` reads its lines
//! `figure <name> <median ms> <runs>`):
//!
//! `cargo bench --bench history -- EMPTY_URL LOADED_URL [CONTINUING_URL]`
//!
//! Every database gets the round 2031 and one division account. `LOADED_URL` first gets the
//! rounds 2024–2030, each holding the same 10,000 loans (the same applicants and contract
//! numbers, every project granted), so the preview's history (`storage::history`) finds
//! every applicant and contract of the file seven times: the worst case for the lookup, and
//! one no program meets (a loan runs three years at most, docs/rules.md §9).
//! `CONTINUING_URL` gets seven rounds of 10,000 loans each as a program has them: each
//! round its own loans and applicants, but for a third of the file's projects, whose
//! applicants and loans were granted in the two rounds before (loans still running).
//! Then `app::imports::preview`, as the server runs it (parse child, checks, history, the
//! engine, the stored preview), is timed `FIGURE_RUNS` times on each.

#[path = "support/timing.rs"]
#[expect(dead_code, reason = "shared with benches/figures.rs: this bench times async work itself")]
mod timing;

use std::path::PathBuf;
use std::time::Instant;

use tiexi::accounts::Role;
use tiexi::app::{imports, Actor};
use tiexi::config::AppConfig;
use tiexi::engine::{self, Project};
use tiexi::import::{self, Options};
use tiexi::storage;
use timing::{print_median, runs};

const LOANS: usize = 10_000;
const YEAR: i32 = 2031;
const EARLIER: i32 = 7;

/// `data/policy.example.toml` for `year`, its window that calendar year.
fn policy_toml(year: i32) -> String {
    let toml = include_str!("../data/policy.example.toml");
    toml.replacen("year = 2024", &format!("year = {year}"), 1)
        .replace("2025-01-01", &format!("{}-01-01", year + 1))
        .replace("2024-01-01", &format!("{year}-01-01"))
}

async fn round(pool: &storage::Pool, year: i32) -> i64 {
    let toml = policy_toml(year);
    let policy = import::policy(&toml).expect("a policy");
    let mut tx = storage::begin_write(pool).await.expect("a transaction");
    let id = storage::rounds::insert(&mut tx, &policy, &toml, tiexi::engine::RoundStatus::Open).await.expect("a round");
    tx.commit().await.expect("committed");
    id
}

/// An earlier round holding `projects`, each granted and paid what it requests (the grant on
/// the books that docs/rules.md §9 counts), in one write transaction, which ends as a
/// confirmed import's does: analyzing the grown tables (`storage::bulk::analyze_grown`).
async fn earlier(pool: &storage::Pool, year: i32, projects: &[Project]) {
    let round_id = round(pool, year).await;
    let policy = import::policy(&policy_toml(year)).expect("a policy");
    let mut tx = storage::begin_write(pool).await.expect("a transaction");
    for p in projects {
        storage::projects::upsert(&mut tx, round_id, p, None, None).await.expect("an upsert");
    }
    let stored = storage::load::round(&mut tx, round_id).await.expect("the round");
    let inputs: Vec<Project> = stored.iter().map(|(_, p)| p.clone()).collect();
    let result = engine::compute(&policy, &inputs);
    for ((record, _), r) in stored.iter().zip(&result.projects) {
        let fen = r.requested.fen().max(100);
        storage::bulk::set_calculations(&mut tx, &[(record.id, fen, r.status.code())]).await.expect("stored");
        storage::projects::set_paid(&mut tx, record.id, engine::Money::from_fen(fen)).await.expect("granted");
    }
    // As a confirmed import of the round would have (`app::imports::confirm`): PostgreSQL's
    // statistics of the grown tables, without which the preview is planned as if the tables
    // were empty wherever autovacuum is off or has not come by yet (it is off on the bench's
    // server).
    storage::bulk::analyze_grown(&mut tx, projects.len()).await.expect("analyzed");
    tx.commit().await.expect("committed");
}

/// How the earlier rounds relate to the file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Earlier {
    /// No earlier round.
    None,
    /// The file's projects in every earlier round.
    Same,
    /// Each round its own projects, but for a third of the file's in the last two rounds.
    Continuing,
}

/// The file's projects as round `year` held them: the same ones, or (continuing) other
/// applicants and contracts but for every third project in the two rounds before `YEAR`.
fn as_of(projects: &[Project], year: i32, how: Earlier) -> Vec<Project> {
    let mut out = projects.to_vec();
    if how == Earlier::Continuing {
        for (i, p) in out.iter_mut().enumerate() {
            if year >= YEAR - 2 && i % 3 == 0 {
                continue;
            }
            p.key = format!("{}-{year}", p.key);
            p.applicant.id_number = format!("{year}{}", p.applicant.id_number);
            if !p.applicant.credit_code.is_empty() {
                p.applicant.credit_code = format!("{year}{}", p.applicant.credit_code);
            }
            for l in &mut p.loans {
                l.contract_no = format!("{}-{year}", l.contract_no);
            }
        }
    }
    out
}

/// The previews of `bytes` into the round `YEAR` of the database at `url`, in microseconds.
async fn previews(url: &str, bytes: &[u8], projects: &[Project], how: Earlier) -> Vec<u128> {
    let pool = storage::connect(url, 4).await.expect("the database");
    if how != Earlier::None {
        let start = Instant::now();
        for year in YEAR - EARLIER..YEAR {
            earlier(&pool, year, &as_of(projects, year, how)).await;
        }
        println!("seeded {EARLIER} earlier rounds of {LOANS} loans in {} s", start.elapsed().as_secs());
    }
    let round_id = round(&pool, YEAR).await;
    let mut tx = storage::begin_write(&pool).await.expect("a transaction");
    let user = storage::users::insert(&mut tx, "bench-history", "-", Role::DivisionStaff, None).await.expect("a user");
    let round = storage::rounds::find(&mut tx, round_id).await.expect("a read").expect("the round");
    tx.commit().await.expect("committed");
    let db = storage::Db::from(pool);
    let actor = Actor { id: Some(user), name: "bench-history", role: Role::DivisionStaff, unit: None };
    let config = AppConfig { parser: Some(PathBuf::from(env!("CARGO_BIN_EXE_tiexi"))), ..AppConfig::default() };
    let parsers = imports::Parsers::default();
    let mut times = Vec::new();
    for _ in 0..runs() {
        let start = Instant::now();
        let (_, preview, _) = imports::preview(&db, &parsers, &config, actor, &round, "loans.xlsx", bytes.to_vec())
            .await
            .expect("a preview");
        times.push(start.elapsed().as_micros());
        assert!(preview["errors"].as_array().is_some_and(Vec::is_empty), "the workbook previews without errors");
    }
    times
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [empty, loaded] = [0, 1]
        .map(|i| args.get(i).cloned().expect("cargo bench --bench history -- EMPTY_URL LOADED_URL [CONTINUING_URL]"));
    let path = std::env::temp_dir().join(format!("tiexi-history-{}.xlsx", std::process::id()));
    tiexi::sample::workbook(LOANS, YEAR, &path).expect("the workbook is written");
    let bytes = std::fs::read(&path).expect("read back");
    let _ = std::fs::remove_file(&path);
    let options = Options { require_union_member: true, window: None };
    let projects = import::guard::workbook(&bytes, &options).expect("the workbook imports").projects;
    rocket::execute(async {
        let backend = if empty.starts_with("postgres") { "postgres" } else { "sqlite" };
        print_median(&format!("history-empty-{backend}"), previews(&empty, &bytes, &projects, Earlier::None).await);
        print_median(&format!("history-loaded-{backend}"), previews(&loaded, &bytes, &projects, Earlier::Same).await);
        if let Some(continuing) = args.get(2) {
            let times = previews(continuing, &bytes, &projects, Earlier::Continuing).await;
            print_median(&format!("history-continuing-{backend}"), times);
        }
    });
}
