//! The TOTP second factor of an account (ASVS 5.0 6.3.2, 6.5): division staff and
//! auditors (and every role the settings make it mandatory for) enrol by scanning a QR code
//! drawn here, confirm with a first code, and get ten one-time recovery codes, shown once.
//! Turning it off takes a current code, and is refused where the role must have it.
//! Enrolling, confirming and turning off are audited.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use rocket::State;

use crate::accounts::Role;
use crate::app::second_factor::{self as use_case, Confirmed};
use crate::config::AppConfig;
use crate::error::AppError;
use crate::second_factor;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::accounts::login_limit::{ClientAddress, Subjects};

/// The enrolment page; every route under it is open to a user who must still enrol.
pub const ENROL_PAGE: &str = "/account/second-factor";

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![page, setup, confirm, turn_off]
}

fn may_enrol(session: &Session, config: &AppConfig) -> bool {
    matches!(session.role, Role::DivisionStaff | Role::Auditor) || config.second_factor_required(session.role)
}

/// The page: whether the second factor is on, and during an enrolment the QR code.
#[get("/account/second-factor")]
pub(crate) async fn page(
    db: &Db,
    session: Session,
    config: &State<AppConfig>,
    flash: Option<FlashMessage<'_>>,
) -> Result<Template, AppError> {
    session.require(may_enrol(&session, config))?;
    let state = use_case::state(db, session.actor()).await?;
    let enrolling = state.pending.as_deref().and_then(|secret| {
        let url = second_factor::url(secret, &session.user.username)?;
        Some(context! { secret: grouped(secret), qr: second_factor::qr_svg(&url)? })
    });
    Ok(Template::render(
        "account/second_factor",
        context! {
            me: crate::web::kernel::pages::me(&session), on: state.secret.is_some(), codes_left: state.codes_left, enrolling,
            required: config.second_factor_required(session.role), flash: flash.map(|f| f.message().to_string()),
            codes: Option::<Vec<String>>::None,
        },
    ))
}

/// A base32 secret in groups of four, for typing it in by hand.
fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Start (or restart) an enrolment: a new secret, not yet in force.
#[post("/account/second-factor/setup")]
pub(crate) async fn setup(db: &Db, session: Session, config: &State<AppConfig>) -> Result<Redirect, AppError> {
    session.require(may_enrol(&session, config))?;
    use_case::start(db, session.actor()).await?;
    Ok(Redirect::to(ENROL_PAGE))
}

/// A code typed from the authenticator app.
#[derive(FromForm)]
pub struct CodeForm {
    #[field(name = "csrf_token")]
    _csrf_token: String,
    #[field(default = String::new())]
    code: String,
}

/// Confirm the enrolment with a first code: the second factor is on, and the recovery
/// codes are shown this once (the answer is never stored: `Cache-Control: no-store`, and
/// the idempotency fairing keeps no body of these routes).
#[post("/account/second-factor/confirm", data = "<form>")]
pub(crate) async fn confirm(
    db: &Db,
    session: Session,
    config: &State<AppConfig>,
    form: Form<CodeForm>,
) -> Result<Result<Template, Flash<Redirect>>, AppError> {
    session.require(may_enrol(&session, config))?;
    let codes = match use_case::confirm(db, session.actor(), &form.code).await? {
        Confirmed::NotStarted => return Ok(Err(Flash::error(Redirect::to(ENROL_PAGE), "请先开始设置"))),
        Confirmed::WrongCode => {
            return Ok(Err(Flash::error(Redirect::to(ENROL_PAGE), "验证码不正确，请按手机上显示的六位数字重新输入")))
        }
        Confirmed::On(codes) => codes,
    };
    Ok(Ok(Template::render(
        "account/second_factor",
        context! {
            me: crate::web::kernel::pages::me(&session), on: true, codes_left: codes.len(), enrolling: Option::<String>::None,
            required: config.second_factor_required(session.role), flash: Some("双重验证已开启"), codes: Some(codes),
        },
    )))
}

/// Turn the second factor off with a current code (or a recovery code); refused where the
/// role must have one.
#[post("/account/second-factor/off", data = "<form>")]
pub(crate) async fn turn_off(
    db: &Db,
    session: Session,
    config: &State<AppConfig>,
    form: Form<CodeForm>,
    address: ClientAddress,
) -> Result<Flash<Redirect>, AppError> {
    session.require(may_enrol(&session, config))?;
    if config.second_factor_required(session.role) {
        return Err(AppError::Conflict("您的角色必须使用双重验证，不能关闭".into()));
    }
    // Counted and limited like a login, so that a stolen session cannot try every code.
    let who = Subjects::new(&session.user.username, address);
    match crate::web::accounts::login::second_step(db, config, &who, &session.user, &form.code).await {
        Err(AppError::Unauthorized) => return Ok(Flash::error(Redirect::to(ENROL_PAGE), "验证码不正确或已使用")),
        other => other?,
    }
    use_case::turn_off(db, session.actor()).await?;
    Ok(Flash::success(Redirect::to(ENROL_PAGE), "双重验证已关闭"))
}
