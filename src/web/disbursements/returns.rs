//! The bank's answer to a batch (回单, docs/payments.md), uploaded through the batch page
//! (`POST /disbursements/<id>/returns`) and the API (`POST /api/v1/disbursements/<id>/returns`,
//! multipart: `file`, `paid_on`), recorded by `app::bank::answer`: division staff only.

use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::{Route, State};
use serde_json::{json, Value};

use crate::app::bank::{self, Recorded, Upload};
use crate::app::imports::Parsers;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::disbursements::view;
use crate::web::kernel::answers::Uploads;
use crate::web::kernel::openapi::ApiError;
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
    let mut form = form_or_413(form)?.into_inner();
    match record(db, &session, id, (&mut form.file, &form.paid_on), (parsers, config)).await {
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

/// The API's form: the bank's answer and, when the file does not say, the day it paid.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "the schema of `ApiReturn`, which holds a `TempFile`")]
pub struct ReturnUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// YYYY-MM-DD.
    paid_on: Option<String>,
}

/// `POST /api/v1/disbursements/<id>/returns`: the batch as it now stands.
// Deliberately like statements_upload (web/rounds/statements.rs), imports_upload (web/imports/api.rs), carry_forward (web/rounds/carry.rs) and accounts_login (web/accounts/api.rs): each operation states its own answers (tests/web/openapi.snapshot.json); what they share is a group of `kernel::answers`.
#[utoipa::path(post, operation_id = "returns_upload", path = "/disbursements/{id}/returns", summary = "银行回单: the bank's answer to an approved payment batch (division staff). Multipart: file (xlsx, xls or CSV: 账号 or 户名, 金额, 状态 成功/失败, 原因; optional control line 笔数/合计) and paid_on (YYYY-MM-DD, not in the future, not before the batch's approval). Every line is matched; any unmatched, duplicate or differing line, or control totals that differ, refuse the whole answer (422, each named at its row). Lines 成功 are paid on paid_on; lines 失败 stay unpaid with the bank's reason. Answers the batch: state paid, or partial when some failed, with paid_count and failed_count. docs/payments.md", tag = "disbursements", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    request_body(content = ReturnUpload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The batch as it now stands, with paid_count and the lines that failed", body = Object),
        Uploads,
        (status = 404, description = "No such batch", body = ApiError),
        (status = 409, description = "The batch is not sent to the bank, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A file that cannot be read as the bank's answer, a bad date, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
// Deliberately like upload_page above and the upload pages of web/imports/pages.rs and web/rounds/statement_pages.rs: Rocket's guards are the arguments; the shared part is `record`.
#[post("/disbursements/<id>/returns", data = "<form>")]
async fn upload_api(
    db: &Db,
    session: Session,
    id: i64,
    form: Uploaded<'_, ApiReturn<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = form_or_413(form)?.into_inner();
    let r = record(db, &session, id, (&mut form.file, &form.paid_on), (parsers, config)).await?;
    let mut v = view::batch_json(&r.batch, Some(&r.items), true);
    v["paid_count"] = json!(r.paid);
    v["failed_count"] = json!(r.failed);
    Ok(v)
}

/// The page's form and the API's carry the same answer: its file and the day it paid.
async fn record(
    db: &Db,
    session: &Session,
    id: i64,
    (file, paid_on): (&mut Capped<TempFile<'_>>, &str),
    reading: (&Parsers, &AppConfig),
) -> Result<Recorded, AppError> {
    let (file_name, bytes) = read_upload(file).await?;
    bank::answer(db, session.actor(), reading, id, Upload { file_name, bytes, paid_on }).await
}
