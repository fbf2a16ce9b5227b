//! Storage on real databases: the two backends' migrations describe the same schema, and
//! concurrent write transactions through `storage::begin_write` all succeed (docs/hazards.md).

use crate::web_support;

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;
use tiexi::storage;
use web_support::{with_database, TestApp, TestDb};

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");

type Schema = BTreeMap<String, BTreeSet<String>>;

fn files(backend: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("{MIGRATIONS}/{backend}"))
        .expect("the migrations folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The tables and columns of the SQLite database after migrating (sqlx's own table left out).
async fn sqlite_schema() -> Schema {
    let app = TestApp::empty().await;
    let sqlite_url = if app.db.is_postgres() { None } else { Some(app.db.url.clone()) };
    let dir = tempfile::tempdir().expect("a directory");
    let url = sqlite_url.unwrap_or_else(|| format!("sqlite://{}/s.db", dir.path().display()));
    let pool = storage::connect(&url, 2).await.expect("SQLite migrates");
    let mut schema = Schema::new();
    let tables = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool.inner)
    .await
    .expect("tables");
    for t in tables {
        let name: String = t.try_get(0).expect("a name");
        // AssertSqlSafe: the test's own SQL (table and column names of ours); values are bound.
        let cols = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{name}')")))
            .fetch_all(&pool.inner)
            .await
            .expect("columns");
        schema.insert(name, cols.iter().map(|c| c.try_get::<String, _>(0).expect("a column")).collect());
    }
    schema
}

/// The same from PostgreSQL's `information_schema`, on a fresh database.
async fn postgres_schema(db: &TestDb) -> Schema {
    let pool = storage::connect(&db.url, 2).await.expect("PostgreSQL migrates");
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&pool.inner)
    .await
    .expect("columns");
    let mut schema = Schema::new();
    for r in rows {
        schema.entry(r.try_get(0).expect("a table")).or_default().insert(r.try_get(1).expect("a column"));
    }
    schema
}

/// The CREATE TABLE statements of a backend's migration files, read as text: every line
/// of a table's body that starts with a lower-case name is a column, and so is every
/// `ALTER TABLE t ADD COLUMN c`.
fn declared_schema(backend: &str) -> Schema {
    let mut schema = Schema::new();
    for f in files(backend) {
        let sql = std::fs::read_to_string(format!("{MIGRATIONS}/{backend}/{f}")).expect("a migration");
        let mut table: Option<String> = None;
        for line in sql.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                let name = rest.split([' ', '(']).next().unwrap_or_default().to_string();
                schema.entry(name.clone()).or_default();
                if let Some(body) = rest.split_once('(').map(|(_, b)| b).filter(|b| b.ends_with(");")) {
                    for col in body
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .filter(|c| c.starts_with(|ch: char| ch.is_ascii_lowercase()))
                    {
                        schema.entry(name.clone()).or_default().insert(col.to_string());
                    }
                    continue;
                }
                table = Some(name);
            } else if let Some((t, rest)) = line.strip_prefix("ALTER TABLE ").and_then(|r| r.split_once(" ADD COLUMN "))
            {
                let col = rest.split_whitespace().next().unwrap_or_default();
                schema.entry(t.to_string()).or_default().insert(col.to_string());
            } else if line.starts_with(')') {
                table = None;
            } else if let Some(t) = &table {
                let first = line.split_whitespace().next().unwrap_or_default();
                if first.starts_with(|c: char| c.is_ascii_lowercase()) {
                    schema.entry(t.clone()).or_default().insert(first.to_string());
                }
            }
        }
    }
    schema
}

#[rocket::async_test]
async fn both_backends_have_the_same_migrations_and_the_same_schema() {
    assert_eq!(files("sqlite"), files("postgres"), "the same migration file names");
    assert!(files("sqlite").len() >= 4);
    let sqlite = sqlite_schema().await;
    assert!(sqlite.get("projects").is_some_and(|c| c.contains("owner_id") && c.contains("granted_fen")), "{sqlite:?}");
    assert_eq!(declared_schema("sqlite"), sqlite, "the text reading of the SQLite files matches SQLite itself");
    assert_eq!(declared_schema("postgres"), sqlite, "the PostgreSQL files declare the same tables and columns");
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let db = TestDb::new().await;
            assert!(db.is_postgres() && db.url == with_database(&url, db.url.rsplit('/').next().unwrap_or_default()));
            assert_eq!(postgres_schema(&db).await, sqlite, "PostgreSQL after migrating");
        }
        _ => println!("SKIP the live PostgreSQL comparison: TEST_DATABASE_URL is not set (the files were compared)"),
    }
}

/// docs/hazards.md: N writers that each read, then write, all succeed ("database is locked" never).
#[rocket::async_test]
async fn concurrent_read_then_write_transactions_all_succeed() {
    const WRITERS: usize = 8;
    const EACH: usize = 25;
    let app = TestApp::empty().await;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let pool = app.pool.clone();
        tasks.push(rocket::tokio::spawn(async move {
            for i in 0..EACH {
                let mut tx = storage::begin_write(&pool).await?;
                let seen = storage::users::count(&mut tx).await?;
                rocket::tokio::task::yield_now().await;
                storage::users::insert(&mut tx, &format!("w{w}-{i}-{seen}"), "x", tiexi::accounts::Role::Auditor, None)
                    .await?;
                tx.commit().await?;
            }
            Ok::<(), sqlx::Error>(())
        }));
    }
    for t in tasks {
        t.await.expect("the task ran").expect("every transaction committed");
    }
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let total = storage::users::count(&mut conn).await.expect("count");
    assert_eq!(total, i64::try_from(WRITERS * EACH).expect("small"));
    // Each transaction saw the count of the ones before it: they were serialised.
    let seen: BTreeSet<i64> = sqlx::query("SELECT username FROM users")
        .fetch_all(&mut *conn)
        .await
        .expect("names")
        .iter()
        .map(|r| {
            r.try_get::<String, _>(0).expect("a name").rsplit('-').next().and_then(|n| n.parse().ok()).expect("a count")
        })
        .collect();
    assert_eq!(seen, (0..total).collect(), "every count from 0 to N-1 seen once");
    let _ = conn.close().await;
}
