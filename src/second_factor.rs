//! The TOTP second factor (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step of
//! clock skew either way) and its one-time recovery codes. No SQL, no HTTP, no clock: the
//! time is an argument. Secrets are 160 random bits (RFC 4226 §4); a recovery code carries
//! 24 letters of 31 (118 random bits, above ASVS's 112), so its SHA-256 is what is stored
//! (ASVS 5.0 6.5.2: no slow hash needed at that entropy).

use rand::{Rng, RngCore};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The issuer an authenticator app shows beside the account.
pub const ISSUER: &str = "tiexi";
/// How many recovery codes an enrolment issues.
pub const RECOVERY_CODES: usize = 10;
/// The letters of a recovery code: lower case and digits without 0/o, 1/l/i.
const ALPHABET: &[u8; 31] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A fresh secret, base32 as authenticator apps take it.
#[must_use]
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    Secret::from(bytes).to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "_"))
        .build()
        .ok()
}

/// The time step (Unix seconds / 30) a code matches, within one step of `now`; `None` for
/// a wrong code or a step not after `last_step` (a code is accepted once: RFC 6238 §5.2).
#[must_use]
pub fn accept(secret: &str, code: &str, now: u64, last_step: i64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = i64::try_from(totp(secret, "x")?.check(&code, now)?).ok()?;
    (step > last_step).then_some(step)
}

/// The code of a time (what an authenticator app shows then); for tests and the CLI.
#[must_use]
pub fn code_at(secret: &str, now: u64) -> Option<String> {
    totp(secret, "x").map(|t| t.generate(now).to_string())
}

/// The `otpauth://` URL of an enrolment, which the QR code carries.
#[must_use]
pub fn url(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The QR code of the URL as an SVG element (drawn here; nothing is fetched).
#[must_use]
pub fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .dark_color(qrcode::render::svg::Color("#000"))
        .light_color(qrcode::render::svg::Color("#fff"))
        .build();
    // The element alone, to be placed in the page (no XML declaration).
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg ", "<svg class=\"qr\" role=\"img\" aria-label=\"二维码\" ", 1))
}

/// New recovery codes, as shown once (`xxxx-xxxx-…`, 24 letters).
#[must_use]
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: Vec<char> = (0..24).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect();
            letters.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// What is stored of a recovery code: the SHA-256 of its letters (no dashes, no spaces,
/// lower case), so that it may be typed as shown or not.
#[must_use]
pub fn recovery_hash(code: &str) -> String {
    let letters: String = code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    crate::sha::sha256(letters.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1: the secret "12345678901234567890" at T = 59 s gives
    /// 94287082 (8 digits), whose last six are the 6-digit code.
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(&secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(&secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = code_at(&secret, now).expect("a code");
        let step = accept(&secret, &code, now, 0).expect("accepted");
        assert_eq!(step, 1_700_000_000 / 30);
        assert_eq!(accept(&secret, &code, now, step), None, "not twice");
        assert_eq!(accept(&secret, &code, now + 30, 0), Some(step), "one step late is fine");
        assert_eq!(accept(&secret, &code, now + 90, 0), None, "three steps late is not");
        assert_eq!(accept(&secret, "12345", now, 0), None);
        assert_eq!(accept("not base32!", &code, now, 0), None);
    }

    #[test]
    fn the_url_and_qr_code_carry_the_secret() {
        let secret = new_secret();
        let url = url(&secret, "admin").expect("a url");
        assert!(url.starts_with("otpauth://totp/tiexi:admin?") && url.contains(&secret), "{url}");
        let svg = qr_svg(&url).expect("an svg");
        assert!(svg.starts_with("<svg class=\"qr\"") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("style") && !svg.contains("script"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashed_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 29, "{c}");
        assert_eq!(recovery_hash(c), recovery_hash(&c.replace('-', " ").to_uppercase()));
        assert_ne!(recovery_hash(c), recovery_hash(&codes[1]));
    }
}
