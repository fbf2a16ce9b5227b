//! Importing a workbook into a round: upload → preview (every error, every project's
//! request from the engine) → confirm. The file is parsed in a child process, off the
//! async workers, a few at a time (hazards.md); at confirmation it is parsed again from
//! the stored bytes, never taken from the client.

use rocket::data::Capped;
use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;
use rocket::tokio::sync::Semaphore;
use rocket::State;
use rocket_dyn_templates::{context, Template};
use sha2::{Digest, Sha256};

use super::auth::Session;
use crate::accounts::Role;
use crate::config::AppConfig;
use crate::engine::{self, Policy};
use crate::error::AppError;
use crate::import::{self, Parsed, RowError};
use crate::storage::{self, imports::Import, rounds::Round, Db};

/// At most two parses at once, so that two cores keep serving pages.
pub struct Parsers(Semaphore);

impl Default for Parsers {
    fn default() -> Parsers {
        Parsers(Semaphore::new(2))
    }
}

/// Parse in the child process; regiment staff may only bring projects of their own 团场.
async fn parse(
    parsers: &Parsers,
    config: &AppConfig,
    session: &Session,
    policy: &Policy,
    bytes: Vec<u8>,
) -> Result<Parsed, AppError> {
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
    if session.role == Role::RegimentStaff {
        keep_own_unit(&mut parsed, session.user.unit.as_deref().unwrap_or_default());
    }
    Ok(parsed)
}

fn keep_own_unit(parsed: &mut Parsed, unit: &str) {
    let (own, other): (Vec<_>, Vec<_>) =
        std::mem::take(&mut parsed.projects).into_iter().partition(|p| p.applicant.unit == unit);
    for p in &other {
        for loan in &p.loans {
            let msg = format!("不属于{unit}，团场工会只能导入本团场的项目");
            parsed
                .errors
                .push(RowError::sheet("申报汇总表", loan.row, "团场", &p.applicant.unit, msg).with_key("unit"));
        }
    }
    parsed.rejected += other.len();
    parsed.projects = own;
}

/// Store a previewed import; returns its id, the preview (cli.md JSON) and an earlier
/// confirmed import of the same file, if any.
///
/// # Errors
/// `Forbidden`, `Conflict` (round closed), or a database error.
pub(crate) async fn preview(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    session: &Session,
    round: &Round,
    name: &str,
    bytes: Vec<u8>,
) -> Result<(i64, serde_json::Value, Option<Import>), AppError> {
    session.require(session.role.may_import())?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > config.upload_limit {
        return Err(AppError::TooLarge);
    }
    if round.status != "open" {
        return Err(AppError::Conflict("该年度已关闭，不能导入".into()));
    }
    let policy = import::policy(&round.policy_toml)?;
    let sha = super::auth::hex(&Sha256::digest(&bytes));
    let parsed = parse(parsers, config, session, &policy, bytes.clone()).await?;
    let result = engine::compute(&policy, &parsed.projects);
    let document = crate::export::json::document(&policy, &result, &parsed.errors);
    // A file with nothing to import is rejected: its bytes are not kept (issue 18), only
    // the preview that says why, until the purge of unconfirmed uploads.
    let kept: &[u8] = if parsed.projects.is_empty() { &[] } else { &bytes };
    let name = crate::bidi::strip(name);
    let mut tx = storage::begin_write(db).await?;
    let same = storage::imports::confirmed_same_file(&mut tx, round.id, &sha).await?;
    let id =
        storage::imports::insert(&mut tx, round.id, session.user.id, &name, &sha, kept, &document.to_string()).await?;
    tx.commit().await?;
    Ok((id, document, same))
}

/// An import the session may act on (its author, or division staff), else 404.
///
/// # Errors
/// `NotFound` or a database error.
pub(crate) async fn find(db: &Db, session: &Session, id: i64) -> Result<Import, AppError> {
    let mut conn = db.inner.acquire().await?;
    let import = storage::imports::find(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let mine = import.user_id == session.user.id || session.role == Role::DivisionStaff;
    if mine {
        Ok(import)
    } else {
        Err(AppError::NotFound)
    }
}

/// What a confirmation did.
#[derive(Debug, serde::Serialize)]
pub struct Confirmed {
    pub import_id: i64,
    pub projects: usize,
    pub already: bool,
}

/// Write the import's projects into the round in one transaction (all or nothing), then
/// store the engine's request and status of every project of the round. A second
/// confirmation does nothing and answers as the first.
///
/// # Errors
/// `Conflict` when the workbook has errors and `only_valid` is false, or the round closed.
pub(crate) async fn confirm(
    db: &Db,
    parsers: &Parsers,
    config: &AppConfig,
    session: &Session,
    import: &Import,
    only_valid: bool,
) -> Result<Confirmed, AppError> {
    session.require(session.role.may_import())?;
    let preview: serde_json::Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let count = preview["projects"].as_array().map_or(0, Vec::len);
    if import.status == "confirmed" {
        return Ok(Confirmed { import_id: import.id, projects: count, already: true });
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
    let parsed = parse(parsers, config, session, &policy, bytes).await?;
    if !parsed.errors.is_empty() && !only_valid {
        return Err(AppError::Conflict(format!(
            "申报表有 {} 处错误，未导入；可修改后重新上传，或选择“只导入无错误的项目”",
            parsed.errors.len()
        )));
    }
    let mut tx = storage::begin_write(db).await?;
    if storage::rounds::find(&mut tx, round.id).await?.is_none_or(|r| r.status != "open") {
        return Err(AppError::Conflict("该年度已关闭，不能导入".into()));
    }
    if !storage::imports::mark_confirmed(&mut tx, import.id, only_valid).await? {
        return Ok(Confirmed { import_id: import.id, projects: count, already: true });
    }
    own_unit_only(&mut tx, session, round.id, &parsed).await?;
    for p in &parsed.projects {
        storage::projects::upsert(&mut tx, round.id, p, None, Some(import.id)).await?;
    }
    storage::audit::append(&mut tx, &confirmed_entry(session, import, round.id, only_valid, &parsed)).await?;
    super::calculation::recalculate(&mut tx, session, &policy, round.id).await?;
    tx.commit().await?;
    Ok(Confirmed { import_id: import.id, projects: parsed.projects.len(), already: false })
}

/// Regiment staff may not bring a project key that belongs to another 团场 (the upsert
/// would move that project into theirs).
async fn own_unit_only(
    conn: &mut storage::Conn,
    session: &Session,
    round_id: i64,
    parsed: &Parsed,
) -> Result<(), AppError> {
    if session.role != Role::RegimentStaff {
        return Ok(());
    }
    let others =
        storage::projects::keys_outside_unit(conn, round_id, session.user.unit.as_deref().unwrap_or_default()).await?;
    let taken: Vec<&str> = parsed.projects.iter().map(|p| p.key.as_str()).filter(|k| others.contains(*k)).collect();
    if taken.is_empty() {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "项目编号 {} 属于其他团场，团场工会不能导入或修改，未导入任何项目",
        taken.join("、")
    )))
}

/// The audit entry of a confirmation: the file and the projects it brought (keys masked).
fn confirmed_entry<'a>(
    session: &'a Session,
    import: &Import,
    round_id: i64,
    only_valid: bool,
    parsed: &Parsed,
) -> storage::audit::Entry<'a> {
    let keys: Vec<String> =
        parsed.projects.iter().map(|p| crate::export::mask::project_key(&p.key, &p.applicant.id_number)).collect();
    let mut e = super::audit::entry(session, "import.confirm", "import", import.id, Some(round_id));
    e.old = serde_json::json!({ "status": "previewed" });
    e.new = serde_json::json!({
        "status": "confirmed", "file_name": import.file_name, "file_sha256": import.file_sha256,
        "only_valid": only_valid, "projects": keys,
    });
    e
}

/// The upload form: the token first, then the file (required, so an oversized file is a 413).
#[derive(FromForm)]
pub struct Upload<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    file: Capped<TempFile<'r>>,
}

/// An upload form, or why it could not be read.
pub(crate) type Uploaded<'r, T> = Result<Form<T>, rocket::form::Errors<'r>>;

/// Rocket answers a form with the largest status of its errors: an upload cut at the limit
/// also lacks its file (422), which hid the 413 (hazards.md "Upload limits").
///
/// # Errors
/// `TooLarge` when some part was over a limit, else `Invalid`.
pub(crate) fn form_or_413<T>(form: Uploaded<'_, T>) -> Result<Form<T>, AppError> {
    form.map_err(|errors| {
        if errors.iter().any(|e| e.status() == rocket::http::Status::PayloadTooLarge) {
            AppError::TooLarge
        } else {
            AppError::Invalid("提交的内容无法识别，请检查后重试".into())
        }
    })
}

/// The uploaded bytes and file name.
///
/// # Errors
/// `TooLarge` when the upload was cut at the limit.
pub(crate) async fn read_upload(file: &mut Capped<TempFile<'_>>) -> Result<(String, Vec<u8>), AppError> {
    if !file.is_complete() {
        return Err(AppError::TooLarge);
    }
    let name =
        file.raw_name().map_or_else(|| "upload".into(), |n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string());
    let mut bytes = Vec::new();
    file.open()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((name.chars().take(200).collect(), bytes))
}

#[get("/rounds/<year>/imports/new")]
pub(crate) async fn new(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    session.require(session.role.may_import())?;
    let round = super::rounds::find(db, year).await?;
    Ok(Template::render(
        "imports/new",
        context! { me: super::pages::me(&session), year: round.year, name: &round.name },
    ))
}

#[post("/rounds/<year>/imports", data = "<form>")]
pub(crate) async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: Uploaded<'_, Upload<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Redirect, AppError> {
    let mut form = form_or_413(form)?;
    let round = super::rounds::find(db, year).await?;
    let (name, bytes) = read_upload(&mut form.file).await?;
    let (id, _, _) = preview(db, parsers, config, &session, &round, &name, bytes).await?;
    Ok(Redirect::to(format!("/imports/{id}")))
}

#[get("/imports/<id>")]
pub(crate) async fn show(db: &Db, session: Session, id: i64) -> Result<Template, AppError> {
    let import = find(db, &session, id).await?;
    let preview: serde_json::Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let mut conn = db.inner.acquire().await?;
    let round = storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?;
    let same = storage::imports::confirmed_same_file(&mut conn, round.id, &import.file_sha256)
        .await?
        .filter(|s| s.id != import.id);
    let labels = preview["projects"].as_array().map(|ps| {
        ps.iter().map(|p| super::views::status_label(p["status"].as_str().unwrap_or_default())).collect::<Vec<_>>()
    });
    Ok(Template::render(
        "imports/preview",
        context! {
            me: super::pages::me(&session), id, year: round.year, file_name: &import.file_name, status: &import.status,
            preview, labels, same_file_at: same.and_then(|s| s.confirmed_at),
        },
    ))
}

#[derive(FromForm)]
pub struct ConfirmForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    only_valid: bool,
}

#[post("/imports/<id>/confirm", data = "<form>")]
pub(crate) async fn confirm_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ConfirmForm>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Flash<Redirect>, AppError> {
    let import = find(db, &session, id).await?;
    let year = {
        let mut conn = db.inner.acquire().await?;
        storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?.year
    };
    let done = confirm(db, parsers, config, &session, &import, form.only_valid).await?;
    let msg = if done.already {
        "该导入此前已确认，未重复导入".to_string()
    } else {
        format!("已导入 {} 个项目", done.projects)
    };
    Ok(Flash::success(Redirect::to(format!("/rounds/{year}/projects")), msg))
}
