//! Logging in and out (pages), and the login rate limit shared with the API.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rocket::form::Form;
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::State;
use rocket_dyn_templates::{context, Template};

use super::auth::{self, Session};
use crate::accounts;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::{self, users::User, Db};

/// Failed logins per user name, in memory (one process serves the site).
#[derive(Default)]
pub struct Limiter(Mutex<HashMap<String, Vec<Instant>>>);

impl Limiter {
    fn blocked(&self, name: &str, config: &AppConfig) -> bool {
        let window = Duration::from_secs(config.login_window_minutes * 60);
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let list = map.entry(name.to_string()).or_default();
        list.retain(|t| t.elapsed() < window);
        list.len() >= config.login_attempts
    }

    fn failed(&self, name: &str) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(name.to_string())
            .or_default()
            .push(Instant::now());
    }

    fn succeeded(&self, name: &str) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(name);
    }
}

/// Check a user name and password; counts failures and refuses past the limit.
///
/// # Errors
/// `TooManyAttempts`, `Unauthorized` for a wrong name or password (the same answer for both).
pub(crate) async fn verify(
    db: &Db,
    limiter: &Limiter,
    config: &AppConfig,
    username: &str,
    password: &str,
) -> Result<User, AppError> {
    if limiter.blocked(username, config) {
        return Err(AppError::TooManyAttempts);
    }
    let mut conn = db.inner.acquire().await?;
    let found = storage::users::find_for_login(&mut conn, username).await?;
    drop(conn);
    let (hash, user) = match found {
        Some((user, hash)) if !user.disabled => (hash, Some(user)),
        _ => (accounts::dummy_hash().to_string(), None),
    };
    let password = password.to_string();
    let ok = rocket::tokio::task::spawn_blocking(move || accounts::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(user) = user.filter(|_| ok) {
        limiter.succeeded(username);
        Ok(user)
    } else {
        limiter.failed(username);
        Err(AppError::Unauthorized)
    }
}

#[get("/login")]
pub(crate) fn login_page(cookies: &CookieJar<'_>, config: &State<AppConfig>) -> Template {
    let csrf = auth::visitor_token(cookies, config.secure_cookies);
    Template::render("login", context! { csrf, error: Option::<String>::None })
}

#[derive(FromForm)]
pub struct LoginForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    username: String,
    password: String,
}

#[post("/login", data = "<form>")]
pub(crate) async fn login(
    form: Form<LoginForm>,
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    limiter: &State<Limiter>,
) -> Result<Redirect, (rocket::http::Status, Template)> {
    let fail = |e: AppError, cookies: &CookieJar<'_>| {
        let csrf = auth::visitor_token(cookies, config.secure_cookies);
        (
            e.status(),
            Template::render("login", context! { csrf, error: Some(e.to_string()), username: form.username.clone() }),
        )
    };
    let user = match verify(db, limiter, config, form.username.trim(), &form.password).await {
        Ok(u) => u,
        Err(AppError::Unauthorized) => return Err(fail(AppError::Invalid("用户名或密码错误".into()), cookies)),
        Err(e) => return Err(fail(e, cookies)),
    };
    auth::open(db, cookies, config, &user).await.map_err(|e| fail(e, cookies))?;
    Ok(Redirect::to("/"))
}

#[post("/logout")]
pub(crate) async fn logout(
    db: &Db,
    caches: &State<super::cache::Caches>,
    cookies: &CookieJar<'_>,
    _session: Option<Session>,
) -> Result<Redirect, AppError> {
    auth::close(db, caches, cookies).await?;
    Ok(Redirect::to("/login"))
}
