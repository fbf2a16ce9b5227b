//! The pages' one stylesheet and one script, served from the binary: the CSP allows no
//! inline `<style>`, `style=`, `<script>` or `onclick=` (`headers`), so they live here.

use rocket::http::ContentType;

const CSS: &str = include_str!("../../../static/tiexi.css");
const JS: &str = include_str!("../../../static/tiexi.js");

#[must_use]
pub(crate) fn routes() -> Vec<rocket::Route> {
    routes![stylesheet, script]
}

/// Whether a path is one of these files (cacheable: they hold nobody's data).
#[must_use]
pub fn is_asset(path: &str) -> bool {
    path.starts_with("/static/")
}

#[get("/static/tiexi.css")]
fn stylesheet() -> (ContentType, &'static str) {
    (ContentType::CSS, CSS)
}

#[get("/static/tiexi.js")]
fn script() -> (ContentType, &'static str) {
    (ContentType::JavaScript, JS)
}
