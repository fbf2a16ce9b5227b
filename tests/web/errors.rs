//! Every error is JSON under `/api` in the project's shape `{"error": "…"}` and a Chinese
//! page headed in words elsewhere (issue 18 item 6): the handlers' errors, Rocket's own
//! refusals (a body it cannot parse, a type it does not take, a body over its limit, no
//! route, a panic), the CSRF refusal, and numbers out of range in a query or a path.

use crate::web_support;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use serde_json::{json, Value};
use web_support::TestApp;

#[get("/boom")]
fn boom() -> &'static str {
    panic!("a handler that fails")
}

/// The application with one route that panics (Rocket answers 500), at both mounts.
async fn client(app: &TestApp) -> Client {
    let rocket =
        tiexi::web::rocket(app.figment()).mount("/", rocket::routes![boom]).mount("/api/v1", rocket::routes![boom]);
    Client::tracked(rocket).await.expect("the application ignites")
}

async fn json_error(r: LocalResponse<'_>, status: Status, what: &str) {
    assert_eq!(r.status(), status, "{what}");
    assert_eq!(r.content_type(), Some(ContentType::JSON), "{what}");
    let body: Value = serde_json::from_str(&r.into_string().await.unwrap_or_default()).expect("JSON");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: a Chinese message: {body}");
    assert_eq!(body.as_object().map(serde_json::Map::len), Some(1), "{what}: only the error: {body}");
}

async fn page_error(r: LocalResponse<'_>, status: Status, heading: &str, what: &str) {
    assert_eq!(r.status(), status, "{what}");
    assert_eq!(r.content_type(), Some(ContentType::HTML), "{what}");
    let page = r.into_string().await.unwrap_or_default();
    assert!(page.contains(&format!("<h1>{heading}</h1>")), "{what}: {page}");
    assert!(!page.contains("Rocket"), "{what}: not Rocket's page");
}

async fn login(client: &Client, user: &str) -> Header<'static> {
    let body = json!({ "username": user, "password": web_support::PASSWORD }).to_string();
    let r = client.post("/api/v1/session").header(ContentType::JSON).body(body).dispatch().await;
    let v: Value = serde_json::from_str(&r.into_string().await.unwrap_or_default()).expect("JSON");
    Header::new("X-CSRF-Token", v["csrf_token"].as_str().expect("a token").to_string())
}

/// An upload with nothing to import: its bytes are not kept, so it cannot be confirmed.
async fn rejected_import(client: &Client, token: &Header<'static>) -> i64 {
    let (ct, form) = web_support::multipart(&[("file", Some("empty.csv"), b"nothing here")]);
    let r = client.post("/api/v1/rounds/2024/imports").header(ct).header(token.clone()).body(form).dispatch().await;
    let body: Value = serde_json::from_str(&r.into_string().await.unwrap_or_default()).expect("JSON");
    body["import_id"].as_i64().expect("an import")
}

/// Rocket's own refusals under `/api`: a body it cannot parse (400, 422), over its limit
/// (413), of a type the route does not take (415), no route (404), a panic (500).
#[rocket::async_test]
async fn rockets_own_refusals_under_the_api_are_json() {
    let app = TestApp::demo().await;
    let admin = client(&app).await;
    let token = login(&admin, "admin").await;
    let post = |path: &'static str, ct: ContentType, body: Vec<u8>| {
        admin.post(path).header(ct).header(token.clone()).body(body).dispatch()
    };
    let r = post("/api/v1/rounds", ContentType::JSON, b"{\"policy_toml\": ".to_vec()).await;
    json_error(r, Status::BadRequest, "400").await;
    let r = post("/api/v1/rounds", ContentType::JSON, b"{\"policy_toml\": 5}".to_vec()).await;
    json_error(r, Status::UnprocessableEntity, "422 JSON").await;
    let big = json!({ "policy_toml": "x".repeat(2 << 20) }).to_string().into_bytes();
    json_error(post("/api/v1/rounds", ContentType::JSON, big).await, Status::PayloadTooLarge, "413").await;
    let r = post("/api/v1/rounds/2024/imports", ContentType::JSON, b"{}".to_vec()).await;
    json_error(r, Status::UnsupportedMediaType, "415").await;
    json_error(admin.get("/api/v1/no-such-thing").dispatch().await, Status::NotFound, "no route").await;
    json_error(admin.get("/api/v1/boom").dispatch().await, Status::InternalServerError, "a panic").await;
}

/// The API's own refusals: no session, the CSRF refusal, a role, no record, a conflict,
/// numbers out of range in a query or a path (422, never a filter silently dropped).
#[rocket::async_test]
async fn the_apis_refusals_are_json() {
    let app = TestApp::demo().await;
    let anonymous = client(&app).await;
    json_error(anonymous.get("/api/v1/rounds").dispatch().await, Status::Unauthorized, "no session").await;
    let admin = client(&app).await;
    let token = login(&admin, "admin").await;
    let refused = admin.post("/api/v1/rounds").header(ContentType::JSON).body("{}").dispatch().await;
    json_error(refused, Status::Forbidden, "the CSRF refusal").await;
    json_error(admin.get("/api/v1/projects/999999").dispatch().await, Status::NotFound, "no record").await;
    for path in [
        "/api/v1/audit?year=2147483648",
        "/api/v1/audit?page=x",
        "/api/v1/rounds/2024/projects?per_page=99999999999999999999",
        "/api/v1/figures?year=2147483648",
        "/api/v1/rounds/2147483648",
        "/api/v1/rounds/2023/report.xlsx?full=true",
    ] {
        json_error(admin.get(path).dispatch().await, Status::UnprocessableEntity, path).await;
    }
    let coop = client(&app).await;
    let coop_token = login(&coop, "coop-a").await;
    let body = r#"{"policy_toml": "year = 2040"}"#;
    let r = coop.post("/api/v1/rounds").header(ContentType::JSON).header(coop_token).body(body).dispatch().await;
    json_error(r, Status::Forbidden, "a role that may not").await;
    let id = rejected_import(&admin, &token).await;
    let r = admin.post(format!("/api/v1/imports/{id}/confirm")).header(token.clone()).dispatch().await;
    json_error(r, Status::Conflict, "409").await;
}

#[rocket::async_test]
async fn pages_answer_errors_in_chinese_headed_in_words() {
    let app = TestApp::demo().await;
    let admin = client(&app).await;
    let token = login(&admin, "admin").await;
    page_error(admin.get("/no-such-page").dispatch().await, Status::NotFound, "找不到该页面或记录", "404").await;
    page_error(
        admin.get("/audit?year=2147483648").dispatch().await,
        Status::UnprocessableEntity,
        "提交的内容有误",
        "422",
    )
    .await;
    page_error(admin.get("/boom").dispatch().await, Status::InternalServerError, "服务器内部错误", "500").await;
    let refused = admin.post("/rounds").header(ContentType::Form).body("x=1").dispatch().await;
    page_error(refused, Status::Forbidden, "没有权限", "the CSRF refusal").await;
    let id = rejected_import(&admin, &token).await;
    let csrf = token.value().to_string();
    let r = admin
        .post(format!("/imports/{id}/confirm"))
        .header(ContentType::Form)
        .body(format!("csrf_token={csrf}&only_valid=false"))
        .dispatch()
        .await;
    // A refused confirmation is the preview again, with why (issue 17 item 3).
    assert_eq!((r.status(), r.content_type()), (Status::Conflict, Some(ContentType::HTML)));
    let page = r.into_string().await.unwrap_or_default();
    assert!(page.contains("<h1>导入预览：") && page.contains("id=\"refusal\""), "{page}");
}
