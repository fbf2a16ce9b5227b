//! A project's evidence (docs/rules.md §9, issue 15 item 2): its checklist, as a page
//! (linked from the project page) and in the API, and staff's accept or reject of a
//! document, from the checklist's forms and in the API. The use cases are `app::evidence`.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use serde_json::Value;

use crate::app::evidence::{self, Decision};
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[utoipa::path(get, operation_id = "evidence_checklist", summary = "The project's evidence checklist (材料清单): each required document and its state", path = "/projects/{id}/evidence", tag = "projects", security(("session" = [])),
    params(("id" = i64, Path, description = "The project's id")),
    responses(
        (status = 200, description = "The evidence checklist: each required document and its state", body = Object),
        Reads,
        (status = 403, description = "The role may not see the documents", body = ApiError),
        (status = 404, description = "No such project, or not the session's", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/projects/<id>/evidence")]
pub(crate) async fn checklist_api(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    Ok(evidence::checklist(db, session.actor(), id).await?.1)
}

#[get("/projects/<id>/evidence")]
pub(crate) async fn checklist_page(
    db: &Db,
    session: Session,
    id: i64,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let (round, list) = evidence::checklist(db, session.actor(), id).await?;
    let may_review = evidence::may_review(session.role) && round.status == RoundStatus::Open;
    let (error, notice) = crate::web::kernel::pages::flash_parts(flash);
    Ok(Template::render(
        "evidence/checklist",
        context! { me: crate::web::kernel::pages::me(&session), year: round.year, list, may_review, error, notice },
    ))
}

/// The checklist's form for one document: accept, or reject with the reason the applicant sees.
#[derive(FromForm)]
pub struct ReviewForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    decision: String,
    reason: String,
    category: Option<String>,
}

/// Staff accept or reject a document from the checklist; back to the checklist, saying
/// what was done or why not (a rejection without a reason).
#[post("/documents/<id>/review", data = "<form>")]
pub(crate) async fn review_page(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<ReviewForm>,
) -> Result<Flash<Redirect>, AppError> {
    let form = form.into_inner();
    let project = evidence::project_of(db, session.actor(), id).await?;
    let back = Redirect::to(format!("/projects/{project}/evidence"));
    let decision = Decision { decision: form.decision, reason: form.reason, category: form.category };
    match evidence::review(db, session.actor(), id, &decision).await {
        Ok(done) => Ok(Flash::success(
            back,
            if done["document"]["review"] == crate::review::DocumentReview::Accepted.code() {
                "已认可该材料"
            } else {
                "已标记为未认可，申请人将看到原因"
            },
        )),
        Err(AppError::Invalid(why)) => Ok(Flash::error(back, why)),
        Err(e) => Err(e),
    }
}

/// Staff accept or reject a document (rejecting needs a reason, which the applicant sees).
// Deliberately like payees_set (web/projects/payees.rs): each operation states its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "evidence_review", summary = "Accept or reject a document (a rejection needs a reason, which the applicant sees)", path = "/documents/{id}/review", tag = "projects", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The document's id")),
    request_body(content = Decision, content_type = "application/json"),
    responses(
        (status = 200, description = "The document as reviewed", body = Object),
        WritesBody,
        (status = 404, description = "No such document, or not the session's; or a body that is not JSON", body = ApiError),
        (status = 409, description = "The document was already reviewed, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "An unknown decision, a rejection without a reason, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/documents/<id>/review", format = "json", data = "<body>")]
pub(crate) async fn review(db: &Db, session: Session, id: i64, body: Json<Decision>) -> Result<Value, AppError> {
    evidence::review(db, session.actor(), id, &body).await
}
