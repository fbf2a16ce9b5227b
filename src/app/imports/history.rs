//! A round's import history (issue 17 item 3): every upload, who made it and when, its
//! file, what its preview counted and what became of it. Division staff see every upload
//! of the round; regiment staff their own (as `imports::find` lets them open only theirs).

use serde::Serialize;

use crate::accounts::Role;
use crate::app::Actor;
use crate::error::AppError;
use crate::storage::{self, imports::Import, imports::Listed, rounds::Round, Db};

/// An upload as the history lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    #[serde(flatten)]
    pub upload: Listed,
    /// `confirmed`, `errors`, `abandoned` or `pending` (`labels::import_result`).
    pub result: &'static str,
}

/// What became of an upload: imported; not imported and with errors; not imported and
/// followed by a later upload of the same person (given up for that one); else awaiting
/// confirmation.
fn result(upload: &Listed, later: bool) -> &'static str {
    if upload.status == storage::imports::Status::Confirmed {
        "confirmed"
    } else if upload.errors.unwrap_or(0) > 0 {
        "errors"
    } else if later {
        "abandoned"
    } else {
        "pending"
    }
}

/// The round's uploads the actor may see, newest first; only those of `only` result when
/// given (a code of `labels::import_result`).
///
/// # Errors
/// `Forbidden` for a role that does not import; a database error.
pub async fn list(db: &Db, actor: Actor<'_>, round_id: i64, only: Option<&str>) -> Result<Vec<Line>, AppError> {
    actor.require(actor.role.may_import())?;
    let whose = if actor.role == Role::DivisionStaff { None } else { Some(actor.account()?) };
    let uploads = storage::imports::of_round(&mut *db.inner.acquire().await?, round_id, whose).await?;
    let mut lines = Vec::with_capacity(uploads.len());
    for (i, upload) in uploads.iter().enumerate() {
        // Newest first: a later upload of the same person is before this one.
        let later = uploads[..i].iter().any(|u| u.user_id == upload.user_id);
        lines.push(Line { upload: upload.clone(), result: result(upload, later) });
    }
    lines.retain(|l| only.is_none_or(|code| code.is_empty() || l.result == code));
    Ok(lines)
}

/// An upload's round, and when another upload of the same file was confirmed in it (the
/// preview says so: confirming again adds nothing).
///
/// # Errors
/// `NotFound` for a round that is gone; a database error.
pub async fn round_of(db: &Db, import: &Import) -> Result<(Round, Option<String>), AppError> {
    let mut conn = db.inner.acquire().await?;
    let round = storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?;
    let same = storage::imports::confirmed_same_file(&mut conn, round.id, &import.file_sha256)
        .await?
        .filter(|s| s.id != import.id)
        .and_then(|s| s.confirmed_at);
    Ok((round, same))
}
