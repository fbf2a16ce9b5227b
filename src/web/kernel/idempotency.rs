//! Idempotent requests: a state-changing request that carries a key (`Idempotency-Key`
//! header, or the `idempotency_key` query parameter that every form's action gets, fresh
//! at each render) has one effect; a repeat gets the first answer (status, body,
//! `Location`). A repeat that arrives while the first still runs waits for its answer (a
//! double-click then shows the first's result); after `WAIT_FOR_FIRST` it gets 409.
//!
//! What is kept of an answer never holds a full ID, account or phone number: they are
//! masked before storing (`export::mask::numbers_in`), and a binary body (a download) is
//! not kept at all. Logins, second-factor steps, reveals and downloads are never replayed.
//!
//! Not covered: a crash after the handler's transaction committed and before its answer
//! was stored leaves the key pending, so repeats get 409 (not a second effect, but not the
//! first answer either) until the key expires (`storage::idempotency::KEEP_HOURS`). The
//! key is claimed in its own transaction before the handler runs, not in the handler's.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{uri::Origin, ContentType, Header, Method, Status};
use rocket::request::{FromRequest, Outcome};
use rocket::{Data, Request, Response};
use rocket_db_pools::Database;

use crate::export::mask;
use crate::storage::idempotency::{self, Found, Stored};
use crate::storage::{self, Db};
use crate::web::accounts::auth::lookup;

pub const REPLAY: &str = "/idempotent-replay";
const HEADER: &str = "Idempotency-Key";
const QUERY: &str = "idempotency_key";

/// What the fairing decided for this request (kept in the request's local cache).
#[derive(Debug, Clone, Default)]
enum Decision {
    #[default]
    None,
    /// Claimed: store the answer under (user, key).
    Claimed {
        user_id: i64,
        key: String,
    },
    Replay {
        api: bool,
        found: Found,
        request: String,
    },
}

pub struct Idempotency;

#[rocket::async_trait]
impl Fairing for Idempotency {
    fn info(&self) -> Info {
        Info { name: "one effect per idempotency key", kind: Kind::Request | Kind::Response }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let Some(key) = key_of(req) else { return };
        let Ok(Some(session)) = lookup(req).await else { return };
        let request = format!("{} {}", req.method(), req.uri().path());
        let decision = match claim_or_wait(req, session.user.id, &key, &request).await {
            Ok(None) => Decision::Claimed { user_id: session.user.id, key },
            Ok(Some(found)) => Decision::Replay { api: req.uri().path().starts_with("/api/"), found, request },
            Err(e) => {
                rocket::error!("idempotency key lookup failed: {e:?}");
                return;
            }
        };
        if matches!(decision, Decision::Replay { .. }) {
            req.set_method(Method::Get);
            req.set_uri(Origin::parse(REPLAY).expect("a constant path"));
        }
        req.local_cache(|| decision);
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let Decision::Claimed { user_id, key } = req.local_cache(Decision::default) else { return };
        if let Err(e) = store(req, *user_id, key, res).await {
            rocket::error!("idempotency answer not stored: {e:?}");
        }
    }
}

/// Requests that are never replayed: each reveal or download is audited and its answer
/// must not be kept; a login or second-factor step answers with secrets of its own.
fn never_replayed(path: &str) -> bool {
    path.ends_with("/id-number")
        || path.rsplit('.').next().is_some_and(|ext| ext.eq_ignore_ascii_case("xlsx"))
        || path.starts_with("/login")
        || path == "/api/v1/session"
        || path.starts_with(crate::web::accounts::totp::ENROL_PAGE)
}

/// The key of a state-changing request, if it carries one.
fn key_of(req: &Request<'_>) -> Option<String> {
    if matches!(req.method(), Method::Get | Method::Head) || never_replayed(req.uri().path().as_str()) {
        return None;
    }
    let key = req
        .headers()
        .get_one(HEADER)
        .map(str::to_owned)
        .or_else(|| req.query_value::<String>(QUERY).and_then(Result::ok))?;
    let key = key.trim();
    (!key.is_empty() && key.len() <= 200).then(|| key.to_owned())
}

/// How long a repeat that arrives while the first request still runs (a double-click:
/// the browser shows the second answer) waits for the first's answer, so that the person
/// sees it rather than a 409.
const WAIT_FOR_FIRST: std::time::Duration = std::time::Duration::from_secs(20);

/// Claim the key; a repeat of the same request while the first still runs waits (reading,
/// not writing) until the first has answered, then gets that answer. A key freed by a
/// first that failed on our side is claimed anew.
async fn claim_or_wait(
    req: &Request<'_>,
    user_id: i64,
    key: &str,
    request: &str,
) -> Result<Option<Found>, sqlx::Error> {
    let found = claim(req, user_id, key, request).await?;
    let Some(Found::Pending { request: first }) = &found else { return Ok(found) };
    let Some(db) = Db::fetch(req.rocket()).filter(|_| first == request) else { return Ok(found) };
    let deadline = std::time::Instant::now() + WAIT_FOR_FIRST;
    while std::time::Instant::now() < deadline {
        rocket::tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        match idempotency::find(&mut *db.inner.acquire().await?, user_id, key).await? {
            Some(Found::Pending { .. }) => {}
            None => return claim(req, user_id, key, request).await,
            done => return Ok(done),
        }
    }
    Ok(found)
}

async fn claim(req: &Request<'_>, user_id: i64, key: &str, request: &str) -> Result<Option<Found>, sqlx::Error> {
    let Some(db) = Db::fetch(req.rocket()) else { return Ok(None) };
    let mut tx = storage::begin_write(db).await?;
    let found = idempotency::claim(&mut tx, user_id, key, request).await?;
    tx.commit().await?;
    Ok(found)
}

/// Keep the answer (a 5xx frees the key instead, so that the request may be tried again).
async fn store(req: &Request<'_>, user_id: i64, key: &str, res: &mut Response<'_>) -> Result<(), sqlx::Error> {
    let Some(db) = Db::fetch(req.rocket()) else { return Ok(()) };
    let status = res.status().code;
    let mut tx = storage::begin_write(db).await?;
    if status >= 500 {
        idempotency::release(&mut tx, user_id, key).await?;
    } else {
        let body = res.body_mut().to_bytes().await.map_err(sqlx::Error::Io)?;
        let content_type = res.content_type();
        let stored = Stored {
            status,
            content_type: content_type.as_ref().map(ToString::to_string),
            location: res.headers().get_one("Location").map(mask::numbers_in),
            body: kept_body(content_type.as_ref(), &body),
        };
        res.set_sized_body(body.len(), std::io::Cursor::new(body));
        idempotency::finish(&mut tx, user_id, key, &stored).await?;
    }
    tx.commit().await
}

/// What is kept of a body: JSON with every string's personal numbers masked, other text
/// masked as a whole, nothing of a binary body.
fn kept_body(content_type: Option<&ContentType>, body: &[u8]) -> Vec<u8> {
    let Some(ct) = content_type else { return Vec::new() };
    if ct.is_json() {
        return match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(mut v) => {
                mask_strings(&mut v);
                v.to_string().into_bytes()
            }
            Err(_) => mask::numbers_in(&String::from_utf8_lossy(body)).into_bytes(),
        };
    }
    if ct.top() == "text" {
        return mask::numbers_in(&String::from_utf8_lossy(body)).into_bytes();
    }
    Vec::new()
}

fn mask_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = mask::numbers_in(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_strings),
        _ => {}
    }
}

/// The decision of a replayed request, for its route.
pub struct Replayed(Decision);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Replayed {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
        match req.local_cache(Decision::default) {
            d @ Decision::Replay { .. } => Outcome::Success(Replayed(d.clone())),
            _ => Outcome::Forward(Status::NotFound),
        }
    }
}

/// The first answer again, a 409 while the first request runs, or 422 when the key was
/// used for another request.
#[get("/idempotent-replay")]
#[must_use]
pub(crate) fn replay(replayed: Replayed) -> Answer {
    let Decision::Replay { api, found, request } = replayed.0 else {
        return Answer::error(false, Status::NotFound, "");
    };
    match found {
        Found::Done { request: first, response } if first == request => Answer(response),
        Found::Pending { request: first } if first == request => {
            Answer::error(api, Status::Conflict, "请求正在处理，请勿重复提交")
        }
        _ => Answer::error(api, Status::UnprocessableEntity, "该请求标识已用于另一操作，请刷新页面后重试"),
    }
}

/// A stored answer as a response.
pub struct Answer(Stored);

impl Answer {
    fn error(api: bool, status: Status, message: &str) -> Answer {
        let (content_type, body) = if api {
            (ContentType::JSON, serde_json::json!({ "error": message }).to_string())
        } else {
            (ContentType::HTML, crate::web::kernel::views::error_page(status, message))
        };
        Answer(Stored {
            status: status.code,
            content_type: Some(content_type.to_string()),
            location: None,
            body: body.into_bytes(),
        })
    }
}

impl<'r> rocket::response::Responder<'r, 'static> for Answer {
    fn respond_to(self, _: &'r Request<'_>) -> rocket::response::Result<'static> {
        let s = self.0;
        let mut b = Response::build();
        b.status(Status::from_code(s.status).unwrap_or(Status::InternalServerError));
        if let Some(ct) = s.content_type.as_deref().and_then(ContentType::parse_flexible) {
            b.header(ct);
        }
        if let Some(location) = s.location {
            b.header(Header::new("Location", location));
        }
        b.sized_body(s.body.len(), std::io::Cursor::new(s.body)).ok()
    }
}
