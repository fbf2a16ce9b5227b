//! An applicant's home page (issue 17 item 6): their own applications and where each
//! stands, what they must do next (submit a draft, change a returned application, add the
//! documents the round asks for), and a dated list of what happened (submitted, returned
//! with the reason, approved, paid on which day). The division's dashboard is not theirs.

use crate::web::kernel::templates::{context, Template};
use serde::Serialize;

use crate::app::applicant_home::{Event, Mine};
use crate::engine::report::Outcome;
use crate::error::AppError;
use crate::review::{Action, State};
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::views::{beijing, yuan};

#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    year: i32,
    key: String,
    name: String,
    state_label: &'static str,
    requested: String,
    granted: String,
    /// The trial result, said to be a trial until the project is approved.
    result: &'static str,
}

/// One thing to do: what, about which project, and where to do it.
#[derive(Debug, Serialize)]
struct Todo {
    what: String,
    project: String,
    id: i64,
    /// Where to do it: the project page, its form (`edit`) or its documents.
    go: &'static str,
    why: String,
}

#[derive(Debug, Serialize)]
struct Happened {
    on: String,
    project: String,
    id: i64,
    what: String,
    comment: String,
}

/// A day paid (`2024-06-30`) or a UTC time, in words.
fn when(at: &str) -> String {
    chrono::NaiveDate::parse_from_str(at, "%Y-%m-%d")
        .map_or_else(|_| beijing(at), |d| d.format("%Y年%-m月%-d日").to_string())
}

fn row(m: &Mine) -> Row {
    // 贴息结果 on the books, the words of the project page and the reports (issue 14 item 2).
    let requested = m.requested;
    let result = match m.state {
        State::Draft | State::Rejected | State::Withdrawn => "—",
        s => Outcome::of(s == State::Approved, requested, m.granted).label(),
    };
    Row {
        id: m.id,
        year: m.year,
        key: m.key.clone(),
        name: m.name.clone(),
        state_label: m.state.label(),
        requested: yuan(requested),
        granted: yuan(m.granted),
        result,
    }
}

/// What the applicant must do: a draft to submit, a returned application to change (with
/// the reason given), and the documents the round's policy asks for that are not there.
fn todos(mine: &[Mine], kinds: &[(i64, crate::review::DocumentKind)], returned_why: &[(i64, String)]) -> Vec<Todo> {
    let mut out = Vec::new();
    for m in mine.iter().filter(|m| m.round_open) {
        out.extend(next_step(m, returned_why));
        out.extend(missing_documents(m, kinds));
    }
    out
}

fn next_step(m: &Mine, returned_why: &[(i64, String)]) -> Option<Todo> {
    let (what, go, why) = match m.state {
        State::Draft => ("提交申请", "show", "申请还是草稿，填写完整并上传证明材料后提交".to_string()),
        State::Returned => (
            "修改退回的申请",
            "edit",
            returned_why
                .iter()
                .find(|(id, _)| *id == m.id)
                .map_or_else(|| "申请被退回".to_string(), |(_, why)| format!("退回原因：{why}")),
        ),
        _ => return None,
    };
    Some(Todo { what: what.into(), project: m.name.clone(), id: m.id, go, why })
}

/// The documents the round asks for (its policy's `evidence.documents`, and a 贷款合同 while
/// the application is the applicant's to edit) that the project does not have.
fn missing_documents(m: &Mine, kinds: &[(i64, crate::review::DocumentKind)]) -> Option<Todo> {
    let state = m.state;
    if !state.counts() && state != State::Draft {
        return None;
    }
    let mut needed: Vec<String> =
        crate::import::policy(&m.round_policy).map(|p| p.evidence.documents).unwrap_or_default();
    if state.editable() && !needed.iter().any(|k| k == "contract") {
        needed.insert(0, "contract".into());
    }
    let missing: Vec<&str> = needed
        .iter()
        .filter(|k| !kinds.iter().any(|(id, kind)| *id == m.id && kind.code() == k.as_str()))
        .map(|k| crate::labels::document_kind(k).unwrap_or(k))
        .collect();
    (!missing.is_empty()).then(|| Todo {
        what: "补充材料".into(),
        project: m.name.clone(),
        id: m.id,
        go: "documents",
        why: format!("请上传{}", missing.join("、")),
    })
}

fn happened(e: &Event) -> Happened {
    let what = match e.what.as_str() {
        "paid" => format!("已拨付 {} 元", yuan(e.amount)),
        "clawed_back" => format!("追回 {} 元", yuan(e.amount).trim_start_matches('-')),
        code => {
            let action = Action::parse(code).map_or("审核", Action::label);
            let to = e.to_state.map_or("", State::label);
            if to.is_empty() || e.to_state.is_some_and(|s| s.code() == e.what) {
                action.to_string()
            } else {
                format!("{action}（{to}）")
            }
        }
    };
    Happened { on: when(&e.at), project: e.name.clone(), id: e.project_id, what, comment: e.comment.clone() }
}

/// The page.
///
/// # Errors
/// A database error.
pub(crate) async fn page(db: &Db, session: &Session) -> Result<Template, AppError> {
    let crate::app::applicant_home::Home { mine, kinds, events, open } =
        crate::app::applicant_home::load(db, session.actor()).await?;
    // The latest return of each project gives its reason (events are newest first).
    let mut returned_why: Vec<(i64, String)> = Vec::new();
    for e in events.iter().filter(|e| e.what == "return") {
        if !returned_why.iter().any(|(id, _)| *id == e.project_id) {
            returned_why.push((e.project_id, e.comment.clone()));
        }
    }
    Ok(Template::render(
        "applicant_home",
        context! {
            me: crate::web::kernel::pages::me(session),
            rows: mine.iter().map(row).collect::<Vec<_>>(),
            todos: todos(&mine, &kinds, &returned_why),
            events: events.iter().map(happened).collect::<Vec<_>>(),
            open,
        },
    ))
}
