//! The pages of the review: the project page's action buttons and the bulk 公示名单. An
//! irreversible action (批准, 不予通过, 撤回) is decided first, then confirmed on a page that
//! says what will happen (`web::kernel::confirm`), then taken by `app::review::act`.

use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use serde_json::json;

use crate::accounts::Role;
use crate::app::{self, review::Subject};
use crate::engine::allocation;
use crate::error::AppError;
use crate::review::{self, Action, State};
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::confirm::{Answer, Confirmation, Confirmed};
use crate::web::kernel::views::yuan;
use crate::web::review::act::{act, views, Asked};

/// The project page's action form.
#[derive(FromForm)]
pub struct ActionForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    asked: Asked,
    confirm: Confirmed,
}

/// A refusal that the page shows (409, 422) goes back as a flash message; 403 and 404 stay errors.
fn to_flash(to: &str, done: Result<State, AppError>) -> Result<Flash<Redirect>, AppError> {
    match done {
        Ok(s) => Ok(Flash::success(Redirect::to(to.to_string()), format!("操作成功，项目状态：{}", s.label()))),
        Err(e @ (AppError::Conflict(_) | AppError::Invalid(_))) => {
            Ok(Flash::error(Redirect::to(to.to_string()), e.to_string()))
        }
        Err(e) => Err(e),
    }
}

/// The project and what the action would do, if the decision allows it now.
async fn decided(db: &Db, session: &Session, id: i64, asked: &Asked) -> Result<(Subject, Action), AppError> {
    let action = Action::parse(asked.action.trim()).ok_or_else(|| AppError::Invalid("未知的操作".into()))?;
    let request = review::Request { action, comment: asked.comment.trim(), start: None, end: None };
    Ok((app::review::decide(db, session.actor(), id, &request).await?, action))
}

/// What an irreversible action on one project will do, in words.
fn consequences(c: Confirmation, s: &Subject, action: Action, comment: &str) -> Confirmation {
    let what = format!("项目“{}”（{}，{}）", s.name, s.key, s.unit);
    match action {
        Action::Approve => c
            .says(format!("{what}将被批准。"))
            .says(format!(
                "公示期 {} 至 {} 已结束，没有待处理的异议。",
                s.publication_start.as_deref().map_or_else(|| "—".into(), crate::web::kernel::views::day),
                s.publication_end.as_deref().map_or_else(|| "—".into(), crate::web::kernel::views::day)
            ))
            .says("批准后项目进入资金分配：核定金额由财务人员编制分配方案、经另一位财务人员批准后生效。")
            .says("批准不能撤销；如需变更，只能撤回项目（已拨付的须先追回）。"),
        Action::Reject => c
            .says(format!("{what}将不予通过，理由：{comment}。"))
            .says("项目不再计入本年度试算与资金分配，其他项目的申请额将随之重算。")
            .says("不予通过不能撤销。"),
        _ => {
            let unpaid = allocation::lacking(s.granted, s.paid);
            let c = c.says(format!("{what}将撤回，不再计入本年度试算与资金分配。"));
            let c = if unpaid.is_positive() {
                c.says(format!("未拨付的核定贴息 {} 元将释放回资金池。", yuan(unpaid)))
            } else {
                c
            };
            c.says("撤回不能恢复：如需再申请，须重新提交。")
        }
    }
}

#[post("/projects/<id>/actions", data = "<form>")]
pub(crate) async fn act_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ActionForm>,
) -> Result<Answer<Flash<Redirect>>, AppError> {
    let to = format!("/projects/{id}");
    let asked = &form.asked;
    let irreversible = Action::parse(asked.action.trim()).is_some_and(Action::irreversible);
    if irreversible && !form.confirm.0 {
        let (s, action) = match decided(db, &session, id, asked).await {
            Ok(found) => found,
            Err(e) => return to_flash(&to, Err(e)).map(Answer::Done),
        };
        let c = Confirmation::new(format!("确认{}", action.label()), format!("/projects/{id}/actions"), &to)
            .field("asked.action", action.code())
            .field("asked.comment", asked.comment.trim())
            .button(format!("确认{}", action.label()));
        return Ok(consequences(c, &s, action, asked.comment.trim()).page(&session));
    }
    to_flash(&to, act(db, &session, id, asked).await).map(Answer::Done)
}

/// The 公示名单: publish or approve a selection of a round's projects, each on its own.
#[derive(FromForm)]
pub struct BulkForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    action: String,
    #[field(default = String::new())]
    start: String,
    #[field(default = String::new())]
    end: String,
    #[field(default = Vec::new())]
    ids: Vec<i64>,
    confirm: Confirmed,
}

/// The confirmation of a bulk approval: every project named.
async fn bulk_confirmation(db: &Db, session: &Session, year: i32, form: &BulkForm) -> Result<Confirmation, AppError> {
    let back = format!("/rounds/{year}/projects");
    let mut c = Confirmation::new("确认批准所选项目", format!("/rounds/{year}/publications"), &back)
        .field("action", "approve")
        .button(format!("确认批准 {} 个项目", form.ids.len()));
    let mut names = Vec::new();
    for s in app::review::subjects(db, session.actor(), &form.ids).await? {
        names.push(format!("{}（{}）", s.name, s.key));
        c = c.field("ids", s.id.to_string());
    }
    Ok(c.says(format!("以下 {} 个项目将被批准：{}。", names.len(), names.join("、")))
        .says("公示未结束、由您本人发布公示或有待处理异议的项目不会被批准，并逐一列出原因。")
        .says("批准不能撤销；如需变更，只能撤回项目（已拨付的须先追回）。"))
}

#[post("/rounds/<year>/publications", data = "<form>")]
pub(crate) async fn bulk(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<BulkForm>,
) -> Result<Answer<Flash<Redirect>>, AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    if !matches!(form.action.as_str(), "publish" | "approve") {
        return Err(AppError::Invalid("批量操作只能是公示或批准".into()));
    }
    if form.action == "approve" && !form.confirm.0 {
        return Ok(bulk_confirmation(db, &session, year, &form).await?.page(&session));
    }
    let asked =
        Asked { action: form.action.clone(), start: form.start.clone(), end: form.end.clone(), ..Asked::default() };
    let (mut done, mut refused) = (0, Vec::new());
    for id in &form.ids {
        match act(db, &session, *id, &asked).await {
            Ok(_) => done += 1,
            Err(e @ (AppError::Conflict(_) | AppError::Invalid(_) | AppError::NotFound)) => {
                refused.push(format!("#{id}：{e}"));
            }
            Err(e) => return Err(e),
        }
    }
    let to = Redirect::to(format!("/rounds/{year}/projects"));
    let mut message = format!("已处理 {done} 个项目");
    if !refused.is_empty() {
        message = format!("{message}；未处理 {} 个：{}", refused.len(), refused.join("；"));
    }
    Ok(Answer::Done(Flash::success(to, message)))
}

/// What the project page shows of the review: state, history, documents, the open
/// objections, and the actions this session may take (only those get a button).
///
/// # Errors
/// `NotFound` outside the scope, or a database error.
pub(crate) async fn panel(db: &Db, session: &Session, id: i64) -> Result<serde_json::Value, AppError> {
    let app::review::Panel { subject: s, history, documents, facts, relation: a } =
        app::review::panel(db, session.actor(), id).await?;
    let history = views(history);
    let actions: Vec<_> = review::available(a, &facts)
        .into_iter()
        .map(|x| json!({ "code": x.code(), "label": x.label(), "needs_comment": x.needs_comment() }))
        .collect();
    let may_edit = a.role == Role::Cooperative && a.owns && facts.state.editable() && s.round_open;
    // The publish form offers the shortest 公示 the policy allows, starting today.
    let last = facts.today + chrono::Duration::days(i64::from(facts.publicity_days.max(1)) - 1);
    Ok(json!({
        "state": facts.state.code(), "state_label": facts.state.label(), "history": history, "documents": documents,
        "actions": actions, "may_edit": may_edit, "may_upload": crate::app::documents::may_upload(session.actor(), &s),
        "publication_start": s.publication_start, "publication_end": s.publication_end,
        "open_objections": s.open_objections, "publicity_days": facts.publicity_days,
        "publish_start": facts.today.to_string(), "publish_end": last.to_string(),
    }))
}
