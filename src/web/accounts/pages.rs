//! The accounts page (issue 17 item 1, docs/accounts.md): division staff list every user
//! with role, 团场 and last login; add an account, disable or re-enable one, reset a
//! password, change a role or 团场. Staff never choose a password for someone else: they
//! get a one-time password to hand over, which its user must replace at the first login
//! (the `Session` guard opens nothing else until then). Every user changes their own
//! password here too. The handlers parse, call `app::accounts` (which checks, stores and
//! audits) and answer.

use rocket::form::Form;
use rocket::request::{FlashMessage, Request};
use rocket::response::{Flash, Redirect};
use rocket::State;
use serde::Serialize;
use serde_json::json;

use super::auth::Session;
use super::login_limit::PasswordChecks;
use crate::accounts::{self, policy, Role};
use crate::app::accounts::{self as use_case, Issued, Listed, Passwords};
use crate::error::AppError;
use crate::storage::Db;
use crate::web::kernel::pages::me;
use crate::web::kernel::templates::{context, Template};

/// Where a user replaces their password.
pub const OWN_PASSWORD: &str = "/account/password";
const INDEX: &str = "/accounts";

/// Set on a request whose user must first replace a one-time password (the 401 catcher
/// then sends pages to `OWN_PASSWORD`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PasswordChangeRequired(pub bool);

/// Whether the route is one a user with a one-time password may use.
pub(crate) fn password_route(req: &Request<'_>) -> bool {
    req.route().is_some_and(|r| {
        let path = r.uri.path();
        path == OWN_PASSWORD || path == "/logout" || path == "/api/v1/session"
    })
}

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![index, add, set_disabled, reset, set_role, own_page, own_change]
}

/// A row of the page.
#[derive(Serialize)]
struct Row {
    id: i64,
    username: String,
    role: &'static str,
    role_code: &'static str,
    unit: Option<String>,
    last_login: String,
    disabled: bool,
    must_change_password: bool,
    me: bool,
}

/// A role as the forms offer it: the one Chinese name of `Role::label`.
#[derive(Serialize)]
struct Offered {
    code: &'static str,
    label: &'static str,
}

/// RFC 3339 UTC as stored → Beijing time, `2024年3月5日 14:07`.
fn beijing(stamp: Option<&str>) -> String {
    let Some(t) = stamp.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()) else {
        return "从未登录".into();
    };
    let t = t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8);
    t.format("%Y年%-m月%-d日 %H:%M").to_string()
}

fn row(l: Listed, session: &Session) -> Row {
    Row {
        id: l.user.id,
        role: l.user.role.label(),
        role_code: l.user.role.code(),
        unit: l.user.unit,
        last_login: beijing(l.last_login_at.as_deref()),
        disabled: l.user.disabled,
        must_change_password: l.must_change_password,
        me: l.user.id == session.user.id,
        username: l.user.username,
    }
}

/// The page, with a message (a refusal, or the one-time password of a new or reset account).
async fn page(db: &Db, session: &Session, flash: Option<String>, issued: Option<Issued>) -> Result<Template, AppError> {
    let listing = use_case::listing(db, session.actor()).await?;
    let users: Vec<Row> = listing.users.into_iter().map(|l| row(l, session)).collect();
    let units = listing.units;
    let roles: Vec<Offered> = Role::ALL.iter().map(|r| Offered { code: r.code(), label: r.label() }).collect();
    let issued = issued.map(|i| json!({ "username": i.username, "password": i.password }));
    Ok(Template::render(
        "accounts/index",
        context! { me: me(session), flash, users, units, roles, issued, min_chars: policy::MIN_CHARS },
    ))
}

/// `GET /accounts`.
#[get("/accounts")]
pub(crate) async fn index(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    page(db, &session, flash.map(|f| f.message().to_string()), None).await
}

/// Hashes made off the async threads, under the same limit as the logins' checks.
impl Passwords for PasswordChecks {
    async fn hash(&self, password: String) -> Result<String, AppError> {
        let permit = self.acquire().await.ok_or(AppError::Busy(1))?;
        let hashed = rocket::tokio::task::spawn_blocking(move || accounts::hash_password(&password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(e.to_string()));
        drop(permit);
        hashed
    }

    async fn verify(&self, password: String, stored: String) -> Result<bool, AppError> {
        let permit = self.acquire().await.ok_or(AppError::Busy(1))?;
        let right = rocket::tokio::task::spawn_blocking(move || accounts::verify_password(&password, &stored))
            .await
            .map_err(|e| AppError::Internal(e.to_string()));
        drop(permit);
        right
    }
}

#[derive(FromForm)]
pub struct NewAccount {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    username: String,
    role: String,
    unit: String,
}

/// `POST /accounts`: a new account with a one-time password, shown once on the page that
/// answers (no idempotency key: its stored answer would keep the password).
#[post("/accounts", data = "<form>")]
pub(crate) async fn add(
    db: &Db,
    session: Session,
    checks: &State<PasswordChecks>,
    form: Form<NewAccount>,
) -> Result<Template, AppError> {
    match use_case::add(db, session.actor(), checks.inner(), &form.username, &form.role, &form.unit).await {
        Ok(issued) => {
            let done = format!("已新建账户“{}”", issued.username);
            page(db, &session, Some(done), Some(issued)).await
        }
        Err(AppError::Invalid(m)) => page(db, &session, Some(m), None).await,
        Err(e) => Err(e),
    }
}

#[derive(FromForm)]
pub struct Disable {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    disabled: bool,
}

/// `POST /accounts/<id>/disabled`: disable (its sessions end at once) or re-enable.
#[post("/accounts/<id>/disabled", data = "<form>")]
pub(crate) async fn set_disabled(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<Disable>,
) -> Result<Flash<Redirect>, AppError> {
    let username = use_case::set_disabled(db, session.actor(), id, form.disabled).await?;
    let what = if form.disabled { "已停用" } else { "已恢复使用" };
    Ok(Flash::success(Redirect::to(INDEX), format!("账户“{username}”{what}")))
}

#[derive(FromForm)]
pub struct Csrf {
    #[field(name = "csrf_token")]
    _csrf_token: String,
}

/// `POST /accounts/<id>/password`: a new one-time password, shown once; the user's
/// sessions end and the next login asks for a password of their own.
#[post("/accounts/<id>/password", data = "<_form>")]
pub(crate) async fn reset(
    db: &Db,
    session: Session,
    checks: &State<PasswordChecks>,
    id: i64,
    _form: Form<Csrf>,
) -> Result<Template, AppError> {
    let issued = use_case::reset(db, session.actor(), checks.inner(), id).await?;
    let done = format!("已重置“{}”的密码", issued.username);
    page(db, &session, Some(done), Some(issued)).await
}

#[derive(FromForm)]
pub struct RoleForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    role: String,
    unit: String,
}

/// `POST /accounts/<id>/role`: a new role or 团场; the user's sessions end.
#[post("/accounts/<id>/role", data = "<form>")]
pub(crate) async fn set_role(
    db: &Db,
    session: Session,
    id: i64,
    form: Form<RoleForm>,
) -> Result<Flash<Redirect>, AppError> {
    let to = Redirect::to(INDEX);
    match use_case::set_role(db, session.actor(), id, &form.role, &form.unit).await {
        Ok(c) => {
            let shown = c.unit.map(|u| format!("（{u}）")).unwrap_or_default();
            Ok(Flash::success(to, format!("“{}”的角色已改为{}{shown}", c.username, c.role.label())))
        }
        Err(AppError::Invalid(m)) => Ok(Flash::error(to, m)),
        Err(e) => Err(e),
    }
}

/// `GET /account/password`: every user changes their own password here; a user with a
/// one-time password is sent here until they do.
#[get("/account/password")]
pub(crate) async fn own_page(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    own(db, &session, None, flash.map(|f| f.message().to_string())).await
}

async fn own(db: &Db, session: &Session, error: Option<String>, flash: Option<String>) -> Result<Template, AppError> {
    let required = use_case::must_change_password(db, session.actor()).await?;
    Ok(Template::render(
        "account/password",
        context! { me: me(session), error, flash, required, min_chars: policy::MIN_CHARS },
    ))
}

#[derive(FromForm)]
pub struct OwnPassword {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    current: String,
    new: String,
    repeat: String,
}

/// `POST /account/password`: the current password, then the new one twice. This session
/// stays; the user's other sessions end.
#[post("/account/password", data = "<form>")]
pub(crate) async fn own_change(
    db: &Db,
    session: Session,
    checks: &State<PasswordChecks>,
    cookies: &rocket::http::CookieJar<'_>,
    form: Form<OwnPassword>,
) -> Result<Flash<Redirect>, (rocket::http::Status, Template)> {
    let me = &session;
    let refuse = |status, message: String| async move {
        match own(db, me, Some(message), None).await {
            Ok(t) => (status, t),
            Err(e) => (e.status(), Template::render("account/password", context! { error: e.to_string() })),
        }
    };
    let unprocessable = rocket::http::Status::UnprocessableEntity;
    if form.new != form.repeat {
        return Err(refuse(unprocessable, "两次输入的新密码不一致".into()).await);
    }
    if form.new == form.current {
        return Err(refuse(unprocessable, "新密码不能与当前密码相同".into()).await);
    }
    let keep = cookies.get(super::auth::SESSION_COOKIE).map(|c| super::auth::digest(c.value()));
    match use_case::change_own(db, session.actor(), checks.inner(), keep.as_deref(), &form.current, &form.new).await {
        Ok(()) => Ok(Flash::success(Redirect::to(OWN_PASSWORD), "密码已修改")),
        Err(AppError::Invalid(why)) => Err(refuse(unprocessable, why).await),
        Err(AppError::Unauthorized) => Err(refuse(unprocessable, "当前密码不正确".into()).await),
        Err(e) => Err(refuse(e.status(), e.to_string()).await),
    }
}
