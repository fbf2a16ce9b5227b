//! The database driver's behaviour that storage relies on, reproduced on both backends
//! (issue 13 item 5, docs/ARCHITECTURE.md "The database driver"). sqlx 0.7's `Any` driver
//! failed the first two (storage then carried `nullable`, `NULLIF($n, '')` and `rows::opt`
//! around them); sqlx 0.8 and 0.9 pass them, and these tests keep it so.

use crate::web_support::TestDb;

use sqlx::Row;
use tiexi::storage;

async fn pool() -> (TestDb, storage::Pool) {
    let db = TestDb::new().await;
    let pool = storage::connect(&db.url, 2).await.expect("the database migrates");
    (db, pool)
}

/// A NULL column decodes as `None` through `Option<T>`, for text and integers alike.
#[rocket::async_test]
async fn a_null_column_decodes_as_none() {
    let (_db, pool) = pool().await;
    let row = sqlx::query("SELECT CAST(NULL AS TEXT) AS t, CAST(NULL AS BIGINT) AS n, CAST(7 AS BIGINT) AS m")
        .fetch_one(&pool.inner)
        .await
        .expect("a row");
    assert_eq!(row.try_get::<Option<String>, _>("t").expect("text or NULL"), None);
    assert_eq!(row.try_get::<Option<i64>, _>("n").expect("integer or NULL"), None);
    assert_eq!(row.try_get::<Option<i64>, _>("m").expect("integer or NULL"), Some(7));
}

/// A NULL bound where text is compared, then a value bound to the same statement: the
/// statement cache must not keep the NULL's type (sqlx 0.7 sent every NULL to PostgreSQL as
/// an INT4, and the second execution failed with "incorrect binary data format").
#[rocket::async_test]
async fn a_null_parameter_keeps_its_type() {
    let (_db, pool) = pool().await;
    let mut conn = pool.inner.acquire().await.expect("a connection");
    let sql = "SELECT CAST(COUNT(*) AS BIGINT) FROM units WHERE name = $1 OR $1 IS NULL";
    let all: i64 =
        sqlx::query_scalar(sql).bind(None::<String>).fetch_one(&mut *conn).await.expect("NULL binds as text");
    let none: i64 =
        sqlx::query_scalar(sql).bind(Some("没有这个团场")).fetch_one(&mut *conn).await.expect("then a value binds");
    assert_eq!(none, 0);
    assert!(all >= none);
    let back: Option<String> =
        sqlx::query_scalar("SELECT CAST($1 AS TEXT)").bind(None::<String>).fetch_one(&mut *conn).await.expect("NULL");
    assert_eq!(back, None);
    let back: Option<i64> =
        sqlx::query_scalar("SELECT CAST($1 AS BIGINT)").bind(Some(42_i64)).fetch_one(&mut *conn).await.expect("42");
    assert_eq!(back, Some(42));
}

async fn round(conn: &mut storage::Conn) -> i64 {
    let toml = crate::earlier_rounds::policy(2099, None, "");
    let policy = tiexi::import::policy(&toml).expect("a policy");
    storage::rounds::insert(conn, &policy, &toml, tiexi::engine::RoundStatus::Open).await.expect("a round")
}

/// Text that array literals, SQL and the driver could each misread goes through the bulk
/// write (`storage::bulk`: multi-row VALUES on SQLite, `UNNEST` of array literals on
/// PostgreSQL) and back unchanged, NULLs as NULLs, in the order given.
#[rocket::async_test]
async fn hostile_text_survives_the_bulk_write() {
    use crate::earlier_rounds::{loan, project};
    let (_db, pool) = pool().await;
    let tricky =
        ["a,b", "{x}", "\"引号\"", "back\\slash", "NULL", "  空格  ", "'; DROP TABLE projects; --", "多行\n文本", ""];
    let projects: Vec<_> = tricky
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut p = project(
                &format!("P{i}"),
                "650102199001011234",
                "",
                vec![loan(&format!("C{i}{t}"), "2024-01-01", "2025-01-01")],
            );
            p.name = (*t).to_string();
            p.applicant.note = format!("{t}{t}");
            p
        })
        .collect();
    let new: Vec<_> = projects
        .iter()
        .map(|p| storage::bulk::NewProject {
            project: p,
            payee: ["", "", ""],
            figures: storage::projects::UNCALCULATED,
        })
        .collect();
    let mut tx = storage::begin_write(&pool).await.expect("a transaction");
    let round_id = round(&mut tx).await;
    storage::bulk::add_projects(&mut tx, round_id, &new, None).await.expect("written");
    tx.commit().await.expect("committed");
    let back =
        storage::load::round(&mut pool.inner.acquire().await.expect("a connection"), round_id).await.expect("read");
    let back: Vec<_> = back.into_iter().map(|(_, p)| p).collect();
    assert_eq!(back.len(), projects.len());
    for (b, p) in back.iter().zip(&projects) {
        assert_eq!((&b.key, &b.name, &b.applicant.note), (&p.key, &p.name, &p.applicant.note));
        assert_eq!(b.loans[0].contract_no, p.loans[0].contract_no);
        assert_eq!((b.score, b.income_increase, b.applicant.hardship_households), (None, None, None));
    }
}
