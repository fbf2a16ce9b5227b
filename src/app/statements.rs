//! The banks' interest statements of a round (银行结息清单, docs/rules.md §9, docs/facts.md
//! "Certified interest"): upload → preview → confirm, all or nothing, like an import. The
//! file is parsed in the parser's child process (`import::isolate::statements`); at
//! confirmation it is parsed again from the stored bytes. Its lines are checked against the
//! round's loans and against the lines already confirmed (an overlapping period is an error
//! at its row); the same file confirmed twice in a round does nothing the second time.
//! Confirming recalculates the round: certified interest caps each loan's subsidy.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Value};

use super::imports::Parsers;
use super::Actor;
use crate::accounts::Role;
use crate::config::AppConfig;
use crate::engine::RoundStatus;
use crate::engine::{self, facts::StatementLine, Project};
use crate::error::AppError;
use crate::import::statements::{self as read, SheetColumns, Statement};
use crate::storage::imports::{insert_previewed, Previewed};
use crate::storage::{self, rounds::Round, statements::Upload, Db};

/// The uploads of a round; regiment staff see their own 团场's only (issue 15: "regiment
/// sees its own").
///
/// # Errors
/// `Forbidden` for applicants, or a database error.
pub async fn list(db: &Db, actor: Actor<'_>, round: &Round) -> Result<Vec<Upload>, AppError> {
    actor.require(may_see(actor.role))?;
    let unit = if actor.role == Role::RegimentStaff { Some(actor.unit.unwrap_or_default()) } else { None };
    Ok(storage::statements::list(&mut *db.inner.acquire().await?, round.id, unit).await?)
}

/// The reconciliation per loan of the round's counted projects (docs/facts.md "Reconciliation").
///
/// # Errors
/// `Forbidden` for applicants, a policy that no longer parses, or a database error.
pub async fn reconciliation(db: &Db, actor: Actor<'_>, round: &Round) -> Result<Value, AppError> {
    Ok(reconciled(&reconciliation_rows(db, actor, round).await?))
}

/// The reconciliation's rows, for the page's workbook (`reconciled` is the same list as
/// JSON); regiment staff get their own 团场's loans only.
///
/// # Errors
/// `Forbidden` for applicants, a policy that no longer parses, or a database error.
pub async fn reconciliation_rows(
    db: &Db,
    actor: Actor<'_>,
    round: &Round,
) -> Result<Vec<engine::reconcile::Reconciled>, AppError> {
    actor.require(may_see(actor.role))?;
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut conn = db.inner.acquire().await?;
    let mut projects = counted(&mut conn, round.id).await?;
    if let storage::projects::Scope::Unit(unit) = actor.scope() {
        projects.retain(|p| p.applicant.unit == unit);
    }
    let facts = storage::facts::round(&mut conn, round.id).await?;
    Ok(engine::reconcile::reconcile(&policy, &projects, &facts))
}

/// The projects the round's calculation counts (`review::State::counts`), in workbook order.
async fn counted(conn: &mut storage::Conn, round_id: i64) -> Result<Vec<Project>, sqlx::Error> {
    let mut all = storage::load::round(conn, round_id).await?;
    all.retain(|(r, _)| r.state.counts());
    Ok(all.into_iter().map(|(_, p)| p).collect())
}

/// Who sees statements and their reconciliation: the staff who upload them, reviewers and
/// auditors (an applicant sees its own loans on its project page).
fn may_see(role: Role) -> bool {
    !matches!(role, Role::Cooperative)
}

/// The reconciliation as JSON: each loan, and the loans lacking a statement.
#[must_use]
pub fn reconciled(list: &[engine::reconcile::Reconciled]) -> Value {
    let loans: Vec<Value> = list
        .iter()
        .map(|r| {
            json!({ "project": r.project, "contract_no": r.contract_no, "lacks_statement": r.lacks_statement,
                "days": r.days, "certified": r.certified, "contract_interest": r.contract_interest,
                "difference": r.difference, "statement_difference": r.statement_difference(),
                "cause": r.cause.map(engine::reconcile::Cause::code), "cause_label": r.cause.map(engine::reconcile::Cause::label) })
        })
        .collect();
    let lacking: Vec<&str> = list.iter().filter(|r| r.lacks_statement).map(|r| r.contract_no.as_str()).collect();
    // The 合计 row: sums are the engine's (docs/ARCHITECTURE.md, money arithmetic).
    let totals = json!({ "loans": list.len(), "lacking": lacking.len(),
        "certified": engine::report::sum(list.iter().filter_map(|r| r.certified)),
        "contract_interest": engine::report::sum(list.iter().filter_map(|r| r.contract_interest)),
        "difference": engine::report::sum(list.iter().filter_map(|r| r.difference)) });
    json!({ "loans": loans, "lacking": lacking, "totals": totals })
}

/// A statement upload the actor may act on (its author, or division staff), else 404.
///
/// # Errors
/// `NotFound` or a database error.
pub async fn find(db: &Db, actor: Actor<'_>, id: i64) -> Result<Upload, AppError> {
    let upload = storage::statements::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    if Some(upload.user_id) == actor.id || actor.role == Role::DivisionStaff {
        Ok(upload)
    } else {
        Err(AppError::NotFound)
    }
}

/// Parse in the child process; a file the parser refuses is one error, named by the file.
async fn parse(parsers: &Parsers, config: &AppConfig, name: &str, bytes: Vec<u8>) -> Result<Statement, AppError> {
    let _permit = parsers.permit().await?;
    let exe = config.parser();
    let parsed = rocket::tokio::task::spawn_blocking(move || crate::import::isolate::statements(&exe, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match parsed {
        Ok(s) => Ok(s),
        Err(crate::import::ImportError::Worker(cause)) => Err(AppError::Internal(cause)),
        Err(e) => {
            let mut error = crate::cli::fatal(&e);
            error.message = format!("结息清单 {name}：{e}");
            Ok(Statement { errors: vec![error], ..Statement::default() })
        }
    }
}

/// The lines already confirmed in the round, as a first "file" for the overlap check.
fn confirmed_file(lines: &[storage::statements::Line]) -> Statement {
    let mut sheets: Vec<SheetColumns> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(lines.len());
    for l in lines {
        let sheet_name = format!("已确认的结息清单 {} {}", l.file_name, l.sheet);
        let sheet = *at.entry(sheet_name.clone()).or_insert_with(|| {
            sheets.push(SheetColumns {
                name: sheet_name, contract_no: "贷款合同编号".into(), from: "计息起日".into()
            });
            sheets.len() - 1
        });
        out.push(read::Line {
            sheet,
            row: l.row,
            contract_no: l.contract_no.clone(),
            from: l.from,
            to: l.to,
            paid: l.paid,
            penalty: l.penalty,
            bank: l.bank.clone(),
        });
    }
    Statement { sheets, lines: out, errors: Vec::new(), touched: Vec::new() }
}

/// The file checked against the round: its own errors, unknown contracts, overlaps with the
/// confirmed lines and each other; the round's facts with its lines added; the lines to store.
struct Checked {
    errors: Vec<crate::import::RowError>,
    facts: engine::Facts,
    lines: Vec<storage::statements::Line>,
}

// Deliberately like `confirmed_file` above, the other way round (a stored line from a read line): two types, two directions.
async fn check(conn: &mut storage::Conn, round: &Round, file: Statement) -> Result<Checked, AppError> {
    let (_, contracts): (BTreeSet<String>, BTreeSet<String>) = storage::history::keys_of_round(conn, round.id).await?;
    let confirmed = confirmed_file(&storage::statements::lines(conn, round.id).await?);
    let files = [confirmed, file];
    let assembled = read::assemble(&files, |c| contracts.contains(c));
    let mut facts = storage::facts::round(conn, round.id).await?;
    let new = &files[1];
    for l in new.lines.iter().filter(|l| contracts.contains(&l.contract_no)) {
        facts.statements.entry(l.contract_no.clone()).or_default().push(StatementLine {
            from: l.from,
            to: l.to,
            paid: l.paid,
        });
    }
    let lines = new
        .lines
        .iter()
        .map(|l| storage::statements::Line {
            contract_no: l.contract_no.clone(),
            from: l.from,
            to: l.to,
            paid: l.paid,
            penalty: l.penalty,
            bank: l.bank.clone(),
            sheet: new.sheets.get(l.sheet).map(|s| s.name.clone()).unwrap_or_default(),
            row: l.row,
            file_name: String::new(),
        })
        .collect();
    Ok(Checked { errors: assembled.errors, facts, lines })
}

/// Store a previewed statement; returns its id, the preview and an earlier confirmed upload
/// of the same file, if any.
///
/// # Errors
/// `Forbidden`, `Conflict` (round closed), `TooLarge`, or a database error.
// Deliberately like `imports::preview` (app/imports.rs), the same arguments: an upload into a round; what both check alike is `admit_upload`.
pub async fn preview(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    actor: Actor<'_>,
    round: &Round,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(i64, Value, Option<Upload>), AppError> {
    super::imports::admit_upload(actor, config, round, &bytes, "该年度已关闭，不能上传结息清单")?;
    let policy = crate::import::policy(&round.policy_toml)?;
    let sha = crate::sha::sha256(&bytes);
    let name = crate::bidi::strip(name);
    let file = parse(parsers, config, &name, bytes.clone()).await?;
    let mut conn = db.inner.acquire().await?;
    let checked = check(&mut conn, round, file).await?;
    let projects = counted(&mut conn, round.id).await?;
    drop(conn);
    let reconciliation = reconciled(&engine::reconcile::reconcile(&policy, &projects, &checked.facts));
    let document = json!({ "file_name": name, "lines": checked.lines.len(),
        "contracts": checked.lines.iter().map(|l| &l.contract_no).collect::<BTreeSet<_>>().len(),
        "errors": checked.errors, "reconciliation": reconciliation });
    let mut tx = storage::begin_write(db).await?;
    let same = storage::statements::confirmed_same_file(&mut tx, round.id, &sha).await?;
    let (account, text) = (actor.account()?, document.to_string());
    let id = insert_previewed(&mut tx, Previewed::Statement, round.id, account, &name, &sha, &bytes, &text).await?;
    tx.commit().await?;
    Ok((id, document, same))
}

/// Confirm a previewed statement: every line or none. A statement confirmed already, or a
/// file already confirmed in the round, does nothing again.
///
/// # Errors
/// `Conflict` (round closed, errors in the file, or a grant the new caps would undercut),
/// or a database error.
pub async fn confirm(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    actor: Actor<'_>,
    upload: &Upload,
) -> Result<Value, AppError> {
    actor.require(actor.role.may_import())?;
    let nothing = |why: &str| json!({ "statement_id": upload.id, "lines": 0, "already": true, "why": why });
    if upload.status == storage::imports::Status::Confirmed {
        return Ok(nothing("该结息清单已确认"));
    }
    let bytes = storage::statements::bytes(&mut *db.inner.acquire().await?, upload.id).await?;
    let file = parse(parsers, config, &upload.file_name, bytes).await?;
    let mut tx = storage::begin_write(db).await?;
    let round = storage::rounds::find(&mut tx, upload.round_id).await?.ok_or(AppError::NotFound)?;
    if round.status != RoundStatus::Open {
        return Err(AppError::Conflict("该年度已关闭，不能上传结息清单".into()));
    }
    if storage::statements::confirmed_same_file(&mut tx, round.id, &upload.file_sha256).await?.is_some() {
        return Ok(nothing("同一文件已在本年度确认过，未重复记入"));
    }
    let checked = check(&mut tx, &round, file).await?;
    if !checked.errors.is_empty() {
        return Err(AppError::Conflict(format!(
            "结息清单有 {} 处错误，未记入任何一行；请改正后重新上传",
            checked.errors.len()
        )));
    }
    if !storage::statements::confirm(&mut tx, upload, &checked.lines).await? {
        return Ok(nothing("该结息清单已确认"));
    }
    let mut e = actor.entry("statement.confirm", "statement", upload.id, Some(round.id));
    e.new = json!({ "file_name": upload.file_name, "sha256": upload.file_sha256, "lines": checked.lines.len() });
    storage::audit::append(&mut tx, &e).await?;
    let policy = crate::import::policy(&round.policy_toml)?;
    super::calculation::recalculate(&mut tx, actor, &policy, round.id).await?;
    tx.commit().await?;
    Ok(json!({ "statement_id": upload.id, "lines": checked.lines.len(), "already": false }))
}

/// A statement as its preview page shows it: the upload, its round, its stored preview and
/// an earlier confirmed upload of the same file in the round (then confirming does nothing).
///
/// # Errors
/// `NotFound` (not the actor's), or a database error.
pub async fn shown(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Upload, Round, Value, Option<Upload>), AppError> {
    let upload = find(db, actor, id).await?;
    let mut conn = db.inner.acquire().await?;
    let round = storage::rounds::find(&mut conn, upload.round_id).await?.ok_or(AppError::NotFound)?;
    let same = storage::statements::confirmed_same_file(&mut conn, round.id, &upload.file_sha256)
        .await?
        .filter(|s| s.id != upload.id);
    let preview = serde_json::from_str(&upload.preview_json).unwrap_or_default();
    Ok((upload, round, preview, same))
}
