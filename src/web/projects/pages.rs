//! The project list (filters, paging) and the project page with its loans and the
//! engine's per-loan explanation. Another user's project answers 404.

use std::sync::Arc;

use crate::web::kernel::templates::{context, Template};
use rocket::http::uri::Origin;
use rocket::request::FlashMessage;
use serde::Serialize;

use crate::accounts::Role;
use crate::engine::{LoanResult, Money, Project};
use crate::error::AppError;
use crate::export::mask;
use crate::storage::{self, load::Filter, projects::Record, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::cache::{Html, Kept};
use crate::web::kernel::params::Number;
use crate::web::kernel::views::{self, ProjectRow};

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
    let round = crate::web::rounds::pages::find(db, year).await?;
    let scope = session.scope();
    let mut conn = db.inner.acquire().await?;
    let per_page = per_page.clamp(1, 500);
    let key = (round.id, scope, filter.clone());
    let total = if let Some(total) = caches.totals.get(&key, generation) {
        *total
    } else {
        let total = storage::load::count(&mut conn, round.id, &key.1, filter).await?;
        caches.totals.put(key.clone(), generation, Arc::new(total));
        total
    };
    let offset = (page.max(1) - 1).saturating_mul(per_page);
    let list = storage::load::page(&mut conn, round.id, &key.1, filter, offset, per_page).await?;
    let (rows, totals) = super::list::rows(&mut conn, &list).await?;
    Ok((rows, total, totals))
}

/// The sum of a project's principals, as listed (the figures dedupe contracts; a list does not).
fn principal(p: &Project) -> Money {
    crate::engine::report::sum(p.loans.iter().map(|l| l.principal))
}

/// A project as its page and the API show it.
pub(crate) struct Detail {
    pub record: Record,
    pub project: Project,
    /// The engine's result for it, with the round's facts (the review cuts in force).
    pub result: crate::engine::ProjectResult,
    pub year: i32,
    /// The review cuts in force on its loans (docs/rules.md §9).
    pub cuts: Vec<storage::cuts::Stored>,
    /// Its result without the review cuts (what was asked, 申请), when it has any.
    pub uncut: Option<crate::engine::ProjectResult>,
}

/// A project the session may see, with the engine's result for it (computed over its round,
/// so that duplicates across projects and the principal cap are as in the final figures).
///
/// # Errors
/// `NotFound` when it does not exist or is not the session's to see.
pub(crate) async fn detail(db: &Db, session: &Session, id: i64) -> Result<Detail, AppError> {
    let mut conn = db.inner.acquire().await?;
    let (record, project) = storage::load::project(&mut conn, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut conn, record.round_id).await?.ok_or(AppError::NotFound)?;
    let mut facts = storage::facts::round(&mut conn, round.id).await?;
    let cuts: Vec<_> =
        storage::cuts::in_force(&mut conn, round.id).await?.into_iter().filter(|c| c.project_id == id).collect();
    drop(conn);
    let (policy, stored, result) = crate::web::rounds::pages::computed(db, &round).await?;
    let at = stored.iter().position(|(r, _)| r.id == id);
    // Not counted (draft, rejected, withdrawn): what it would get after the counted ones.
    let mut all: Vec<Project> = stored.into_iter().map(|(_, p)| p).collect();
    if at.is_none() {
        all.push(project.clone());
    }
    let own = |r: crate::engine::RoundResult| match at {
        Some(at) => r.projects.into_iter().nth(at),
        None => r.projects.into_iter().last(),
    };
    let result = match at {
        Some(_) => own(result),
        None => own(crate::engine::compute_with(&policy, &all, &facts)),
    }
    .ok_or(AppError::NotFound)?;
    let uncut = if cuts.is_empty() {
        None
    } else {
        facts.cuts.clear();
        own(crate::engine::compute_with(&policy, &all, &facts))
    };
    Ok(Detail { record, project, result, year: round.year, cuts, uncut })
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
    let blank = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
    let filter = Filter {
        unit: blank(filter.unit),
        applicant_type: blank(filter.applicant_type),
        status: blank(filter.status),
        state: blank(filter.state),
    };
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

/// A loan as the project page shows it: its row and the pieces of the explanation.
#[derive(Serialize)]
struct LoanView<'a> {
    contract_no: &'a str,
    bank: &'a str,
    principal: String,
    rate: String,
    disbursed_on: String,
    maturity_on: String,
    settled_on: String,
    result: &'a LoanResult,
    computed: String,
    subsidy: String,
    reasons: Vec<&'static str>,
    pieces: Vec<PieceView>,
    /// What the loan asks without the review cut (申请), when it has one.
    applied: Option<String>,
    /// The cut in force: what, why, by whom and when.
    cut: Option<String>,
    cut_by: String,
    cut_at: String,
    /// Why the subsidy differs from the table, in words (issue 17 item 4).
    explained: Vec<String>,
}

#[derive(Serialize)]
struct PieceView {
    from: String,
    last: String,
    days: i64,
    balance: String,
    rate: String,
    subsidised_rate: String,
    amount: String,
}

fn pieces(r: &LoanResult) -> Vec<PieceView> {
    r.pieces
        .iter()
        .map(|p| PieceView {
            from: p.from.to_string(),
            last: p.to.pred_opt().unwrap_or(p.to).to_string(),
            days: p.days,
            balance: views::yuan(p.balance),
            rate: p.rate.normalize().to_string(),
            subsidised_rate: p.subsidised_rate.normalize().to_string(),
            amount: grouped(&p.amount().round_dp(4).to_string()),
        })
        .collect()
}

/// A decimal written with thousands separators (`130,641.6667`), as amounts are shown.
fn grouped(s: &str) -> String {
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    frac.map_or(out.clone(), |f| format!("{out}.{f}"))
}

/// The sentences that say why a loan's 贴息额 is not the sum of its table: the principal
/// cap's scaling (docs/rules.md §4) and each cap that lowered it (its reasons).
fn explained(r: &LoanResult) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((cap, total)) = r.factor {
        out.push(format!(
            "本项目贷款合计 {} 元，超过贷款金额上限 {} 元：上表按贷款全额计算的贴息额，按 {} ÷ {} 的比例折算，得计算值 {} 元。",
            views::yuan(total), views::yuan(cap), views::yuan(cap), views::yuan(total), views::yuan(r.computed)
        ));
    }
    if r.subsidy < r.computed {
        let why: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        let why = if why.is_empty() { String::new() } else { format!("：{}", why.join("；")) };
        out.push(format!("贴息额 {} 元低于计算值 {} 元{why}。", views::yuan(r.subsidy), views::yuan(r.computed)));
    }
    out
}

fn loan_views(d: &Detail) -> Vec<LoanView<'_>> {
    let uncut = d.uncut.as_ref().map(|u| u.loans.as_slice());
    d.project
        .loans
        .iter()
        .zip(&d.result.loans)
        .enumerate()
        .map(|(i, (l, r))| {
            let cut = d.cuts.iter().find(|c| c.contract_no == l.contract_no);
            let applied = cut.and(uncut).and_then(|u| u.get(i)).map(|u| views::yuan(u.subsidy));
            LoanView {
                contract_no: &l.contract_no,
                bank: &l.bank,
                principal: views::yuan(l.principal),
                rate: l.rate.normalize().to_string(),
                disbursed_on: l.disbursed_on.to_string(),
                maturity_on: l.maturity_on.to_string(),
                settled_on: l.settled_on.map(|d| d.to_string()).unwrap_or_default(),
                result: r,
                computed: views::yuan(r.computed),
                subsidy: views::yuan(r.subsidy),
                reasons: r.reasons.iter().map(|x| x.label()).collect(),
                pieces: pieces(r),
                applied,
                cut: cut.and_then(|c| c.cut.as_ref()).map(crate::export::cut::describe),
                cut_by: cut.map(|c| c.actor.clone()).unwrap_or_default(),
                cut_at: cut.map(|c| c.at.clone()).unwrap_or_default(),
                explained: explained(r),
            }
        })
        .collect()
}

/// Division staff and auditors may see one project's full ID number; every reveal is
/// audited (`id_number.reveal`, the number masked in the entry). Others get 403.
///
/// # Errors
/// `Forbidden`, `NotFound` or a database error.
pub(crate) async fn reveal(db: &Db, session: &Session, id: i64) -> Result<String, AppError> {
    session.require(may_reveal(session))?;
    let mut tx = storage::begin_write(db).await?;
    let (record, project) = storage::load::project(&mut tx, id, &session.scope()).await?.ok_or(AppError::NotFound)?;
    let full = project.applicant.id_number;
    let mut e = session.actor().entry("id_number.reveal", "project", id, Some(record.round_id));
    e.new = serde_json::json!({ "id_number": mask::id_number(&full) });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(full)
}

fn may_reveal(session: &Session) -> bool {
    matches!(session.role, Role::DivisionStaff | Role::Auditor)
}

async fn render(
    db: &Db,
    session: &Session,
    id: i64,
    full_id: Option<String>,
    flash: Option<String>,
) -> Result<Template, AppError> {
    let d = detail(db, session, id).await?;
    let (record, project, result) = (&d.record, &d.project, &d.result);
    let row = ProjectRow::new(record, project, principal(project));
    let review = crate::web::review::pages::panel(db, session, id).await?;
    let state = crate::review::State::parse(&record.state).unwrap_or(crate::review::State::Submitted);
    let round_open = crate::web::rounds::pages::find(db, d.year).await?.status == "open";
    let uncut_requested = d.uncut.as_ref().map(|u| views::yuan(u.requested));
    Ok(Template::render(
        "projects/show",
        context! {
            me: crate::web::kernel::pages::me(session), flash, year: d.year, p: row, org_name: &project.applicant.org_name,
            phone: mask::phone(&project.applicant.phone), union_member: project.union_member,
            reasons: result.reasons.iter().map(|r| r.label()).collect::<Vec<_>>(),
            requested: views::yuan(result.requested), trial_granted: views::yuan(result.granted),
            uncut_requested, status_label: trial_label(state, result.status), loans: loan_views(&d),
            review, money: crate::web::disbursements::pages::project_money(db, session, id).await?,
            payee: super::payees::of(db, session, id).await?,
            may_reveal: may_reveal(session), full_id, explained: project_explained(&d),
            may_cut: crate::web::review::cuts::may_cut(session, state, round_open),
            cut_reasons: crate::engine::facts::CutReason::ALL.map(|r| (r.code(), r.label())),
            unit_correction: crate::web::division::units::correction(db, session, round_open).await?,
        },
    ))
}

/// Why the project's figures are below what its loans compute, in words: the project cap on
/// the request, and a trial grant below the request (docs/rules.md §5, §6).
fn project_explained(d: &Detail) -> Vec<String> {
    let r = &d.result;
    let mut out = Vec::new();
    let loans = crate::engine::report::sum(r.loans.iter().map(|l| l.subsidy));
    if r.requested < loans {
        let why: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        out.push(format!(
            "各笔贷款贴息额合计 {} 元，申请贴息为 {} 元：{}。",
            views::yuan(loans),
            views::yuan(r.requested),
            if why.is_empty() { "以上限为准".to_string() } else { why.join("；") }
        ));
    }
    if r.granted < r.requested && r.granted.is_positive() {
        out.push(format!(
            "试算核定 {} 元低于申请贴息 {} 元：本年度预算不足以全额贴息，按政策规定的分配方式分配（试算，以批准的分配方案为准）。",
            views::yuan(r.granted),
            views::yuan(r.requested)
        ));
    }
    out
}

/// A trial result says it is a trial until the project is approved (docs/glossary.md).
fn trial_label(state: crate::review::State, status: crate::engine::Status) -> String {
    if state == crate::review::State::Approved {
        status.label().to_string()
    } else {
        format!("试算：{}", status.label())
    }
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
    let full = reveal(db, &session, id).await?;
    render(db, &session, id, Some(full), None).await
}
