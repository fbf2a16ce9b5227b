//! Who is asking: the session cookie → the user, their role, their CSRF token.
//! The cookie carries only a random token; the database holds its SHA-256 (docs/hazards.md).

use std::sync::Arc;

use rand::RngCore;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket_db_pools::Database;
use sha2::{Digest, Sha256};

use crate::accounts::Role;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::projects::Scope;
use crate::storage::{self, users::User, Db};
use crate::web::kernel::cache::{Caches, Generation};

pub const SESSION_COOKIE: &str = "tiexi_session";
/// Before login: the double-submit token of the login form.
pub const VISITOR_COOKIE: &str = "tiexi_visitor";

/// A random token, hex.
#[must_use]
pub(crate) fn token() -> String {
    let mut bytes = [0_u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

#[must_use]
pub(crate) fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub(crate) use crate::sha::hex;

/// A logged-in user, with what the pages need to know.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub role: Role,
    pub csrf: String,
}

impl Session {
    /// The user as the use cases know them (`app::Actor`).
    #[must_use]
    pub fn actor(&self) -> crate::app::Actor<'_> {
        crate::app::Actor {
            id: Some(self.user.id),
            name: &self.user.username,
            role: self.role,
            unit: self.user.unit.as_deref(),
        }
    }

    /// The projects this user may see (role and ownership, enforced in SQL).
    #[must_use]
    pub fn scope(&self) -> Scope {
        self.actor().scope()
    }

    /// # Errors
    /// `Forbidden` unless the check holds.
    pub fn require(&self, allowed: bool) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// A live session as the cache keeps it.
#[derive(Debug, Clone)]
pub struct Live {
    pub session: Session,
    /// RFC 3339 UTC, as stored.
    pub expires_at: String,
    /// The last request written down (at most a minute behind the real one).
    pub last_seen_at: String,
    /// The user has a confirmed TOTP secret.
    pub second_factor: bool,
    /// The user must replace a one-time password before anything else.
    pub must_change_password: bool,
}

/// Set on a request whose user must enrol a second factor before anything else (the
/// 401 catcher then sends a page to the enrolment).
#[derive(Debug, Clone, Copy, Default)]
pub struct EnrolmentRequired(pub bool);

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Look up the session of the request's cookie; `None` when absent, expired, idle or
/// disabled.
pub(crate) async fn lookup(req: &Request<'_>) -> Result<Option<Session>, sqlx::Error> {
    Ok(live(req).await?.map(|l| l.session))
}

/// The session of the request's cookie. One found at the request's write generation serves
/// from memory while the generation stays (`cache`): logging out and disabling a user are
/// writes, so they end it at once; expiry and idleness are checked each time, and a
/// request is written down at most once a minute (outside `begin_write`, so that cached
/// pages stay).
pub(crate) async fn live(req: &Request<'_>) -> Result<Option<Live>, sqlx::Error> {
    let Some(cookie) = req.cookies().get(SESSION_COOKIE) else { return Ok(None) };
    let (Some(db), Some(caches)) = (Db::fetch(req.rocket()), req.rocket().state::<Caches>()) else { return Ok(None) };
    let idle = req.rocket().state::<AppConfig>().map_or(30, |c| c.session_idle_minutes);
    let generation = Generation::of(req).await?;
    let key = digest(cookie.value());
    let now = chrono::Utc::now();
    let (now_s, idle_since) = (stamp(now), stamp(now - chrono::Duration::minutes(idle.max(1))));
    let kept = caches.sessions.get(&key, generation);
    let mut changed = kept.is_none();
    let mut found = if let Some(live) = kept {
        (*live).clone()
    } else {
        let mut conn = db.inner.acquire().await?;
        let Some(f) = storage::sessions::find(&mut conn, &key, &now_s, &idle_since).await? else { return Ok(None) };
        let role = f.user.role;
        let session = Session { user: f.user, role, csrf: f.csrf };
        Live {
            session,
            expires_at: f.expires_at,
            last_seen_at: f.last_seen_at,
            second_factor: f.second_factor,
            must_change_password: f.must_change_password,
        }
    };
    if found.expires_at <= now_s || found.last_seen_at <= idle_since {
        return Ok(None);
    }
    if found.last_seen_at < stamp(now - chrono::Duration::minutes(1)) {
        storage::sessions::touch(&mut *db.inner.acquire().await?, &key, &now_s).await?;
        found.last_seen_at = now_s;
        changed = true;
    }
    if changed {
        caches.sessions.put(key, generation, Arc::new(found.clone()));
    }
    Ok(Some(found))
}

/// Whether the route is one a user who must still enrol a second factor may use.
fn enrolment_route(req: &Request<'_>) -> bool {
    req.route().is_some_and(|r| {
        let path = r.uri.path();
        path.starts_with(crate::web::accounts::totp::ENROL_PAGE) || path == "/logout" || path == "/api/v1/session"
    })
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Session {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let cached = req.local_cache_async(async { live(req).await.ok().flatten() }).await;
        let Some(live) = cached else { return Outcome::Error((Status::Unauthorized, ())) };
        let must = req.rocket().state::<AppConfig>().is_some_and(|c| c.second_factor_required(live.session.role));
        if must && !live.second_factor && !enrolment_route(req) {
            req.local_cache(|| EnrolmentRequired(true));
            return Outcome::Error((Status::Unauthorized, ()));
        }
        // A one-time password set by staff opens only the page that replaces it.
        if live.must_change_password && !super::pages::password_route(req) {
            req.local_cache(|| super::pages::PasswordChangeRequired(true));
            return Outcome::Error((Status::Unauthorized, ()));
        }
        Outcome::Success(live.session.clone())
    }
}

/// Start a session for a user who just proved their password (and second factor, unless
/// `pending`: then the session opens only the second step, for five minutes). The
/// browser's earlier session, whoever's it was, ends here: a login always rotates.
/// Returns the new session's CSRF token.
///
/// # Errors
/// A database error.
pub(crate) async fn open(
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &AppConfig,
    user: &User,
    pending: bool,
) -> Result<String, AppError> {
    let secret = token();
    let csrf = token();
    let life =
        if pending { chrono::Duration::minutes(5) } else { chrono::Duration::hours(config.session_hours.max(1)) };
    let expires = stamp(chrono::Utc::now() + life);
    let mut tx = storage::begin_write(db).await?;
    if let Some(earlier) = cookies.get(SESSION_COOKIE) {
        storage::sessions::delete(&mut tx, &digest(earlier.value())).await?;
    }
    storage::sessions::insert(&mut tx, &digest(&secret), user.id, &csrf, &expires, pending).await?;
    if !pending {
        storage::users::logged_in(&mut tx, user.id).await?;
    }
    tx.commit().await?;
    cookies.add(cookie(SESSION_COOKIE, secret, config.secure_cookies));
    cookies.remove(Cookie::from(VISITOR_COOKIE));
    Ok(csrf)
}

/// The CSRF token of the request's login that waits for its second factor.
pub(crate) async fn pending_csrf(req: &Request<'_>) -> Option<String> {
    pending_token(Db::fetch(req.rocket())?, req.cookies()).await
}

/// The CSRF token of the browser's login that waits for its second factor.
pub(crate) async fn pending_token(db: &Db, cookies: &CookieJar<'_>) -> Option<String> {
    let c = cookies.get(SESSION_COOKIE)?;
    let mut conn = db.inner.acquire().await.ok()?;
    storage::sessions::find_pending(&mut conn, &digest(c.value()), &storage::now()).await.ok().flatten().map(|f| f.csrf)
}

/// The user of a session that waits for its second factor.
///
/// # Errors
/// A database error.
pub(crate) async fn pending(db: &Db, cookies: &CookieJar<'_>) -> Result<Option<User>, AppError> {
    let Some(c) = cookies.get(SESSION_COOKIE) else { return Ok(None) };
    let mut conn = db.inner.acquire().await?;
    Ok(storage::sessions::find_pending(&mut conn, &digest(c.value()), &storage::now()).await?.map(|f| f.user))
}

/// End the request's session (server side first, then the cookie).
///
/// # Errors
/// A database error.
pub(crate) async fn close(db: &Db, caches: &Caches, cookies: &CookieJar<'_>) -> Result<(), AppError> {
    if let Some(c) = cookies.get(SESSION_COOKIE) {
        let mut tx = storage::begin_write(db).await?;
        storage::sessions::delete(&mut tx, &digest(c.value())).await?;
        tx.commit().await?;
        // The write's new generation retires it anyway; this is belt and braces.
        caches.sessions.remove(&digest(c.value()));
    }
    cookies.remove(Cookie::from(SESSION_COOKIE));
    Ok(())
}

/// An `HttpOnly`, `SameSite` cookie; `Secure` when the site says it is behind TLS.
#[must_use]
pub(crate) fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).http_only(true).same_site(SameSite::Lax).secure(secure).path("/").build()
}

/// The token the login form must carry: the browser's session's (someone logged in who
/// logs in again, perhaps as someone else), else a login's waiting for its second factor,
/// else the visitor token, set on first sight. The CSRF fairing expects the same.
pub struct LoginFormToken(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for LoginFormToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        if let Ok(Some(session)) = lookup(req).await {
            return Outcome::Success(LoginFormToken(session.csrf));
        }
        if let Some(csrf) = pending_csrf(req).await {
            return Outcome::Success(LoginFormToken(csrf));
        }
        let secure = req.rocket().state::<AppConfig>().is_some_and(|c| c.secure_cookies);
        Outcome::Success(LoginFormToken(visitor_token(req.cookies(), secure)))
    }
}

/// The visitor token of the login form, set on first sight.
pub(crate) fn visitor_token(cookies: &CookieJar<'_>, secure: bool) -> String {
    if let Some(c) = cookies.get(VISITOR_COOKIE) {
        return c.value().to_string();
    }
    let t = token();
    cookies.add(cookie(VISITOR_COOKIE, t.clone(), secure));
    t
}
