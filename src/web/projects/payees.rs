//! A project's payee (收款户名, 开户银行, 银行账号; docs/payments.md): the form on the project
//! page and `PUT /api/v1/projects/<id>/payee`, through `app::payees`. The account is shown
//! whole to division staff only (the role that pays).

use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use serde_json::{json, Value};

use crate::accounts::Role;
use crate::app::payees::{self, Payee};
use crate::engine::payment;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::WritesBody;
use crate::web::kernel::openapi::ApiError;

/// The payee as a session sees it: the account whole for division staff only.
fn shown(session: &Session, p: &Payee) -> Value {
    let account = if session.role == Role::DivisionStaff { p.account.clone() } else { mask::account(&p.account) };
    json!({ "name": p.name, "bank": p.bank, "account": account,
        "complete": payment::missing_payee(&p.name, &p.bank, &p.account).is_empty() })
}

/// A project's payee for its page and `GET /api/v1/projects/<id>` (`None`: not the session's).
///
/// # Errors
/// A database error.
pub(crate) async fn of(db: &Db, session: &Session, id: i64) -> Result<Option<Value>, AppError> {
    let found = payees::of(db, session.actor(), id).await?;
    Ok(found.map(|p| {
        let mut v = shown(session, &p);
        v["editable"] = payees::may_edit(session.actor()).into();
        v
    }))
}

/// The payee form of the project page.
#[derive(FromForm)]
pub struct PayeeForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    #[field(default = String::new())]
    name: String,
    #[field(default = String::new())]
    bank: String,
    #[field(default = String::new())]
    account: String,
}

/// `POST /projects/<id>/payee`: a refusal comes back as a flash message.
#[post("/projects/<id>/payee", data = "<form>")]
pub(crate) async fn set_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<PayeeForm>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(format!("/projects/{id}"));
    match payees::set(db, session.actor(), id, &form.name, &form.bank, &form.account).await {
        Ok(p) => Ok(Flash::success(
            to,
            format!("收款信息已保存：{}，{}，账号 {}", p.name, p.bank, mask::account(&p.account)),
        )),
        Err(e @ AppError::Invalid(_)) => Ok(Flash::error(to, e.to_string())),
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PayeeBody {
    name: String,
    bank: String,
    account: String,
}

/// `PUT /api/v1/projects/<id>/payee` `{"name", "bank", "account"}`: the payee as stored.
#[utoipa::path(put, operation_id = "payees_set", path = "/projects/{id}/payee", summary = "Set a project's payee (收款户名, 开户银行, 银行账号): division staff, and regiment staff for their 团场's projects. Audited with old and new values (account masked). The account is 8 to 30 digits (spaces and dashes dropped). Answers the payee; the account whole for division staff only. docs/payments.md", tag = "projects", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    request_body(content = PayeeBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The payee as stored (the account masked but for division staff)", body = Object),
        WritesBody,
        (status = 404, description = "No such project, or not the session's; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The project may not change its payee now, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A bad name, bank or account, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[put("/projects/<id>/payee", format = "json", data = "<body>")]
pub(crate) async fn set_api(db: &Db, session: Session, id: i64, body: Json<PayeeBody>) -> Result<Value, AppError> {
    let p = payees::set(db, session.actor(), id, &body.name, &body.bank, &body.account).await?;
    Ok(shown(&session, &p))
}
