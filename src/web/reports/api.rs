//! Report downloads under `/api/v1` (the pages' links are in `workbooks`, which builds the
//! files for both): the annual report, the cumulative report, a batch's payment list, a
//! round's 公示名单 and a project's 审批表. Who may download what is `workbooks`' to decide.

use rocket::Route;

use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, Writes};
use crate::web::kernel::openapi::{ApiError, File};
use crate::web::reports::workbooks::{annual, approval_form, cumulative, masked_only, payment_list, publicity, Xlsx};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![api_annual, api_annual_full, api_cumulative, api_payment_list, api_publicity, api_approval_form]
}

// Deliberately like each other, the report operations below (and bank_files_* in web/disbursements/bank_files.rs): each states its own file and refusals (tests/web/openapi.snapshot.json); what they share is `workbooks`.
#[utoipa::path(get, operation_id = "reports_annual", path = "/rounds/{year}/report.xlsx", summary = "年度报表: the annual report workbook, ID numbers masked (full=true on a GET answers 422: the full report is a POST)", tag = "reports", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)"), ("full" = Option<bool>, Query, description = "Must not be true: use POST")),
    responses(
        (status = 200, description = "The annual report, ID numbers masked", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Reads,
        (status = 403, description = "The role may not read reports", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "full=true (the full report is POST, audited), or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/report.xlsx?<full>")]
async fn api_annual(db: &Db, session: Session, year: i32, full: Option<bool>) -> Result<Xlsx, AppError> {
    masked_only(full)?;
    annual(db, &session, year, false).await
}

#[utoipa::path(post, operation_id = "reports_annual_full", path = "/rounds/{year}/report.xlsx", summary = "年度报表（含完整身份证号）: the annual report with full ID numbers, division staff only, audited as id_number.reveal", tag = "reports", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The annual report with full ID numbers (division staff; audited)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Writes,
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/report.xlsx")]
async fn api_annual_full(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    annual(db, &session, year, true).await
}

// Deliberately like the report operations around it and bank_files_xlsx (web/disbursements/bank_files.rs): each states its own file and refusals (tests/web/openapi.snapshot.json); what they share is `workbooks`.
#[utoipa::path(get, operation_id = "reports_cumulative", path = "/reports/cumulative.xlsx", summary = "累计报表: every round up to `through` (rules.md §7)", tag = "reports", security(("session" = [])),
    params(("through" = i32, Query, description = "The last round (year)")),
    responses(
        (status = 200, description = "The cumulative report of every round up to through", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Reads,
        (status = 403, description = "The role may not read reports", body = ApiError),
        (status = 404, description = "No round up to that year", body = ApiError),
        (status = 422, description = "through missing, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/reports/cumulative.xlsx?<through>")]
async fn api_cumulative(db: &Db, session: Session, through: i32) -> Result<Xlsx, AppError> {
    cumulative(db, &session, through).await
}

#[utoipa::path(post, operation_id = "reports_payment_list", path = "/disbursements/{id}/payment-list.xlsx", summary = "拨付明细表: a batch's payment list with its total in 大写 and the paying account, named like 2024年度拨付明细表-第1批.xlsx (a POST: full account numbers for division staff are audited; division staff and auditors only, as on the batch pages)", tag = "reports", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The batch's id")),
    responses(
        (status = 200, description = "The batch's 拨付明细表 (full ID and account numbers; audited)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Writes,
        (status = 404, description = "No such batch", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/disbursements/<id>/payment-list.xlsx")]
async fn api_payment_list(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    payment_list(db, &session, id).await
}

#[utoipa::path(get, operation_id = "reports_publicity", path = "/rounds/{year}/publicity.xlsx", summary = "公示名单: the round's projects in 公示 or approved after it, names and ID numbers masked, 公示 dates and where to object (any logged-in user)", tag = "reports", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's 公示名单", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Reads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/publicity.xlsx")]
async fn api_publicity(db: &Db, _session: Session, year: i32) -> Result<Xlsx, AppError> {
    publicity(db, year).await
}

#[utoipa::path(get, operation_id = "reports_approval_form", path = "/projects/{id}/approval-form.xlsx", summary = "审批表: a project's approval form (applicant, loans, computed and approved subsidy in figures and 大写, each review level's opinion, signature and seal boxes); for whoever may see the project", tag = "reports", security(("session" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project's 审批表", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File),
        Reads,
        (status = 403, description = "The role may not print it", body = ApiError),
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/projects/<id>/approval-form.xlsx")]
async fn api_approval_form(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    approval_form(db, &session, id).await
}
