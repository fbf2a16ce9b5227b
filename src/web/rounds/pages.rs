//! Rounds: list, create from the policy form or a pasted/uploaded TOML, show with the
//! engine's trial figures, edit while open. Shared with the API: `create`, `update`, `computed`.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::fs::TempFile;
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;

use crate::engine::RoundStatus;
use crate::engine::{Policy, Project, RoundResult};
use crate::error::AppError;
use crate::storage::{self, projects::Record, rounds::Round, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::views;
use crate::web::rounds::policy_form::PolicyForm;

/// A round by year, or 404.
///
/// # Errors
/// `NotFound` or a database error.
pub(crate) async fn find(db: &Db, year: i32) -> Result<Round, AppError> {
    let mut conn = db.inner.acquire().await?;
    storage::rounds::find_by_year(&mut conn, year).await?.ok_or(AppError::NotFound)
}

/// The projects of a round that its calculation counts (`review::State::counts`: not
/// drafts, rejected or withdrawn ones), in workbook order: the engine's input for the
/// trial calculation and the figures.
///
/// # Errors
/// A database error.
pub(crate) async fn counted(conn: &mut storage::Conn, round_id: i64) -> Result<Vec<(Record, Project)>, sqlx::Error> {
    let mut all = storage::load::round(conn, round_id).await?;
    all.retain(|(r, _)| r.state.counts());
    Ok(all)
}

/// A round's policy, its counted projects and the engine's result over them.
///
/// # Errors
/// A stored policy that no longer parses (never expected), or a database error.
pub(crate) async fn computed(
    db: &Db,
    round: &Round,
) -> Result<(Policy, Vec<(Record, Project)>, RoundResult), AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut conn = db.inner.acquire().await?;
    let stored = counted(&mut conn, round.id).await?;
    let (records, projects): (Vec<_>, Vec<Project>) = stored.iter().cloned().unzip();
    let result = crate::reports::settled(&mut conn, round.id, &policy, &records, &projects).await?;
    Ok((policy, stored, result))
}

/// Create a round from policy text (division staff only).
///
/// # Errors
/// `Forbidden`, `Invalid` (the policy names the field), `Conflict` (the year exists).
pub(crate) async fn create(db: &Db, session: &Session, toml: &str) -> Result<Round, AppError> {
    session.require(session.role.may_manage_rounds())?;
    let policy = crate::import::policy(toml)?;
    let mut tx = storage::begin_write(db).await?;
    if storage::rounds::find_by_year(&mut tx, policy.year).await?.is_some() {
        return Err(AppError::Conflict(format!("{}年度已存在", policy.year)));
    }
    let id = storage::rounds::insert(&mut tx, &policy, toml, RoundStatus::Open).await?;
    let round = storage::rounds::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let mut e = session.actor().entry("round.create", "round", id, Some(id));
    e.new = round_json(&round);
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(round)
}

/// Replace an open round's policy (same year; nothing granted yet).
///
/// # Errors
/// `Forbidden`, `Invalid`, `Conflict` when the round is closed, has grants, or the year changed.
pub(crate) async fn update(db: &Db, session: &Session, round: &Round, toml: &str) -> Result<(), AppError> {
    session.require(session.role.may_manage_rounds())?;
    let policy = crate::import::policy(toml)?;
    if policy.year != round.year {
        return Err(AppError::Invalid("年度不能修改".into()));
    }
    let mut tx = storage::begin_write(db).await?;
    let before = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    match storage::rounds::update_policy(&mut tx, round.id, &policy, toml).await {
        Err(sqlx::Error::RowNotFound) => {
            return Err(AppError::Conflict("该年度已关闭或已核定贴息，政策不能再修改".into()))
        }
        other => other?,
    }
    let after = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    let mut e = session.actor().entry("round.policy_update", "round", round.id, Some(round.id));
    (e.old, e.new) = (round_json(&before), round_json(&after));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// Open or close a round (division staff only); audited.
///
/// # Errors
/// `Forbidden`, `Invalid` (a status other than open or closed), `NotFound`, or a database error.
pub async fn set_status(pool: &storage::Pool, session: &Session, round: &Round, status: &str) -> Result<(), AppError> {
    session.require(session.role.may_manage_rounds())?;
    let Some(status) = RoundStatus::parse(status) else {
        return Err(AppError::Invalid("年度状态只能是 open 或 closed".into()));
    };
    let mut tx = storage::begin_write(pool).await?;
    let before = storage::rounds::find(&mut tx, round.id).await?.ok_or(AppError::NotFound)?;
    storage::rounds::set_status(&mut tx, round.id, status).await?;
    let mut e = session.actor().entry("round.status", "round", round.id, Some(round.id));
    (e.old, e.new) = (serde_json::json!({ "status": before.status }), serde_json::json!({ "status": status }));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}

/// A round as the audit trail keeps it (the policy text holds no personal numbers).
fn round_json(r: &Round) -> serde_json::Value {
    serde_json::json!({ "year": r.year, "name": r.name, "status": r.status, "policy_toml": r.policy_toml })
}

#[get("/rounds")]
pub(crate) async fn index(db: &Db, session: Session) -> Result<Template, AppError> {
    let mut conn = db.inner.acquire().await?;
    let rounds = storage::rounds::list(&mut conn).await?;
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
    match create(db, &session, &toml).await {
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
    let round = find(db, year).await?;
    let (policy, _, result) = computed(db, &round).await?;
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
            may_report: session.scope() == storage::projects::Scope::All,
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
    let round = find(db, year).await?;
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
    let round = find(db, year).await?;
    let toml = form.text().await?;
    match update(db, &session, &round, &toml).await {
        Ok(()) => Ok(Ok(Flash::success(Redirect::to(format!("/rounds/{year}")), "年度政策已保存"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            Ok(Err((e.status(), form_page(&session, &form.policy, &toml, Some(year), Some(e.to_string())))))
        }
        Err(e) => Err(e),
    }
}
