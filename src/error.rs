//! The one error of the web layer. What the user sees is its `Display` (Chinese, no
//! internals); 5xx causes go to the log only.

use rocket::http::{ContentType, Status};
use rocket::response::{self, Responder};
use rocket::Request;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 401: not logged in.
    #[error("请先登录")]
    Unauthorized,
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
    /// 429: too many failed logins.
    #[error("登录失败次数过多，请稍后再试")]
    TooManyAttempts,
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
            AppError::Unauthorized => Status::Unauthorized,
            AppError::Forbidden => Status::Forbidden,
            AppError::NotFound => Status::NotFound,
            AppError::Invalid(_) => Status::UnprocessableEntity,
            AppError::Conflict(_) => Status::Conflict,
            AppError::TooLarge => Status::PayloadTooLarge,
            AppError::TooManyAttempts => Status::TooManyRequests,
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

impl<'r> Responder<'r, 'static> for AppError {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        if status.code >= 500 {
            rocket::error!("{} {}: {self:?}", req.method(), req.uri());
        }
        let message = self.to_string();
        if req.uri().path().starts_with("/api/") {
            let body = serde_json::json!({ "error": message }).to_string();
            return response::Response::build()
                .status(status)
                .header(ContentType::JSON)
                .sized_body(body.len(), std::io::Cursor::new(body))
                .ok();
        }
        let page = crate::web::views::error_page(status, &message);
        response::Response::build()
            .status(status)
            .header(ContentType::HTML)
            .sized_body(page.len(), std::io::Cursor::new(page))
            .ok()
    }
}
