//! Evidence before money (docs/rules.md §9, issue 15 item 2): a payment batch refuses (409,
//! naming them) the projects that lack what `evidence.*` requires; staff accept or reject
//! each document, with a reason the applicant sees; every project has a checklist of what it
//! still lacks. The pages and API are `web::projects::evidence`.

use serde::Deserialize;
use serde_json::{json, Value};

use super::Actor;
use crate::accounts::Role;
use crate::engine::policy::{Evidence, Policy, StatementRule};
use crate::error::AppError;
use crate::review::DocumentReview;
use crate::storage::{self, evidence::Missing, rounds::Round, Db};

/// The batch preparation's check, in its transaction: every project of a payment batch has
/// the evidence the round's policy requires, or the batch is refused naming what is missing.
///
/// # Errors
/// `Conflict` naming each project and what it lacks; a database error.
pub async fn require(conn: &mut storage::Conn, round: &Round, project_ids: &[i64]) -> Result<(), AppError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let missing =
        storage::evidence::missing_for_batch(conn, round.id, policy.window, &policy.evidence, project_ids).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = missing.iter().map(describe).collect();
    Err(AppError::Conflict(format!("以下项目缺少拨付前必需的材料，不能列入拨付批次：{}", named.join("；"))))
}

fn describe(m: &Missing) -> String {
    let mut what = Vec::new();
    if !m.statements.is_empty() {
        what.push(format!("贷款合同 {} 缺银行结息清单", m.statements.join("、")));
    }
    if !m.documents.is_empty() {
        what.push(format!("缺已认可的材料：{}", m.documents.join("、")));
    }
    format!("{}（{}）：{}", m.name, m.key, what.join("，"))
}

/// A project's checklist: the statements its loans lack and, per category the policy lists,
/// whether a document is accepted, waiting, rejected (with why) or missing; with the round.
///
/// # Errors
/// `NotFound` (a project out of the actor's scope), or a database error.
pub async fn checklist(db: &Db, actor: Actor<'_>, id: i64) -> Result<(Round, Value), AppError> {
    let mut conn = db.inner.acquire().await?;
    let (record, _) = storage::load::project(&mut conn, id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let round = storage::rounds::find(&mut conn, record.round_id).await?.ok_or(AppError::NotFound)?;
    let policy: Policy = crate::import::policy(&round.policy_toml)?;
    let all = Evidence { interest_statement: StatementRule::Required, documents: policy.evidence.documents.clone() };
    let missing = storage::evidence::missing_for_batch(&mut conn, round.id, policy.window, &all, &[id]).await?;
    let lacking = missing.first().map(|m| m.statements.clone()).unwrap_or_default();
    let documents = storage::evidence::documents(&mut conn, id).await?;
    let categories: Vec<Value> = policy
        .evidence
        .documents
        .iter()
        .map(|c| {
            let of: Vec<_> = documents.iter().filter(|d| &d.category == c).collect();
            // `None`: nothing uploaded (未上传).
            let state = if of.iter().any(|d| d.review == DocumentReview::Accepted) {
                Some(DocumentReview::Accepted)
            } else if of.iter().any(|d| d.review == DocumentReview::Pending) {
                Some(DocumentReview::Pending)
            } else if of.is_empty() {
                None
            } else {
                Some(DocumentReview::Rejected)
            };
            let reason = of.iter().rev().find(|d| d.review == DocumentReview::Rejected).map(|d| d.reason.clone());
            json!({ "category": c, "state": state.map_or("missing", DocumentReview::code),
                "label": state.map_or("未上传", DocumentReview::label), "reason": reason })
        })
        .collect();
    let required = policy.evidence.interest_statement == StatementRule::Required;
    let ready =
        (!required || lacking.is_empty()) && categories.iter().all(|c| c["state"] == DocumentReview::Accepted.code());
    Ok((
        round,
        json!({ "project_id": id, "statement_required": required, "lacking_statements": lacking,
            "categories": categories, "documents": documents, "ready": ready }),
    ))
}

/// Who accepts or rejects documents: division staff, and regiment staff for their 团场.
#[must_use]
pub fn may_review(role: Role) -> bool {
    matches!(role, Role::DivisionStaff | Role::RegimentStaff)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Decision {
    /// `accept` or `reject`.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    /// The category of `evidence.documents` the document counts for, when staff say so.
    #[serde(default)]
    pub category: Option<String>,
}

/// The project of a document the actor may see (else 404), for the page to go back to.
///
/// # Errors
/// `NotFound`, or a database error.
pub async fn project_of(db: &Db, actor: Actor<'_>, id: i64) -> Result<i64, AppError> {
    let mut conn = db.inner.acquire().await?;
    let doc = storage::evidence::document(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    storage::load::project(&mut conn, doc.project_id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    Ok(doc.project_id)
}

/// Staff accept or reject a document (rejecting needs a reason, which the applicant sees);
/// regiment staff only on their own 团场's projects. One audit row, old and new.
///
/// # Errors
/// `Forbidden`, `Invalid` (no decision, a rejection without reason), `NotFound` (a document
/// out of the actor's scope), or a database error.
pub async fn review(db: &Db, actor: Actor<'_>, id: i64, body: &Decision) -> Result<Value, AppError> {
    actor.require(may_review(actor.role))?;
    let review = match body.decision.as_str() {
        "accept" => DocumentReview::Accepted,
        "reject" => DocumentReview::Rejected,
        _ => return Err(AppError::Invalid("请选择认可或不认可".into())),
    };
    let reason = body.reason.trim();
    if review == DocumentReview::Rejected && reason.is_empty() {
        return Err(AppError::Invalid("不认可时须填写原因，申请人将看到该原因".into()));
    }
    let category = body.category.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let mut tx = storage::begin_write(db).await?;
    let old = storage::evidence::document(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (record, _) =
        storage::load::project(&mut tx, old.project_id, &actor.scope()).await?.ok_or(AppError::NotFound)?;
    let changed = storage::evidence::set_review(&mut tx, id, review, reason, category, actor.account()?).await?;
    let new = storage::evidence::document(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if changed {
        let mut e = actor.entry("document.review", "document", id, Some(record.round_id));
        e.old = json!({ "review": old.review, "reason": old.reason, "category": old.category });
        e.new = json!({ "review": new.review, "reason": new.reason, "category": new.category });
        storage::audit::append(&mut tx, &e).await?;
    }
    tx.commit().await?;
    Ok(json!({ "document": new, "changed": changed }))
}
