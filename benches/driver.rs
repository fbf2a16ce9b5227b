//! The minimal reproduction of the one driver defect storage still works around (issue 13
//! item 5, docs/ARCHITECTURE.md "The database driver"): on SQLite, a statement's numbered
//! parameters (`$1` … `$n`) bind in time that grows with n², anonymous ones (`?`) in time
//! that grows with n. sqlx asks SQLite for the name of each parameter
//! (`sqlite3_bind_parameter_name`), and SQLite finds a name by walking the statement's list
//! of names, so each lookup costs n. `storage::bulk` therefore writes `?` on SQLite.
//!
//! `cargo bench --bench driver` prints `figure bind-numbered-<n> <median ms> <runs>` and
//! `figure bind-anonymous-<n> …` for one INSERT of 500 rows of 26 columns (n = 13,000
//! parameters, the shape of an import's projects) and of 50 rows (n = 1,300). Ten times the
//! parameters cost the numbered statement about 70 times the time (210 ms against 2.9 ms in
//! benches/RESULTS.md), the anonymous one about twice (1.6 ms against 0.9 ms).

#[path = "support/timing.rs"]
#[expect(dead_code, reason = "shared with benches/figures.rs: this bench times async work itself")]
mod timing;

use std::fmt::Write;
use std::time::Instant;

use sqlx::any::AnyPoolOptions;
use timing::{print_median, runs};

const COLUMNS: usize = 26;

fn insert(rows: usize, numbered: bool) -> String {
    let mut sql = String::from("INSERT INTO t VALUES ");
    let mut n = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..COLUMNS {
            n += 1;
            let sep = if c == 0 { "" } else { ", " };
            if numbered {
                write!(sql, "{sep}${n}").expect("a String takes any text");
            } else {
                write!(sql, "{sep}?").expect("a String takes any text");
            }
        }
        sql.push(')');
    }
    sql
}

fn main() {
    rocket::execute(run());
}

async fn run() {
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().expect("a directory");
    let url = format!("sqlite://{}/driver.db?mode=rwc", dir.path().display());
    let pool = AnyPoolOptions::new().max_connections(1).connect(&url).await.expect("SQLite opens");
    let columns: Vec<String> = (0..COLUMNS).map(|c| format!("c{c} BIGINT")).collect();
    // AssertSqlSafe: the bench's own SQL (its table and columns); values are bound.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE TABLE t ({})", columns.join(", "))))
        .execute(&pool)
        .await
        .expect("a table");
    for rows in [50, 500] {
        for numbered in [true, false] {
            // An Arc, so that each run hands sqlx the statement without copying it.
            let sql: std::sync::Arc<str> = insert(rows, numbered).into();
            let mut times = Vec::new();
            for _ in 0..runs() {
                let start = Instant::now();
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
                for v in 0..rows * COLUMNS {
                    q = q.bind(i64::try_from(v).expect("a small number"));
                }
                q.execute(&pool).await.expect("inserted");
                times.push(start.elapsed().as_micros());
                sqlx::query("DELETE FROM t").execute(&pool).await.expect("emptied");
            }
            let kind = if numbered { "numbered" } else { "anonymous" };
            print_median(&format!("bind-{kind}-{}", rows * COLUMNS), times);
        }
    }
}
