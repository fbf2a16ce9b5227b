//! The figures of `benches/run` (issue 7): each piece of work timed several times in a
//! fresh state, the median printed as one line `figure <name> <median ms> <runs>` that the
//! script reads. Peak memory is measured around a whole process by the script.
//!
//! `cargo bench --bench figures -- <what> [args]`, where what is
//! - `bare-read WORKBOOK`: every cell through calamine's streaming reader (the import floor);
//! - `import WORKBOOK`: parse and validate through the isolated child, as the server does;
//! - `import-here WORKBOOK`: the same in this process (for profiling);
//! - `engine LOANS`: `engine::compute` on the workbook generator's round of that size;
//! - `store URL WORKBOOK`: a confirmed import into a fresh round of the database at URL,
//!   through the use case the server calls (`app::imports::confirm`: the parse child, the
//!   check, the writes, the recalculation and every audit row, one transaction), and its
//!   floor in the same run: the parse child and a bare bulk insert of the same rows
//!   (multi-row INSERTs through the same driver on SQLite, COPY on PostgreSQL);
//! - `seed URL WORKBOOK PROJECTS`: fill a round with that many projects (load tests).

#[path = "support/floor.rs"]
mod floor;
#[path = "support/timing.rs"]
mod timing;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use calamine::{Reader, Xlsx};
use tiexi::engine::{self, Policy, Project};
use tiexi::import::{self, Options, Parsed};
use tiexi::storage;
use timing::{figure, print_median, runs};

fn bare_read(bytes: &[u8]) -> usize {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("an xlsx");
    let mut cells = 0;
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).expect("a sheet");
        while let Some(cell) = reader.next_cell().expect("a cell") {
            std::hint::black_box(cell);
            cells += 1;
        }
    }
    cells
}

fn tiexi_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tiexi"))
}

fn import_isolated(bytes: &[u8]) -> Parsed {
    let parsed = import::isolate::workbook(&tiexi_exe(), bytes, &OPTIONS).expect("the workbook imports");
    assert!(parsed.errors.is_empty(), "{:?}", &parsed.errors[..parsed.errors.len().min(3)]);
    parsed
}

const OPTIONS: Options = Options { require_union_member: true, window: None };

/// The round of a workbook: its projects, as the import reads them, `loans` loans in all.
/// Above 100,000 loans a workbook would pass the upload limit (20 MB), so the round is the
/// 100,000-loan workbook's projects repeated under new project keys and contract numbers.
fn round_of(loans: usize) -> (Policy, Vec<Project>) {
    const BOOK: usize = 100_000;
    if loans > BOOK {
        let (policy, base) = round_of(BOOK);
        let copies = loans.div_ceil(BOOK);
        let mut projects = Vec::with_capacity(base.len() * copies);
        for n in 0..copies {
            projects.extend(base.iter().cloned().map(|mut p| {
                p.key = format!("{}#{n}", p.key);
                p.loans.iter_mut().for_each(|l| l.contract_no = format!("{}#{n}", l.contract_no));
                p
            }));
        }
        return (policy, projects);
    }
    let path = std::env::temp_dir().join(format!("tiexi-figures-{}-{loans}.xlsx", std::process::id()));
    tiexi::sample::workbook(loans, 2024, &path).expect("the workbook is written");
    let parsed = import::guard::workbook(&std::fs::read(&path).expect("read back"), &OPTIONS).expect("imports");
    let _ = std::fs::remove_file(&path);
    (policy(), parsed.projects)
}

/// The policy file of `data/`, for round `year`.
fn policy_toml(year: i32) -> String {
    let toml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/policy.example.toml"))
        .expect("data/policy.example.toml");
    toml.replacen("year = 2024", &format!("year = {year}"), 1)
}

fn policy() -> Policy {
    import::policy(&policy_toml(2024)).expect("a policy")
}

/// A fresh open round of the database at `url`, for year `year` (through `begin_write`,
/// like every write: a running server's cached pages see it).
async fn fresh_round(pool: &storage::Pool, year: i32) -> i64 {
    let toml = policy_toml(year);
    let policy = import::policy(&toml).expect("a policy");
    let mut tx = storage::begin_write(pool).await.expect("a transaction");
    let id = storage::rounds::insert(&mut tx, &policy, &toml, tiexi::engine::RoundStatus::Open).await.expect("a round");
    tx.commit().await.expect("committed");
    id
}

/// A round filled the quick way (the load tests' seed): the projects written in bulk and
/// the round computed, as a confirmed import writes them, without the parse and the check.
async fn store(pool: &storage::Pool, round_id: i64, projects: &[Project]) {
    let mut tx = storage::begin_write(pool).await.expect("a transaction");
    let new: Vec<_> = projects
        .iter()
        .map(|project| storage::bulk::NewProject {
            project,
            payee: ["", "", ""],
            figures: storage::projects::UNCALCULATED,
        })
        .collect();
    storage::bulk::add_projects(&mut tx, round_id, &new, None).await.expect("added");
    tiexi::app::calculation::recalculate(&mut tx, tiexi::app::Actor::system(), &policy(), round_id)
        .await
        .expect("computed");
    tx.commit().await.expect("committed");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| panic!("argument {i} missing: {args:?}"));
    match arg(0).as_str() {
        "bare-read" => {
            let bytes = std::fs::read(arg(1)).expect("the workbook");
            figure("bare-read", || {
                bare_read(&bytes);
            });
        }
        "import" => {
            let bytes = std::fs::read(arg(1)).expect("the workbook");
            figure("import", || import_isolated(&bytes));
        }
        "import-here" => {
            let bytes = std::fs::read(arg(1)).expect("the workbook");
            figure("import-here", || import::guard::workbook(&bytes, &OPTIONS).expect("imports"));
        }
        "engine" => {
            let loans: usize = arg(1).parse().expect("a number of loans");
            let (policy, projects) = round_of(loans);
            figure(&format!("engine-{loans}"), || {
                std::hint::black_box(engine::compute(&policy, &projects));
            });
        }
        "store" => rocket::execute(store_figure(&arg(1), &arg(2))),
        "seed" => rocket::execute(seed(&arg(1), &arg(2), arg(3).parse().expect("a number of projects"))),
        other => panic!("unknown figure {other}"),
    }
}

/// The confirmed import and its floor, each run into a database of its own, made afresh:
/// every run then times the same work. Run after run into one database, each confirmed the
/// same 100,000 contracts again beside the earlier runs' rounds, so that "no subsidy
/// twice" matched every loan in every earlier round, and each run took about 2 s more
/// than the one before on PostgreSQL (benches/RESULTS.md, notes of the fourth session).
/// That growth is the history figures' worst case, not the write path's.
async fn store_figure(url: &str, workbook: &str) {
    let bytes = std::fs::read(workbook).expect("the workbook");
    let (mut times, mut floors) = (Vec::new(), Vec::new());
    for run in 0..runs() {
        let (time, floor) = store_run(&fresh_database(url, run).await, &bytes).await;
        times.push(time);
        floors.push(floor);
    }
    let backend = if url.starts_with("postgres") { "postgres" } else { "sqlite" };
    for (name, runs) in [("store", &times), ("store-floor", &floors)] {
        let ms: Vec<String> = runs.iter().map(|t| (t / 1000).to_string()).collect();
        println!("runs {name}-{backend} {}", ms.join(" "));
    }
    print_median(&format!("store-{backend}"), times);
    print_median(&format!("store-floor-{backend}"), floors);
}

/// `url` with the run's number added to its database's name, that database made afresh
/// (`sqlite://…/store.db` → `store.db-2`; `postgres://…/tiexi_bench_store` →
/// `tiexi_bench_store_2`).
async fn fresh_database(url: &str, run: usize) -> String {
    use sqlx::Connection as _;
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = format!("{path}-{run}");
        for end in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{end}"));
        }
        return format!("sqlite://{path}");
    }
    let (server, name) = url.rsplit_once('/').expect("a database name in the URL");
    let name = format!("{name}_{run}");
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await.expect("PostgreSQL");
    for sql in [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")] {
        // AssertSqlSafe: the name is the script's own database name and a number.
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.expect("a fresh database");
    }
    format!("{server}/{name}")
}

/// One confirmed import of the workbook into a fresh round, then its floor (parse + bare
/// bulk insert or `COPY` of the same rows): the two times, in µs.
async fn store_run(url: &str, bytes: &[u8]) -> (u128, u128) {
    use tiexi::app::{self, imports::Parsers, Actor};
    let pool = storage::connect(url, 4).await.expect("the database");
    let user = {
        let mut conn = pool.inner.acquire().await.expect("a connection");
        storage::users::insert(&mut conn, "bench", "-", tiexi::accounts::Role::DivisionStaff, None)
            .await
            .expect("a user")
    };
    let db = storage::Db::from(pool.clone());
    let config = tiexi::config::AppConfig { parser: Some(tiexi_exe()), ..tiexi::config::AppConfig::default() };
    let parsers = Parsers::default();
    let actor = Actor { id: Some(user), name: "bench", role: tiexi::accounts::Role::DivisionStaff, unit: None };
    // A year no other figure uses.
    let round_id = fresh_round(&pool, 3000).await;
    let round = {
        let mut conn = pool.inner.acquire().await.expect("a connection");
        storage::rounds::find(&mut conn, round_id).await.expect("read").expect("the round")
    };
    let (import_id, _, _) = app::imports::preview(&db, &parsers, &config, actor, &round, "bench.xlsx", bytes.to_vec())
        .await
        .expect("previewed");
    let import = app::imports::find(&db, actor, import_id).await.expect("the import");
    let start = Instant::now();
    let done = app::imports::confirm(&db, &parsers, &config, actor, &import, false).await.expect("confirmed");
    let time = start.elapsed().as_micros();
    assert!(done.added > 0 && done.left_out.is_empty(), "{done:?}");
    let floor_round = fresh_round(&pool, 3500).await;
    let start = Instant::now();
    let parsed = rocket::tokio::task::block_in_place(|| import_isolated(bytes));
    if url.starts_with("postgres") {
        floor::copy_in(url, floor_round, &parsed.projects).await;
    } else {
        floor::insert(&pool, floor_round, &parsed.projects).await;
    }
    (time, start.elapsed().as_micros())
}

/// A round of `count` projects: the workbook's projects again and again, keys made unique.
async fn seed(url: &str, workbook: &str, count: usize) {
    let pool = storage::connect(url, 4).await.expect("the database");
    let parsed = import::guard::workbook(&std::fs::read(workbook).expect("the workbook"), &OPTIONS).expect("imports");
    let round_id = fresh_round(&pool, 2024).await;
    let projects: Vec<Project> = (0..count)
        .map(|i| {
            let mut p = parsed.projects[i % parsed.projects.len()].clone();
            p.key = format!("{}-{}", p.key, i / parsed.projects.len());
            for loan in &mut p.loans {
                loan.contract_no = format!("{}-{}", loan.contract_no, i / parsed.projects.len());
            }
            p
        })
        .collect();
    store(&pool, round_id, &projects).await;
    println!("seeded round {round_id} with {count} projects");
}
