//! Supporting documents of a project: the upload form (size-capped here, the rest in
//! `app::documents`) and the download, always as an attachment under a clean name. The
//! client's file name and type are never trusted.

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header};
use rocket::response::{Flash, Redirect};
use rocket::State;

use crate::app::documents;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload::{form_or_413, read_upload, Uploaded};

#[derive(FromForm)]
pub struct DocumentUpload<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    kind: String,
    file: Capped<TempFile<'r>>,
}

// Deliberately like the upload pages of web/rounds/statement_pages.rs and web/imports/pages.rs: Rocket's guards are the arguments; the shared part is `kernel::upload`.
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
    let original_name = documents::add(db, session.actor(), id, &form.kind, &name, &bytes).await?;
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
    let (doc, bytes) = documents::fetch(db, session.actor(), id, name).await?;
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
