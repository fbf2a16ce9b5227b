//! The API's contract, `GET /api/v1/openapi.json`, generated from the code (issue 13 item 6):
//! each resource's folder lists its handlers' `#[utoipa::path]` (`<resource>::Api`), and this
//! module joins them with what they share: the one error body (`ApiError`), the answers
//! many operations give (`kernel::answers`), the session cookie
//! and CSRF header as security schemes, the tags. tests/web/openapi.rs holds the document to a
//! snapshot, to the mounted routes and to the statuses the routes really answer
//! (docs/ARCHITECTURE.md "The API contract").

use std::sync::OnceLock;

use rocket::http::ContentType;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi, ToSchema};

/// The session cookie (`security(("session" = []))` on every route that needs a login).
pub const SESSION: &str = "session";
/// The CSRF header every request but GET and HEAD carries (`security(("session" = [], "csrf" = []))`).
pub const CSRF: &str = "csrf";

/// Every error under `/api/` (`kernel::errors::answer`): one sentence in Chinese, never internals.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "error": "找不到该记录" }))]
pub struct ApiError {
    /// What went wrong, for the user (Chinese).
    pub error: String,
}

/// A file sent as `multipart/form-data`, in the field `file`.
#[derive(ToSchema)]
#[expect(dead_code, reason = "the schema of an upload form; the handlers read `Capped<TempFile>`")]
pub struct Upload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A file downloaded (a workbook or CSV), with its name in `Content-Disposition`.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(dead_code, reason = "the schema of a download; the handlers answer their own responders")]
pub struct File(Vec<u8>);

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![openapi]
}

/// The API's own description (this document).
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "kernel",
    responses((status = 200, description = "This document (OpenAPI 3.1, generated from the code)", content_type = "application/json", body = Object)),
)]
#[get("/openapi.json")]
fn openapi() -> (ContentType, &'static str) {
    static TEXT: OnceLock<String> = OnceLock::new();
    (ContentType::JSON, TEXT.get_or_init(|| text(&document())))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tiexi 贴息 API",
        version = "1",
        description = "Money is a string with 2 decimals. Every request other than GET carries the session's CSRF token in X-CSRF-Token, except POST /session (JSON only). ID and phone numbers are masked. Every error is JSON {\"error\": \"…\"} in Chinese (`ApiError`). Downloads that are audited (full ID or account numbers) are POST; GET and HEAD never change anything. A number in the path or query that is not an integer in range answers 422.",
    ),
    servers((url = "/api/v1")),
    paths(openapi, super::errors::csrf_denied, super::errors::override_refused),
    components(schemas(ApiError)),
    modifiers(&Schemes),
    // Deliberately like each other, the lines of this table of tags: one line a tag and its description.
    tags(
        (name = "accounts", description = "登录与会话 (the session: cookie plus CSRF token)"),
        (name = "rounds", description = "年度批次、银行利息对账单、结转 (rounds, bank statements, carrying forward)"),
        (name = "imports", description = "申报表导入 (workbook imports: preview, confirm)"),
        (name = "projects", description = "项目、收款账户、材料审核、申请人历史 (projects, payees, evidence, history)"),
        (name = "review", description = "审核流程 (review moves, cuts, objections)"),
        (name = "allocations", description = "分配方案 (allocations)"),
        (name = "disbursements", description = "拨付批次、银行文件与回单 (disbursements, bank files, the bank's answer)"),
        (name = "reports", description = "报表下载 (report workbooks)"),
        (name = "audit", description = "审计日志 (the audit trail)"),
        (name = "division", description = "师级设置、资金、绩效、团场 (settings, funds, performance targets, units)"),
        (name = "dashboard", description = "统计数据 (figures)"),
        (name = "kernel", description = "本说明与拒绝 (this document; where refused requests are sent)"),
    ),
)]
struct Kernel;

/// The session cookie and the CSRF header; the shared answers.
struct Schemes;

impl Modify for Schemes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        // The answers operations share (`kernel::answers`), referred to as
        // `#/components/responses/<name>`.
        for (name, response) in super::answers::components() {
            components.responses.insert(name.to_string(), response);
        }
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::web::accounts::auth::SESSION_COOKIE,
                "The session cookie set by POST /session (HttpOnly, SameSite=Strict)",
            ))),
        );
        components.add_security_scheme(
            CSRF,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's CSRF token (csrf_token of POST /session); every request but GET and HEAD",
            ))),
        );
    }
}

/// The whole document: the kernel's part and every resource's.
#[must_use]
pub fn document() -> Document {
    use crate::web;
    [
        web::accounts::Api::openapi(),
        web::rounds::Api::openapi(),
        web::imports::Api::openapi(),
        web::projects::Api::openapi(),
        web::review::Api::openapi(),
        web::allocations::Api::openapi(),
        web::disbursements::Api::openapi(),
        web::reports::Api::openapi(),
        web::audit::Api::openapi(),
        web::division::Api::openapi(),
        web::dashboard::Api::openapi(),
    ]
    .into_iter()
    .fold(Kernel::openapi(), |mut doc, part| {
        doc.merge(part);
        doc
    })
}

/// The document as served and as tests/web/openapi.snapshot.json holds it: pretty, every
/// object's keys sorted (a `serde_json::Value` of this crate keeps no insertion order).
///
/// # Panics
/// Never: the document is plain data.
#[must_use]
pub fn text(doc: &Document) -> String {
    let value = serde_json::to_value(doc).expect("the OpenAPI document is JSON");
    let mut text = serde_json::to_string_pretty(&value).expect("the OpenAPI document is JSON");
    text.push('\n');
    text
}
