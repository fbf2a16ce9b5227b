//! The pages of an import: the upload form, the preview (errors at their rows, those of one
//! kind in one line, warnings at the top, every change old → new, the trial calculation 50
//! projects a page: `app::imports::view`) and its confirmation. The use case is
//! `app::imports`'s, the same as the API's.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::http::Status;
use rocket::response::status::Custom;
use rocket::response::{Flash, Redirect};
use rocket::{Either, State};

use crate::app::imports::{confirm, find, history, preview, view, Import, Parsers};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::upload::{into_round, PageFile, Uploaded};

#[get("/rounds/<year>/imports/new")]
pub(crate) async fn new(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    session.require(session.role.may_import())?;
    let round = crate::app::rounds::find(db, year).await?;
    Ok(Template::render(
        "imports/new",
        context! { me: crate::web::kernel::pages::me(&session), year: round.year, name: &round.name },
    ))
}

// Deliberately like the statements' upload page (web/rounds/statement_pages.rs) and the documents' (web/projects/documents.rs): each parses its form, calls its own use case.
#[post("/rounds/<year>/imports", data = "<form>")]
pub(crate) async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: Uploaded<'_, PageFile<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Redirect, AppError> {
    let (round, name, bytes) = into_round(db, year, form).await?;
    let (id, _, _) = preview(db, parsers, config, session.actor(), &round, &name, bytes).await?;
    Ok(Redirect::to(format!("/imports/{id}")))
}

/// The preview page of an upload: page `page` of its projects, and the refusal of a
/// confirmation when there was one (the user stays on the preview, issue 17 item 3).
async fn preview_page(
    db: &Db,
    session: &Session,
    import: &Import,
    page: usize,
    refusal: Option<String>,
) -> Result<Template, AppError> {
    let preview: serde_json::Value = serde_json::from_str(&import.preview_json).unwrap_or_default();
    let (round, same_file_at) = history::round_of(db, import).await?;
    let errors = view::error_lines(preview["errors"].as_array().map_or(&[][..], Vec::as_slice));
    let projects = view::projects(&preview, page);
    Ok(Template::render(
        "imports/preview",
        context! {
            me: crate::web::kernel::pages::me(session), id: import.id, year: round.year, file_name: &import.file_name,
            status: import.status.code(), preview, errors, projects, same_file_at, refusal,
        },
    ))
}

#[get("/imports/<id>?<page>")]
pub(crate) async fn show(db: &Db, session: Session, id: i64, page: Option<usize>) -> Result<Template, AppError> {
    let import = find(db, session.actor(), id).await?;
    preview_page(db, &session, &import, page.unwrap_or(1), None).await
}

#[derive(FromForm)]
pub struct ConfirmForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    only_valid: bool,
}

/// Confirm; a refusal (errors, a closed round) shows the preview again with why, as a 409.
#[post("/imports/<id>/confirm", data = "<form>")]
pub(crate) async fn confirm_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ConfirmForm>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Either<Flash<Redirect>, Custom<Template>>, AppError> {
    let import = find(db, session.actor(), id).await?;
    let done = match confirm(db, parsers, config, session.actor(), &import, form.only_valid).await {
        Err(AppError::Conflict(why)) => {
            let page = preview_page(db, &session, &import, 1, Some(why)).await?;
            return Ok(Either::Right(Custom(Status::Conflict, page)));
        }
        done => done?,
    };
    let year = history::round_of(db, &import).await?.0.year;
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
    Ok(Either::Left(Flash::success(Redirect::to(format!("/rounds/{year}/projects")), msg)))
}
