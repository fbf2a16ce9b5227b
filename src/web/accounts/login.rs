//! Logging in, shared by the login page and `POST /api/v1/session`: the body read here and
//! not by Rocket's data guards (whose errors print a body that does not parse, password
//! and all), the password checked under the limit (`login_limit`), then the second factor.

use rocket::data::{Data, Limits, ToByteUnit};
use rocket::http::RawStr;
use serde::Deserialize;

use crate::accounts;
use crate::app::accounts::User;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::login_limit::{self, Claim, PasswordChecks, Subjects};

/// What a login sends.
#[derive(Default)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// The TOTP or recovery code (the API sends it with the password).
    pub code: Option<String>,
    /// The login page's `next`, `resume_action` and `resume_body` (`resume`), unchecked.
    pub carried: [Option<String>; 3],
}

/// The body, at most the `form` limit, as text; nothing of it reaches a log.
async fn read(data: Data<'_>, limits: &Limits) -> Result<String, AppError> {
    let limit = limits.get("form").unwrap_or_else(|| 64.kibibytes());
    let body = data.open(limit).into_string().await.map_err(|_| AppError::BadRequest("无法读取登录请求".into()))?;
    if !body.is_complete() {
        return Err(AppError::TooLarge);
    }
    Ok(body.into_inner())
}

/// The login form's fields (`csrf_token` was checked by the fairing). Decoded here:
/// Rocket's form parser traces every field, password included, at the debug log level.
///
/// # Errors
/// `TooLarge`, or `BadRequest` for a body that cannot be read.
pub(crate) async fn form(data: Data<'_>, limits: &Limits) -> Result<Credentials, AppError> {
    let body = read(data, limits).await?;
    let mut credentials = Credentials::default();
    for field in rocket::form::Form::values(&body) {
        let value = RawStr::new(field.value).url_decode_lossy().into_owned();
        match RawStr::new(field.name.source().as_str()).url_decode_lossy().as_ref() {
            "username" => credentials.username = value,
            "password" => credentials.password = value,
            "code" => credentials.code = Some(value),
            "next" => credentials.carried[0] = Some(value),
            "resume_action" => credentials.carried[1] = Some(value),
            "resume_body" => credentials.carried[2] = Some(value),
            _ => {}
        }
    }
    Ok(credentials)
}

/// The API's JSON `{"username", "password", "code"?}`.
///
/// # Errors
/// `TooLarge`, or `Invalid` for anything else (a misspelt field, a trailing comma, a
/// password that is not a string); the text never repeats the body.
pub(crate) async fn json(data: Data<'_>, limits: &Limits) -> Result<Credentials, AppError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        username: String,
        password: String,
        #[serde(default)]
        code: Option<String>,
    }
    let body = read(data, limits).await?;
    let b: Body = serde_json::from_str(&body).map_err(|_| {
        AppError::Invalid(
            "登录请求应为 JSON：{\"username\": 用户名, \"password\": 密码, \"code\": 动态验证码（如已开启）}".into(),
        )
    })?;
    Ok(Credentials { username: b.username, password: b.password, code: b.code, carried: [None, None, None] })
}

/// The user whose password this is, counted and limited. A wrong name and a wrong
/// password get the same answer after the same work (a dummy hash).
///
/// # Errors
/// `Busy` (every check in use), `TooManyAttempts`, `Unauthorized`, or a database error.
pub(crate) async fn password(
    db: &Db,
    checks: &PasswordChecks,
    config: &AppConfig,
    who: &Subjects,
    username: &str,
    password: &str,
) -> Result<User, AppError> {
    let Some(permit) = checks.acquire().await else {
        login_limit::count_only(db, who).await?;
        return Err(AppError::Busy(1));
    };
    if let Claim::Wait(seconds) = login_limit::claim(db, config, who).await? {
        return Err(AppError::TooManyAttempts(seconds));
    }
    let found = crate::app::accounts::for_login(db, username).await?;
    let (hash, user) = match found {
        Some((user, hash)) if !user.disabled => (hash, Some(user)),
        _ => (accounts::dummy_hash().to_string(), None),
    };
    let password = password.to_string();
    let ok = rocket::tokio::task::spawn_blocking(move || accounts::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    drop(permit);
    user.filter(|_| ok).ok_or(AppError::Unauthorized)
}

/// A second factor given on its own (the login page's second step): counted and limited
/// like a password.
///
/// # Errors
/// `TooManyAttempts`, `Unauthorized` for a wrong code, or a database error.
pub(crate) async fn second_step(
    db: &Db,
    config: &AppConfig,
    who: &Subjects,
    user: &User,
    code: &str,
) -> Result<(), AppError> {
    if let Claim::Wait(seconds) = login_limit::claim(db, config, who).await? {
        return Err(AppError::TooManyAttempts(seconds));
    }
    if crate::app::second_factor::check(db, user, code).await? {
        login_limit::succeeded(db, who).await
    } else {
        Err(AppError::Unauthorized)
    }
}
