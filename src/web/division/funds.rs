//! A round's pools as accounts (issue 16): `/rounds/<year>/funds` shows each pool's 预算,
//! 上年结转, 到位, 已核定, 已拨付, 结转下年, 剩余 and rates, and every line; division staff
//! record money received (到位), paid before the system (历史拨付) or carried to the next
//! round (结转), and cancel a wrong line. The same under `/api/v1`. The logic is
//! `division::funds`; auditors read.

use crate::web::kernel::templates::{context, Template};
use chrono::NaiveDate;
use rocket::form::Form;
use rocket::request::FlashMessage;
use rocket::response::{Flash, Redirect};
use rocket::serde::json::Json;
use rocket::Route;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::division::funds::{self, Entry, Kind};
use crate::engine::report::accounts::{kind_label, LineState};
use crate::engine::Money;
use crate::error::AppError;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::{answer, require_reader};
use crate::web::division::settings::actor;
use crate::web::kernel::answers::{Reads, WritesBody};
use crate::web::kernel::openapi::ApiError;

#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page, record_page, cancel_page]
}

#[must_use]
pub(crate) fn api_routes() -> Vec<Route> {
    routes![api_get, api_record, api_cancel]
}

fn kind(code: &str) -> Result<Kind, AppError> {
    match code {
        "receipt" => Ok(Kind::Receipt),
        "carryover" => Ok(Kind::Carryover),
        "historical" => Ok(Kind::Historical),
        _ => Err(AppError::Invalid("记录类型只能是到位、历史拨付或结转".into())),
    }
}

fn code(k: Kind) -> &'static str {
    match k {
        Kind::Receipt => "receipt",
        Kind::Carryover => "carryover",
        Kind::Historical => "historical",
    }
}

fn label(k: Kind) -> &'static str {
    match k {
        Kind::Receipt => "到位",
        Kind::Carryover => "结转",
        Kind::Historical => "历史拨付",
    }
}

fn rate(r: Option<rust_decimal::Decimal>) -> String {
    r.map_or_else(|| "—".into(), |r| r.to_string())
}

/// The round's pools as accounts and their lines, and the next round's pools (where a
/// carry-over may go), as JSON.
async fn view(db: &Db, session: &Session, year: i32) -> Result<Value, AppError> {
    let funds::Book { round, pools, lines, accounts, next, names } = funds::book(db, session.actor(), year).await?;
    let pools_json: Vec<Value> = pools.iter().zip(&accounts).map(|(p, a)| {
        let x = &a.account;
        json!({ "id": p.id, "name": p.name, "kind": kind_label(a.kind), "budget": x.budget, "carried_in": x.carried_in,
            "received": x.received, "granted": x.granted, "paid": x.paid, "carried_out": x.carried_out,
            "remaining": x.remaining(), "uncommitted": x.uncommitted(), "received_rate": rate(x.received_rate()),
            "execution_rate": rate(x.execution_rate()), "progress": rate(x.progress()) })
    }).collect();
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    let lines_json: Vec<Value> = lines
        .iter()
        .map(|l| {
            json!({ "id": l.id, "kind": code(l.kind), "kind_label": label(l.kind), "on": l.on, "pool": name(&l.pool_id),
            "to_pool": l.to_pool_id.map(|id| name(&id)), "document_no": l.document_no, "note": l.note,
            "amount": l.amount, "active": l.state == LineState::Active })
        })
        .collect();
    let next_json: Vec<Value> = next.iter().map(|p| json!({ "id": p.id, "name": name(&p.id) })).collect();
    Ok(json!({ "year": year, "name": round.name, "status": round.status, "pools": pools_json, "lines": lines_json,
        "next_pools": next_json }))
}

/// A record as a form or a JSON body gives it.
#[derive(Debug, FromForm, Deserialize, utoipa::ToSchema)]
pub struct RecordForm {
    kind: String,
    pool_id: i64,
    #[serde(default)]
    to_pool_id: Option<i64>,
    amount: String,
    #[field(default = String::new())]
    #[serde(default)]
    on: String,
    #[field(default = String::new())]
    #[serde(default)]
    document_no: String,
    #[field(default = String::new())]
    #[serde(default)]
    note: String,
}

impl RecordForm {
    fn entry(&self) -> Result<Entry<'_>, AppError> {
        let amount: Money = self
            .amount
            .replace([',', '，', ' '], "")
            .parse()
            .map_err(|_| AppError::Invalid(format!("金额无效：{}（以元为单位，最多两位小数）", self.amount)))?;
        let on = self.on.trim();
        let on = if on.is_empty() {
            None
        } else {
            Some(NaiveDate::parse_from_str(on, "%Y-%m-%d").map_err(|_| AppError::Invalid(format!("日期无效：{on}")))?)
        };
        Ok(Entry {
            kind: kind(&self.kind)?,
            pool_id: self.pool_id,
            to_pool_id: self.to_pool_id,
            amount,
            on,
            document_no: &self.document_no,
            note: &self.note,
        })
    }
}

/// `GET /rounds/<year>/funds`.
#[get("/rounds/<year>/funds")]
async fn page(db: &Db, session: Session, flash: Option<FlashMessage<'_>>, year: i32) -> Result<Template, AppError> {
    require_reader(&session)?;
    let (error, flash) = crate::web::kernel::pages::flash_parts(flash);
    let may_act = actor(&session).require_staff().is_ok();
    Ok(Template::render(
        "funds/index",
        context! { me: crate::web::kernel::pages::me(&session), flash, error, may_act, funds: view(db, &session, year).await? },
    ))
}

/// `POST /rounds/<year>/funds`: record a receipt, a payment before the system or a carry-over.
#[post("/rounds/<year>/funds", data = "<form>")]
async fn record_page(
    db: &Db,
    session: Session,
    year: i32,
    form: Form<RecordForm>,
) -> Result<Flash<Redirect>, AppError> {
    let back = format!("/rounds/{year}/funds");
    let done = match form.entry() {
        Ok(e) => funds::record(db, &actor(&session), year, &e).await,
        Err(e) => Err(e),
    };
    answer(done.map(|_| (back.clone(), format!("已登记{}", label(kind(&form.kind).unwrap_or(Kind::Receipt))))), &back)
}

/// A cancel button: which kind of line.
#[derive(Debug, FromForm, Deserialize, utoipa::ToSchema)]
pub struct CancelForm {
    kind: String,
    #[field(default = 0)]
    #[serde(default)]
    year: i32,
}

/// `POST /funds/<id>/cancel`.
#[post("/funds/<id>/cancel", data = "<form>")]
async fn cancel_page(db: &Db, session: Session, id: i64, form: Form<CancelForm>) -> Result<Flash<Redirect>, AppError> {
    let back = format!("/rounds/{}/funds", form.year);
    let done = match kind(&form.kind) {
        Ok(k) => funds::cancel(db, &actor(&session), k, id).await,
        Err(e) => Err(e),
    };
    answer(done.map(|()| (back.clone(), "记录已作废".to_string())), &back)
}

/// `GET /api/v1/rounds/<year>/funds`.
#[utoipa::path(get, operation_id = "funds_get", path = "/rounds/{year}/funds", summary = "The round's pools as accounts (预算, 上年结转, 到位, 已核定, 已拨付, 结转下年, 剩余, 可结转, rates) and every line (division staff, auditors)", tag = "division", security(("session" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    responses(
        (status = 200, description = "The round's pools as accounts (预算, 上年结转, 到位, 已核定, 已拨付, 结转下年, 剩余, 可结转, rates) and every line", body = Object),
        Reads,
        (status = 403, description = "The role may not read the books", body = ApiError),
        (status = 404, description = "No such round", body = ApiError),
        (status = 422, description = "A number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[get("/rounds/<year>/funds")]
async fn api_get(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    require_reader(&session)?;
    view(db, &session, year).await
}

/// `POST /api/v1/rounds/<year>/funds` with `{ "kind", "pool_id", "amount", "on", "document_no", … }`.
#[utoipa::path(post, operation_id = "funds_record", path = "/rounds/{year}/funds", summary = "Record a receipt (到位), a payment before the system (历史拨付: at most what the pool granted and has not paid) or a carry-over (结转: to a pool of the next round, at most what is uncommitted); audited", tag = "division", security(("session" = [], "csrf" = [])),
    params(("year" = i32, Path, description = "The round's year (年度)")),
    request_body(content = RecordForm, content_type = "application/json", description = "A receipt (到位), a payment before the system (历史拨付) or a carry-over (结转)"),
    responses(
        (status = 200, description = "The line recorded", body = Recorded),
        WritesBody,
        (status = 404, description = "No such round or pool in it; or a body that is not JSON", body = ApiError),
        (status = 409, description = "Beyond what the pool allows, or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A bad amount, date, kind or pool, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/rounds/<year>/funds", format = "json", data = "<body>")]
async fn api_record(db: &Db, session: Session, year: i32, body: Json<RecordForm>) -> Result<Json<Recorded>, AppError> {
    let id = funds::record(db, &actor(&session), year, &body.entry()?).await?;
    Ok(Json(Recorded { id, kind: body.into_inner().kind }))
}

/// A line recorded. Fields in key order: the JSON is what `json!` gave before.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Recorded {
    id: i64,
    /// `receipt`, `historical` or `carryover`.
    kind: String,
}

/// A line cancelled.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Cancelled {
    id: i64,
    kind: String,
    /// Always `cancelled`.
    state: &'static str,
}

/// `POST /api/v1/funds/<id>/cancel` with `{ "kind" }`.
// Deliberately like funds_record above: recording and cancelling a line are two operations, each with its own answers (tests/web/openapi.snapshot.json).
#[utoipa::path(post, operation_id = "funds_cancel", path = "/funds/{id}/cancel", summary = "Cancel a wrong line (it stays, marked cancelled); kind: receipt, historical or carryover; audited", tag = "division", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "The line's id")),
    request_body(content = CancelForm, content_type = "application/json"),
    responses(
        (status = 200, description = "The line cancelled", body = Cancelled),
        WritesBody,
        (status = 404, description = "No such line; or a body that is not JSON", body = ApiError),
        (status = 409, description = "Already cancelled, or what depends on it; or an Idempotency-Key whose first request is still running", body = ApiError),
        (status = 422, description = "A bad kind, or a number in the path or query that is not an integer in range", body = ApiError),
    ))]
#[post("/funds/<id>/cancel", format = "json", data = "<body>")]
async fn api_cancel(db: &Db, session: Session, id: i64, body: Json<CancelForm>) -> Result<Json<Cancelled>, AppError> {
    funds::cancel(db, &actor(&session), kind(&body.kind)?, id).await?;
    Ok(Json(Cancelled { id, kind: body.into_inner().kind, state: "cancelled" }))
}
