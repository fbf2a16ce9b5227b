//! The session as the JSON API has it: `POST /api/v1/session` (password, and the second
//! factor in the same request) and `DELETE /api/v1/session`.

use rocket::data::{Data, Limits};
use rocket::http::CookieJar;
use rocket::State;
use serde_json::{json, Value};

use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::{self, Db};
use crate::web::accounts::auth::{self, Session};
use crate::web::accounts::login_limit::{self, ClientAddress, PasswordChecks, Subjects};

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![login, logout]
}

fn user_json(s: &storage::users::User) -> Value {
    json!({ "id": s.id, "username": s.username, "role": s.role, "unit": s.unit })
}

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
) -> Result<Value, AppError> {
    let body = crate::web::accounts::login::json(data, limits).await?;
    let username = body.username.trim();
    let who = Subjects::new(username, address);
    let user = match crate::web::accounts::login::password(db, checks, config, &who, username, &body.password).await {
        Err(AppError::Unauthorized) => return Err(AppError::LoginRefused("用户名或密码错误")),
        other => other?,
    };
    if storage::second_factor::state(&mut *db.inner.acquire().await?, user.id).await?.secret.is_some() {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            login_limit::password_right(db, &who).await?;
            return Err(AppError::LoginRefused("已开启双重验证：请在 code 中同时提供动态验证码或恢复码"));
        };
        if !crate::web::accounts::login::second_factor(db, &user, code).await? {
            return Err(AppError::LoginRefused("验证码错误或已使用"));
        }
    }
    login_limit::succeeded(db, &who).await?;
    let csrf = auth::open(db, cookies, config, &user, false).await?;
    Ok(json!({ "csrf_token": csrf, "user": user_json(&user) }))
}

#[delete("/session")]
async fn logout(
    db: &Db,
    caches: &State<crate::web::kernel::cache::Caches>,
    cookies: &CookieJar<'_>,
    _session: Session,
) -> Result<Value, AppError> {
    auth::close(db, caches, cookies).await?;
    Ok(json!({ "ok": true }))
}
