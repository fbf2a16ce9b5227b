//! SHA-256 as lowercase hex: the fingerprint of an upload (imports, documents), the stored
//! form of session tokens and recovery codes. Pure: no I/O.

use sha2::{Digest, Sha256};

/// Lowercase hex of some bytes.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The SHA-256 of some bytes, as lowercase hex.
#[must_use]
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}
