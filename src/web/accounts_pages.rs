//! The accounts page (issue 17 item 1, docs/accounts.md): division staff list every user
//! with role, 团场 and last login; add an account, disable or re-enable one, reset a
//! password, change a role or 团场. Staff never choose a password for someone else: they
//! get a one-time password to hand over, which its user must replace at the first login
//! (the `Session` guard opens nothing else until then). Every user changes their own
//! password here too. Each change is audited with old and new values (never a password).

use rocket::form::Form;
use rocket::request::{FlashMessage, Request};
use rocket::response::{Flash, Redirect};
use rocket::State;
use serde::Serialize;
use serde_json::json;

use super::auth::Session;
use super::login_limit::PasswordChecks;
use crate::accounts::{self, policy, Role};
use crate::error::AppError;
use crate::storage::{self, users::Listed, Db};
use crate::web::templates::{context, Template};

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
    role_code: String,
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
        role: Role::parse(&l.user.role).map_or("—", Role::label),
        role_code: l.user.role,
        unit: l.user.unit,
        last_login: beijing(l.last_login_at.as_deref()),
        disabled: l.user.disabled,
        must_change_password: l.must_change_password,
        me: l.user.id == session.user.id,
        username: l.user.username,
    }
}

/// The page, with a message (a refusal, or the one-time password of a new or reset account).
async fn page(
    db: &Db,
    session: &Session,
    flash: Option<String>,
    issued: Option<(String, String)>,
) -> Result<Template, AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    let mut conn = db.inner.acquire().await?;
    let users: Vec<Row> = storage::users::list(&mut conn).await?.into_iter().map(|l| row(l, session)).collect();
    let units: Vec<String> = storage::units::list(&mut conn, true).await?.into_iter().map(|u| u.name).collect();
    let roles: Vec<Offered> = Role::ALL.iter().map(|r| Offered { code: r.code(), label: r.label() }).collect();
    let issued = issued.map(|(username, password)| json!({ "username": username, "password": password }));
    Ok(Template::render(
        "accounts/index",
        context! { me: super::pages::me(session), flash, users, units, roles, issued, min_chars: policy::MIN_CHARS },
    ))
}

/// `GET /accounts`.
#[get("/accounts")]
pub(crate) async fn index(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    page(db, &session, flash.map(|f| f.message().to_string()), None).await
}

/// A role and 团场 from a form: a regiment's 团场 must be on the division's list; other
/// roles keep none.
async fn role_and_unit(db: &Db, role: &str, unit: &str) -> Result<(Role, Option<String>), AppError> {
    let role = Role::parse(role).ok_or_else(|| AppError::Invalid("请选择角色".into()))?;
    if role != Role::RegimentStaff {
        return Ok((role, None));
    }
    let unit = unit.trim();
    if unit.is_empty() {
        return Err(AppError::Invalid("团场工会账户须选择团场".into()));
    }
    if !storage::units::is_active(&mut *db.inner.acquire().await?, unit).await? {
        return Err(AppError::Invalid(format!("“{unit}”不在本师团场名单中，请从名单中选择")));
    }
    Ok((role, Some(unit.to_string())))
}

/// A hash made off the async threads (argon2id takes 19 MiB and tens of milliseconds),
/// under the same limit as the logins' checks.
async fn hash(checks: &PasswordChecks, password: String) -> Result<String, AppError> {
    let permit = checks.acquire().await.ok_or(AppError::Busy(1))?;
    let hashed = rocket::tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()));
    drop(permit);
    hashed
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
    session.require(session.role == Role::DivisionStaff)?;
    let username = crate::bidi::strip(form.username.trim()).into_owned();
    let checked = match (username.chars().count(), username.chars().any(char::is_whitespace)) {
        (1..=50, false) => role_and_unit(db, &form.role, &form.unit).await,
        _ => Err(AppError::Invalid("用户名不能为空、不含空格，最多 50 个字".into())),
    };
    let (role, unit) = match checked {
        Ok(v) => v,
        Err(AppError::Invalid(m)) => return page(db, &session, Some(m), None).await,
        Err(e) => return Err(e),
    };
    let password = policy::one_time();
    let hashed = hash(checks, password.clone()).await?;
    let mut tx = storage::begin_write(db).await?;
    if storage::users::find_by_name(&mut tx, &username).await?.is_some() {
        drop(tx);
        return page(db, &session, Some(format!("用户名“{username}”已存在")), None).await;
    }
    let id = storage::users::insert(&mut tx, &username, &hashed, role.code(), unit.as_deref()).await?;
    storage::users::set_password(&mut tx, id, &hashed, true, None).await?;
    let mut e = super::audit::entry(&session, "user.add", "user", id, None);
    e.new = json!({ "username": username, "role": role.code(), "unit": unit, "disabled": false, "must_change_password": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    page(db, &session, Some(format!("已新建账户“{username}”")), Some((username, password))).await
}

/// The account a staff action is about; never the actor's own (no one locks themselves out).
async fn other(db: &Db, session: &Session, id: i64) -> Result<Listed, AppError> {
    session.require(session.role == Role::DivisionStaff)?;
    let found = storage::users::find(&mut *db.inner.acquire().await?, id).await?.ok_or(AppError::NotFound)?;
    if found.user.id == session.user.id {
        return Err(AppError::Conflict("不能停用、重置或更改自己的账户；修改自己的密码请用“修改密码”".into()));
    }
    Ok(found)
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
    let before = other(db, &session, id).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_disabled(&mut tx, id, form.disabled).await?;
    let action = if form.disabled { "user.disable" } else { "user.enable" };
    let mut e = super::audit::entry(&session, action, "user", id, None);
    (e.old, e.new) = (json!({ "disabled": before.user.disabled }), json!({ "disabled": form.disabled }));
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    let what = if form.disabled { "已停用" } else { "已恢复使用" };
    Ok(Flash::success(Redirect::to(INDEX), format!("账户“{}”{what}", before.user.username)))
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
    let before = other(db, &session, id).await?;
    let password = policy::one_time();
    let hashed = hash(checks, password.clone()).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_password(&mut tx, id, &hashed, true, None).await?;
    let mut e = super::audit::entry(&session, "user.password_reset", "user", id, None);
    e.old = json!({ "must_change_password": before.must_change_password });
    e.new = json!({ "must_change_password": true });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    let name = before.user.username;
    page(db, &session, Some(format!("已重置“{name}”的密码")), Some((name, password))).await
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
    let before = other(db, &session, id).await?;
    let to = Redirect::to(INDEX);
    let (role, unit) = match role_and_unit(db, &form.role, &form.unit).await {
        Ok(v) => v,
        Err(AppError::Invalid(m)) => return Ok(Flash::error(to, m)),
        Err(e) => return Err(e),
    };
    if role.code() == before.user.role && unit == before.user.unit {
        return Ok(Flash::error(to, format!("“{}”的角色和团场没有变化", before.user.username)));
    }
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_role(&mut tx, id, role.code(), unit.as_deref()).await?;
    let mut e = super::audit::entry(&session, "user.role", "user", id, None);
    e.old = json!({ "role": before.user.role, "unit": before.user.unit });
    e.new = json!({ "role": role.code(), "unit": unit });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    let shown = unit.map(|u| format!("（{u}）")).unwrap_or_default();
    Ok(Flash::success(to, format!("“{}”的角色已改为{}{shown}", before.user.username, role.label())))
}

/// `GET /account/password`: every user changes their own password here; a user with a
/// one-time password is sent here until they do.
#[get("/account/password")]
pub(crate) async fn own_page(db: &Db, session: Session, flash: Option<FlashMessage<'_>>) -> Result<Template, AppError> {
    own(db, &session, None, flash.map(|f| f.message().to_string())).await
}

async fn own(db: &Db, session: &Session, error: Option<String>, flash: Option<String>) -> Result<Template, AppError> {
    let required = storage::users::must_change_password(&mut *db.inner.acquire().await?, session.user.id).await?;
    Ok(Template::render(
        "account/password",
        context! { me: super::pages::me(session), error, flash, required, min_chars: policy::MIN_CHARS },
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
    if let Err(why) = policy::check(&form.new) {
        return Err(refuse(unprocessable, why.to_string()).await);
    }
    match change_own(db, &session, checks, cookies, &form.current, &form.new).await {
        Ok(()) => Ok(Flash::success(Redirect::to(OWN_PASSWORD), "密码已修改")),
        Err(AppError::Unauthorized) => Err(refuse(unprocessable, "当前密码不正确".into()).await),
        Err(e) => Err(refuse(e.status(), e.to_string()).await),
    }
}

async fn change_own(
    db: &Db,
    session: &Session,
    checks: &PasswordChecks,
    cookies: &rocket::http::CookieJar<'_>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let found = storage::users::find_for_login(&mut *db.inner.acquire().await?, &session.user.username).await?;
    let (_, stored) = found.ok_or(AppError::NotFound)?;
    let permit = checks.acquire().await.ok_or(AppError::Busy(1))?;
    let current = current.to_string();
    let right = rocket::tokio::task::spawn_blocking(move || accounts::verify_password(&current, &stored))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    drop(permit);
    if !right {
        return Err(AppError::Unauthorized);
    }
    let hashed = hash(checks, new.to_string()).await?;
    let keep = cookies.get(super::auth::SESSION_COOKIE).map(|c| super::auth::digest(c.value()));
    let was_required = storage::users::must_change_password(&mut *db.inner.acquire().await?, session.user.id).await?;
    let mut tx = storage::begin_write(db).await?;
    storage::users::set_password(&mut tx, session.user.id, &hashed, false, keep.as_deref()).await?;
    let mut e = super::audit::entry(session, "user.password_change", "user", session.user.id, None);
    e.old = json!({ "must_change_password": was_required });
    e.new = json!({ "must_change_password": false });
    storage::audit::append(&mut tx, &e).await?;
    tx.commit().await?;
    Ok(())
}
