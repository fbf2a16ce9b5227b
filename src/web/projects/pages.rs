//! The project list (filters, paging) and the project page with its loans and the
//! engine's per-loan explanation. Another user's project answers 404.

use std::sync::Arc;

use crate::web::kernel::templates::{context, Template};
use rocket::http::uri::Origin;
use rocket::request::FlashMessage;

use crate::app::lists::Filter;
use crate::app::projects;
use crate::engine::RoundStatus;
use crate::engine::{Money, Project};
use crate::error::AppError;
use crate::export::mask;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::cache::{Html, Kept};
use crate::web::kernel::params::Number;
use crate::web::kernel::views::{self, ProjectRow};

use super::explain::{loan_views, project_explained};

pub const PER_PAGE: i64 = 50;

/// One page of a round's projects for this session, and the count that match (counted
/// once per generation, scope and filter: `cache`).
///
/// # Errors
/// `NotFound` (no such round) or a database error.
pub(crate) async fn page(
    db: &Db,
    kept: Kept<'_>,
    session: &Session,
    year: i32,
    filter: &Filter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ProjectRow>, i64, super::list::Totals), AppError> {
    let (caches, generation) = (kept.caches, kept.generation);
    let round = crate::app::rounds::find(db, year).await?;
    let scope = session.scope();
    let mut conn = db.inner.acquire().await?;
    let per_page = per_page.clamp(1, 500);
    let key = (round.id, scope, filter.clone());
    let total = if let Some(total) = caches.totals.get(&key, generation) {
        *total
    } else {
        let total = crate::app::lists::count(&mut conn, session.actor(), round.id, filter).await?;
        caches.totals.put(key.clone(), generation, Arc::new(total));
        total
    };
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    let list = crate::app::lists::page(&mut conn, session.actor(), round.id, filter, (offset, per_page)).await?;
    let (rows, totals) = super::list::rows(&mut conn, &list).await?;
    Ok((rows, total, totals))
}

/// The sum of a project's principals, as listed (the figures dedupe contracts; a list does not).
fn principal(p: &Project) -> Money {
    crate::engine::report::sum(p.loans.iter().map(|l| l.principal))
}

#[expect(clippy::too_many_arguments, reason = "Rocket's request guards")]
#[get("/rounds/<year>/projects?<page>&<filter..>")]
pub(crate) async fn index(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    kept: Kept<'_>,
    uri: &Origin<'_>,
    year: i32,
    filter: Filter,
    page: Number<i64>,
) -> Result<Html, AppError> {
    let filter = filter.without_blanks();
    let flash = flash.map(|f| f.message().to_string());
    let keep = flash.is_none();
    let make = async {
        let current = page.or(1).max(1);
        let (rows, total, totals) = self::page(db, kept, &session, year, &filter, current, PER_PAGE).await?;
        let pages = (total + PER_PAGE - 1) / PER_PAGE;
        let context = context! {
            me: crate::web::kernel::pages::me(&session), flash, year, rows, total, totals, page: current, pages,
            unit: &filter.unit, applicant_type: &filter.applicant_type, status: &filter.status,
            types: crate::web::rounds::policy_form::PolicyForm::type_options(),
            statuses: ["funded", "partially_funded", "waitlisted", "ineligible"].map(|s| (s, views::status_label(s))),
            states: crate::review::State::ALL.map(|s| (s.code(), s.label())), state: &filter.state,
            may_bulk: session.role == crate::accounts::Role::DivisionStaff, once: crate::web::kernel::cache::ONCE,
        };
        kept.render("projects/index", context)
    };
    Ok(kept.page(&session, &uri.to_string(), keep, make).await?.with_fresh_key())
}

async fn render(
    db: &Db,
    session: &Session,
    id: i64,
    full_id: Option<String>,
    flash: Option<String>,
) -> Result<Template, AppError> {
    let d = projects::detail(db, session.actor(), id).await?;
    let (record, project, result) = (&d.record, &d.project, &d.result);
    let row = ProjectRow::new(record, project, principal(project));
    let review = crate::web::review::pages::panel(db, session, id).await?;
    let state = record.state;
    let round_open = crate::app::rounds::find(db, d.year).await?.status == RoundStatus::Open;
    let uncut_requested = d.uncut.as_ref().map(|u| views::yuan(u.requested));
    Ok(Template::render(
        "projects/show",
        context! {
            me: crate::web::kernel::pages::me(session), flash, year: d.year, p: row, org_name: &project.applicant.org_name,
            phone: mask::phone(&project.applicant.phone), union_member: project.union_member,
            reasons: result.reasons.iter().map(|r| r.label()).collect::<Vec<_>>(),
            requested: views::yuan(result.requested), trial_granted: views::yuan(result.granted),
            uncut_requested, status_label: result.status.label(), loans: loan_views(&d),
            review, money: crate::web::disbursements::pages::project_money(db, session, id).await?,
            payee: super::payees::of(db, session, id).await?,
            may_reveal: projects::may_reveal(session.actor()), full_id, explained: project_explained(&d),
            may_cut: crate::app::review::cuts::may_cut(session.actor(), state, round_open),
            cut_reasons: crate::engine::facts::CutReason::ALL.map(|r| (r.code(), r.label())),
            unit_correction: crate::web::division::units::correction(db, session, round_open).await?,
        },
    ))
}

#[get("/projects/<id>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    flash: Option<FlashMessage<'_>>,
    id: i64,
) -> Result<Template, AppError> {
    render(db, &session, id, None, flash.map(|f| f.message().to_string())).await
}

/// The project page with the full ID number (the CSRF token is checked by the fairing).
#[post("/projects/<id>/id-number")]
pub(crate) async fn reveal_page(db: &Db, session: Session, id: i64) -> Result<Template, AppError> {
    let full = projects::reveal(db, session.actor(), id).await?;
    render(db, &session, id, Some(full), None).await
}
