//! The review workflow of a project (issue 5, item 2): its states, the actions that move
//! them, and who may take each action. Pure: no I/O, no SQL, no clock (the web layer
//! passes today in). The database guards the same move again (`state = $from`), so that
//! two simultaneous actions cannot both move one project.

use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::Role;

/// What a user asks to do with a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    RegimentReview,
    Return,
    Opinion,
    DivisionReview,
    Publish,
    Approve,
    Reject,
    Withdraw,
    /// 异议: raised during the 公示, it blocks approval until resolved.
    Object,
    /// 异议处理: how the open objections were resolved.
    Resolve,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Submit,
        Action::RegimentReview,
        Action::Return,
        Action::Opinion,
        Action::DivisionReview,
        Action::Publish,
        Action::Approve,
        Action::Reject,
        Action::Withdraw,
        Action::Object,
        Action::Resolve,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::RegimentReview => "regiment_review",
            Action::Return => "return",
            Action::Opinion => "opinion",
            Action::DivisionReview => "division_review",
            Action::Publish => "publish",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::Withdraw => "withdraw",
            Action::Object => "object",
            Action::Resolve => "resolve",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "提交申请",
            Action::RegimentReview => "初审通过",
            Action::Return => "退回修改",
            Action::Opinion => "审核意见",
            Action::DivisionReview => "复审通过",
            Action::Publish => "公示",
            Action::Approve => "批准",
            Action::Reject => "不予通过",
            Action::Withdraw => "撤回",
            Action::Object => "提出异议",
            Action::Resolve => "处理异议",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Return, reject, an opinion, an objection and its resolution say why: their comment
    /// is required.
    #[must_use]
    pub fn needs_comment(self) -> bool {
        matches!(self, Action::Return | Action::Reject | Action::Opinion | Action::Object | Action::Resolve)
    }

    /// The actions that cannot be undone, which the pages confirm before taking.
    #[must_use]
    pub fn irreversible(self) -> bool {
        matches!(self, Action::Approve | Action::Reject | Action::Withdraw)
    }
}

/// Who asks, and how they stand to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    /// The project's `owner_id` is this user.
    pub owns: bool,
    /// The project's 团场 is this user's unit.
    pub same_unit: bool,
    /// This user published the project's current 公示 (docs/rules.md §10: never its approver).
    pub published: bool,
}

/// What the decision needs to know about the project and its round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    pub round_open: bool,
    /// A bureau opinion recorded since the project last entered `regiment_reviewed`.
    pub has_opinion: bool,
    pub publication_start: Option<NaiveDate>,
    pub publication_end: Option<NaiveDate>,
    /// The round's `review.publicity_days`: the shortest 公示, both ends included.
    pub publicity_days: u32,
    /// Objections raised during the current 公示 and not yet resolved.
    pub open_objections: u32,
    /// What is paid to the project (net of paid clawbacks): withdrawal waits for a clawback.
    pub paid_fen: i64,
    pub today: NaiveDate,
}

/// What is asked, with its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    pub action: Action,
    pub comment: &'a str,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// Why an action is refused; the web layer maps these to 403, 409 and 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The role (or its scope) may not take this action at this step.
    #[error("没有权限执行此操作")]
    Forbidden,
    /// The project or round is not in a state that allows it.
    #[error("{0}")]
    Conflict(String),
    /// The request lacks a required input.
    #[error("{0}")]
    Invalid(String),
}

/// Who may take `action` when the project is in `state`. Return is done by whoever may do
/// the step the project waits for: the regiment at 初审, the division after it.
fn may(actor: Actor, action: Action, state: State) -> bool {
    let regiment = actor.role == Role::RegimentStaff && actor.same_unit;
    let division = actor.role == Role::DivisionStaff;
    let owner = actor.role == Role::Cooperative && actor.owns;
    match action {
        Action::Submit => owner,
        Action::RegimentReview => regiment,
        Action::Return if state == State::Submitted => regiment,
        Action::Opinion => actor.role == Role::BureauReviewer,
        Action::Withdraw => owner || division,
        // Staff and reviewers object; the regiment only on its own 团场's projects.
        Action::Object => division || regiment || actor.role == Role::BureauReviewer,
        Action::Resolve
        | Action::Return
        | Action::DivisionReview
        | Action::Publish
        | Action::Approve
        | Action::Reject => division,
    }
}

/// The state an action leads to from `state`, if it applies there at all.
fn target(action: Action, state: State) -> Option<State> {
    use State as S;
    match (action, state) {
        (Action::Submit, S::Draft | S::Returned) => Some(S::Submitted),
        // An opinion is recorded as a transition that keeps the state.
        (Action::RegimentReview, S::Submitted) | (Action::Opinion, S::RegimentReviewed) => Some(S::RegimentReviewed),
        (Action::Return, s) if s.in_review() => Some(S::Returned),
        (Action::DivisionReview, S::RegimentReviewed) => Some(S::DivisionReviewed),
        // Objections and their resolution are recorded as transitions that keep the state.
        (Action::Publish, S::DivisionReviewed) | (Action::Object | Action::Resolve, S::Published) => Some(S::Published),
        (Action::Approve, S::Published) => Some(S::Approved),
        (Action::Reject, s) if s.in_review() => Some(S::Rejected),
        // An approved project may be withdrawn too: its unpaid grant is released with the move.
        (Action::Withdraw, s) if s.in_review() || s.editable() || s == S::Approved => Some(S::Withdrawn),
        _ => None,
    }
}

/// Role, round and state: whether the action can be taken at all, and where it leads.
fn allowed(actor: Actor, facts: &Facts, action: Action) -> Result<State, Refusal> {
    if !may(actor, action, facts.state) {
        return Err(Refusal::Forbidden);
    }
    if !facts.round_open {
        return Err(Refusal::Conflict("该年度已关闭，不能再变更项目状态".into()));
    }
    target(action, facts.state).ok_or_else(|| {
        Refusal::Conflict(format!("项目当前状态为“{}”，不能执行“{}”", facts.state.label(), action.label()))
    })
}

/// The rules that depend on the project's record (and, for approval, on who published it).
fn preconditions(actor: Actor, facts: &Facts, action: Action) -> Result<(), Refusal> {
    match action {
        Action::Approve => publicity::approvable(actor, facts),
        Action::Object => publicity::objectionable(facts),
        Action::Resolve if facts.open_objections == 0 => Err(Refusal::Conflict("该项目没有待处理的异议".into())),
        Action::DivisionReview if !facts.has_opinion => {
            Err(Refusal::Conflict("合作单位尚未就本轮初审结果提出审核意见，不能复审".into()))
        }
        Action::Withdraw if facts.paid_fen > 0 => {
            Err(Refusal::Conflict("该项目已拨付贴息资金，不能撤回：请先办理追回（追回批次支付后）再撤回".into()))
        }
        _ => Ok(()),
    }
}

/// The state the request leads to, or why it is refused. Checked in this order: who
/// (403), round and state (409), inputs (422), the project's record (409).
///
/// # Errors
/// A `Refusal` naming what stands in the way.
pub fn decide(actor: Actor, facts: &Facts, request: &Request<'_>) -> Result<State, Refusal> {
    let to = allowed(actor, facts, request.action)?;
    if request.action.needs_comment() && request.comment.trim().is_empty() {
        let what = if request.action == Action::Reject { "不予通过的理由" } else { "意见或退回原因" };
        return Err(Refusal::Invalid(format!("请填写{what}")));
    }
    if request.action == Action::Publish {
        publicity::period(facts, request.start, request.end)?;
    }
    preconditions(actor, facts, request.action)?;
    Ok(to)
}

/// The actions this actor may take now (the buttons of the project page).
#[must_use]
pub fn available(actor: Actor, facts: &Facts) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| allowed(actor, facts, *a).is_ok() && preconditions(actor, facts, *a).is_ok())
        .collect()
}

mod document;
pub mod publicity;
mod state;

pub use document::{DocumentKind, DocumentReview};
pub use state::State;
#[cfg(test)]
mod tests;
