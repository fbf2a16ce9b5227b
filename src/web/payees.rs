//! A project's payee (收款户名, 开户银行, 银行账号; docs/payments.md): the form on the project
//! page and `PUT /api/v1/projects/<id>/payee`, for division staff and the regiment staff of
//! the project's 团场 (the scope is in the SQL: another 团场's project is 404). Each change
//! is audited with old and new values, accounts masked. The account is shown whole to
//! division staff only (the role that pays).

use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use serde_json::{json, Value};

use super::auth::Session;
use crate::accounts::Role;
use crate::engine::payment;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::allocations::Refusal;
use crate::storage::{self, applications::Payee, Db};

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn page_routes() -> Vec<rocket::Route> {
    routes![set_page]
}

/// The API's routes (mounted at `/api/v1`).
#[must_use]
pub(crate) fn api_routes() -> Vec<rocket::Route> {
    routes![set_api]
}

/// Who may set a payee: division staff, and regiment staff for their 团场's projects.
pub(crate) fn may_edit(session: &Session) -> bool {
    matches!(session.role, Role::DivisionStaff | Role::RegimentStaff)
}

/// The payee as a session sees it: the account whole for division staff only.
pub(crate) fn shown(session: &Session, p: &Payee) -> Value {
    let account = if session.role == Role::DivisionStaff { p.account.clone() } else { mask::account(&p.account) };
    json!({ "name": p.name, "bank": p.bank, "account": account,
        "complete": payment::missing_payee(&p.name, &p.bank, &p.account).is_empty() })
}

/// A project's payee for its page and `GET /api/v1/projects/<id>` (`None`: not the session's).
///
/// # Errors
/// A database error.
pub(crate) async fn of(db: &Db, session: &Session, id: i64) -> Result<Option<Value>, AppError> {
    if session.role == Role::BureauReviewer {
        return Ok(None);
    }
    let found = storage::payees::of(&mut *db.inner.acquire().await?, id, &session.scope()).await?;
    Ok(found.map(|(_, p)| {
        let mut v = shown(session, &p);
        v["editable"] = may_edit(session).into();
        v
    }))
}

/// Set a project's payee, trimmed and with the account's spaces and dashes dropped.
async fn set(db: &Db, session: &Session, id: i64, name: &str, bank: &str, account: &str) -> Result<Payee, AppError> {
    session.require(may_edit(session))?;
    let payee =
        Payee { name: name.trim().to_owned(), bank: bank.trim().to_owned(), account: payment::clean_account(account) };
    let mut tx = storage::begin_write(db).await?;
    let found =
        storage::payees::set(&mut tx, id, &session.scope(), &payee, super::money::actor(session), mask::account)
            .await
            .map_err(|e| match e {
                Refusal::Refused(text) => AppError::Invalid(text),
                Refusal::Db(e) => AppError::Db(e),
            })?;
    if !found {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(payee)
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
    match set(db, &session, id, &form.name, &form.bank, &form.account).await {
        Ok(p) => Ok(Flash::success(
            to,
            format!("收款信息已保存：{}，{}，账号 {}", p.name, p.bank, mask::account(&p.account)),
        )),
        Err(e @ AppError::Invalid(_)) => Ok(Flash::error(to, e.to_string())),
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct PayeeBody {
    name: String,
    bank: String,
    account: String,
}

/// `PUT /api/v1/projects/<id>/payee` `{"name", "bank", "account"}`: the payee as stored.
#[put("/projects/<id>/payee", format = "json", data = "<body>")]
pub(crate) async fn set_api(db: &Db, session: Session, id: i64, body: Json<PayeeBody>) -> Result<Value, AppError> {
    let p = set(db, &session, id, &body.name, &body.bank, &body.account).await?;
    Ok(shown(&session, &p))
}
