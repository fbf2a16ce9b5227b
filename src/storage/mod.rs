//! SQL, transactions and the mapping between rows and engine values. Nothing else in
//! tiexi writes SQL. One binary serves SQLite (the embedded default) and PostgreSQL,
//! chosen by the URL: sqlx's `Any` driver carries integers, text and bytes, so the schema
//! keeps to those (money BIGINT fen, rates and dates TEXT), and every statement uses the
//! `$N` placeholders both backends accept.

pub mod allocations;
pub mod applicant;
pub mod applications;
pub mod audit;
pub mod batches;
pub mod bulk;
pub mod carry;
pub mod check;
pub mod cuts;
pub mod dashboard;
pub mod documents;
pub mod evidence;
pub mod facts;
pub mod funds;
pub mod history;
pub mod idempotency;
pub mod imports;
pub mod lists;
pub mod load;
pub mod login_attempts;
pub mod payees;
pub mod performance;
pub mod projects;
pub mod reports;
pub mod retention;
pub mod review;
pub mod rounds;
pub mod rows;
pub mod second_factor;
pub mod sessions;
pub mod settings;
pub mod snapshot;
pub mod statements;
pub mod units;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use rocket::figment::Figment;
use rocket_db_pools::Database;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Transaction};

/// The connection type every storage function takes (`&mut *tx` or `&mut *conn`).
pub type Conn = sqlx::AnyConnection;

/// A statement with some of its parameters bound, for a function that binds the columns
/// several statements share.
pub(crate) type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Which database the URL chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// # Errors
    /// A URL that is neither `sqlite:` nor `postgres:`.
    pub fn of(url: &str) -> Result<Backend, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(sqlx::Error::Configuration("the database URL must start with sqlite: or postgres:".into()))
        }
    }
}

/// A pool over either backend. Its `Debug` never shows the URL (it may hold a password).
#[derive(Clone)]
pub struct Pool {
    pub inner: AnyPool,
    pub backend: Backend,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// The database of `Rocket.toml`'s `[default.databases.tiexi]`.
#[derive(Database, Debug)]
#[database("tiexi")]
pub struct Db(Pool);

#[rocket::async_trait]
impl rocket_db_pools::Pool for Pool {
    type Connection = PoolConnection<Any>;
    type Error = sqlx::Error;

    async fn init(figment: &Figment) -> Result<Self, Self::Error> {
        let config: rocket_db_pools::Config =
            figment.extract().map_err(|e| sqlx::Error::Configuration(e.to_string().into()))?;
        connect(&config.url, config.max_connections).await
    }

    async fn get(&self) -> Result<Self::Connection, Self::Error> {
        self.inner.acquire().await
    }

    async fn close(&self) {
        self.inner.close().await;
    }
}

/// Open the pool, turn on WAL for SQLite (once, outside any transaction: docs/hazards.md), and
/// run the migrations of the backend.
///
/// # Errors
/// The database cannot be reached, or a migration fails.
pub async fn connect(url: &str, max_connections: usize) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    if backend == Backend::Sqlite {
        prepare_sqlite_file(url)?;
    }
    let options = AnyConnectOptions::from_str(url)?.disable_statement_logging();
    let inner = AnyPoolOptions::new()
        .max_connections(u32::try_from(max_connections).unwrap_or(8).max(2))
        .acquire_timeout(Duration::from_secs(10))
        // A SQLite connection is a file handle, not a socket that can drop: the ping before
        // each acquire is a round trip to its worker thread for nothing (half of what the
        // cached pages cost, benches/run (e)). PostgreSQL keeps it.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Per connection: money wants FULL durability and enforced keys (docs/hazards.md).
                    // A 64 MiB page cache (at most, used as needed): with the default 2 MiB a
                    // 100,000-loan confirmed import spilled pages into the WAL again and again
                    // and took 127 s instead of 22 s (benches/run, store-sqlite).
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    let pool = Pool { inner, backend };
    if backend == Backend::Sqlite {
        let mode: (String,) = sqlx::query_as("PRAGMA journal_mode = WAL").fetch_one(&pool.inner).await?;
        if !mode.0.eq_ignore_ascii_case("wal") {
            return Err(sqlx::Error::Configuration(format!("SQLite refused WAL mode ({})", mode.0).into()));
        }
    }
    migrate(&pool).await?;
    Ok(pool)
}

/// `sqlite://data/tiexi.db`: create the folder and ask for the file to be created.
fn prepare_sqlite_file(url: &str) -> Result<(), sqlx::Error> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    }
    if !std::path::Path::new(path).exists() {
        std::fs::File::create(path).map_err(sqlx::Error::Io)?;
    }
    Ok(())
}

/// Run the embedded, forward-only migrations of the backend.
///
/// # Errors
/// A migration fails or was edited after it ran.
pub async fn migrate(pool: &Pool) -> Result<(), sqlx::Error> {
    let migrator = match pool.backend {
        Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("migrations/postgres"),
    };
    migrator.run(&pool.inner).await.map_err(|e| sqlx::Error::Migrate(Box::new(e)))
}

/// The one way in for writes. SQLite: the first statement writes, which takes the write
/// lock up front like `BEGIN IMMEDIATE` (sqlx opens only deferred transactions, and a
/// deferred read-then-write fails at once under concurrency: docs/hazards.md). PostgreSQL: the
/// same row lock serialises writers too, so that a read-then-write (a year that must not
/// exist yet, `MAX(position) + 1`) sees every write committed before it, on both backends.
///
/// # Errors
/// The database is unreachable or stays locked past the busy timeout.
pub async fn begin_write(pool: &Pool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let mut tx = pool.inner.begin().await?;
    sqlx::query("UPDATE write_lock SET n = n + 1 WHERE id = 1").execute(&mut *tx).await?;
    Ok(tx)
}

/// The write generation: `write_lock.n`, which every `begin_write` bumps. Data read after
/// this value is at least as new as it, so whatever is computed from that data may serve
/// until the generation changes (`web::kernel::cache`); a write from another process (the CLI)
/// counts too, since it goes through `begin_write` as well.
///
/// # Errors
/// A database error.
pub async fn generation(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT n FROM write_lock WHERE id = 1").fetch_one(&pool.inner).await
}

/// The current time as stored: RFC 3339 UTC. Storage and web read the clock; the engine never does.
#[must_use]
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
