//! Review cuts through the web (核减, docs/rules.md §9): the API's and the project page's
//! forms parsed into an `app::review::cuts::Request`, the use case called, the answer given.

use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use serde_json::{json, Value};

use crate::app::review::cuts::{self, amount, cut_json, Request};
use crate::engine::facts::CutLimit;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;

/// `{"action": "cut", "contract_no", "excluded": true | "amount": "1234.50", "reason", "comment"}`;
/// `"excluded": false` with no amount withdraws.
///
/// # Errors
/// `Invalid` when the limit or the reason cannot be read.
pub fn from_api(a: &crate::web::review::act::Asked) -> Result<Request, AppError> {
    let limit = match (a.excluded, a.amount.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Some(true), None) => Some(CutLimit::Excluded),
        (Some(false) | None, Some(text)) => Some(CutLimit::Amount(amount(text)?)),
        (Some(false), None) => None,
        (Some(true), Some(_)) => return Err(AppError::Invalid("核减只能是不予贴息或核定金额其中之一".into())),
        (None, None) => {
            return Err(AppError::Invalid("请说明核减方式：excluded 为 true，或给出核定金额 amount".into()))
        }
    };
    Request::new(&a.contract_no, limit, &a.reason, &a.comment)
}

/// The cut made, as the API answers it.
///
/// # Errors
/// As `app::review::cuts::cut`.
pub(crate) async fn cut(db: &Db, session: &Session, id: i64, asked: &Request) -> Result<Value, AppError> {
    let done = cuts::cut(db, session.actor(), id, asked).await?;
    Ok(json!({ "id": id, "contract_no": done.contract_no, "cut": done.cut.as_ref().map(cut_json),
        "requested": done.requested }))
}

/// The project page's cut form: one loan, how (`excluded`, `amount`, `withdraw`), the
/// amount, the reason and a comment.
#[derive(FromForm)]
pub struct CutForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    contract_no: String,
    mode: String,
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    reason: String,
    #[field(default = String::new())]
    comment: String,
}

fn from_form(f: &CutForm) -> Result<Request, AppError> {
    let limit = match f.mode.as_str() {
        "excluded" => Some(CutLimit::Excluded),
        "amount" => Some(CutLimit::Amount(amount(&f.amount)?)),
        "withdraw" => None,
        _ => return Err(AppError::Invalid("请选择核减方式".into())),
    };
    Request::new(&f.contract_no, limit, &f.reason, &f.comment)
}

/// `POST /projects/<id>/cuts`: a refusal comes back as a flash message.
#[post("/projects/<id>/cuts", data = "<form>")]
pub(crate) async fn cut_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<CutForm>,
) -> Result<Flash<Redirect>, AppError> {
    let to = format!("/projects/{id}");
    let done = match from_form(&form) {
        Ok(asked) => cuts::cut(db, session.actor(), id, &asked).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(d) => {
            let what = d
                .cut
                .as_ref()
                .map_or_else(|| "已撤销核减".to_string(), |c| format!("已核减：{}", crate::export::cut::describe(c)));
            Ok(Flash::success(Redirect::to(to), format!("贷款合同 {} {what}", form.contract_no.trim())))
        }
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => Ok(Flash::error(Redirect::to(to), e.to_string())),
        Err(e) => Err(e),
    }
}
