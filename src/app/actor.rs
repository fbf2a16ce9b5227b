//! Who acts in a use case: a logged-in user (the web builds one from its session), the
//! command line or the system (the demo, the daily purge). The one place an audit entry is
//! begun (`entry`): every use case signs its changes through it (docs/ARCHITECTURE.md,
//! "The audit trail").

use serde_json::Value;

use crate::accounts::Role;
use crate::error::AppError;
use crate::storage::audit::Entry;
use crate::storage::projects::Scope;

/// Who acts: their account (none on the command line), their name as the trail shows it,
/// their role and, for regiment staff, their 团场.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub role: Role,
    pub unit: Option<&'a str>,
}

impl<'a> Actor<'a> {
    /// The command line: whoever may run it on the server acts as division staff.
    #[must_use]
    pub fn cli() -> Actor<'static> {
        Actor { id: None, name: "cli", role: Role::DivisionStaff, unit: None }
    }

    /// tiexi itself (the demo's load, the daily purge).
    #[must_use]
    pub fn system() -> Actor<'static> {
        Actor { id: None, name: "system", role: Role::DivisionStaff, unit: None }
    }

    /// The projects this actor may see (role and ownership, enforced in SQL).
    #[must_use]
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::DivisionStaff | Role::BureauReviewer | Role::Auditor => Scope::All,
            Role::RegimentStaff => Scope::Unit(self.unit.unwrap_or_default().to_owned()),
            // No account (the command line) owns nothing.
            Role::Cooperative => Scope::Owner(self.id.unwrap_or(-1)),
        }
    }

    /// # Errors
    /// `Forbidden` unless the check holds.
    pub fn require(&self, allowed: bool) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The division's books, settings and money are division staff's (师市总工会财务).
    ///
    /// # Errors
    /// `Forbidden` for every other role.
    pub fn require_staff(&self) -> Result<(), AppError> {
        self.require(self.role == Role::DivisionStaff)
    }

    /// The round's money pages (allocations, batches, the pools' balances) are read by
    /// division staff and auditors; the other roles see their own grants on their projects.
    ///
    /// # Errors
    /// `Forbidden` for the other roles.
    pub fn require_reader(&self) -> Result<(), AppError> {
        self.require(matches!(self.role, Role::DivisionStaff | Role::Auditor))
    }

    /// The actor's account, for what is stored as someone's (an upload, an application).
    ///
    /// # Errors
    /// `Forbidden` for the command line and the system.
    pub fn account(&self) -> Result<i64, AppError> {
        self.id.ok_or(AppError::Forbidden)
    }

    /// Who asks, as the maker-checker state machines see them (`crate::signoff`).
    #[must_use]
    pub fn asker(&self) -> crate::signoff::disbursement::Asker {
        crate::signoff::disbursement::Asker { staff: self.role == Role::DivisionStaff, account: self.id }
    }

    /// The signer of the storage guards of allocations and disbursements (maker-checker
    /// compares accounts, so an actor without one may not sign).
    ///
    /// # Errors
    /// `Forbidden` for the command line and the system.
    pub fn signer(&self) -> Result<crate::storage::allocations::Actor<'a>, AppError> {
        let id = self.account()?;
        Ok(crate::storage::allocations::Actor { id, name: self.name })
    }

    /// An audit entry by this actor; the caller fills `old` and `new` (numbers masked).
    #[must_use]
    #[expect(
        clippy::needless_pass_by_value,
        reason = "ids are numbers or short keys: by value keeps every call site plain"
    )]
    pub fn entry<'e>(self, action: &'e str, entity: &'e str, id: impl ToString, round_id: Option<i64>) -> Entry<'e>
    where
        'a: 'e,
    {
        Entry {
            actor_id: self.id,
            actor: self.name,
            action,
            entity,
            entity_id: id.to_string(),
            round_id,
            old: Value::Null,
            new: Value::Null,
        }
    }
}
