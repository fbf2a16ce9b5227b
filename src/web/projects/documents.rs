//! Supporting documents of a project: upload (size-capped, type told by the magic bytes,
//! stored under a random server-chosen name) and download as an attachment, only for
//! those who may see the project. The client's file name and type are never trusted.

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header};
use rocket::response::{Flash, Redirect};
use rocket::State;

use crate::accounts::Role;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::{self, review::Subject, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload::{form_or_413, read_upload, Uploaded};

/// The kinds of `documents.kind`.
const KINDS: [&str; 3] = ["contract", "interest_statement", "other"];

/// The type of a file by its first bytes: PDF, JPEG or PNG, else `None`.
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else {
        None
    }
}

/// Who may add documents: the owner while the application is theirs to edit, the
/// project's regiment staff and division staff; never after the round closed.
#[must_use]
pub(crate) fn may_upload(session: &Session, s: &Subject) -> bool {
    let editable = s.state.editable();
    let who = match session.role {
        Role::Cooperative => s.owner_id == Some(session.user.id) && editable,
        Role::RegimentStaff => session.user.unit.as_deref() == Some(s.unit.as_str()),
        Role::DivisionStaff => true,
        Role::BureauReviewer | Role::Auditor => false,
    };
    who && s.round_open
}

#[derive(FromForm)]
pub struct DocumentUpload<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    kind: String,
    file: Capped<TempFile<'r>>,
}

/// A file name fit to show: the last path part, at most 100 characters, no control
/// characters, no bidirectional controls (`bidi`).
fn shown_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control() && !crate::bidi::is_control(*c)).take(100).collect();
    if clean.trim().is_empty() {
        "文件".into()
    } else {
        clean
    }
}

#[post("/projects/<id>/documents", data = "<form>")]
pub(crate) async fn upload(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, DocumentUpload<'_>>,
    config: &State<AppConfig>,
) -> Result<Flash<Redirect>, AppError> {
    let mut form = form_or_413(form)?;
    let (name, bytes) = read_upload(&mut form.file).await?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > config.document_limit {
        return Err(AppError::TooLarge);
    }
    let (content_type, ext) =
        sniff(&bytes).ok_or_else(|| AppError::Invalid("只接受 PDF、JPEG 或 PNG 文件，请转换后重新上传".into()))?;
    let kind = KINDS.into_iter().find(|k| *k == form.kind).ok_or_else(|| AppError::Invalid("请选择材料类别".into()))?;
    let stored_name = format!("{}.{ext}", crate::web::accounts::auth::token());
    let sha = crate::sha::sha256(&bytes);
    let mut tx = storage::begin_write(db).await?;
    let s = storage::review::subject(&mut tx, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    session.require(may_upload(&session, &s))?;
    let original_name = shown_name(&name);
    let new = storage::documents::New {
        project_id: id,
        kind,
        stored_name: &stored_name,
        original_name: &original_name,
        content_type,
        sha256: &sha,
        content: &bytes,
        uploaded_by: session.user.id,
    };
    storage::documents::insert(&mut tx, &new).await?;
    tx.commit().await?;
    Ok(Flash::success(Redirect::to(format!("/projects/{id}")), format!("已上传：{original_name}")))
}

/// A download: the stored bytes with the type found at upload, always as an attachment.
#[derive(Responder)]
pub(crate) struct Download {
    bytes: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
    nosniff: Header<'static>,
}

/// The name a download is saved under: the uploader's own name (`贷款合同-张三.pdf`), without
/// any folder, control or quote character, and always with the extension of the type found
/// in its bytes (`stored`'s), so that a `.exe` name cannot come back as one (issue 17 item 4).
#[must_use]
pub fn download_name(original: &str, stored: &str) -> String {
    let ext = stored.rsplit_once('.').map_or("", |(_, e)| e);
    let base = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let clean: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ':' | '*' | '?' | '<' | '>' | '|'))
        .filter(|c| !crate::bidi::is_control(*c))
        .take(80)
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    let stem = if clean.is_empty() { "证明材料" } else { clean };
    format!("{stem}.{ext}")
}

#[get("/projects/<id>/documents/<name>")]
pub(crate) async fn download(db: &Db, session: Session, id: i64, name: &str) -> Result<Download, AppError> {
    let mut conn = db.inner.acquire().await?;
    storage::review::subject(&mut conn, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let (doc, bytes) = storage::documents::fetch(&mut conn, id, name).await?.ok_or(AppError::NotFound)?;
    let content_type = ContentType::parse_flexible(&doc.content_type).unwrap_or(ContentType::Binary);
    Ok(Download {
        bytes,
        content_type,
        disposition: Header::new(
            "Content-Disposition",
            crate::web::reports::workbooks::disposition(
                &download_name(&doc.original_name, &doc.stored_name),
                &doc.stored_name,
            ),
        ),
        nosniff: Header::new("X-Content-Type-Options", "nosniff"),
    })
}
