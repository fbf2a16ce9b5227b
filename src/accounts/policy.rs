//! The password policy (issue 17 item 1, docs/accounts.md; ASVS 5.0 6.2): at least 10
//! characters, and not one of the 10,000 most common passwords. The same rule for the
//! accounts page, a user's own change and `tiexi user add`. Pure: no I/O.
//!
//! The list ships in the binary (`common-passwords.txt`, its source and licence in its
//! header): the first 10,000 of Django's frequency-ordered list of 20,000, lowercased, so
//! a password is compared in lower case (`Password123` is `password123`).

use std::collections::HashSet;
use std::sync::OnceLock;

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 10;

const COMMON: &str = include_str!("common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    // Only the header is a comment: some common passwords begin with `#` themselves.
    SET.get_or_init(|| COMMON.lines().skip_while(|l| l.starts_with('#')).filter(|l| !l.is_empty()).collect())
}

/// Why a password is refused, in the words a user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooShort,
    Common,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooShort => write!(f, "密码至少 {MIN_CHARS} 个字符"),
            Refusal::Common => write!(f, "这个密码过于常见（在最常用的一万个密码之中），请换一个"),
        }
    }
}

/// Whether a password may be set.
///
/// # Errors
/// The reason it may not.
pub fn check(password: &str) -> Result<(), Refusal> {
    if password.chars().count() < MIN_CHARS {
        return Err(Refusal::TooShort);
    }
    if common().contains(password.to_lowercase().as_str()) {
        return Err(Refusal::Common);
    }
    Ok(())
}

/// A one-time password for an account staff create or reset: 12 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 70 bits, read out or handed over
/// on paper; its user must change it at the first login.
#[must_use]
pub fn one_time() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..12).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_ten_thousand_passwords() {
        assert_eq!(common().len(), 10_000);
        assert!(common().contains("123456"));
    }

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert_eq!(check("short-pw1"), Err(Refusal::TooShort));
        assert_eq!(check("1234567890"), Err(Refusal::Common));
        assert_eq!(check("QwertyUiop"), Err(Refusal::Common));
        assert_eq!(check("1q2w3e4r5t"), Err(Refusal::Common));
        assert_eq!(check("红星二场合作社贷款贴息"), Ok(()));
        assert_eq!(check("tiexi-demo"), Ok(()));
        // Characters, not bytes: five Chinese characters are fifteen bytes but too short.
        assert_eq!(check("红星二场社"), Err(Refusal::TooShort));
    }

    #[test]
    fn a_one_time_password_passes_the_policy() {
        for _ in 0..100 {
            let p = one_time();
            assert_eq!(p.chars().count(), 12);
            assert_eq!(check(&p), Ok(()));
        }
    }
}
