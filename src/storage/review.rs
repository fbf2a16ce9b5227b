//! The review of a project: what the state machine (`crate::review`) needs to decide, the
//! guarded move (`WHERE state = $from`, so that of two simultaneous moves one finds 0
//! rows), and the transitions recorded with it.

use sqlx::Row;

use super::projects::Scope;
use super::{rows, Conn};
use crate::engine::{Money, RoundStatus};
use crate::review::State;

/// A project as the review sees it, with its round's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: i64,
    pub round_id: i64,
    pub year: i32,
    pub round_open: bool,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub owner_id: Option<i64>,
    pub state: State,
    pub granted: Money,
    pub paid: Money,
    pub publication_start: Option<String>,
    pub publication_end: Option<String>,
    /// A bureau opinion recorded after the latest 初审 (the current review cycle).
    pub has_opinion: bool,
    /// Who published the current 公示 (the latest `publish`).
    pub publisher_id: Option<i64>,
    /// Objections raised since the latest `publish` and after the latest `resolve`.
    pub open_objections: i64,
}

/// The latest transition of an action of the project `p` (0 when none).
fn latest(action: &str) -> String {
    format!("COALESCE((SELECT MAX(t.id) FROM transitions t WHERE t.project_id = p.id AND t.action = '{action}'), 0)")
}

/// The project if the scope allows it (else `None`: 404, so that its existence does not leak).
///
/// # Errors
/// A database error.
pub async fn subject(conn: &mut Conn, id: i64, scope: &Scope) -> Result<Option<Subject>, sqlx::Error> {
    let (clause, value) = super::load::scope_clause(scope, 2);
    let (review, publish, resolve) = (latest("regiment_review"), latest("publish"), latest("resolve"));
    // AssertSqlSafe: the SQL is ours (constants, column lists, placeholders); values are bound.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT p.id, p.round_id, r.year, r.status, p.project_key, p.name, p.unit, p.owner_id, p.state, p.granted_fen, p.paid_fen, p.publication_start, \
         p.publication_end, (SELECT COUNT(*) FROM transitions o WHERE o.project_id = p.id AND o.action = 'opinion' \
         AND o.id > {review}) AS opinions, \
         COALESCE((SELECT t.actor_id FROM transitions t WHERE t.id = {publish}), 0) AS publisher_id, \
         (SELECT COUNT(*) FROM transitions o WHERE o.project_id = p.id AND o.action = 'object' \
         AND o.id > {publish} AND o.id > {resolve}) AS objections \
         FROM projects p JOIN rounds r ON r.id = p.round_id WHERE p.id = $1{clause}"
    )))
    .bind(id)
    .bind(value)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(Subject {
        id: r.try_get("id")?,
        round_id: r.try_get("round_id")?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default(),
        round_open: rows::code(&r, "status", RoundStatus::parse)?.is_open(),
        key: r.try_get("project_key")?,
        name: r.try_get("name")?,
        unit: r.try_get("unit")?,
        owner_id: rows::opt(&r, "owner_id")?,
        state: rows::code(&r, "state", State::parse)?,
        granted: rows::money(&r, "granted_fen")?,
        paid: rows::money(&r, "paid_fen")?,
        publication_start: rows::opt(&r, "publication_start")?,
        publication_end: rows::opt(&r, "publication_end")?,
        has_opinion: r.try_get::<i64, _>("opinions")? > 0,
        publisher_id: Some(r.try_get::<i64, _>("publisher_id")?).filter(|id| *id > 0),
        open_objections: r.try_get("objections")?,
    }))
}

/// A move of a project's state, with what it sets besides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move<'a> {
    pub id: i64,
    pub from: State,
    pub to: State,
    /// Publication dates (publish), kept otherwise.
    pub publication: Option<(String, String)>,
    /// The decision's reason (reject), kept otherwise.
    pub reason: Option<&'a str>,
}

/// Move the project only if it is still in `from`; `false` when someone moved it first.
///
/// # Errors
/// A database error.
pub async fn move_state(conn: &mut Conn, m: &Move<'_>) -> Result<bool, sqlx::Error> {
    let (start, end) = m.publication.clone().unzip();
    let done = sqlx::query(
        "UPDATE projects SET state = $1, publication_start = COALESCE($2, publication_start), \
         publication_end = COALESCE($3, publication_end), \
         decision_reason = CASE WHEN $4 = '' THEN decision_reason ELSE $4 END, updated_at = $5 \
         WHERE id = $6 AND state = $7",
    )
    .bind(m.to.code())
    .bind(start)
    .bind(end)
    .bind(m.reason.unwrap_or_default())
    .bind(super::now())
    .bind(m.id)
    .bind(m.from.code())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Record a transition (or an opinion, `from = to`); returns its id.
///
/// # Errors
/// A database error.
pub async fn record(
    conn: &mut Conn,
    m: &Move<'_>,
    action: &str,
    actor_id: i64,
    comment: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO transitions (project_id, action, from_state, to_state, actor_id, comment, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(m.id)
    .bind(action)
    .bind(m.from.code())
    .bind(m.to.code())
    .bind(actor_id)
    .bind(comment)
    .bind(super::now())
    .fetch_one(conn)
    .await?
    .try_get(0)
}

/// One recorded transition, with the actor's user name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Transition {
    pub id: i64,
    pub action: String,
    pub from_state: State,
    pub to_state: State,
    pub actor: String,
    pub comment: String,
    pub at: String,
}

/// A project's transitions, oldest first.
///
/// # Errors
/// A database error.
pub async fn history(conn: &mut Conn, project_id: i64) -> Result<Vec<Transition>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT t.id, t.action, t.from_state, t.to_state, u.username, t.comment, t.at FROM transitions t \
         JOIN users u ON u.id = t.actor_id WHERE t.project_id = $1 ORDER BY t.id",
    )
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Transition {
                id: r.try_get("id")?,
                action: r.try_get("action")?,
                from_state: rows::code(r, "from_state", State::parse)?,
                to_state: rows::code(r, "to_state", State::parse)?,
                actor: r.try_get("username")?,
                comment: r.try_get("comment")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}
