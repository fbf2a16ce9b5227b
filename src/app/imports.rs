//! Importing a workbook into a round: upload → preview (every error, every project's
//! request from the engine) → confirm. The file is parsed in a child process, off the
//! async workers, a few at a time (docs/hazards.md); at confirmation it is parsed again from
//! the stored bytes, never taken from the client. The web reads the upload (`web::imports`)
//! and calls these.

use std::collections::HashMap;

use rocket::tokio::sync::Semaphore;

use super::Actor;
use crate::accounts::Role;
use crate::config::AppConfig;
use crate::engine::RoundStatus;
use crate::engine::{self, Policy};
use crate::error::AppError;
use crate::import::{self, Parsed, RowError};
pub use crate::storage::imports::Import;
use crate::storage::imports::{insert_previewed, Previewed};
use crate::storage::{self, rounds::Round, Db};

pub mod checks;
pub mod diff;
pub mod history;
pub mod marked;
pub mod view;
mod write;

/// At most two parses at once, so that two cores keep serving pages.
pub struct Parsers(Semaphore);

impl Parsers {
    /// A turn of the parser's child, shared by workbooks, bank statements (`app::statements`)
    /// and a bank's answer to a disbursement.
    pub(crate) async fn permit(&self) -> Result<rocket::tokio::sync::SemaphorePermit<'_>, AppError> {
        self.0.acquire().await.map_err(|e| AppError::Internal(e.to_string()))
    }
}

impl Default for Parsers {
    fn default() -> Parsers {
        Parsers(Semaphore::new(2))
    }
}

/// Parse in the child process; regiment staff may only bring projects of their own 团场
/// (the others are returned beside, for the preview's list).
async fn parse(
    parsers: &Parsers,
    config: &AppConfig,
    actor: Actor<'_>,
    policy: &Policy,
    bytes: Vec<u8>,
) -> Result<(Parsed, Vec<checks::Faulty>), AppError> {
    let _permit = parsers.0.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    let exe = config.parser();
    let options = import::Options::of(policy);
    let parsed = rocket::tokio::task::spawn_blocking(move || import::isolate::workbook(&exe, &bytes, &options))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // A parser that could not start is the server's fault (500); any other failure is the file's.
    let mut parsed = match parsed {
        Ok(p) => p,
        Err(import::ImportError::Worker(cause)) => return Err(AppError::Internal(cause)),
        Err(e) => Parsed { errors: vec![crate::cli::fatal(&e)], ..Parsed::default() },
    };
    let faulty = if actor.role == Role::RegimentStaff {
        keep_own_unit(&mut parsed, actor.unit.unwrap_or_default())
    } else {
        Vec::new()
    };
    Ok((parsed, faulty))
}

fn keep_own_unit(parsed: &mut Parsed, unit: &str) -> Vec<checks::Faulty> {
    let (own, other): (Vec<_>, Vec<_>) =
        std::mem::take(&mut parsed.projects).into_iter().partition(|p| p.applicant.unit == unit);
    let msg = format!("不属于{unit}，团场工会只能导入本团场的项目");
    for p in &other {
        for loan in &p.loans {
            parsed
                .errors
                .push(RowError::sheet(&parsed.sheet, loan.row, "团场", &p.applicant.unit, &msg).with_key("unit"));
        }
    }
    parsed.rejected += other.len();
    parsed.projects = own;
    other.iter().map(|p| checks::Faulty::of(p, &msg)).collect()
}

/// The round's stored projects and its 团场 list, read for a check.
async fn round_state(
    conn: &mut storage::Conn,
    round_id: i64,
) -> Result<(HashMap<String, checks::Stored>, Vec<String>), AppError> {
    let stored = checks::stored(conn, round_id).await?;
    let units = storage::units::list(conn, false).await?.into_iter().map(|u| u.name).collect();
    Ok((stored, units))
}

/// Whether `actor` may upload `bytes` into `round`: a workbook (here) and a bank statement
/// (`statements::preview`) are admitted alike; `closed` is the refusal of a closed round.
pub(crate) fn admit_upload(
    actor: Actor<'_>,
    config: &AppConfig,
    round: &Round,
    bytes: &[u8],
    closed: &str,
) -> Result<(), AppError> {
    actor.require(actor.role.may_import())?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > config.upload_limit {
        return Err(AppError::TooLarge);
    }
    if round.status != RoundStatus::Open {
        return Err(AppError::Conflict(closed.into()));
    }
    Ok(())
}

/// Store a previewed import; returns its id, the preview (docs/cli.md JSON, with the check's
/// `changes`, `added`, `refused` and `warnings`) and an earlier confirmed import of the
/// same file, if any.
///
/// # Errors
/// `Forbidden`, `Conflict` (round closed), or a database error.
pub async fn preview(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    actor: Actor<'_>,
    round: &Round,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(i64, serde_json::Value, Option<Import>), AppError> {
    admit_upload(actor, config, round, &bytes, "该年度已关闭，不能导入")?;
    let policy = import::policy(&round.policy_toml)?;
    let sha = crate::sha::sha256(&bytes);
    let (mut parsed, other_units) = parse(parsers, config, actor, &policy, bytes.clone()).await?;
    // A file with nothing to import is rejected: its bytes are not kept (issue 18), only
    // the preview that says why, until the purge of unconfirmed uploads. A valid workbook
    // whose projects the round refuses is kept: confirming it with only_valid names them.
    let kept: &[u8] = if parsed.projects.is_empty() { &[] } else { &bytes };
    let name = crate::bidi::strip(name);
    let mut conn = db.inner.acquire().await?;
    let (stored, units) = round_state(&mut conn, round.id).await?;
    // The round's cuts and statements; the history is the file's own (docs/rules.md §9):
    // what other rounds granted to the file's applicants and contracts.
    let mut facts = storage::facts::own(&mut conn, round.id).await?;
    facts.history = storage::facts::history_for(&mut conn, round.year, &parsed.projects).await?;
    drop(conn);
    let mut found = checks::check(&policy, &mut parsed, &stored, &units);
    found.faulty.splice(0..0, other_units);
    let result = engine::compute_with(&policy, &parsed.projects, &facts);
    let mut document = crate::export::json::document(&policy, &parsed.projects, &result, &parsed.errors);
    view::add_people(&mut document, &parsed.projects);
    if let (Some(doc), Ok(serde_json::Value::Object(more))) = (document.as_object_mut(), serde_json::to_value(&found)) {
        doc.extend(more);
    }
    super::history::add_seen(&mut document, &facts.history, &parsed.projects);
    let mut tx = storage::begin_write(db).await?;
    let same = storage::imports::confirmed_same_file(&mut tx, round.id, &sha).await?;
    let (account, text) = (actor.account()?, document.to_string());
    let id = insert_previewed(&mut tx, Previewed::Import, round.id, account, &name, &sha, kept, &text).await?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let loans = parsed.projects.iter().map(|p| p.loans.len()).sum();
    storage::imports::set_counts(&mut tx, id, count(parsed.projects.len()), count(loans), count(parsed.errors.len()))
        .await?;
    tx.commit().await?;
    Ok((id, document, same))
}

/// An import the session may act on (its author, or division staff), else 404.
///
/// # Errors
/// `NotFound` or a database error.
pub async fn find(db: &Db, actor: Actor<'_>, id: i64) -> Result<Import, AppError> {
    let mut conn = db.inner.acquire().await?;
    let import = storage::imports::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mine = Some(import.user_id) == actor.id || actor.role == Role::DivisionStaff;
    if mine {
        Ok(import)
    } else {
        Err(AppError::NotFound)
    }
}

/// What a confirmation did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Confirmed {
    pub import_id: i64,
    /// Projects written (added or changed).
    pub projects: usize,
    pub added: usize,
    pub changed: usize,
    /// Projects of the workbook left out (keys, masked), with `only_valid`.
    pub left_out: Vec<String>,
    /// Projects of the workbook left out for errors in their own rows, with `only_valid`.
    pub with_errors: usize,
    pub already: bool,
}

/// Write the import's projects into the round in one transaction (all or nothing), with
/// the engine's request and status of every project of the round (`app::calculation`). The check of the
/// preview runs again inside the transaction, and what the preview refused stays out even
/// if it would pass now. A second confirmation does nothing and answers as the first.
///
/// # Errors
/// `Conflict` when the workbook has errors and `only_valid` is false (nothing written), or
/// the round closed.
pub async fn confirm(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    actor: Actor<'_>,
    import: &Import,
    only_valid: bool,
) -> Result<Confirmed, AppError> {
    actor.require(actor.role.may_import())?;
    let preview: serde_json::Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let count = preview["projects"].as_array().map_or(0, Vec::len);
    let already = Confirmed { import_id: import.id, projects: count, already: true, ..Confirmed::default() };
    if import.status == storage::imports::Status::Confirmed {
        return Ok(already);
    }
    let round = {
        let mut conn = db.inner.acquire().await?;
        storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?
    };
    let policy = import::policy(&round.policy_toml)?;
    let bytes = storage::imports::bytes(&mut *db.inner.acquire().await?, import.id).await?;
    if bytes.is_empty() {
        return Err(AppError::Conflict("该上传文件未通过检查或已过保存期限，已删除；请重新上传".into()));
    }
    let (mut parsed, _) = parse(parsers, config, actor, &policy, bytes).await?;
    let mut tx = storage::begin_write(db).await?;
    if storage::rounds::find(&mut tx, round.id).await?.is_none_or(|r| r.status != RoundStatus::Open) {
        return Err(AppError::Conflict("该年度已关闭，不能导入".into()));
    }
    let (stored, units) = round_state(&mut tx, round.id).await?;
    let found = checks::check(&policy, &mut parsed, &stored, &units);
    // What the preview refused is refused now too, even if the check would pass it today.
    let errors = parsed.errors.len().max(preview["errors"].as_array().map_or(0, Vec::len));
    if errors > 0 && !only_valid {
        return Err(AppError::Conflict(format!(
            "申报表有 {errors} 处错误，未导入任何项目；可修改后重新上传，或选择“只导入无错误的项目”"
        )));
    }
    if !storage::imports::mark_confirmed(&mut tx, import.id, only_valid).await? {
        return Ok(already);
    }
    let done =
        write::confirmed(&mut tx, actor, &policy, import, &round, (&preview, only_valid), (&parsed, &found, stored))
            .await?;
    tx.commit().await?;
    Ok(done)
}
