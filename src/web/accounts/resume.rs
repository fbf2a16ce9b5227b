//! A form sent after the session ended (issue 17 item 7, docs/accounts.md "Sessions"):
//! the user logs in again and comes back to what they typed, instead of a refusal that
//! loses it.
//!
//! The CSRF fairing sends such a POST here instead of refusing it, but only when nothing
//! about it looks foreign: it is not cross-site (`Origin`, `Sec-Fetch-Site`), it carries
//! one of our `SameSite=Lax` cookies (the expired session's or the login page's, which a
//! browser never sends with another site's POST), and no session is live. Nothing is done
//! with it: the login page answers, carrying the form's fields in hidden inputs (the
//! token, passwords and the password forms' fields left out). After the login the user
//! sees a page that names what will be sent and re-posts it to the original address with
//! the new session's token, on their click; so the CSRF check still guards the action
//! itself. An upload cannot travel this way: the user is sent back to the form's page to
//! choose the file again. Nothing is stored on the server.

use rocket::data::{Data, Limits, ToByteUnit};
use rocket::http::uri::Origin;
use rocket::http::{ContentType, Method, RawStr};
use rocket::request::{FromRequest, Outcome, Request};
use serde::Serialize;

use super::auth::{LoginFormToken, SESSION_COOKIE, VISITOR_COOKIE};
use crate::web::kernel::templates::{context, Template};

/// Where the CSRF fairing sends a form whose session ended.
pub const PATH: &str = "/login/resume";

/// The address the form was sent to (set by the CSRF fairing before it rewrites the request).
#[derive(Debug, Clone, Default)]
pub struct Target(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Target {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(req.local_cache(Target::default).clone())
    }
}

/// Whether the fairing may send this request (whose token did not match) here: a page form
/// posted same-site while no session is live. The caller checked it is not cross-site.
pub(crate) async fn resumable(req: &Request<'_>) -> bool {
    let form = req.content_type().is_some_and(|c| c.is_form() || c.is_form_data());
    let ours = req.cookies().get(SESSION_COOKIE).is_some() || req.cookies().get(VISITOR_COOKIE).is_some();
    // A login form with a stale token is refused as before: there is nothing to carry.
    let login = req.uri().path().starts_with("/login");
    if req.method() != Method::Post || !form || !ours || login || crate::web::kernel::errors::is_api(req) {
        return false;
    }
    matches!(super::auth::lookup(req).await, Ok(None)) && super::auth::pending_csrf(req).await.is_none()
}

/// Remember where the form went, then turn the request into this page's.
pub(crate) fn redirect(req: &mut Request<'_>) {
    let target = req.uri().to_string();
    req.local_cache(|| Target(target));
    req.set_uri(Origin::parse(PATH).expect("a constant path"));
}

/// A local address to go back to: a path of this site, never another host (`//host`,
/// `/\host`) and never the API.
#[must_use]
pub fn local(path: &str) -> Option<String> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.starts_with("/api/")
        && !path.chars().any(char::is_control)
        && Origin::parse(path).is_ok();
    ok.then(|| path.to_string())
}

/// Whether the fields sent to `action` may travel through the login page: never those of
/// the login, logout and password forms.
fn carries_fields(action: &str) -> bool {
    let path = action.split('?').next().unwrap_or_default();
    !(path.starts_with("/login") || path == "/logout" || path.starts_with("/account/password"))
}

/// The fields worth carrying: not the old token, nothing named like a password.
fn kept(name: &str) -> bool {
    name != "csrf_token" && !name.to_lowercase().contains("password")
}

/// A form's body as name–value pairs (decoded).
#[must_use]
pub fn fields(body: &str) -> Vec<(String, String)> {
    rocket::form::Form::values(body)
        .map(|f| {
            let name = RawStr::new(f.name.source().as_str()).url_decode_lossy().into_owned();
            (name, RawStr::new(f.value).url_decode_lossy().into_owned())
        })
        .filter(|(name, _)| kept(name))
        .collect()
}

/// Name–value pairs as a form body again.
fn body(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(n, v)| format!("{}={}", RawStr::new(n).percent_encode(), RawStr::new(v).percent_encode()))
        .collect::<Vec<_>>()
        .join("&")
}

/// What the login page carries through: where to go next, and the form to send again.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Carried {
    /// A local path to open after the login.
    pub next: Option<String>,
    /// The form's address…
    pub action: Option<String>,
    /// …and its fields, as a form body.
    pub body: Option<String>,
}

impl Carried {
    /// From the login form's `next`, `resume_action` and `resume_body` fields (checked).
    #[must_use]
    pub fn checked(next: Option<&str>, action: Option<&str>, body: Option<&str>) -> Carried {
        let action = action.and_then(local).filter(|a| carries_fields(a));
        let body = body.filter(|_| action.is_some()).map(|b| self::body(&fields(b)));
        Carried { next: next.and_then(local), action, body }
    }
}

/// A field as the confirmation page shows and re-sends it.
#[derive(Serialize)]
struct Field {
    name: String,
    value: String,
}

/// After the login: the page that sends the form again, with the new session's token.
#[must_use]
pub fn again(carried: &Carried, csrf: &str) -> Option<Template> {
    let action = carried.action.as_deref()?;
    let fields: Vec<Field> = fields(carried.body.as_deref().unwrap_or_default())
        .into_iter()
        .map(|(name, value)| Field { name, value })
        .collect();
    let shown: Vec<&str> = fields.iter().map(|f| f.value.as_str()).filter(|v| !v.trim().is_empty()).collect();
    Some(Template::render(
        "resume",
        context! { csrf, action, fields: &fields, shown, back: carried.next.as_deref().unwrap_or("/") },
    ))
}

/// `POST /login/resume` (only ever reached through the CSRF fairing): the login page with
/// the form's fields in it. Reads the body, changes nothing.
#[post("/login/resume", data = "<data>")]
pub(crate) async fn login_again(
    data: Data<'_>,
    limits: &Limits,
    req_type: Option<&ContentType>,
    target: Target,
    referer: Referer,
    token: LoginFormToken,
) -> Template {
    let upload = req_type.is_some_and(|c| c.is_form_data());
    let action = local(&target.0).filter(|a| carries_fields(a) && !upload);
    let mut body = None;
    if action.is_some() {
        let limit = limits.get("form").unwrap_or_else(|| 64.kibibytes());
        if let Ok(text) = data.open(limit).into_string().await {
            if text.is_complete() {
                body = Some(self::body(&fields(&text.into_inner())));
            }
        }
    }
    let carried = Carried { next: referer.0.and_then(|r| local(&r)), action: action.filter(|_| body.is_some()), body };
    let notice = if carried.action.is_some() {
        "登录已过期，请重新登录。登录后可继续提交刚才填写的内容。"
    } else if upload {
        "登录已过期，请重新登录。登录后将回到原页面，请重新选择文件再提交。"
    } else {
        "登录已过期，请重新登录。"
    };
    Template::render(
        "login",
        context! { csrf: token.0, error: Option::<String>::None, notice, next: &carried.next,
        resume_action: &carried.action, resume_body: &carried.body },
    )
}

/// The path of a same-site `Referer` (the page the form was on), if any.
pub struct Referer(Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Referer {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let host = req.headers().get_one("Host").unwrap_or_default();
        let path = req.headers().get_one("Referer").and_then(|r| {
            let rest = r.split_once("://")?.1;
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            (authority == host && !host.is_empty()).then(|| {
                if path.is_empty() {
                    "/".to_string()
                } else {
                    path.to_string()
                }
            })
        });
        Outcome::Success(Referer(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local("/projects/5?tab=loans").as_deref(), Some("/projects/5?tab=loans"));
        for bad in ["//evil.example/x", "/\\evil.example", "https://evil.example/", "evil", "/api/v1/rounds", ""] {
            assert_eq!(local(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_token_and_passwords_never_travel() {
        let f = fields("csrf_token=abc&project.leader=%E6%9D%8E%E5%9B%9B&new_password=x&loans.0.principal=300000");
        assert_eq!(
            f,
            [
                ("project.leader".to_string(), "李四".to_string()),
                ("loans.0.principal".to_string(), "300000".to_string())
            ]
        );
        assert_eq!(body(&f), "project.leader=%E6%9D%8E%E5%9B%9B&loans.0.principal=300000");
        let c = Carried::checked(Some("/x"), Some("/account/password"), Some("current=a&new=b"));
        assert_eq!((c.action, c.body), (None, None));
        let c = Carried::checked(Some("//evil"), Some("/rounds/2024/applications"), Some("a=1&csrf_token=t"));
        assert_eq!(
            (c.next, c.action.as_deref(), c.body.as_deref()),
            (None, Some("/rounds/2024/applications"), Some("a=1"))
        );
    }
}
