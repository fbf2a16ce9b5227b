//! Carrying continuing loans forward on the pages (issue 15 item 4, docs/facts.md
//! "Continuing loans"): the round page offers division staff the previous round's approved
//! projects whose loans still run into the new window; those carried arrive as drafts for
//! their regiment, whose page (`/rounds/<year>/carried`) confirms or drops each (a draft is
//! edited as every unreviewed project is, by importing a workbook with its 项目编号). The
//! use cases are `app::carry`, the same as the API's.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::response::{Flash, Redirect};

use crate::app::carry;
use crate::app::rounds::find as round;
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::pages::{flash_parts, me};

/// The offer's form: the projects ticked (ids of the previous round).
#[derive(FromForm)]
pub struct CarryForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    projects: Vec<i64>,
}

/// Carry the ticked projects forward as drafts; then to the drafts' page.
#[post("/rounds/<year>/carry_forward", data = "<form>")]
pub(crate) async fn forward(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<CarryForm>,
) -> Result<Flash<Redirect>, AppError> {
    let round = round(db, year).await?;
    let to = Redirect::to(format!("/rounds/{year}/carried"));
    if form.projects.is_empty() {
        return Ok(Flash::error(Redirect::to(format!("/rounds/{year}")), "请勾选要结转的项目"));
    }
    let done = carry::forward(db, session.actor(), &round, Some(&form.projects)).await?;
    let n = done["carried"].as_array().map_or(0, Vec::len);
    Ok(Flash::success(to, format!("已结转 {n} 个项目，作为草稿交各团场确认")))
}

// Deliberately like the statements' index (web/rounds/statement_pages.rs): two lists of a round, each with its own template and flags.
#[get("/rounds/<year>/carried")]
pub(crate) async fn drafts(
    db: &Db,
    session: Session,
    year: i32,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let round = round(db, year).await?;
    let list = carry::drafts(db, session.actor(), &round).await?;
    let (error, notice) = flash_parts(flash);
    Ok(Template::render(
        "rounds/carried",
        context! {
            me: me(&session), year: round.year, name: &round.name, list, open: round.status == RoundStatus::Open,
            may_import: session.role.may_import(), error, notice,
        },
    ))
}

/// The regiment's decision on one carried draft: `confirm` or `drop`.
#[derive(FromForm)]
pub struct SettleForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    decision: String,
}

#[post("/projects/<id>/carried", data = "<form>")]
pub(crate) async fn settle(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<SettleForm>,
) -> Result<Flash<Redirect>, AppError> {
    let keep = match form.decision.as_str() {
        "confirm" => true,
        "drop" => false,
        _ => return Err(AppError::Invalid("请选择确认或放弃".into())),
    };
    let year = crate::app::carry::year_of(db, session.actor(), id).await?;
    carry::settle(db, session.actor(), id, keep).await?;
    let to = Redirect::to(format!("/rounds/{year}/carried"));
    Ok(Flash::success(to, if keep { "已确认，项目进入团场初审" } else { "已放弃结转，项目已撤回" }))
}
