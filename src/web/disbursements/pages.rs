//! The pages of disbursement batches (拨付批次): a round's batches, the form that prepares
//! one from the granted projects with something left to pay, a batch with its items and
//! control totals (approve, pay, cancel), and the clawback (追回) of a paid item. The reads
//! and changes are `app::disbursements`' (the same as the API's). Division staff act; auditors read.
//! Payee accounts are whole only for division staff on a batch's own page.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use serde_json::{json, Value};

use crate::accounts::Role;
use crate::app::disbursements::{self, Action, Request};
use crate::engine::RoundStatus;
use crate::engine::{allocation as alloc, Money};
use crate::error::AppError;
use crate::export::mask;
use crate::signoff::disbursement::{self, Action as Step};
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{self, answer, may_act, require_reader, require_staff};
use crate::web::disbursements::view;
use crate::web::kernel::confirm::{Answer, Confirmed};

/// The pages' routes (mounted at `/`).
#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![index, new, prepare, show, decide, claw_back]
}

/// `GET /rounds/<year>/disbursements`: the round's batches with state and control totals.
// Deliberately like `new` below, the allocations' index (web/allocations/pages.rs) and the project page (web/projects/pages.rs): Rocket's guards are the arguments.
#[get("/rounds/<year>/disbursements")]
pub(crate) async fn index(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    year: i32,
) -> Result<Template, AppError> {
    let (round, list) = disbursements::of_round(db, session.actor(), year).await?;
    let totals = super::list::totals(&list);
    let list: Vec<Value> = list.iter().map(|b| view::batch_json(b, None, false)).collect();
    Ok(Template::render(
        "disbursements/index",
        context! {
            me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()),
            year, round_name: &round.name, batches: list, may_act: may_act(&session, &round), totals,
        },
    ))
}

/// `GET /rounds/<year>/disbursements/new`: every granted project with something left to pay and
/// what this batch would pay it (`engine::allocation::to_pay`).
#[get("/rounds/<year>/disbursements/new")]
pub(crate) async fn new(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    year: i32,
) -> Result<Template, AppError> {
    let (round, payees) = disbursements::candidates(db, session.actor(), year).await?;
    let candidates: Vec<Value> = payees
        .iter()
        .filter_map(|p| {
            let amount = alloc::to_pay(p.granted, p.paid, p.open_payment);
            amount.is_positive().then(|| {
                json!({ "id": p.project_id, "key": p.key, "name": p.name, "unit": p.unit, "granted": p.granted,
                    "paid": p.paid, "amount": amount, "payee_name": p.payee_name, "payee_bank": p.payee_bank,
                    "payee_account": mask::account(&p.payee_account),
                    "payee_missing": crate::engine::payment::missing_payee(&p.payee_name, &p.payee_bank, &p.payee_account).join("、"),
                    "payee_stranger": !crate::engine::payment::payee_is_applicant(&p.payee_name, &p.leader, &p.org_name) })
            })
        })
        .collect();
    Ok(Template::render(
        "disbursements/new",
        context! {
            me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()),
            year, candidates, open: round.status == RoundStatus::Open,
        },
    ))
}

/// The selected projects of a new batch.
#[derive(FromForm)]
pub struct PrepareForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    #[field(default = Vec::new())]
    ids: Vec<i64>,
    #[field(default = String::new())]
    comment: String,
    /// 已核对收款户名: the preparer read the warnings of payees not the applicant's.
    #[field(default = false)]
    acknowledged: bool,
}

/// `POST /rounds/<year>/disbursements`: prepare a payment batch of the selected projects.
#[post("/rounds/<year>/disbursements", data = "<form>")]
pub(crate) async fn prepare(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<PrepareForm>,
) -> Result<Flash<Redirect>, AppError> {
    require_staff(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
    let request = Request::Payment(form.ids.clone(), form.acknowledged);
    let done =
        disbursements::prepare(db, session.actor(), &round, &request, form.comment.trim()).await.map(|(id, number)| {
            (format!("/disbursements/{id}"), format!("拨付批次 {number} 已编制，须由另一位财务人员审核"))
        });
    answer(done, &format!("/rounds/{year}/disbursements/new"))
}

/// `GET /disbursements/<id>`: the items, the pool split per item, the control totals and the
/// buttons this session may use.
#[get("/disbursements/<id>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    id: i64,
) -> Result<Template, AppError> {
    let disbursements::Detail { batch: b, round, pools, items, preparer, approver, bank_return } =
        disbursements::detail(db, session.actor(), id).await?;
    let mut batch = view::batch_json(&b, Some(&items), session.role == Role::DivisionStaff);
    for (view, item) in batch["items"].as_array_mut().into_iter().flatten().zip(&items) {
        view["pool_parts"] = json!(treasury::parts_in(&pools, &item.parts));
    }
    // The buttons are the state machine's (`signoff::disbursement`); all but the bank
    // file only while the round is open.
    let offered = disbursement::available(session.actor().asker(), &crate::app::disbursements::facts(&b));
    let act = |a: Step| may_act(&session, &round) && offered.contains(&a);
    Ok(Template::render(
        "disbursements/show",
        context! {
            me: crate::web::kernel::pages::me(&session), flash: flash.map(|f| f.message().to_string()),
            year: round.year, b: batch, pools: pools.iter().map(|p| &p.name).collect::<Vec<_>>(),
            preparer, approver,
            may_approve: act(Step::Approve), may_pay: act(Step::Pay), may_cancel: act(Step::Cancel),
            may_claw_back: act(Step::ClawBack), may_return: act(Step::Return),
            bank_file: offered.contains(&Step::BankFile),
            bank_return: bank_return.map(|r| json!({ "file_name": r.file_name,
                "paid_on": r.paid_on, "line_count": r.line_count, "total": r.total,
                "failed_count": r.failed_count })),
        },
    ))
}

/// A batch's button: approve, pay (voucher number and date) or cancel.
#[derive(FromForm)]
pub struct ActionForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    action: String,
    #[field(default = String::new())]
    voucher_no: String,
    #[field(default = String::new())]
    paid_on: String,
    #[field(default = String::new())]
    comment: String,
    confirm: Confirmed,
}

/// `POST /disbursements/<id>/actions`: pay and cancel ask first (`web::kernel::confirm`); a refusal (the
/// preparer approving, no voucher) is a flash.
#[post("/disbursements/<id>/actions", data = "<form>")]
pub(crate) async fn decide(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ActionForm>,
) -> Result<Answer<Flash<Redirect>>, AppError> {
    require_staff(&session)?;
    let to = format!("/disbursements/{id}");
    let action = Action {
        action: form.action.clone(),
        voucher_no: Some(form.voucher_no.clone()),
        paid_on: Some(form.paid_on.clone()),
        comment: Some(form.comment.clone()),
    };
    if !form.confirm.0 {
        if let Some(c) = crate::web::disbursements::confirm::batch(db, session.actor(), id, &action).await? {
            return Ok(c.page(&session));
        }
    }
    let done = disbursements::decide(db, session.actor(), id, &action).await.map(|()| {
        let what = match form.action.as_str() {
            "approve" => "批次已审核",
            "pay" => "批次已拨付",
            _ => "批次已撤销",
        };
        (to.clone(), what.to_owned())
    });
    answer(done, &to).map(Answer::Done)
}

/// A clawback of one paid project: how much (yuan; empty: all that is paid) and why.
#[derive(FromForm)]
pub struct ClawbackForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    project_id: i64,
    #[field(default = String::new())]
    amount: String,
    #[field(default = String::new())]
    comment: String,
    confirm: Confirmed,
}

/// `POST /disbursements/<id>/clawbacks`: prepare a clawback batch (追回) of a project paid by this
/// batch, after asking (`web::kernel::confirm`).
#[post("/disbursements/<id>/clawbacks", data = "<form>")]
pub(crate) async fn claw_back(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ClawbackForm>,
) -> Result<Answer<Flash<Redirect>>, AppError> {
    require_staff(&session)?;
    if !form.confirm.0 {
        let asked = crate::web::disbursements::confirm::clawback(
            db,
            session.actor(),
            id,
            form.project_id,
            &form.amount,
            &form.comment,
        )
        .await?;
        if let Some(c) = asked {
            return Ok(c.page(&session));
        }
    }
    let back = format!("/disbursements/{id}");
    let round = disbursements::round_of(db, session.actor(), id).await?;
    let amount = match form.amount.trim() {
        "" => Ok(None),
        s => s.parse::<Money>().map(Some).map_err(|_| AppError::Invalid(format!("追回金额“{s}”不是有效的金额"))),
    };
    let done = match amount {
        Ok(amount) => {
            let request = Request::Clawback { project_id: form.project_id, amount };
            disbursements::prepare(db, session.actor(), &round, &request, form.comment.trim()).await
        }
        Err(e) => Err(e),
    };
    let done = done
        .map(|(id, number)| (format!("/disbursements/{id}"), format!("追回批次 {number} 已编制，须审核并支付后生效")));
    answer(done, &back).map(Answer::Done)
}

/// The project page's 贴息核定与拨付: its grant lines and batch items (read-only), for
/// every role that sees the project except the bureau's reviewers (no money).
///
/// # Errors
/// A database error.
pub(crate) async fn project_money(db: &Db, session: &Session, id: i64) -> Result<Option<Value>, AppError> {
    let Some(disbursements::OfProject { held, lines, payments }) =
        disbursements::of_project(db, session.actor(), id).await?
    else {
        return Ok(None);
    };
    let lines: Vec<Value> = lines
        .iter()
        .map(|g| {
            json!({ "kind_label": g.kind.label(), "state_label": g.state.label(), "amount": g.amount,
            "status_label": g.status.label() })
        })
        .collect();
    let payments: Vec<Value> = payments
        .iter()
        .map(|p| {
            json!({ "batch_id": p.batch_id, "number": p.number, "kind_label": p.kind.label(),
            "state_label": p.state.label(), "amount": p.amount, "paid_on": p.paid_on, "failed": p.failed,
            "line_failed": p.failed.is_some() })
        })
        .collect();
    Ok(Some(json!({ "granted": held.granted, "paid": held.paid,
        "lines": lines, "payments": payments, "links": require_reader(session).is_ok() })))
}
