//! Who is asking: the session cookie → the user, their role, their CSRF token.
//! The cookie carries only a random token; the database holds its SHA-256 (hazards.md).

use std::sync::Arc;

use rand::RngCore;
use rocket::http::{Cookie, CookieJar, SameSite, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::State;
use rocket_db_pools::Database;
use sha2::{Digest, Sha256};

use super::cache::{Caches, Generation};
use crate::accounts::Role;
use crate::config::AppConfig;
use crate::error::AppError;
use crate::storage::projects::Scope;
use crate::storage::{self, users::User, Db};

pub const SESSION_COOKIE: &str = "tiexi_session";
/// Before login: the double-submit token of the login form.
pub const VISITOR_COOKIE: &str = "tiexi_visitor";
const SESSION_HOURS: i64 = 12;

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

/// Lowercase hex of some bytes.
#[must_use]
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A logged-in user, with what the pages need to know.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub role: Role,
    pub csrf: String,
}

impl Session {
    /// The projects this user may see (role and ownership, enforced in SQL).
    #[must_use]
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::DivisionStaff | Role::BureauReviewer | Role::Auditor => Scope::All,
            Role::RegimentStaff => Scope::Unit(self.user.unit.clone().unwrap_or_default()),
            Role::Cooperative => Scope::Owner(self.user.id),
        }
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

/// Look up the session of the request's cookie; `None` when absent, expired or disabled.
/// A session found at the request's write generation serves from memory while the
/// generation stays (`cache`): logging out and disabling a user are writes, so they end
/// it at once, and expiry is checked each time.
pub(crate) async fn lookup(req: &Request<'_>) -> Result<Option<Session>, sqlx::Error> {
    let Some(cookie) = req.cookies().get(SESSION_COOKIE) else { return Ok(None) };
    let Some(db) = Db::fetch(req.rocket()) else { return Ok(None) };
    let Some(caches) = req.rocket().state::<Caches>() else { return Ok(None) };
    let generation = Generation::of(req).await?;
    let key = digest(cookie.value());
    let now = storage::now();
    if let Some(live) = caches.sessions.get(&key, generation) {
        return Ok((live.1 > now).then(|| live.0.clone()));
    }
    let mut conn = db.inner.acquire().await?;
    let Some((user, csrf, expires)) = storage::sessions::find(&mut conn, &key, &now).await? else { return Ok(None) };
    let Some(role) = Role::parse(&user.role) else { return Ok(None) };
    let session = Session { user, role, csrf };
    caches.sessions.put(key, generation, Arc::new((session.clone(), expires)));
    Ok(Some(session))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Session {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let cached = req.local_cache_async(async { lookup(req).await.ok().flatten() }).await;
        match cached {
            Some(s) => Outcome::Success(s.clone()),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

/// Start a session for a user who just proved their password; returns its CSRF token.
///
/// # Errors
/// A database error.
pub(crate) async fn open(
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    user: &User,
) -> Result<String, AppError> {
    let secret = token();
    let csrf = token();
    let expires =
        (chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut tx = storage::begin_write(db).await?;
    storage::sessions::insert(&mut tx, &digest(&secret), user.id, &csrf, &expires).await?;
    tx.commit().await?;
    cookies.add(cookie(SESSION_COOKIE, secret, config.secure_cookies));
    cookies.remove(Cookie::from(VISITOR_COOKIE));
    Ok(csrf)
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

/// The visitor token of the login form, set on first sight.
pub(crate) fn visitor_token(cookies: &CookieJar<'_>, secure: bool) -> String {
    if let Some(c) = cookies.get(VISITOR_COOKIE) {
        return c.value().to_string();
    }
    let t = token();
    cookies.add(cookie(VISITOR_COOKIE, t.clone(), secure));
    t
}
