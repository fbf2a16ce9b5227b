//! The pages of an import: the upload form, the preview (errors at their rows, warnings at
//! the top, every change old → new, the trial calculation) and its confirmation. The use
//! case is `web::imports`'s, the same as the API's.

use crate::web::kernel::templates::{context, Template};
use rocket::data::Capped;
use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::State;

use crate::app::imports::{confirm, find, preview, Parsers};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::{self, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload::{form_or_413, read_upload, Uploaded};

/// The upload form: the token first, then the file (required, so an oversized file is a 413).
#[derive(FromForm)]
pub struct Upload<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    file: Capped<TempFile<'r>>,
}

#[get("/rounds/<year>/imports/new")]
pub(crate) async fn new(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    session.require(session.role.may_import())?;
    let round = crate::web::rounds::pages::find(db, year).await?;
    Ok(Template::render(
        "imports/new",
        context! { me: crate::web::kernel::pages::me(&session), year: round.year, name: &round.name },
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
    let round = crate::web::rounds::pages::find(db, year).await?;
    let (name, bytes) = read_upload(&mut form.file).await?;
    let (id, _, _) = preview(db, parsers, config, session.actor(), &round, &name, bytes).await?;
    Ok(Redirect::to(format!("/imports/{id}")))
}

#[get("/imports/<id>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    id: i64,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let import = find(db, session.actor(), id).await?;
    let preview: serde_json::Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let mut conn = db.inner.acquire().await?;
    let round = storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?;
    let same = storage::imports::confirmed_same_file(&mut conn, round.id, &import.file_sha256)
        .await?
        .filter(|s| s.id != import.id);
    let labels = preview["projects"].as_array().map(|ps| {
        ps.iter()
            .map(|p| crate::web::kernel::views::status_label(p["status"].as_str().unwrap_or_default()))
            .collect::<Vec<_>>()
    });
    Ok(Template::render(
        "imports/preview",
        context! {
            me: crate::web::kernel::pages::me(&session), id, year: round.year, file_name: &import.file_name, status: &import.status,
            preview, labels, same_file_at: same.and_then(|s| s.confirmed_at), flash: flash.map(|f| f.message().to_string()),
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
    let import = find(db, session.actor(), id).await?;
    let year = {
        let mut conn = db.inner.acquire().await?;
        storage::rounds::find(&mut conn, import.round_id).await?.ok_or(AppError::NotFound)?.year
    };
    let done = confirm(db, parsers, config, session.actor(), &import, form.only_valid).await?;
    let mut msg = if done.already {
        "该导入此前已确认，未重复导入".to_string()
    } else {
        format!("已导入 {} 个项目（新增 {} 个，修改 {} 个）", done.projects, done.added, done.changed)
    };
    if !done.left_out.is_empty() {
        msg = format!("{msg}；未导入 {} 个：{}", done.left_out.len(), done.left_out.join("、"));
    }
    if done.with_errors > 0 {
        msg = format!("{msg}；另有 {} 个项目因申报表中的错误未导入", done.with_errors);
    }
    Ok(Flash::success(Redirect::to(format!("/rounds/{year}/projects")), msg))
}
