//! The API's own description, `GET /api/v1/openapi.json` (src/web/openapi.json).

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![openapi]
}

#[get("/openapi.json")]
fn openapi() -> (rocket::http::ContentType, &'static str) {
    (rocket::http::ContentType::JSON, include_str!("../openapi.json"))
}
