//! CSRF: every request that is not GET/HEAD must carry the session's token, in the
//! `X-CSRF-Token` header (API) or as the first form field `csrf_token` (pages). One fairing
//! checks them all, so that no route can forget (docs/hazards.md: Rocket has none built in).
//! A request that fails is turned into `GET /csrf-denied` (`/api/v1/csrf-denied` for the
//! API), which answers 403 as a page or as JSON.
//!
//! It first refuses Rocket's method override: Rocket turns a form POST whose first field
//! is `_method` into that method before any fairing runs, so that a cross-site form with
//! `_method=get` would pass here as a GET. Such a request answers 400, whatever its
//! method became.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{uri::Origin, Method};
use rocket::{Data, Request};

use crate::web::accounts::auth::{lookup, VISITOR_COOKIE};
use crate::web::kernel::errors;

/// The one exemption: the JSON login. A cross-site page cannot send `application/json`
/// without a CORS preflight, which this server never grants, so login CSRF is not possible.
fn exempt(req: &Request<'_>) -> bool {
    req.method() == Method::Post
        && req.uri().path() == "/api/v1/session"
        && req.content_type().is_some_and(|c| c.is_json())
}

pub struct Csrf;

#[rocket::async_trait]
impl Fairing for Csrf {
    fn info(&self) -> Info {
        Info { name: "CSRF tokens on every state-changing request", kind: Kind::Request }
    }

    async fn on_request(&self, req: &mut Request<'_>, data: &mut Data<'_>) {
        if method_override(req, data).await {
            let to = if errors::is_api(req) { errors::API_OVERRIDE_REFUSED } else { errors::OVERRIDE_REFUSED };
            redirect(req, to);
            return;
        }
        if matches!(req.method(), Method::Get | Method::Head) || exempt(req) {
            return;
        }
        if cross_site(req) {
            let to = if errors::is_api(req) { errors::API_CSRF_DENIED } else { errors::CSRF_DENIED };
            redirect(req, to);
        } else if !token_matches(req, data).await {
            // A form of ours whose session ended: the login page, carrying what was typed
            // (`resume`; it acts on nothing).
            if crate::web::accounts::resume::resumable(req).await {
                crate::web::accounts::resume::redirect(req);
                return;
            }
            let to = if errors::is_api(req) { errors::API_CSRF_DENIED } else { errors::CSRF_DENIED };
            redirect(req, to);
        }
    }
}

/// Send the request to one of the refusal routes (`web::kernel::errors`), as a GET.
fn redirect(req: &mut Request<'_>, to: &'static str) {
    req.set_method(Method::Get);
    req.set_uri(Origin::parse(to).expect("a constant path"));
}

/// A form whose first field is `_method` (what Rocket's override reads). Our forms never
/// send one; a GET or HEAD with a form body is no browser's either.
async fn method_override(req: &Request<'_>, data: &mut Data<'_>) -> bool {
    if !req.content_type().is_some_and(|c| c.is_form()) {
        return false;
    }
    let head = data.peek(16).await;
    head.starts_with(b"_method=") || head.starts_with(b"_method&") || head == b"_method"
}

/// `Sec-Fetch-Site: cross-site` or an `Origin` of another host is refused outright.
fn cross_site(req: &Request<'_>) -> bool {
    if req.headers().get_one("Sec-Fetch-Site") == Some("cross-site") {
        return true;
    }
    match (req.headers().get_one("Origin"), req.headers().get_one("Host")) {
        (Some(origin), Some(host)) => origin != "null" && !origin.ends_with(&format!("//{host}")),
        // An origin that cannot be compared with the host is not taken as ours.
        (Some(origin), None) => origin != "null",
        (None, _) => false,
    }
}

async fn token_matches(req: &Request<'_>, data: &mut Data<'_>) -> bool {
    // The session's token; else that of a login waiting for its second factor; else the
    // login form's visitor token.
    let expected = match lookup(req).await {
        Ok(Some(session)) => session.csrf,
        Ok(None) => match crate::web::accounts::auth::pending_csrf(req).await {
            Some(csrf) => csrf,
            None => match req.cookies().get(VISITOR_COOKIE) {
                Some(c) => c.value().to_string(),
                None => return false,
            },
        },
        Err(_) => return false,
    };
    let given = match req.headers().get_one("X-CSRF-Token") {
        Some(h) => h.to_string(),
        None => form_token(data).await.unwrap_or_default(),
    };
    !given.is_empty() && constant_time_eq(given.as_bytes(), expected.as_bytes())
}

/// The `csrf_token` field, which every form of ours puts first (urlencoded or multipart).
async fn form_token(data: &mut Data<'_>) -> Option<String> {
    let head = String::from_utf8_lossy(data.peek(512).await).into_owned();
    if let Some(rest) = head.strip_prefix("csrf_token=") {
        return Some(rest.split('&').next().unwrap_or_default().to_string());
    }
    let after = head.split("name=\"csrf_token\"").nth(1)?;
    let value = after.split("\r\n\r\n").nth(1)?;
    Some(value.split("\r\n").next().unwrap_or_default().to_string())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
