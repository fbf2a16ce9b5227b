//! Every error answer in one shape: under `/api/` the project's JSON `{"error": "…"}`, on
//! pages a Chinese HTML page headed in words. Rocket's own catchers (a body it cannot parse,
//! a type it does not take, a route that does not exist) and the CSRF refusal answer the
//! same way, so that no status reaches a client as Rocket's HTML or as text/plain.

use rocket::http::{ContentType, Status};
use rocket::response::{Redirect, Responder};
use rocket::{Catcher, Request, Response, Route};

use crate::web::accounts::auth::EnrolmentRequired;

/// Where the CSRF fairing sends a page request without a valid token …
pub const CSRF_DENIED: &str = "/csrf-denied";
/// … and an API request (mounted under `/api/v1`, so that it answers JSON).
pub const API_CSRF_DENIED: &str = "/api/v1/csrf-denied";
/// Where a request that asked Rocket to rewrite its method (`_method`) is sent.
pub const OVERRIDE_REFUSED: &str = "/method-override-refused";
pub const API_OVERRIDE_REFUSED: &str = "/api/v1/method-override-refused";

/// The refusal routes (mounted at `/` and at `/api/v1`).
#[must_use]
pub(crate) fn routes() -> Vec<Route> {
    routes![csrf_denied, override_refused]
}

#[must_use]
pub(crate) fn catchers() -> Vec<Catcher> {
    catchers![unauthorized, any]
}

/// Whether the request is the API's (answers JSON).
#[must_use]
pub fn is_api(req: &Request<'_>) -> bool {
    req.uri().path().starts_with("/api/")
}

/// How long to wait, as people say it: `30 秒`, `3 分钟`.
#[must_use]
pub fn wait_text(seconds: u64) -> String {
    if seconds <= 60 {
        format!(" {} 秒", seconds.max(1))
    } else {
        format!(" {} 分钟", seconds.div_ceil(60))
    }
}

/// The words that head an error page (and the JSON's default message).
#[must_use]
pub fn heading(status: Status) -> &'static str {
    match status.code {
        400 => "请求格式有误",
        401 => "请先登录",
        403 => "没有权限",
        404 => "找不到该页面或记录",
        405 => "不支持该请求方式",
        406 => "无法提供所要求的格式",
        409 => "操作未能完成",
        413 => "上传文件过大",
        415 => "不支持的内容类型",
        422 => "提交的内容有误",
        429 => "请求过于频繁",
        503 => "服务器繁忙",
        500..=599 => "服务器内部错误",
        _ => "请求未能完成",
    }
}

/// What Rocket's own refusals say (the handlers' errors carry their own text).
fn message(status: Status) -> &'static str {
    match status.code {
        400 => "请求格式有误，请检查后重试",
        401 => "请先登录",
        403 => "没有权限执行此操作",
        404 => "找不到该记录",
        405 => "不支持该请求方式",
        409 => "操作与当前状态冲突，请刷新后重试",
        413 => "上传文件过大",
        415 => "不支持的内容类型：请以 JSON 或表单提交",
        422 => "提交的内容无法识别，请检查后重试",
        429 => "请求过于频繁，请稍后再试",
        503 => "服务器繁忙，请稍后再试",
        500..=599 => "服务器内部错误",
        _ => "请求未能完成",
    }
}

/// An error answer: JSON under `/api/`, else the HTML page.
#[must_use]
pub fn answer(req: &Request<'_>, status: Status, message: &str) -> Response<'static> {
    let (content_type, body) = if is_api(req) {
        let body = super::openapi::ApiError { error: message.to_string() };
        (ContentType::JSON, serde_json::to_string(&body).unwrap_or_default())
    } else {
        (ContentType::HTML, page(status, message))
    };
    Response::build().status(status).header(content_type).sized_body(body.len(), std::io::Cursor::new(body)).finalize()
}

/// An error page that needs nothing that could itself fail (no template).
#[must_use]
pub fn page(status: Status, message: &str) -> String {
    let heading = heading(status);
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{heading} · tiexi</title>\
         <link rel=\"stylesheet\" href=\"/static/tiexi.css\"></head><body class=\"error-page\"><main>\
         <h1>{heading}</h1><p id=\"error\">{msg}</p><p class=\"code\">错误代码 {code}</p>\
         <p><a href=\"/\">返回首页</a></p></main></body></html>",
        code = status.code,
        msg = crate::web::kernel::views::escape(message)
    )
}

/// An error status and its message as a responder (JSON or page by the request).
pub struct Refusal(Status, &'static str);

impl<'r> Responder<'r, 'static> for Refusal {
    fn respond_to(self, req: &'r Request<'_>) -> rocket::response::Result<'static> {
        Ok(answer(req, self.0, self.1))
    }
}

/// Where the CSRF fairing sends a request without the session's token: not called directly.
#[utoipa::path(get, path = "/csrf-denied", tag = "kernel",
    responses((status = 403, description = "The request lacked the session's CSRF token (X-CSRF-Token)", body = super::openapi::ApiError)))]
#[get("/csrf-denied")]
pub(crate) fn csrf_denied() -> Refusal {
    Refusal(Status::Forbidden, "请求缺少有效的安全令牌（CSRF），请刷新页面后重试")
}

/// Where a request asking to rewrite its method (`_method`) is sent: not called directly.
#[utoipa::path(get, path = "/method-override-refused", tag = "kernel",
    responses((status = 400, description = "A form whose first field is _method (refused)", body = super::openapi::ApiError)))]
#[get("/method-override-refused")]
pub(crate) fn override_refused() -> Refusal {
    Refusal(Status::BadRequest, "不接受以 _method 改写请求方式")
}

/// Pages send a visitor to the login (or, when their role must enrol a second factor
/// first, to the enrolment page); the API answers JSON.
#[catch(401)]
fn unauthorized(req: &Request<'_>) -> Result<Redirect, Refusal> {
    let enrol = req.local_cache(|| EnrolmentRequired(false)).0;
    if req.local_cache(|| crate::web::accounts::pages::PasswordChangeRequired(false)).0 {
        return if is_api(req) {
            Err(Refusal(Status::Unauthorized, "须先在页面上修改密码（管理员设置的一次性密码）"))
        } else {
            Ok(Redirect::to(crate::web::accounts::pages::OWN_PASSWORD))
        };
    }
    match (is_api(req), enrol) {
        (true, true) => Err(Refusal(Status::Unauthorized, "须先在页面上开启双重验证（动态验证码）")),
        (true, false) => Err(Refusal(Status::Unauthorized, message(Status::Unauthorized))),
        (false, true) => Ok(Redirect::to(crate::web::accounts::totp::ENROL_PAGE)),
        // A page asked for without a session: back to it after the login.
        (false, false) => {
            let here = req.uri().to_string();
            let next = (req.method() == rocket::http::Method::Get && here != "/")
                .then(|| crate::web::accounts::resume::local(&here))
                .flatten();
            Ok(Redirect::to(next.map_or_else(
                || "/login".to_string(),
                |n| format!("/login?next={}", rocket::http::RawStr::new(&n).percent_encode()),
            )))
        }
    }
}

#[catch(default)]
fn any(status: Status, _req: &Request<'_>) -> Refusal {
    Refusal(status, message(status))
}

#[cfg(test)]
mod tests {
    use rocket::http::Status;

    #[test]
    fn waits_are_said_in_seconds_then_minutes() {
        assert_eq!(super::wait_text(0), " 1 秒");
        assert_eq!(super::wait_text(45), " 45 秒");
        assert_eq!(super::wait_text(61), " 2 分钟");
        assert_eq!(super::wait_text(900), " 15 分钟");
    }

    #[test]
    fn every_error_page_is_headed_in_words() {
        for code in [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] {
            let status = Status::from_code(code).expect("a status");
            let page = super::page(status, "x");
            let h1 = page.split("<h1>").nth(1).and_then(|h| h.split("</h1>").next()).expect("a heading");
            assert!(!h1.chars().any(|c| c.is_ascii_digit()), "{code}: {h1}");
            assert!(page.contains(&format!("错误代码 {code}")), "{code}");
        }
    }
}
