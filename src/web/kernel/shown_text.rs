//! Text the JSON API sends is shown by its clients: every JSON answer loses its
//! bidirectional controls (`bidi`), as every page does through the templates' escaping.
//! Removing them is a byte edit that keeps the JSON valid: they are never structural, and
//! `serde_json` writes them as UTF-8, not as `\u` escapes.

use rocket::fairing::{Fairing, Info, Kind};
use rocket::{Request, Response};

pub struct BidiFreeJson;

/// The body without the UTF-8 of U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C.
#[must_use]
pub fn strip_bytes(body: &[u8]) -> Option<Vec<u8>> {
    let hit = |w: &[u8]| matches!(w, [0xE2, 0x80, 0xAA..=0xAE | 0x8E | 0x8F] | [0xE2, 0x81, 0xA6..=0xA9]);
    let two = |w: &[u8]| w == [0xD8, 0x9C];
    if !body.windows(3).any(hit) && !body.windows(2).any(two) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body.get(i..i + 3).is_some_and(hit) {
            i += 3;
        } else if body.get(i..i + 2).is_some_and(two) {
            i += 2;
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    Some(out)
}

#[rocket::async_trait]
impl Fairing for BidiFreeJson {
    fn info(&self) -> Info {
        Info { name: "no bidirectional controls in JSON answers", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, _req: &'r Request<'_>, res: &mut Response<'r>) {
        if !res.content_type().is_some_and(|c| c.is_json()) {
            return;
        }
        let Ok(body) = res.body_mut().to_bytes().await else { return };
        let body = strip_bytes(&body).unwrap_or(body);
        res.set_sized_body(body.len(), std::io::Cursor::new(body));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_loses_its_bidi_controls_and_stays_json() {
        let v = serde_json::json!({ "name": "evil\u{202E}xslx.exe", "b": "a\u{2066}\u{200F}\u{061C}b", "k": "中文" });
        let body = serde_json::to_vec(&v).expect("json");
        let clean = super::strip_bytes(&body).expect("changed");
        let back: serde_json::Value = serde_json::from_slice(&clean).expect("still JSON");
        assert_eq!(back, serde_json::json!({ "name": "evilxslx.exe", "b": "ab", "k": "中文" }));
        assert_eq!(super::strip_bytes(b"{\"k\":\"\xe4\xb8\xad\"}"), None);
    }
}
