//! A grant line (核定 or 释放) as the books keep it: its kind, its state and its status
//! (docs/glossary.md "Money: allocations, grant lines and batches").

use serde::{Serialize, Serializer};

/// What a grant line does: grants money to a project (核定) or gives it back (释放).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Grant,
    Release,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Grant, Kind::Release];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Kind::Grant => "grant",
            Kind::Release => "release",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Kind::Grant => "核定",
            Kind::Release => "释放",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Where a grant line stands: proposed with its allocation (待批准), counting (有效), or
/// cancelled with it (已撤销).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Proposed,
    Active,
    Cancelled,
}

impl State {
    pub const ALL: [State; 3] = [State::Proposed, State::Active, State::Cancelled];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Active => "active",
            State::Cancelled => "cancelled",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            State::Proposed => "待批准",
            State::Active => "有效",
            State::Cancelled => "已撤销",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// 候补: only an approved project an allocation run leaves without money (docs/glossary.md).
pub const WAITLISTED: &str = "候补";

/// What a grant line says of its project: the engine's status once the line counts
/// (docs/rules.md §6), or `released` for a line that gives money back. Stored and answered
/// as its code (`grants.status`, the API's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Engine(crate::engine::Status),
    Released,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Engine(crate::engine::Status::Funded),
        Status::Engine(crate::engine::Status::PartiallyFunded),
        Status::Engine(crate::engine::Status::Waitlisted),
        Status::Engine(crate::engine::Status::Ineligible),
        Status::Released,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Status::Engine(s) => s.code(),
            Status::Released => "released",
        }
    }

    /// A line is an approved project's: 候补 for one an allocation leaves without money
    /// (docs/glossary.md), the engine's own label otherwise, 已释放 for a release.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::Engine(crate::engine::Status::Waitlisted) => WAITLISTED,
            Status::Engine(s) => s.label(),
            Status::Released => "已释放",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::{Kind, State, Status};

    #[test]
    fn codes_and_labels_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        for s in State::ALL {
            assert_eq!(State::parse(s.code()), Some(s));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::json!(s.code())));
        }
        assert_eq!(Status::parse("Released"), None);
        assert_eq!(Status::Released.label(), "已释放");
        assert_eq!(Kind::parse("grants"), None);
        assert_eq!(State::parse("Active"), None);
        assert_eq!((Kind::Release.label(), State::Active.label()), ("释放", "有效"));
    }
}
