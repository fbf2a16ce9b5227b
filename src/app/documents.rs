//! Supporting documents of a project (证明材料): who may add them, what is accepted (PDF,
//! JPEG or PNG, told by the file's first bytes, never by its name or the browser's type),
//! the stored name (random, chosen here), and the download for those who may see the
//! project (docs/policy.md "evidence", docs/hazards.md).

use super::Actor;
use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::{self, documents::Document, review::Subject, Db};

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
pub fn may_upload(actor: Actor<'_>, s: &Subject) -> bool {
    let editable = s.state.editable();
    let who = match actor.role {
        Role::Cooperative => actor.id.is_some() && s.owner_id == actor.id && editable,
        Role::RegimentStaff => actor.unit == Some(s.unit.as_str()),
        Role::DivisionStaff => true,
        Role::BureauReviewer | Role::Auditor => false,
    };
    who && s.round_open
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

/// A stored file's name: 32 random bytes in hex, so that no name can be guessed or collide.
fn random_name() -> String {
    use rand::RngCore;
    use std::fmt::Write;
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Store an uploaded document of project `id` under a random name; returns the name shown
/// to people (the uploader's, cleaned).
///
/// # Errors
/// `Invalid` (not PDF, JPEG or PNG; no such category), `NotFound` (a project the actor
/// cannot see), `Forbidden` (`may_upload`), or a database error.
pub async fn add(db: &Db, actor: Actor<'_>, id: i64, kind: &str, name: &str, bytes: &[u8]) -> Result<String, AppError> {
    let (content_type, ext) =
        sniff(bytes).ok_or_else(|| AppError::Invalid("只接受 PDF、JPEG 或 PNG 文件，请转换后重新上传".into()))?;
    let kind = crate::review::DocumentKind::parse(kind).ok_or_else(|| AppError::Invalid("请选择材料类别".into()))?;
    let stored_name = format!("{}.{ext}", random_name());
    let sha = crate::sha::sha256(bytes);
    let mut tx = storage::begin_write(db).await?;
    let s = storage::review::subject(&mut tx, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    actor.require(may_upload(actor, &s))?;
    let original_name = shown_name(name);
    let new = storage::documents::New {
        project_id: id,
        kind,
        stored_name: &stored_name,
        original_name: &original_name,
        content_type,
        sha256: &sha,
        content: bytes,
        uploaded_by: actor.account()?,
    };
    storage::documents::insert(&mut tx, &new).await?;
    tx.commit().await?;
    Ok(original_name)
}

/// A document of project `id` and its bytes, for someone who may see the project.
///
/// # Errors
/// `NotFound` (no such project in the actor's scope, or no such document), or a database error.
pub async fn fetch(db: &Db, actor: Actor<'_>, id: i64, name: &str) -> Result<(Document, Vec<u8>), AppError> {
    let mut conn = db.inner.acquire().await?;
    storage::review::subject(&mut conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    storage::documents::fetch(&mut conn, id, name).await?.ok_or(AppError::NotFound)
}
