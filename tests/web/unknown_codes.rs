//! Rows are typed at the storage edge (issue 13 item 2): a state or status code that is not
//! one of its enum's is an error naming its column, never a silent default, on both backends.

use crate::web_support;

use tiexi::storage;
use web_support::TestApp;

/// The column a decode error names, or a panic when the error is of another kind.
fn column(e: &sqlx::Error) -> &str {
    match e {
        sqlx::Error::ColumnDecode { index, .. } => index,
        other => panic!("expected a ColumnDecode error, got {other:?}"),
    }
}

#[rocket::async_test]
async fn an_unknown_code_in_the_database_is_an_error_not_a_default() {
    let app = TestApp::demo().await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let round = storage::rounds::list(&mut conn).await.expect("the rounds").into_iter().next().expect("a round");
    let stored = storage::load::round(&mut conn, round.id).await.expect("the round reads before");
    let id = stored.first().expect("a project").0.id;
    let user: i64 = sqlx::query_scalar("SELECT MIN(id) FROM users").fetch_one(&mut *conn).await.expect("a user");

    // The engine's status of a project (no CHECK on either backend).
    sqlx::query("UPDATE projects SET calc_status = 'mystery' WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .expect("the update");
    let e = storage::load::round(&mut conn, round.id).await.expect_err("an unknown status is an error");
    assert_eq!(column(&e), "calc_status");
    assert!(e.to_string().contains("mystery"), "the error says the code: {e}");

    // The state a recorded transition led to.
    sqlx::query(
        "INSERT INTO transitions (project_id, action, from_state, to_state, actor_id, comment, at) \
         VALUES ($1, 'submit', 'draft', 'limbo', $2, '', '2024-01-01T00:00:00Z')",
    )
    .bind(id)
    .bind(user)
    .execute(&mut *conn)
    .await
    .expect("the insert");
    let e = storage::review::history(&mut conn, id).await.expect_err("an unknown state is an error");
    assert_eq!(column(&e), "to_state");
}

/// Let `table.column` take a code its CHECK refuses, as an old or hand-edited database might
/// hold: SQLite ignores its CHECKs on this connection, PostgreSQL drops the column's.
async fn unchecked(app: &TestApp, conn: &mut sqlx::AnyConnection, table: &str, column: &str) {
    let sql = if app.db.is_postgres() {
        format!("ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_check")
    } else {
        "PRAGMA ignore_check_constraints = ON".to_string()
    };
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *conn).await.expect("the CHECK set aside");
}

/// A round, a project of it and a user of the demo.
async fn demo_ids(conn: &mut sqlx::AnyConnection) -> (i64, i64, i64) {
    let round = storage::rounds::list(&mut *conn).await.expect("the rounds").into_iter().next().expect("a round");
    let project = storage::load::round(&mut *conn, round.id).await.expect("the round").first().expect("a project").0.id;
    let user: i64 = sqlx::query_scalar("SELECT MIN(id) FROM users").fetch_one(&mut *conn).await.expect("a user");
    (round.id, project, user)
}

/// A proposal of `rule` with one grant line of `status`; returns the proposal's id.
async fn proposal(
    conn: &mut sqlx::AnyConnection,
    (round, project, user): (i64, i64, i64),
    rule: &str,
    status: &str,
) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO allocations (round_id, rule, budget_fen, requested_fen, granted_fen, proposed_by, proposed_at) \
         VALUES ($1, $2, 100, 100, 100, $3, '2024-01-01T00:00:00Z') RETURNING id",
    )
    .bind(round)
    .bind(rule)
    .bind(user)
    .fetch_one(&mut *conn)
    .await
    .expect("the allocation");
    sqlx::query(
        "INSERT INTO grants (round_id, allocation_id, project_id, kind, amount_fen, status, state, created_by, created_at) \
         VALUES ($1, $2, $3, 'grant', 100, $4, 'proposed', $5, '2024-01-01T00:00:00Z')",
    )
    .bind(round)
    .bind(id)
    .bind(project)
    .bind(status)
    .bind(user)
    .execute(&mut *conn)
    .await
    .expect("the grant line");
    id
}

#[rocket::async_test]
async fn an_unknown_grant_line_status_is_an_error_naming_its_column() {
    let app = TestApp::demo().await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let ids = demo_ids(&mut conn).await;
    let known = proposal(&mut conn, ids, "pro_rata", "released").await;
    let lines = storage::allocations::lines(&mut conn, known).await.expect("a known status reads");
    assert_eq!(lines[0].0.status, tiexi::engine::allocation::line::Status::Released);
    unchecked(&app, &mut conn, "grants", "status").await;
    let id = proposal(&mut conn, ids, "pro_rata", "mystery").await;
    let e = storage::allocations::lines(&mut conn, id).await.expect_err("an unknown status is an error");
    assert_eq!(column(&e), "status");
    assert!(e.to_string().contains("mystery"), "the error says the code: {e}");
    let e = storage::allocations::of_project(&mut conn, ids.1).await.expect_err("on the project's lines too");
    assert_eq!(column(&e), "status");
}

#[rocket::async_test]
async fn an_unknown_allocation_rule_is_an_error_naming_its_column() {
    let app = TestApp::demo().await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let ids = demo_ids(&mut conn).await;
    let known = proposal(&mut conn, ids, "priority", "funded").await;
    let stored = storage::allocations::find(&mut conn, known).await.expect("a known rule reads").expect("the proposal");
    assert_eq!(stored.rule, tiexi::engine::AllocationRule::Priority);
    unchecked(&app, &mut conn, "allocations", "rule").await;
    let id = proposal(&mut conn, ids, "lottery", "funded").await;
    let e = storage::allocations::find(&mut conn, id).await.expect_err("an unknown rule is an error");
    assert_eq!(column(&e), "rule");
    assert!(e.to_string().contains("lottery"), "the error says the code: {e}");
    let e = storage::allocations::list(&mut conn, ids.0).await.expect_err("in the round's list too");
    assert_eq!(column(&e), "rule");
}

#[rocket::async_test]
async fn an_unknown_document_kind_is_an_error_naming_its_column() {
    let app = TestApp::demo().await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let (_, project, user) = demo_ids(&mut conn).await;
    let insert = |kind: &'static str, name: &'static str| {
        sqlx::query(
            "INSERT INTO documents (project_id, kind, stored_name, original_name, content_type, size_bytes, sha256, \
             content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, 'a.pdf', 'application/pdf', 1, '', $4, $5, \
             '2024-01-01T00:00:00Z')",
        )
        .bind(project)
        .bind(kind)
        .bind(name)
        .bind(&b"%"[..])
        .bind(user)
    };
    insert("interest_statement", "known.pdf").execute(&mut *conn).await.expect("a known kind");
    let list = storage::documents::list(&mut conn, project).await.expect("a known kind reads");
    assert_eq!(list.last().map(|d| d.kind), Some(tiexi::review::DocumentKind::InterestStatement));
    unchecked(&app, &mut conn, "documents", "kind").await;
    insert("receipt", "unknown.pdf").execute(&mut *conn).await.expect("the insert");
    let e = storage::documents::list(&mut conn, project).await.expect_err("an unknown kind is an error");
    assert_eq!(column(&e), "kind");
    assert!(e.to_string().contains("receipt"), "the error says the code: {e}");
    let e = storage::documents::fetch(&mut conn, project, "unknown.pdf").await.expect_err("and on download");
    assert_eq!(column(&e), "kind");
}

#[rocket::async_test]
async fn the_dashboard_counts_read_their_codes_once() {
    let app = TestApp::demo().await;
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let (round, project, _) = demo_ids(&mut conn).await;
    let all = storage::projects::Scope::All;
    let states = storage::dashboard::states(&mut conn, round, &all).await.expect("the states");
    assert!(states.iter().all(|(_, n)| *n > 0) && !states.is_empty(), "{states:?}");
    storage::dashboard::statuses(&mut conn, round, &all).await.expect("the statuses");
    sqlx::query("UPDATE projects SET calc_status = 'mystery' WHERE id = $1")
        .bind(project)
        .execute(&mut *conn)
        .await
        .expect("the update");
    let e = storage::dashboard::statuses(&mut conn, round, &all).await.expect_err("an unknown status is an error");
    assert_eq!(column(&e), "calc_status");
    assert!(e.to_string().contains("mystery"), "the error says the code: {e}");
}
