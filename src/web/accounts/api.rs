//! The session as the JSON API has it: `POST /api/v1/session` (password, and the second
//! factor in the same request) and `DELETE /api/v1/session`.

use rocket::data::{Data, Limits};
use rocket::http::CookieJar;
use rocket::serde::json::Json;
use rocket::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::{self, Session};
use crate::web::accounts::login_limit::{self, ClientAddress, PasswordChecks, Subjects};
use crate::web::kernel::answers::{BadRequest, Reads, ServerError, TooLarge};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![login, logout]
}

/// The user of a new session. Fields in key order: the JSON is what `json!` gave before.
#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    id: i64,
    /// `division_staff`, `regiment_staff`, `cooperative`, `bureau_reviewer` or `auditor`.
    role: String,
    /// The 团场 of regiment staff.
    unit: Option<String>,
    username: String,
}

/// A login's answer.
#[derive(Serialize, ToSchema)]
pub struct LoggedIn {
    /// Send it as X-CSRF-Token with every request but GET and HEAD.
    csrf_token: String,
    user: SessionUser,
}

/// The body of `POST /session` (read by `login::json`, which refuses other fields).
#[derive(ToSchema)]
#[expect(dead_code, reason = "the schema of the body login::json reads; never built")]
pub struct LoginBody {
    username: String,
    password: String,
    /// The TOTP code (6 digits) or a recovery code, when the user has a second factor.
    code: Option<String>,
}

/// A logout's answer, `{"ok": true}`.
#[derive(Serialize, ToSchema)]
pub struct Done {
    ok: bool,
}

// Deliberately like returns_upload (web/disbursements/returns.rs), imports_upload and statements_upload: each operation its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "accounts_login", path = "/session", summary = "Log in; sets the session cookie (ends the browser's earlier session). With a TOTP second factor, send code (6 digits or a recovery code) in the same request", tag = "accounts",
    description = "The only request without a CSRF token: it answers one. The password is checked under the login limit (docs/hazards.md).",
    request_body(content = LoginBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Logged in: the session cookie is set", body = LoggedIn),
        (status = 400, response = BadRequest),
        (status = 401, description = "Wrong user name, password or code; or a code is required", body = ApiError),
        (status = 403, description = "Not JSON: any other request needs the CSRF token of a session", body = ApiError),
        (status = 404, description = "Not JSON (the route takes application/json only)", body = ApiError),
        (status = 413, response = TooLarge),
        (status = 422, description = "A body that does not fit (unknown or missing fields)", body = ApiError),
        (status = 429, description = "Too many failed logins: wait the Retry-After seconds (the message says how long)", body = ApiError),
        (status = 500, response = ServerError),
        (status = 503, description = "Every password check is busy: try again after Retry-After", body = ApiError),
    ))]
/// The JSON login: the password, and the code in the same request when the user has a
/// second factor. The body is read by `login::json`, never by a data guard that would log it.
#[post("/session", format = "json", data = "<data>")]
async fn login(
    data: Data<'_>,
    limits: &Limits,
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    checks: &State<PasswordChecks>,
    address: ClientAddress,
) -> Result<Json<LoggedIn>, AppError> {
    let body = crate::web::accounts::login::json(data, limits).await?;
    let username = body.username.trim();
    let who = Subjects::new(username, address);
    let user = match crate::web::accounts::login::password(db, checks, config, &who, username, &body.password).await {
        Err(AppError::Unauthorized) => return Err(AppError::LoginRefused("用户名或密码错误")),
        other => other?,
    };
    if crate::app::second_factor::is_on(db, user.id).await? {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            login_limit::password_right(db, &who).await?;
            return Err(AppError::LoginRefused("已开启双重验证：请在 code 中同时提供动态验证码或恢复码"));
        };
        if !crate::app::second_factor::check(db, &user, code).await? {
            return Err(AppError::LoginRefused("验证码错误或已使用"));
        }
    }
    login_limit::succeeded(db, &who).await?;
    let csrf = auth::open(db, cookies, config, &user, false).await?;
    let user = SessionUser { id: user.id, role: user.role.code().into(), unit: user.unit, username: user.username };
    Ok(Json(LoggedIn { csrf_token: csrf, user }))
}

/// Log out: the session ends and its cookie is removed.
#[utoipa::path(delete, operation_id = "accounts_logout", path = "/session", summary = "Log out", tag = "accounts", security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Logged out", body = Done),
        Reads,
        (status = 403, description = "The CSRF token is missing", body = ApiError),
    ))]
#[delete("/session")]
async fn logout(
    db: &Db,
    caches: &State<crate::web::kernel::cache::Caches>,
    cookies: &CookieJar<'_>,
    _session: Session,
) -> Result<Json<Done>, AppError> {
    auth::close(db, caches, cookies).await?;
    Ok(Json(Done { ok: true }))
}
