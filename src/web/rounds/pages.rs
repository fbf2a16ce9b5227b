//! Rounds: list, create from the policy form or a pasted/uploaded TOML, show with the
//! engine's trial figures, edit while open. The changes themselves are `app::rounds`'.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;

use crate::app::rounds;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::views;
use crate::web::rounds::policy_form::PolicyForm;

#[get("/rounds")]
pub(crate) async fn index(db: &Db, session: Session) -> Result<Template, AppError> {
    let rounds = rounds::list(db).await?;
    let rows: Vec<_> = rounds.iter().map(|r| context! { year: r.year, name: &r.name, status: &r.status }).collect();
    Ok(Template::render("rounds/index", context! { me: crate::web::kernel::pages::me(&session), rounds: rows }))
}

#[get("/rounds/new")]
#[expect(clippy::needless_pass_by_value, reason = "Rocket request guards are taken by value")]
pub(crate) fn new(session: Session) -> Result<Template, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let example = crate::import::policy(EXAMPLE).map_err(AppError::from)?;
    Ok(form_page(&session, &PolicyForm::from_policy(&example), EXAMPLE, None, None))
}

/// The example policy that a new round starts from (`policy.example.toml`).
pub const EXAMPLE: &str = include_str!("../../../data/policy.example.toml");

fn form_page(session: &Session, form: &PolicyForm, toml: &str, year: Option<i32>, error: Option<String>) -> Template {
    Template::render(
        "rounds/form",
        context! { me: crate::web::kernel::pages::me(session), f: form, toml, year, error, types: PolicyForm::type_options() },
    )
}

/// The round form: the structured fields, or TOML pasted or uploaded (which then wins).
#[derive(FromForm)]
pub struct RoundForm<'r> {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    source: String,
    policy: PolicyForm,
    toml: String,
    toml_file: Option<TempFile<'r>>,
}

impl RoundForm<'_> {
    async fn text(&mut self) -> Result<String, AppError> {
        if let Some(file) = self.toml_file.as_mut().filter(|f| f.len() > 0) {
            if file.len() > 256 * 1024 {
                return Err(AppError::TooLarge);
            }
            let mut text = String::new();
            file.open()
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?
                .read_to_string(&mut text)
                .await
                .map_err(|_| AppError::Invalid("政策文件应为 UTF-8 编码的 TOML".into()))?;
            return Ok(text);
        }
        Ok(if self.source == "toml" { self.toml.clone() } else { self.policy.to_toml() })
    }
}

#[post("/rounds", data = "<form>")]
pub(crate) async fn create_page(
    db: &Db,
    session: Session,
    mut form: Form<RoundForm<'_>>,
) -> Result<Result<Redirect, (rocket::http::Status, Template)>, AppError> {
    let toml = form.text().await?;
    match rounds::create(db, session.actor(), &toml).await {
        Ok(round) => Ok(Ok(Redirect::to(format!("/rounds/{}", round.year)))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            Ok(Err((e.status(), form_page(&session, &form.policy, &toml, None, Some(e.to_string())))))
        }
        Err(e) => Err(e),
    }
}

#[get("/rounds/<year>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    year: i32,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let round = rounds::find(db, year).await?;
    let (policy, _, result) = rounds::computed(db, &round).await?;
    // Issue 15 item 4: a round just opened offers the previous round's continuing loans.
    let carry = if session.role.may_manage_rounds() && round.status == RoundStatus::Open {
        Some(crate::app::carry::offered(db, session.actor(), &round).await?)
    } else {
        None
    };
    let (error, notice) = crate::web::kernel::pages::flash_parts(flash);
    Ok(Template::render(
        "rounds/show",
        context! {
            me: crate::web::kernel::pages::me(&session),
            round: context! { year: round.year, name: &round.name, status: &round.status, toml: &round.policy_toml },
            pools: views::pools(&result),
            policy: super::policy_view::lines(&policy),
            may_read_file: session.role == crate::accounts::Role::DivisionStaff,
            budget: views::yuan(policy.budget()),
            figures: views::FiguresView::new(&result.totals),
            may_manage: session.role.may_manage_rounds() && round.status == RoundStatus::Open,
            may_import: session.role.may_import() && round.status == RoundStatus::Open,
            may_report: session.scope() == crate::app::Scope::All,
            may_full_ids: session.role == crate::accounts::Role::DivisionStaff,
            may_read_money: crate::web::allocations::treasury::require_reader(&session).is_ok(),
            may_statements: session.role != crate::accounts::Role::Cooperative,
            may_carried: session.role.may_import(),
            carry, error, notice,
        },
    ))
}

#[get("/rounds/<year>/edit")]
pub(crate) async fn edit(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let round = rounds::find(db, year).await?;
    let policy = crate::import::policy(&round.policy_toml)?;
    Ok(form_page(&session, &PolicyForm::from_policy(&policy), &round.policy_toml, Some(year), None))
}

#[post("/rounds/<year>", data = "<form>")]
pub(crate) async fn update_page(
    db: &Db,
    session: Session,
    year: i32,
    mut form: Form<RoundForm<'_>>,
) -> Result<Result<Flash<Redirect>, (rocket::http::Status, Template)>, AppError> {
    let round = rounds::find(db, year).await?;
    let toml = form.text().await?;
    match rounds::update(db, session.actor(), &round, &toml).await {
        Ok(()) => Ok(Ok(Flash::success(Redirect::to(format!("/rounds/{year}")), "年度政策已保存"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            Ok(Err((e.status(), form_page(&session, &form.policy, &toml, Some(year), Some(e.to_string())))))
        }
        Err(e) => Err(e),
    }
}
