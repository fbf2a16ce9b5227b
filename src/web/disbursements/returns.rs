//! The bank's answer to a batch (回单, docs/payments.md), uploaded through the batch page
//! (`POST /disbursements/<id>/returns`) and the API (`POST /api/v1/disbursements/<id>/returns`,
//! multipart: `file`, `paid_on`), recorded by `app::bank::answer`: division staff only.

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::{Route, State};
use serde_json::{json, Value};

use crate::app::bank::{self, Upload};
use crate::app::imports::Parsers;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::disbursements::view;
use crate::web::kernel::upload::{form_or_413, read_upload, Uploaded};

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![upload_page]
}

/// The API's routes (mounted at `/api/v1`).
#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![upload_api]
}

/// The upload form of the batch page.
#[derive(FromForm)]
pub struct ReturnForm<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    file: Capped<TempFile<'r>>,
    #[field(default = String::new())]
    paid_on: String,
}

/// `POST /disbursements/<id>/returns`: the answer's result, or its problems, as a flash message.
#[post("/disbursements/<id>/returns", data = "<form>")]
async fn upload_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, ReturnForm<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(format!("/disbursements/{id}"));
    let mut form = form_or_413(form)?;
    let (file_name, bytes) = read_upload(&mut form.file).await?;
    let upload = Upload { file_name, bytes, paid_on: &form.paid_on };
    match bank::answer(db, session.actor(), (parsers, config), id, upload).await {
        Ok(r) if r.failed == 0 => {
            Ok(Flash::success(to, format!("银行回单已登记：{} 笔全部拨付成功，批次已拨付", r.paid)))
        }
        Ok(r) => Ok(Flash::success(
            to,
            format!(
                "银行回单已登记：{} 笔成功，{} 笔失败；失败的项目回到“已核定未拨付”，可编入以后的批次",
                r.paid, r.failed
            ),
        )),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Ok(Flash::error(to, e.to_string())),
        Err(e) => Err(e),
    }
}

/// The API's upload: `file` and `paid_on`.
#[derive(FromForm)]
pub struct ApiReturn<'r> {
    file: Capped<TempFile<'r>>,
    #[field(default = String::new())]
    paid_on: String,
}

/// `POST /api/v1/disbursements/<id>/returns`: the batch as it now stands.
#[post("/disbursements/<id>/returns", data = "<form>")]
async fn upload_api(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, ApiReturn<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = form_or_413(form)?;
    let (file_name, bytes) = read_upload(&mut form.file).await?;
    let upload = Upload { file_name, bytes, paid_on: &form.paid_on };
    let r = bank::answer(db, session.actor(), (parsers, config), id, upload).await?;
    let mut v = view::batch_json(&r.batch, Some(&r.items), true);
    v["paid_count"] = json!(r.paid);
    v["failed_count"] = json!(r.failed);
    Ok(v)
}
