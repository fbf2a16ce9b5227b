//! Roles and passwords: who may do what, and argon2id hashing. No SQL, no HTTP.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;

pub mod policy;

/// The five roles of the issue, by the name stored in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 师市总工会 finance staff: everything.
    DivisionStaff,
    /// 团场 union staff: their regiment only.
    RegimentStaff,
    /// A cooperative leader: their own projects only.
    Cooperative,
    /// The partner bureau: read and review, no money actions.
    BureauReviewer,
    /// Read-only; full ID numbers only through an audited reveal.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::DivisionStaff, Role::RegimentStaff, Role::Cooperative, Role::BureauReviewer, Role::Auditor];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Role::DivisionStaff => "division_staff",
            Role::RegimentStaff => "regiment_staff",
            Role::Cooperative => "cooperative",
            Role::BureauReviewer => "bureau_reviewer",
            Role::Auditor => "auditor",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Role::DivisionStaff => "师市总工会财务",
            Role::RegimentStaff => "团场工会",
            Role::Cooperative => "申报人",
            Role::BureauReviewer => "合作单位审核",
            Role::Auditor => "审计",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Creating and editing rounds, importing workbooks: division staff, and regiment
    /// staff for imports into their own regiment.
    #[must_use]
    pub fn may_manage_rounds(self) -> bool {
        self == Role::DivisionStaff
    }

    #[must_use]
    pub fn may_import(self) -> bool {
        matches!(self, Role::DivisionStaff | Role::RegimentStaff)
    }
}

/// Hash a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// Only if the hasher itself fails.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Check a password against a stored PHC string; any malformed hash is a mismatch.
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the user does not exist, so that timing does not tell.
#[must_use]
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0M4w2V0v6OHm1bq4r4pF2l2m5m1Gk0hKxJ6K2c3Jv2o"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_only_against_its_own_hash() {
        let h = hash_password("tiexi-demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("tiexi-demo", &h));
        assert!(!verify_password("tiexi-dem0", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }
}
