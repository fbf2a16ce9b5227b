//! Headers on every response (issue 18, ASVS 5.0 3.4): a Content-Security-Policy without
//! inline script or style (the pages' script and styles are the files of `assets`), no
//! framing, no sniffing, no referrer to other sites, no `Server` banner, and
//! `Cache-Control: no-store` on everything but those static files, since pages, JSON and
//! downloads may hold personal numbers. Behind TLS (`secure_cookies`), HSTS too.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

use crate::config::AppConfig;

/// The policy: everything from this origin only, no plugins, no `<base>`, no framing, forms
/// posted only here. No `'unsafe-inline'` for scripts or styles.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

pub struct SecurityHeaders;

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info { name: "security headers on every response", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        res.remove_header("Server");
        res.set_header(Header::new("Content-Security-Policy", CONTENT_SECURITY_POLICY));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("X-Frame-Options", "DENY"));
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        res.set_header(Header::new("Cross-Origin-Resource-Policy", "same-origin"));
        let asset = crate::web::kernel::assets::is_asset(req.uri().path().as_str()) && res.status().code == 200;
        let cache = if asset { "public, max-age=3600" } else { "no-store" };
        res.set_header(Header::new("Cache-Control", cache));
        // Logging out also empties the browser's cache of this site (issue 17 item 7):
        // with `no-store` above nothing should be there, and Back shows nothing either way.
        if req.method() == rocket::http::Method::Post && req.uri().path() == "/logout" {
            res.set_header(Header::new("Clear-Site-Data", "\"cache\""));
        }
        if req.rocket().state::<AppConfig>().is_some_and(|c| c.secure_cookies) {
            res.set_header(Header::new("Strict-Transport-Security", "max-age=31536000"));
        }
    }
}
