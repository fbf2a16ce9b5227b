//! Projects in the JSON API: a round's list (scoped in SQL), one project, a reveal of its ID number.

use serde_json::{json, Value};

use crate::app::lists::Filter;
use crate::error::AppError;
use crate::export::mask;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, Writes};
use crate::web::kernel::cache::Kept;
use crate::web::kernel::openapi::ApiError;
use crate::web::kernel::params::Number;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![projects, project, reveal]
}

// Deliberately like projects_project below, history_applicant (web/projects/history.rs), review_transitions (web/review/act.rs) and rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "projects", path = "/rounds/{year}/projects", summary = "Projects the session may see, paged", tag = "projects", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)"), ("page" = Option<i64>, Query, description = "Page, from 1"), ("per_page" = Option<i64>, Query, description = "Projects per page"), ("unit" = Option<String>, Query, description = "团场"), ("applicant_type" = Option<String>, Query, description = "Applicant type"), ("status" = Option<String>, Query, description = "Calculation status"), ("state" = Option<String>, Query, description = "Review state")),
    responses(
        (status = 200, description = "A page of the round's projects the session may see: total, page, projects", body = Object),
        Reads,
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/projects?<page>&<per_page>&<filter..>")]
async fn projects(
    db: &Db,
    session: Session,
    kept: Kept<'_>,
    year: i32,
    filter: Filter,
    page: Number<i64>,
    per_page: Number<i64>,
) -> Result<Value, AppError> {
    let page = page.or(1).max(1);
    let per_page = per_page.or(crate::web::projects::pages::PER_PAGE);
    let (rows, total, _) = crate::web::projects::pages::page(db, kept, &session, year, &filter, page, per_page).await?;
    Ok(json!({ "total": total, "page": page, "projects": rows }))
}

// Deliberately like rounds_round (web/rounds/api.rs): each read states its own answers (tests/web/openapi.snapshot.json); what they share is `kernel::answers::Reads`.
#[utoipa::path(get, operation_id = "projects_project", path = "/projects/{id}", summary = "One project with its loans and the per-loan explanation", tag = "projects", security(("session" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The project: applicant (ID and phone masked), loans with their subsidy and explanation, state, status, requested, granted, paid, payee", body = Object),
        Reads,
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/projects/<id>")]
async fn project(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let d = crate::app::projects::detail(db, session.actor(), id).await?;
    let (record, p, result) = (&d.record, &d.project, &d.result);
    let a = &p.applicant;
    let uncut = d.uncut.as_ref().map(|u| u.loans.as_slice());
    let loans: Vec<Value> = p.loans.iter().zip(&result.loans).enumerate().map(|(i, (l, r))| {
        let cut = d.cuts.iter().find(|c| c.contract_no == l.contract_no).and_then(|c| c.cut.as_ref());
        json!({
            "contract_no": l.contract_no, "bank": l.bank, "principal": l.principal, "rate": l.rate.normalize().to_string(),
            "disbursed_on": l.disbursed_on, "maturity_on": l.maturity_on, "settled_on": l.settled_on,
            "eligible_days": r.eligible_days, "computed": r.computed, "subsidy": r.subsidy, "reasons": r.reasons, "pieces": r.pieces,
            "cut": cut.map(|c| json!({ "reason": c.reason.label(), "text": c.text, "described": crate::export::cut::describe(c) })),
            "applied": cut.and(uncut).and_then(|u| u.get(i)).map(|u| u.subsidy),
        })
    }).collect();
    Ok(json!({
        "id": record.id, "year": d.year, "key": p.key, "name": p.name, "unit": a.unit, "applicant_type": p.applicant_type,
        "org_name": a.org_name, "leader": a.leader, "id_number": mask::id_number(&a.id_number), "phone": mask::phone(&a.phone),
        "households": p.households, "state": record.state, "status": result.status, "reasons": result.reasons,
        "requested": result.requested, "requested_before_cuts": d.uncut.as_ref().map(|u| u.requested),
        "granted": record.granted,
        "paid": record.paid, "loans": loans,
        "payee": crate::web::projects::payees::of(db, &session, id).await?,
    }))
}

/// A revealed ID number. Fields in key order: the JSON is what `json!` gave before.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Revealed {
    id: i64,
    id_number: String,
}

/// The full ID number of one project, for division staff and auditors; audited.
#[utoipa::path(post, operation_id = "projects_reveal", path = "/projects/{id}/id-number", summary = "The full ID number of one project (division staff and auditors); every reveal is written to the audit trail as id_number.reveal", tag = "projects", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The full ID number (audited)", body = Revealed),
        Writes,
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/projects/<id>/id-number")]
async fn reveal(db: &Db, session: Session, id: i64) -> Result<rocket::serde::json::Json<Revealed>, AppError> {
    let full = crate::app::projects::reveal(db, session.actor(), id).await?;
    Ok(rocket::serde::json::Json(Revealed { id, id_number: full }))
}
