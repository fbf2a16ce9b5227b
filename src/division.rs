//! What the division keeps besides rounds and projects (issue 16): its settings (what the
//! reports print about it), its pools as accounts (到位, 结转, 历史拨付) and its rounds'
//! 绩效 targets. Each change is a small function taking the database and the acting user,
//! the same for the pages, the API and the command line, written in one transaction with
//! its audit row (old and new values).

pub mod demo;
pub mod funds;
pub mod performance;
pub mod settings;

use serde_json::Value;

use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::audit::Entry;

/// Who acts: a logged-in user, or the command line (`cli`, with no account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub role: Role,
}

impl Actor<'_> {
    /// The command line: whoever may run it on the server may change the division's settings.
    #[must_use]
    pub fn cli() -> Actor<'static> {
        Actor { id: None, name: "cli", role: Role::DivisionStaff }
    }

    /// The division's books and settings are division staff's (师市总工会财务).
    ///
    /// # Errors
    /// `Forbidden` for every other role.
    pub fn require_staff(&self) -> Result<(), AppError> {
        if self.role == Role::DivisionStaff {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// An audit entry of this actor.
    #[must_use]
    pub fn entry<'e>(&'e self, action: &'e str, entity: &'e str, id: String, round_id: Option<i64>) -> Entry<'e> {
        Entry {
            actor_id: self.id,
            actor: self.name,
            action,
            entity,
            entity_id: id,
            round_id,
            old: Value::Null,
            new: Value::Null,
        }
    }
}
