//! The JSON API under `/api/v1`, on the same sessions as the pages (the CSRF token goes in
//! the `X-CSRF-Token` header). Documented at `/api/v1/openapi.json`.

use rocket::data::{Capped, Data, Limits};
use rocket::fs::TempFile;
use rocket::http::CookieJar;
use rocket::serde::json::Json;
use rocket::{Route, State};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{self, Session};
use super::cache::Kept;
use super::imports::{self, Parsers};
use super::login_limit::{self, ClientAddress, PasswordChecks, Subjects};
use super::params::Number;
use crate::config::AppConfig;
use crate::engine::Money;
use crate::error::AppError;
use crate::export::{json::totals, mask};
use crate::storage::{self, load::Filter, Db};

#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![
        login,
        logout,
        rounds,
        round,
        create_round,
        upload,
        confirm,
        projects,
        project,
        reveal,
        figures,
        audit,
        openapi
    ]
}

fn user_json(s: &storage::users::User) -> Value {
    json!({ "id": s.id, "username": s.username, "role": s.role, "unit": s.unit })
}

/// The JSON login: the password, and the code in the same request when the user has a
/// second factor. The body is read by `login::json`, never by a data guard that would log it.
#[post("/session", format = "json", data = "<data>")]
async fn login(
    data: Data<'_>,
    limits: &Limits,
    db: &Db,
    cookies: &CookieJar<'_>,
    config: &State<AppConfig>,
    checks: &State<PasswordChecks>,
    address: ClientAddress,
) -> Result<Value, AppError> {
    let body = super::login::json(data, limits).await?;
    let username = body.username.trim();
    let who = Subjects::new(username, address);
    let user = match super::login::password(db, checks, config, &who, username, &body.password).await {
        Err(AppError::Unauthorized) => return Err(AppError::LoginRefused("用户名或密码错误")),
        other => other?,
    };
    if storage::second_factor::state(&mut *db.inner.acquire().await?, user.id).await?.secret.is_some() {
        let Some(code) = body.code.as_deref().filter(|c| !c.trim().is_empty()) else {
            login_limit::password_right(db, &who).await?;
            return Err(AppError::LoginRefused("已开启双重验证：请在 code 中同时提供动态验证码或恢复码"));
        };
        if !super::login::second_factor(db, &user, code).await? {
            return Err(AppError::LoginRefused("验证码错误或已使用"));
        }
    }
    login_limit::succeeded(db, &who).await?;
    let csrf = auth::open(db, cookies, config, &user, false).await?;
    Ok(json!({ "csrf_token": csrf, "user": user_json(&user) }))
}

#[delete("/session")]
async fn logout(
    db: &Db,
    caches: &State<super::cache::Caches>,
    cookies: &CookieJar<'_>,
    _session: Session,
) -> Result<Value, AppError> {
    auth::close(db, caches, cookies).await?;
    Ok(json!({ "ok": true }))
}

fn round_json(r: &storage::rounds::Round) -> Value {
    json!({ "year": r.year, "name": r.name, "status": r.status, "policy_toml": r.policy_toml })
}

#[get("/rounds")]
async fn rounds(db: &Db, _session: Session) -> Result<Value, AppError> {
    let list = storage::rounds::list(&mut *db.inner.acquire().await?).await?;
    Ok(json!({ "rounds": list.iter().map(round_json).collect::<Vec<_>>() }))
}

#[get("/rounds/<year>")]
async fn round(db: &Db, session: Session, year: i32) -> Result<Value, AppError> {
    let r = super::rounds::find(db, year).await?;
    let (_, _, result) = super::rounds::computed(db, &r).await?;
    let mut v = round_json(&r);
    v["budget"] = json!(result.budget);
    v["pools"] = json!(result.pools);
    if super::money::require_reader(&session).is_ok() {
        v["balances"] = balances(db, r.id).await?;
    }
    v["totals"] = totals(&result.totals);
    Ok(v)
}

/// What the pools hold now (active grant lines, paid batches: the money model), for the
/// roles that see the division's money (`money::require_reader`).
async fn balances(db: &Db, round_id: i64) -> Result<Value, AppError> {
    let stored = storage::allocations::pools(&mut *db.inner.acquire().await?, round_id).await?;
    let rows = stored.iter().map(|p| {
        let (amount, granted) = (Money::from_fen(p.amount_fen), Money::from_fen(p.granted_fen));
        let remaining = crate::engine::allocation::remaining(&[amount], &[granted]);
        json!({ "name": p.name, "amount": amount, "granted": granted, "paid": Money::from_fen(p.paid_fen),
            "remaining": remaining[0] })
    });
    Ok(Value::Array(rows.collect()))
}

#[derive(Deserialize)]
pub struct NewRound {
    policy_toml: String,
}

#[post("/rounds", format = "json", data = "<body>")]
async fn create_round(db: &Db, session: Session, body: Json<NewRound>) -> Result<Value, AppError> {
    let r = super::rounds::create(db, &session, &body.policy_toml).await?;
    Ok(round_json(&r))
}

#[derive(FromForm)]
pub struct ApiUpload<'r> {
    file: Capped<TempFile<'r>>,
}

#[post("/rounds/<year>/imports", data = "<form>")]
async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: imports::Uploaded<'_, ApiUpload<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let mut form = imports::form_or_413(form)?;
    let r = super::rounds::find(db, year).await?;
    let (name, bytes) = imports::read_upload(&mut form.file).await?;
    let (id, preview, same) = imports::preview(db, parsers, config, &session, &r, &name, bytes).await?;
    Ok(json!({ "import_id": id, "preview": preview, "same_file_confirmed_at": same.and_then(|s| s.confirmed_at) }))
}

#[derive(Deserialize, Default)]
pub struct ConfirmBody {
    #[serde(default)]
    only_valid: bool,
}

#[post("/imports/<id>/confirm", data = "<body>")]
async fn confirm(
    db: &Db,
    session: Session,
    id: i64,
    body: Option<Json<ConfirmBody>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Value, AppError> {
    let import = imports::find(db, &session, id).await?;
    let only_valid = body.is_some_and(|b| b.only_valid);
    let done = imports::confirm(db, parsers, config, &session, &import, only_valid).await?;
    Ok(json!(done))
}

#[get("/rounds/<year>/projects?<page>&<per_page>&<filter..>")]
async fn projects(
    db: &Db,
    session: Session,
    kept: Kept<'_>,
    year: i32,
    filter: Filter,
    page: Number<i64>,
    per_page: Number<i64>,
) -> Result<Value, AppError> {
    let page = page.or(1).max(1);
    let per_page = per_page.or(super::projects::PER_PAGE);
    let (rows, total, _) = super::projects::page(db, kept, &session, year, &filter, page, per_page).await?;
    Ok(json!({ "total": total, "page": page, "projects": rows }))
}

#[get("/projects/<id>")]
async fn project(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let d = super::projects::detail(db, &session, id).await?;
    let (record, p, result) = (&d.record, &d.project, &d.result);
    let a = &p.applicant;
    let uncut = d.uncut.as_ref().map(|u| u.loans.as_slice());
    let loans: Vec<Value> = p.loans.iter().zip(&result.loans).enumerate().map(|(i, (l, r))| {
        let cut = d.cuts.iter().find(|c| c.contract_no == l.contract_no).and_then(|c| c.cut.as_ref());
        json!({
            "contract_no": l.contract_no, "bank": l.bank, "principal": l.principal, "rate": l.rate.normalize().to_string(),
            "disbursed_on": l.disbursed_on, "maturity_on": l.maturity_on, "settled_on": l.settled_on,
            "eligible_days": r.eligible_days, "computed": r.computed, "subsidy": r.subsidy, "reasons": r.reasons, "pieces": r.pieces,
            "cut": cut.map(|c| json!({ "reason": c.reason.label(), "text": c.text, "described": crate::export::cut::describe(c) })),
            "applied": cut.and(uncut).and_then(|u| u.get(i)).map(|u| u.subsidy),
        })
    }).collect();
    Ok(json!({
        "id": record.id, "year": d.year, "key": p.key, "name": p.name, "unit": a.unit, "applicant_type": p.applicant_type,
        "org_name": a.org_name, "leader": a.leader, "id_number": mask::id_number(&a.id_number), "phone": mask::phone(&a.phone),
        "households": p.households, "state": record.state, "status": result.status, "reasons": result.reasons,
        "requested": result.requested, "requested_before_cuts": d.uncut.as_ref().map(|u| u.requested),
        "granted": crate::engine::Money::from_fen(record.granted_fen),
        "paid": crate::engine::Money::from_fen(record.paid_fen), "loans": loans,
    }))
}

/// The full ID number of one project, for division staff and auditors; audited.
#[post("/projects/<id>/id-number")]
async fn reveal(db: &Db, session: Session, id: i64) -> Result<Value, AppError> {
    let full = super::projects::reveal(db, &session, id).await?;
    Ok(json!({ "id": id, "id_number": full }))
}

/// The audit trail with the page's filters, newest first.
#[get("/audit?<page>&<per_page>&<q..>")]
async fn audit(
    db: &Db,
    session: Session,
    q: storage::audit::Query,
    page: Number<i64>,
    per_page: Number<i64>,
) -> Result<Value, AppError> {
    let page = page.or(1).max(1);
    let (rows, total) = super::audit::page(db, &session, &q, page, per_page.or(super::audit::PER_PAGE)).await?;
    Ok(
        json!({ "total": total, "page": page, "entries": rows.iter().map(super::audit::record_json).collect::<Vec<_>>() }),
    )
}

/// docs/rules.md §7: the figures of one round (`year`) or of every round up to `through`.
#[get("/figures?<year>&<through>")]
async fn figures(db: &Db, _session: Session, year: Number<i32>, through: Number<i32>) -> Result<Value, AppError> {
    let all = storage::rounds::list(&mut *db.inner.acquire().await?).await?;
    let chosen: Vec<_> = match (year.0, through.0) {
        (Some(y), None) => all.into_iter().filter(|r| r.year == y).collect(),
        (None, Some(t)) => all.into_iter().filter(|r| r.year <= t).rev().collect(),
        _ => return Err(AppError::Invalid("请给出 year 或 through 其中之一".into())),
    };
    if chosen.is_empty() {
        return Err(AppError::NotFound);
    }
    let mut computed = Vec::new();
    for r in &chosen {
        let (_, stored, result) = super::rounds::computed(db, r).await?;
        computed.push((stored.into_iter().map(|(_, p)| p).collect::<Vec<_>>(), result));
    }
    let f = crate::engine::figures::cumulative(computed.iter().map(|(p, r)| (p.as_slice(), r)));
    Ok(totals(&f))
}

#[get("/openapi.json")]
fn openapi() -> (rocket::http::ContentType, &'static str) {
    (rocket::http::ContentType::JSON, include_str!("openapi.json"))
}
