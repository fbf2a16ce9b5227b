//! Logging in and out (pages): the password (`login`), then, for a user with a TOTP second
//! factor, the code on a page of its own, on a session that opens nothing else.

use crate::web::kernel::templates::{context, Template};
use rocket::data::{Data, Limits};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, State};

use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::{self, LoginFormToken, Session};
use crate::web::accounts::login::Credentials;
use crate::web::accounts::login_limit::{self, ClientAddress, PasswordChecks, Subjects};
use crate::web::accounts::resume::{self, Carried};

/// The page of the second step.
pub const SECOND_STEP: &str = "/login/second-factor";

/// The login page; `next` is where to go after it (a local path: `resume::local`).
#[get("/login?<next>")]
pub(crate) fn login_page(token: LoginFormToken, next: Option<&str>) -> Template {
    let next = next.and_then(resume::local);
    Template::render("login", context! { csrf: token.0, error: Option::<String>::None, next })
}

/// The login page again with the error (a wrong name or password reads the same), still
/// carrying where to go and the form to send again.
fn refused(e: &AppError, csrf: &str, username: &str, carried: &Carried) -> (Status, Template) {
    let (status, message) = match e {
        AppError::Unauthorized => (Status::UnprocessableEntity, "用户名或密码错误".to_string()),
        other => (other.status(), other.to_string()),
    };
    let page = Template::render(
        "login",
        context! { csrf, error: Some(message), username, next: &carried.next, resume_action: &carried.action,
        resume_body: &carried.body },
    );
    (status, page)
}

/// What a refused login answers: the page with the error, and `Retry-After` when there is
/// a time to wait.
pub(crate) struct Refused {
    page: (Status, Template),
    retry_after: Option<rocket::http::Header<'static>>,
}

impl<'r> rocket::response::Responder<'r, 'static> for Refused {
    fn respond_to(self, req: &'r rocket::Request<'_>) -> rocket::response::Result<'static> {
        let mut res = self.page.respond_to(req)?;
        if let Some(h) = self.retry_after {
            res.set_header(h);
        }
        Ok(res)
    }
}

fn refusal(e: &AppError, csrf: &str, username: &str, carried: &Carried) -> Refused {
    let retry_after = e.retry_after().map(|s| rocket::http::Header::new("Retry-After", s.to_string()));
    Refused { page: refused(e, csrf, username, carried), retry_after }
}

/// Where a login leads: the second step (a page carrying the rest when there is any), the
/// form sent again (`resume`), the `next` page, or home.
fn after_login(pending: bool, csrf: &str, carried: &Carried) -> Either<Redirect, Template> {
    if pending {
        if carried.next.is_none() && carried.action.is_none() {
            return Either::Left(Redirect::to(SECOND_STEP));
        }
        return Either::Right(second_step_form(csrf, None, carried));
    }
    if let Some(page) = resume::again(carried, csrf) {
        return Either::Right(page);
    }
    Either::Left(Redirect::to(carried.next.clone().unwrap_or_else(|| "/".into())))
}

fn second_step_form(csrf: &str, error: Option<String>, carried: &Carried) -> Template {
    Template::render(
        "login_second_factor",
        context! { csrf, error, next: &carried.next, resume_action: &carried.action, resume_body: &carried.body },
    )
}

// Deliberately like the JSON login (web/accounts/api.rs login) and second_step below: Rocket's guards are the arguments; the shared part is `login` and `sign_in`.
#[expect(clippy::too_many_arguments, reason = "Rocket's guards are the handler's arguments")]
#[post("/login", data = "<data>")]
pub(crate) async fn login(
    data: Data<'_>,
    limits: &Limits,
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    checks: &State<PasswordChecks>,
    address: ClientAddress,
    token: LoginFormToken,
) -> Result<Either<Redirect, Template>, Refused> {
    let nothing = Carried::default();
    let form: Credentials = super::login::form(data, limits).await.map_err(|e| refusal(&e, &token.0, "", &nothing))?;
    let [next, action, body] = &form.carried;
    let carried = Carried::checked(next.as_deref(), action.as_deref(), body.as_deref());
    let username = form.username.trim();
    let who = Subjects::new(username, address);
    match sign_in(db, cookies, config, checks, &who, username, &form.password).await {
        Ok((pending, csrf)) => Ok(after_login(pending, &csrf, &carried)),
        Err(e) => Err(refusal(&e, &token.0, username, &carried)),
    }
}

/// Check the password and open the session (one that waits for the code when the user
/// has a second factor): whether it waits, and its CSRF token.
async fn sign_in(
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &AppConfig,
    checks: &PasswordChecks,
    who: &Subjects,
    username: &str,
    password: &str,
) -> Result<(bool, String), AppError> {
    let user = super::login::password(db, checks, config, who, username, password).await?;
    let pending = crate::app::second_factor::is_on(db, user.id).await?;
    if pending {
        login_limit::password_right(db, who).await?;
    } else {
        login_limit::succeeded(db, who).await?;
    }
    let csrf = auth::open(db, cookies, config, &user, pending).await?;
    Ok((pending, csrf))
}

/// The second step: the code of the authenticator app, or a recovery code.
#[get("/login/second-factor")]
pub(crate) async fn second_step_page(db: &Db, cookies: &CookieJar<'_>) -> Result<Template, Redirect> {
    let csrf = auth::pending_token(db, cookies).await.ok_or_else(|| Redirect::to("/login"))?;
    Ok(Template::render("login_second_factor", context! { csrf, error: Option::<String>::None }))
}

#[post("/login/second-factor", data = "<data>")]
pub(crate) async fn second_step(
    data: Data<'_>,
    limits: &Limits,
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    address: ClientAddress,
) -> Result<Either<Redirect, Template>, (Status, Template)> {
    let csrf = auth::pending_token(db, cookies).await.unwrap_or_default();
    let form = super::login::form(data, limits).await;
    let [next, action, body] = form.as_ref().map(|f| f.carried.clone()).unwrap_or_default();
    let carried = Carried::checked(next.as_deref(), action.as_deref(), body.as_deref());
    let again = |e: &AppError| {
        let message = match e {
            AppError::Unauthorized => "验证码错误或已使用，请重试".to_string(),
            other => other.to_string(),
        };
        let status = if matches!(e, AppError::Unauthorized) { Status::UnprocessableEntity } else { e.status() };
        (status, second_step_form(&csrf, Some(message), &carried))
    };
    let Some(user) = auth::pending(db, cookies).await.map_err(|e| again(&e))? else {
        return Ok(Either::Left(Redirect::to("/login")));
    };
    let form = form.map_err(|e| again(&e))?;
    let who = Subjects::new(&user.username, address);
    crate::web::accounts::login::second_step(db, config, &who, &user, form.code.as_deref().unwrap_or_default())
        .await
        .map_err(|e| again(&e))?;
    let session_csrf = auth::open(db, cookies, config, &user, false).await.map_err(|e| again(&e))?;
    Ok(after_login(false, &session_csrf, &carried))
}

#[post("/logout")]
pub(crate) async fn logout(
    db: &Db,
    caches: &State<crate::web::kernel::cache::Caches>,
    cookies: &CookieJar<'_>,
    _session: Option<Session>,
) -> Result<Redirect, AppError> {
    auth::close(db, caches, cookies).await?;
    Ok(Redirect::to("/login"))
}
