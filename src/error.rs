//! The one error of the web layer. What the user sees is its `Display` (Chinese, no
//! internals); 5xx causes go to the log only.

use rocket::http::{Header, Status};
use rocket::response::{self, Responder};
use rocket::Request;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 401: not logged in.
    #[error("请先登录")]
    Unauthorized,
    /// 401: a login refused, with what the user must fix (name, password, code).
    #[error("{0}")]
    LoginRefused(&'static str),
    /// 403: logged in, but the role may not do this; or a missing CSRF token.
    #[error("没有权限执行此操作")]
    Forbidden,
    /// 404: no such round/project, or not yours.
    #[error("找不到该记录")]
    NotFound,
    /// 422: the policy, workbook or form is unusable; shown on the page.
    #[error("{0}")]
    Invalid(String),
    /// 409: a rule refused the change (round closed, already confirmed).
    #[error("{0}")]
    Conflict(String),
    /// 413: the upload is larger than allowed.
    #[error("上传文件过大")]
    TooLarge,
    /// 400: the request itself is malformed (a body that cannot be read, a method override).
    #[error("{0}")]
    BadRequest(String),
    /// 429: too many failed logins; the next one is checked after this many seconds.
    #[error("登录失败次数过多，请在{}后再试", crate::web::kernel::errors::wait_text(*.0))]
    TooManyAttempts(u64),
    /// 503: every password check is busy; try again after this many seconds.
    #[error("服务器繁忙，请在{}后再试", crate::web::kernel::errors::wait_text(*.0))]
    Busy(u64),
    /// 500: logged with its cause, never shown.
    #[error("服务器内部错误")]
    Db(#[from] sqlx::Error),
    /// 500: logged with its cause, never shown.
    #[error("服务器内部错误")]
    Internal(String),
}

impl AppError {
    #[must_use]
    pub fn status(&self) -> Status {
        match self {
            AppError::Unauthorized | AppError::LoginRefused(_) => Status::Unauthorized,
            AppError::Forbidden => Status::Forbidden,
            AppError::NotFound => Status::NotFound,
            AppError::Invalid(_) => Status::UnprocessableEntity,
            AppError::Conflict(_) => Status::Conflict,
            AppError::TooLarge => Status::PayloadTooLarge,
            AppError::BadRequest(_) => Status::BadRequest,
            AppError::TooManyAttempts(_) => Status::TooManyRequests,
            AppError::Busy(_) => Status::ServiceUnavailable,
            AppError::Db(_) | AppError::Internal(_) => Status::InternalServerError,
        }
    }
}

impl From<crate::engine::PolicyError> for AppError {
    fn from(e: crate::engine::PolicyError) -> AppError {
        AppError::Invalid(format!("年度政策无效：{e}"))
    }
}

impl From<crate::storage::allocations::Refusal> for AppError {
    /// A guard's refusal is the user's to know (409 with its reason); a database error is ours.
    fn from(e: crate::storage::allocations::Refusal) -> AppError {
        match e {
            crate::storage::allocations::Refusal::Refused(text) => AppError::Conflict(text),
            crate::storage::allocations::Refusal::Db(e) => AppError::Db(e),
        }
    }
}

impl From<crate::import::ImportError> for AppError {
    /// A bad file is the user's to fix (422); a parser that cannot start is ours (500).
    fn from(e: crate::import::ImportError) -> AppError {
        match e {
            crate::import::ImportError::Worker(cause) => AppError::Internal(cause),
            other => AppError::Invalid(other.to_string()),
        }
    }
}

impl AppError {
    /// Seconds to wait before trying again (`Retry-After`), for 429 and 503.
    #[must_use]
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts(s) | AppError::Busy(s) => Some(*s),
            _ => None,
        }
    }
}

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status.code >= 500 && !matches!(self, AppError::Busy(_)) {
            rocket::error!("{} {}: {self:?}", req.method(), req.uri().path());
        }
        let mut answer = crate::web::kernel::errors::answer(req, status, &self.to_string());
        if let Some(seconds) = self.retry_after() {
            answer.set_header(Header::new("Retry-After", seconds.to_string()));
        }
        Ok(answer)
    }
}
