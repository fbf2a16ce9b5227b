//! A project's evidence (docs/rules.md §9, issue 15 item 2): its checklist, as a page
//! (linked from the project page) and in the API, and staff's accept or reject of a
//! document. The use cases are `app::evidence`.

use crate::web::kernel::templates::{context, Template};
use rocket::serde::json::Json;
use serde_json::Value;

use crate::app::evidence::{self, Decision};
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;

#[get("/projects/<id>/evidence")]
pub(crate) async fn checklist_api(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    Ok(evidence::checklist(db, session.actor(), id).await?.1)
}

#[get("/projects/<id>/evidence")]
pub(crate) async fn checklist_page(db: &Db, session: Session, id: i64) -> Result<Template, AppError> {
    let (round, list) = evidence::checklist(db, session.actor(), id).await?;
    let may_review = evidence::may_review(session.role);
    Ok(Template::render(
        "evidence/checklist",
        context! { me: crate::web::kernel::pages::me(&session), year: round.year, list, may_review },
    ))
}

/// Staff accept or reject a document (rejecting needs a reason, which the applicant sees).
#[post("/documents/<id>/review", format = "json", data = "<body>")]
pub(crate) async fn review(db: &Db, session: Session, id: i64, body: Json<Decision>) -> Result<Value, AppError> {
    evidence::review(db, session.actor(), id, &body).await
}
