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
