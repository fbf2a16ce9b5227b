//! Review cuts (核减, docs/rules.md §9): a bureau reviewer or division staff member, while
//! the project is under review and not yet published, excludes a loan or cuts its subsidy
//! to an amount, always with a reason from the list; the same action with no limit
//! withdraws the cut. The cut is stored (append-only), recorded in the project's history
//! and the audit trail, and the round is recomputed with it, in one write transaction.

use serde_json::{json, Value};

use crate::accounts::Role;
use crate::app::Actor;
use crate::engine::facts::{Cut, CutLimit, CutReason};
use crate::engine::Money;
use crate::error::AppError;
use crate::export::cut::describe;
use crate::review::State;
use crate::storage::{self, cuts::NewCut, review::Move, review::Subject, Conn, Db};

/// A cut as asked: `limit` `None` withdraws the cut in force on the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub contract_no: String,
    pub limit: Option<CutLimit>,
    pub reason: Option<CutReason>,
    pub comment: String,
}

impl Request {
    /// A cut with its reason checked: a limit needs a reason from the list, 其他 needs a
    /// comment, and the loan must be named.
    ///
    /// # Errors
    /// `Invalid`, naming what is missing.
    pub fn new(contract_no: &str, limit: Option<CutLimit>, reason: &str, comment: &str) -> Result<Request, AppError> {
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
        Ok(Request { contract_no, limit, reason, comment })
    }
}

/// A cut's amount as typed: a sum of money, not negative.
///
/// # Errors
/// `Invalid` when it is not an amount or is negative.
pub fn amount(text: &str) -> Result<Money, AppError> {
    let m: Money = text.trim().parse().map_err(|_| AppError::Invalid(format!("核定金额“{text}”不是有效的金额")))?;
    if m < Money::ZERO {
        return Err(AppError::Invalid("核定金额不能为负数".into()));
    }
    Ok(m)
}

fn reason_list() -> String {
    CutReason::ALL.map(CutReason::label).join("、")
}

/// The history's words for the transitions that are not moves of the workflow: cuts and
/// corrections of the 团场 (`app::units`).
#[must_use]
pub fn action_label(code: &str) -> &'static str {
    match code {
        "cut" => "核减",
        "cut_withdraw" => "撤销核减",
        "unit" => "更正团场",
        _ => "",
    }
}

/// Who may cut: bureau reviewers and division staff, while the project is under review.
#[must_use]
pub fn may_cut(actor: Actor<'_>, state: State, round_open: bool) -> bool {
    matches!(actor.role, Role::BureauReviewer | Role::DivisionStaff) && state.cuttable() && round_open
}

/// A cut made or withdrawn: the cut now in force and the project's request after the round
/// was recomputed.
#[derive(Debug)]
pub struct Done {
    pub contract_no: String,
    pub cut: Option<Cut>,
    pub requested: Money,
}

/// Cut a loan of a project, or withdraw its cut.
///
/// # Errors
/// `NotFound` outside the scope, `Forbidden` for other roles, `Conflict` (round closed, not
/// under review, nothing to withdraw), `Invalid` (no such loan), or a database error.
pub async fn cut(db: &Db, actor: Actor<'_>, id: i64, asked: &Request) -> Result<Done, AppError> {
    let mut tx = storage::begin_write(db).await?;
    let s = super::subject(&mut tx, actor, id).await?;
    actor.require(matches!(actor.role, Role::BureauReviewer | Role::DivisionStaff))?;
    let state = s.state;
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
        actor_id: actor.account()?,
    };
    storage::cuts::insert(&mut tx, &new).await?;
    let after = asked.limit.zip(asked.reason).map(|(limit, reason)| Cut { limit, reason, text: asked.comment.clone() });
    record(&mut tx, actor, &s, asked, (before.as_ref(), after.as_ref())).await?;
    super::recount(&mut tx, actor, s.round_id).await?;
    let requested = storage::cuts::requested(&mut tx, id).await?;
    tx.commit().await?;
    Ok(Done { contract_no: asked.contract_no.clone(), cut: after, requested })
}

/// The cut as the API and the audit trail show it.
#[must_use]
pub fn cut_json(c: &Cut) -> Value {
    let amount = match c.limit {
        CutLimit::Excluded => None,
        CutLimit::Amount(m) => Some(m),
    };
    json!({ "excluded": c.limit == CutLimit::Excluded, "amount": amount, "reason": c.reason.label(),
        "text": c.text, "described": describe(c) })
}

/// The transition of the project's history and the audit row, old and new.
async fn record(
    conn: &mut Conn,
    actor: Actor<'_>,
    s: &Subject,
    asked: &Request,
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
    let m = Move { id: s.id, from: s.state, to: s.state, publication: None, reason: None };
    storage::review::record(conn, &m, action, actor.account()?, &words).await?;
    let mut e = actor.entry("project.cut", "project", s.id, Some(s.round_id));
    e.old = json!({ "contract_no": asked.contract_no, "cut": before.map(cut_json) });
    e.new = json!({ "contract_no": asked.contract_no, "cut": after.map(cut_json), "comment": asked.comment });
    storage::audit::append(conn, &e).await?;
    Ok(())
}
