//! Projects in the JSON API: a round's list (scoped in SQL), one project, a reveal of its ID number.

use serde_json::{json, Value};

use crate::error::AppError;
use crate::export::mask;
use crate::storage::{load::Filter, Db};
use crate::web::accounts::auth::Session;
use crate::web::kernel::cache::Kept;
use crate::web::kernel::params::Number;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![projects, project, reveal]
}

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

#[get("/projects/<id>")]
async fn project(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let d = crate::web::projects::pages::detail(db, &session, id).await?;
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
        "granted": crate::engine::Money::from_fen(record.granted_fen),
        "paid": crate::engine::Money::from_fen(record.paid_fen), "loans": loans,
        "payee": crate::web::projects::payees::of(db, &session, id).await?,
    }))
}

/// The full ID number of one project, for division staff and auditors; audited.
#[post("/projects/<id>/id-number")]
async fn reveal(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let full = crate::web::projects::pages::reveal(db, &session, id).await?;
    Ok(json!({ "id": id, "id_number": full }))
}
