//! Review cuts (核减, docs/rules.md §9): a bureau reviewer or division staff member, while
//! the project is under review and not yet published, excludes a loan or cuts its subsidy
//! to an amount, always with a reason from the list; the same action with no limit
//! withdraws the cut. The cut is stored (append-only), recorded in the project's history
//! and the audit trail, and the round is recomputed with it, in one write transaction.

use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use serde_json::{json, Value};

use crate::accounts::Role;
use crate::engine::facts::{Cut, CutLimit, CutReason};
use crate::engine::Money;
use crate::error::AppError;
use crate::export::cut::describe;
use crate::review::State;
use crate::storage::{self, cuts::NewCut, review::Move, Db};
use crate::web::accounts::auth::Session;

/// A cut as asked: `limit` `None` withdraws the cut in force on the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub contract_no: String,
    pub limit: Option<CutLimit>,
    pub reason: Option<CutReason>,
    pub comment: String,
}

fn amount(text: &str) -> Result<Money, AppError> {
    let m: Money = text.trim().parse().map_err(|_| AppError::Invalid(format!("核定金额“{text}”不是有效的金额")))?;
    if m < Money::ZERO {
        return Err(AppError::Invalid("核定金额不能为负数".into()));
    }
    Ok(m)
}

impl Asked {
    /// `{"action": "cut", "contract_no", "excluded": true | "amount": "1234.50", "reason", "comment"}`;
    /// `"excluded": false` with no amount withdraws.
    ///
    /// # Errors
    /// `Invalid` when the limit or the reason cannot be read.
    pub fn from_api(a: &crate::web::review::act::Asked) -> Result<Asked, AppError> {
        let limit = match (a.excluded, a.amount.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
            (Some(true), None) => Some(CutLimit::Excluded),
            (Some(false) | None, Some(text)) => Some(CutLimit::Amount(amount(text)?)),
            (Some(false), None) => None,
            (Some(true), Some(_)) => return Err(AppError::Invalid("核减只能是不予贴息或核定金额其中之一".into())),
            (None, None) => {
                return Err(AppError::Invalid("请说明核减方式：excluded 为 true，或给出核定金额 amount".into()))
            }
        };
        Asked::new(&a.contract_no, limit, &a.reason, &a.comment)
    }

    fn new(contract_no: &str, limit: Option<CutLimit>, reason: &str, comment: &str) -> Result<Asked, AppError> {
        let comment = comment.trim().to_string();
        let reason = match (limit, reason.trim()) {
            (None, _) => None,
            (Some(_), "") => return Err(AppError::Invalid(format!("请选择核减原因：{}", reason_list()))),
            (Some(_), r) => Some(
                CutReason::parse(r)
                    .ok_or_else(|| AppError::Invalid(format!("核减原因“{r}”不在清单中，应为：{}", reason_list())))?,
            ),
        };
        if reason == Some(CutReason::Other) && comment.is_empty() {
            return Err(AppError::Invalid("核减原因为“其他”时须填写说明".into()));
        }
        let contract_no = contract_no.trim().to_string();
        if contract_no.is_empty() {
            return Err(AppError::Invalid("请指明要核减的贷款合同编号".into()));
        }
        Ok(Asked { contract_no, limit, reason, comment })
    }
}

fn reason_list() -> String {
    CutReason::ALL.map(CutReason::label).join("、")
}

/// The history's words for the transitions that are not moves of the workflow: cuts and
/// corrections of the 团场 (`web::division::units`).
#[must_use]
pub(crate) fn action_label(code: &str) -> &'static str {
    match code {
        "cut" => "核减",
        "cut_withdraw" => "撤销核减",
        "unit" => "更正团场",
        _ => "",
    }
}

/// Who may cut: bureau reviewers and division staff, while the project is under review.
#[must_use]
pub(crate) fn may_cut(session: &Session, state: State, round_open: bool) -> bool {
    matches!(session.role, Role::BureauReviewer | Role::DivisionStaff) && state.cuttable() && round_open
}

/// Cut a loan of a project, or withdraw its cut; answers the cut in force and the
/// project's request after the round is recomputed.
///
/// # Errors
/// `NotFound` outside the scope, `Forbidden` for other roles, `Conflict` (round closed, not
/// under review, nothing to withdraw), `Invalid` (no such loan), or a database error.
pub(crate) async fn cut(db: &Db, session: &Session, id: i64, asked: &Asked) -> Result<Value, AppError> {
    let mut tx = storage::begin_write(db).await?;
    let s = storage::review::subject(&mut tx, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    session.require(matches!(session.role, Role::BureauReviewer | Role::DivisionStaff))?;
    let state = State::parse(&s.state).unwrap_or(State::Submitted);
    if !s.round_open {
        return Err(AppError::Conflict("该年度已关闭，不能核减".into()));
    }
    if !state.cuttable() {
        return Err(AppError::Conflict(format!("项目当前状态为“{}”，只能在审核中（公示前）核减", state.label())));
    }
    if !storage::cuts::has_loan(&mut tx, id, &asked.contract_no).await? {
        return Err(AppError::Invalid(format!("本项目没有贷款合同“{}”", asked.contract_no)));
    }
    let before = storage::cuts::current(&mut tx, id, &asked.contract_no).await?.and_then(|c| c.cut);
    if asked.limit.is_none() && before.is_none() {
        return Err(AppError::Conflict(format!("贷款合同“{}”没有核减，无需撤销", asked.contract_no)));
    }
    let new = NewCut {
        round_id: s.round_id,
        project_id: id,
        contract_no: &asked.contract_no,
        limit: asked.limit,
        reason: asked.reason,
        comment: &asked.comment,
        actor_id: session.user.id,
    };
    storage::cuts::insert(&mut tx, &new).await?;
    let after = asked.limit.zip(asked.reason).map(|(limit, reason)| Cut { limit, reason, text: asked.comment.clone() });
    record(&mut tx, session, &s, asked, (before.as_ref(), after.as_ref())).await?;
    crate::web::review::act::recount(&mut tx, session, s.round_id).await?;
    let requested = storage::cuts::requested_fen(&mut tx, id).await?;
    tx.commit().await?;
    Ok(json!({ "id": id, "contract_no": asked.contract_no, "cut": after.as_ref().map(cut_json),
        "requested": Money::from_fen(requested) }))
}

/// The cut as the API and the audit trail show it.
fn cut_json(c: &Cut) -> Value {
    let amount = match c.limit {
        CutLimit::Excluded => None,
        CutLimit::Amount(m) => Some(m),
    };
    json!({ "excluded": c.limit == CutLimit::Excluded, "amount": amount, "reason": c.reason.label(),
        "text": c.text, "described": describe(c) })
}

/// The transition of the project's history and the audit row, old and new.
async fn record(
    conn: &mut storage::Conn,
    session: &Session,
    s: &storage::review::Subject,
    asked: &Asked,
    (before, after): (Option<&Cut>, Option<&Cut>),
) -> Result<(), AppError> {
    let (action, words) = match after {
        Some(c) => ("cut", format!("{}：{}", asked.contract_no, describe(c))),
        None => ("cut_withdraw", format!("{}：撤销核减", asked.contract_no)),
    };
    let words = if asked.comment.is_empty() || after.is_some_and(|c| c.reason == CutReason::Other) {
        words
    } else {
        format!("{words}。{}", asked.comment)
    };
    let m = Move { id: s.id, from: &s.state, to: &s.state, publication: None, reason: None };
    storage::review::record(conn, &m, action, session.user.id, &words).await?;
    let mut e = session.actor().entry("project.cut", "project", s.id, Some(s.round_id));
    e.old = json!({ "contract_no": asked.contract_no, "cut": before.map(cut_json) });
    e.new = json!({ "contract_no": asked.contract_no, "cut": after.map(cut_json), "comment": asked.comment });
    storage::audit::append(conn, &e).await?;
    Ok(())
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

fn from_form(f: &CutForm) -> Result<Asked, AppError> {
    let limit = match f.mode.as_str() {
        "excluded" => Some(CutLimit::Excluded),
        "amount" => Some(CutLimit::Amount(amount(&f.amount)?)),
        "withdraw" => None,
        _ => return Err(AppError::Invalid("请选择核减方式".into())),
    };
    Asked::new(&f.contract_no, limit, &f.reason, &f.comment)
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
        Ok(asked) => cut(db, &session, id, &asked).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(v) => {
            let what =
                v["cut"]["described"].as_str().map_or_else(|| "已撤销核减".to_string(), |d| format!("已核减：{d}"));
            Ok(Flash::success(Redirect::to(to), format!("贷款合同 {} {what}", form.contract_no.trim())))
        }
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => Ok(Flash::error(Redirect::to(to), e.to_string())),
        Err(e) => Err(e),
    }
}
