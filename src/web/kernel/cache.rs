//! What the busiest pages compute, kept until the next write. Every write goes through
//! `storage::begin_write`, which bumps the write generation (`write_lock.n`); a request
//! reads the generation once, before it reads anything else, and an entry made at that
//! generation serves every request that reads the same one. So a write (a review move, a
//! confirmed import, a logout, `tiexi user disable` from another process) is seen by the
//! next request, and an unchanged database costs one `SELECT` per request.
//!
//! Keys carry who the entry is for (the session, or the scope of the projects it counts):
//! an entry made for one scope is never looked up under another. Each cache holds a bounded
//! number of entries; when full, the stale ones go, and if none is stale, all of them.

use std::collections::HashMap;
use std::hash::Hash;
use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::templates::Template;
use rocket::http::{ContentType, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Orbit, Rocket};
use rocket_db_pools::Database;
use serde::Serialize;

use crate::error::AppError;
use crate::storage::{self, load::Filter, projects::Scope, Db};
use crate::web::accounts::auth::Session;
use crate::web::dashboard::figures::Board;

/// Entries of one kind, each with the generation it was made at.
pub struct Cache<K, V: ?Sized> {
    entries: Mutex<HashMap<K, (i64, Arc<V>)>>,
    capacity: usize,
}

impl<K: Eq + Hash, V: ?Sized> Cache<K, V> {
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Cache { entries: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// The entry made at exactly this generation.
    pub fn get(&self, key: &K, generation: Generation) -> Option<Arc<V>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(key).filter(|(g, _)| *g == generation.0).map(|(_, v)| Arc::clone(v))
    }

    /// Keep a value made at `generation`, unless one made at a later one is there already.
    pub fn put(&self, key: K, generation: Generation, value: Arc<V>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.get(&key).is_some_and(|(g, _)| *g > generation.0) {
            return;
        }
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, (g, _)| *g >= generation.0);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, (generation.0, value));
    }

    pub fn remove(&self, key: &K) {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
    }
}

/// A live session as found, and when it expires (RFC 3339, as stored).
pub type LiveSession = crate::web::accounts::auth::Live;

/// Every cache of the application (managed state).
pub struct Caches {
    pub reads: Reads,
    /// By the SHA-256 of the session cookie.
    pub sessions: Cache<String, LiveSession>,
    /// The dashboard's figures, by scope.
    pub boards: Cache<Scope, Board>,
    /// How many projects a list matches, by round, scope and filter.
    pub totals: Cache<(i64, Scope, Filter), i64>,
    /// Rendered pages, by session (its CSRF token, which the page carries) and URI.
    pub pages: Cache<(String, String), [u8]>,
}

impl Default for Caches {
    fn default() -> Self {
        Caches {
            reads: Reads::default(),
            sessions: Cache::new(4096),
            boards: Cache::new(256),
            totals: Cache::new(4096),
            // A list page is about 22 KB: at most some 11 MB.
            pages: Cache::new(512),
        }
    }
}

/// The write generation as this request read it first (once per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(pub i64);

impl Generation {
    /// # Errors
    /// A database error (also when the database or the caches are not attached).
    pub async fn of(req: &Request<'_>) -> Result<Generation, sqlx::Error> {
        let read = req
            .local_cache_async(async {
                let (Some(db), Some(caches)) = (Db::fetch(req.rocket()), req.rocket().state::<Caches>()) else {
                    return Read(Err("no database".into()));
                };
                Read(caches.reads.read(db).await.map(Generation).map_err(|e| e.to_string()))
            })
            .await;
        read.0.clone().map_err(sqlx::Error::Protocol)
    }
}

/// Reads of the generation, shared by the requests that wait at the same time: a request
/// takes the value of a read that *started after it arrived* (so it sees every write
/// committed before then), and at most one read is under way. Under load one `SELECT`
/// serves every request that arrived while the previous one ran.
#[derive(Default)]
pub struct Reads {
    /// How many reads have started.
    started: AtomicU64,
    /// The number of the last read that finished, and its value.
    last: rocket::tokio::sync::Mutex<(u64, i64)>,
}

impl Reads {
    async fn read(&self, db: &Db) -> Result<i64, sqlx::Error> {
        let arrived = self.started.load(Ordering::SeqCst);
        let mut last = self.last.lock().await;
        if last.0 > arrived {
            return Ok(last.1);
        }
        let number = self.started.fetch_add(1, Ordering::SeqCst) + 1;
        let n = storage::generation(db).await?;
        *last = (number, n);
        Ok(n)
    }
}

/// The request's one read of the generation (its own type: the request cache is by type).
struct Read(Result<Generation, String>);

/// A rendered HTML page, shared with the cache (sent without a copy).
pub struct Html(pub Arc<[u8]>);

/// Where a kept page wants a fresh one-time key (`web::kernel::idempotency`): a kept page is the
/// same bytes for every request, so the template writes this in place of `me.once` and
/// `Html::with_fresh_key` puts a new key in each answer.
pub(crate) const ONCE: &str = "tiexi-one-time-key-of-this-answer";

impl Html {
    /// The page with a fresh one-time key wherever it has `ONCE` (a copy; the kept bytes
    /// stay as they are).
    #[must_use]
    pub(crate) fn with_fresh_key(self) -> Html {
        let Ok(text) = std::str::from_utf8(&self.0) else { return self };
        if !text.contains(ONCE) {
            return self;
        }
        Html(text.replace(ONCE, &crate::web::accounts::auth::token()).into_bytes().into())
    }
}

impl<'r> Responder<'r, 'static> for Html {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        // One chunk: Rocket's default 4 KiB chunks make a 22 KB list page six socket writes.
        let len = self.0.len();
        Response::build().header(ContentType::HTML).sized_body(len, Cursor::new(self.0)).max_chunk_size(len.max(1)).ok()
    }
}

/// What a page handler needs to serve a page from the caches or keep it there: the
/// caches, the request's generation, and the templates to render with.
#[derive(Clone, Copy)]
pub struct Kept<'r> {
    pub caches: &'r Caches,
    pub generation: Generation,
    rocket: &'r Rocket<Orbit>,
}

impl Kept<'_> {
    /// The page at `uri` for this session: as rendered already at this generation, or made
    /// now (`make` renders it) and kept, unless `keep` is false (a page showing a flash
    /// message, which is shown once). A kept page is the same bytes every time: a template
    /// that puts a one-time key in it (`me.once`) must not come through here; it writes `ONCE`
    /// instead, which `Html::with_fresh_key` replaces in each answer.
    ///
    /// # Errors
    /// `make`'s.
    pub(crate) async fn page(
        self,
        session: &Session,
        uri: &str,
        keep: bool,
        make: impl std::future::Future<Output = Result<String, AppError>>,
    ) -> Result<Html, AppError> {
        let key = (session.csrf.clone(), uri.to_string());
        if keep {
            if let Some(body) = self.caches.pages.get(&key, self.generation) {
                return Ok(Html(body));
            }
        }
        let body: Arc<[u8]> = make.await?.into_bytes().into();
        if keep {
            self.caches.pages.put(key, self.generation, Arc::clone(&body));
        }
        Ok(Html(body))
    }

    /// A template rendered to text (for `page`).
    ///
    /// # Errors
    /// `Internal` when the template fails (Rocket has logged why).
    pub(crate) fn render(self, name: &'static str, context: impl Serialize) -> Result<String, AppError> {
        Template::show(self.rocket, name, context).ok_or_else(|| AppError::Internal(format!("template {name} failed")))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Kept<'r> {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(caches) = req.rocket().state::<Caches>() else {
            return Outcome::Error((Status::InternalServerError, ()));
        };
        match Generation::of(req).await {
            Ok(generation) => Outcome::Success(Kept { caches, generation, rocket: req.rocket() }),
            Err(_) => Outcome::Error((Status::ServiceUnavailable, ())),
        }
    }
}
