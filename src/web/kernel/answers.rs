//! The answers of the API that are about the request rather than the resource (the session,
//! the role and CSRF token, the body's size and type, a server error), described once as
//! components of the document (`components/responses`, registered by `kernel::openapi`) and
//! given by whole kinds of operations: the groups (`Reads`, `Writes` …) are each one entry of
//! an operation's `responses(...)`, every status in them a reference to its component. What
//! an operation says of its own resource (404, 409, 422) stays in its `#[utoipa::path]`.

use utoipa::openapi::{response::Response, RefOr};
use utoipa::ToResponse;

use super::openapi::ApiError;

/// One `ToResponse` an answer: an `ApiError` body with this description (its doc too); and
/// `components`, every answer for `components/responses` of the document.
macro_rules! answers {
    ($($name:ident: $description:tt;)*) => {
        $(
            #[doc = $description]
            #[derive(utoipa::ToResponse)]
            #[expect(dead_code, reason = "the description of an answer; errors are written by `kernel::errors::answer`")]
            pub struct $name(ApiError);
        )*

        /// Every answer of this module, named as operations refer to it.
        pub(super) fn components() -> Vec<(&'static str, RefOr<Response>)> {
            vec![$(<$name as ToResponse>::response()),*]
        }
    };
}

answers! {
    NotLoggedIn: "Not logged in (or the session ended).";
    BadRequest: "A body that does not parse, or a form whose first field is _method (refused).";
    ServerError: "Server error (logged, never described).";
    Forbidden: "The role may not do this, or the CSRF token is missing";
    TooLarge: "The body is over the limit";
    NotMultipart: "Not multipart/form-data";
}

/// One `IntoResponses` a kind of operation: each status a reference to its answer above.
macro_rules! groups {
    ($($(#[$doc:meta])* $name:ident: $($status:literal $answer:ident),+;)*) => {$(
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        pub enum $name {
            $(
                #[response(status = $status)]
                $answer(#[ref_response] $answer),
            )+
        }
    )*};
}

groups! {
    /// What every operation that reads answers beside its own: no session, a server error.
    Reads: 401 NotLoggedIn, 500 ServerError;
    /// What every operation that writes (role and CSRF token checked) answers beside its own.
    Writes: 400 BadRequest, 401 NotLoggedIn, 403 Forbidden, 500 ServerError;
    /// `Writes`, for an operation that reads a body (its size limited).
    WritesBody: 400 BadRequest, 401 NotLoggedIn, 403 Forbidden, 413 TooLarge, 500 ServerError;
    /// `Writes`, for an upload (`multipart/form-data`, its size limited).
    Uploads: 400 BadRequest, 401 NotLoggedIn, 403 Forbidden, 413 TooLarge, 415 NotMultipart, 500 ServerError;
}
