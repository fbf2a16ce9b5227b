//! The pages of allocation runs (资金分配): the dry run of the round as it stands with a
//! button to propose it, the proposals, and one proposal with approve/cancel. The reads and
//! changes are `app::allocations`' (the same as the API's); these handlers parse, call and
//! respond. Division staff act; auditors read; every other role gets 403.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use serde_json::{json, Value};

use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{self, allocation_json, answer, may_act};
use crate::web::kernel::confirm::{Answer, Confirmed};

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![index, propose, show, decide]
}

/// `GET /rounds/<year>/allocations`: the dry run, the button to propose it, the proposals.
// Deliberately like show below, the batches' pages (web/disbursements/pages.rs) and the project page (web/projects/pages.rs): Rocket's guards are the arguments.
#[get("/rounds/<year>/allocations")]
pub(crate) async fn index(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    year: i32,
) -> Result<Template, AppError> {
    let (round, run, list) = crate::app::allocations::overview(db, session.actor(), year).await?;
    let proposals: Vec<Value> = list.iter().map(allocation_json).collect();
    Ok(Template::render(
        "allocations/index",
        context! {
            me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()),
            year, round_name: &round.name, run: treasury::run_json(&run), proposals,
            may_act: may_act(&session, &round),
        },
    ))
}

/// The form of a button with nothing but its token.
#[derive(FromForm)]
pub struct Bare {
    #[field(name = "csrf_token")]
    _csrf_token: String,
}

/// `POST /rounds/<year>/allocations`: run again and store the proposal (nothing counts yet).
#[post("/rounds/<year>/allocations", data = "<_form>")]
pub(crate) async fn propose(
    db: &Db,
    session: Session,
    year: i32,
    _form: Form<Bare>,
) -> Result<Flash<Redirect>, AppError> {
    treasury::require_staff(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
    let done = crate::app::allocations::commit(db, session.actor(), &round, None)
        .await
        .map(|(id, _)| (format!("/allocations/{id}"), format!("已提交分配方案 #{id}，须由另一位财务人员批准后生效")));
    answer(done, &format!("/rounds/{year}/allocations"))
}

/// `GET /allocations/<id>`: a proposal's lines; approve (not by its proposer) and cancel.
// Deliberately like the batch page (web/disbursements/pages.rs show): a proposal and a batch are different records with their own templates.
#[get("/allocations/<id>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    id: i64,
) -> Result<Template, AppError> {
    let crate::app::allocations::Detail { allocation: a, round, pools, lines, proposer, decider } =
        crate::app::allocations::detail(db, session.actor(), id).await?;
    let lines: Vec<Value> = lines
        .iter()
        .map(|(g, parts)| {
            json!({ "project_id": g.project_id, "key": g.project_key, "name": g.project_name, "unit": g.unit,
                "amount": g.amount, "status_label": g.status.label(),
                "parts": treasury::parts_in(&pools, parts) })
        })
        .collect();
    let offered = crate::signoff::allocation::available(session.actor().asker(), &crate::app::allocations::facts(&a));
    let act = |step| may_act(&session, &round) && offered.contains(&step);
    Ok(Template::render(
        "allocations/show",
        context! {
            me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()),
            year: round.year, a: allocation_json(&a), lines, pools: pools.iter().map(|p| &p.name).collect::<Vec<_>>(),
            mine: a.proposed_by == session.user.id, proposer, decider,
            may_approve: act(crate::signoff::allocation::Action::Approve),
            may_cancel: act(crate::signoff::allocation::Action::Cancel),
        },
    ))
}

/// An approve or cancel button, with an optional comment.
#[derive(FromForm)]
pub struct DecideForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    action: String,
    #[field(default = String::new())]
    comment: String,
    confirm: Confirmed,
}

/// `POST /allocations/<id>/actions`: asks first (`web::kernel::confirm`); a refusal (the proposer
/// approving, a pool exhausted) comes back as a flash message and changes nothing.
#[post("/allocations/<id>/actions", data = "<form>")]
pub(crate) async fn decide(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<DecideForm>,
) -> Result<Answer<Flash<Redirect>>, AppError> {
    treasury::require_staff(&session)?;
    if !form.confirm.0 {
        let asked =
            crate::web::disbursements::confirm::allocation(db, session.actor(), id, &form.action, form.comment.trim())
                .await?;
        if let Some(c) = asked {
            return Ok(c.page(&session));
        }
    }
    let to = format!("/allocations/{id}");
    let done = crate::app::allocations::decide_allocation(db, session.actor(), id, &form.action, form.comment.trim())
        .await
        .map(|()| {
            let what = if form.action == "approve" {
                "分配方案已批准，核定金额已生效"
            } else {
                "分配方案已撤销"
            };
            (to.clone(), what.to_owned())
        });
    answer(done, &to).map(Answer::Done)
}
