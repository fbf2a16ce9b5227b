//! Logging in, shared by the login page and `POST /api/v1/session`: the body read here and
//! not by Rocket's data guards (whose errors print a body that does not parse, password
//! and all), the password checked under the limit (`login_limit`), then the second factor.

use rocket::data::{Data, Limits, ToByteUnit};
use rocket::http::RawStr;
use serde::Deserialize;

use crate::accounts;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::second_factor;
use crate::storage::{self, users::User, Db};
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
    let found = storage::users::find_for_login(&mut *db.inner.acquire().await?, username).await?;
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

/// Whether `code` is the user's: a TOTP code of now (6 digits, each time step once) or an
/// unused recovery code (used up by this). The caller counted the attempt.
///
/// # Errors
/// A database error.
pub(crate) async fn second_factor(db: &Db, user: &User, code: &str) -> Result<bool, AppError> {
    let code = code.trim();
    let mut tx = storage::begin_write(db).await?;
    let state = storage::second_factor::state(&mut tx, user.id).await?;
    let Some(secret) = state.secret else { return Ok(false) };
    let digits = code.chars().filter(|c| !c.is_whitespace()).count() == 6;
    let ok = if digits {
        let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default();
        match second_factor::accept(&secret, code, now, state.last_step) {
            Some(step) => storage::second_factor::take_step(&mut tx, user.id, step).await?,
            None => false,
        }
    } else {
        let hash = second_factor::recovery_hash(code);
        let spent = storage::second_factor::use_recovery_code(&mut tx, user.id, &hash).await?;
        if spent {
            storage::audit::append(&mut tx, &user_entry(user, "user.recovery_code_use", state.codes_left - 1)).await?;
        }
        spent
    };
    tx.commit().await?;
    Ok(ok)
}

/// An entry about the user's own second factor, by the user.
#[must_use]
pub(crate) fn user_entry<'a>(user: &'a User, action: &'a str, codes_left: i64) -> storage::audit::Entry<'a> {
    let actor =
        crate::app::Actor { id: Some(user.id), name: &user.username, role: user.role, unit: user.unit.as_deref() };
    let mut e = actor.entry(action, "user", user.id, None);
    e.old = serde_json::json!({});
    e.new = serde_json::json!({ "recovery_codes_left": codes_left });
    e
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
    if second_factor(db, user, code).await? {
        login_limit::succeeded(db, who).await
    } else {
        Err(AppError::Unauthorized)
    }
}
