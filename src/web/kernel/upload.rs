//! Reading an upload: the form, or why it could not be read (413 before 422), and the
//! file's name and bytes. The import itself is `app::imports`.

use rocket::data::Capped;
use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::tokio::io::AsyncReadExt;

use crate::app::rounds::Round;
use crate::error::AppError;
use crate::storage::Db;

/// An upload form, or why it could not be read.
pub(crate) type Uploaded<'r, T> = Result<Form<T>, rocket::form::Errors<'r>>;

/// Rocket answers a form with the largest status of its errors: an upload cut at the limit
/// also lacks its file (422), which hid the 413 (docs/hazards.md "Upload limits").
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

/// An upload through the API: the file alone (the CSRF token is in the header).
#[derive(FromForm)]
pub struct ApiFile<'r> {
    pub(crate) file: Capped<TempFile<'r>>,
}

/// An upload from a page: the token first, then the file (required, so an oversized file is
/// a 413).
#[derive(FromForm)]
pub struct PageFile<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    pub(crate) file: Capped<TempFile<'r>>,
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

/// A form that carries one file: `ApiFile`, `PageFile`.
pub(crate) trait OneFile<'r> {
    fn file(&mut self) -> &mut Capped<TempFile<'r>>;
}

impl<'r> OneFile<'r> for ApiFile<'r> {
    fn file(&mut self) -> &mut Capped<TempFile<'r>> {
        &mut self.file
    }
}

impl<'r> OneFile<'r> for PageFile<'r> {
    fn file(&mut self) -> &mut Capped<TempFile<'r>> {
        &mut self.file
    }
}

/// A file uploaded into the round of `year` (a workbook to import, a bank statement; from a
/// page or the API): the form's refusal first (413 before 422), then the round (404), then
/// the file's name and bytes.
///
/// # Errors
/// `TooLarge`, `Invalid`, `NotFound`, or reading the file failed.
pub(crate) async fn into_round<'f, T: OneFile<'f>>(
    db: &Db,
    year: i32,
    form: Uploaded<'_, T>,
) -> Result<(Round, String, Vec<u8>), AppError> {
    let mut form = form_or_413(form)?;
    let round = crate::app::rounds::find(db, year).await?;
    let (name, bytes) = read_upload(form.file()).await?;
    Ok((round, name, bytes))
}
