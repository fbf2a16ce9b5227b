//! A grant line (核定 or 释放) as the books keep it: its kind and its state
//! (docs/glossary.md "Money: allocations, grant lines and batches").

use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::{Kind, State};

    #[test]
    fn codes_and_labels_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        for s in State::ALL {
            assert_eq!(State::parse(s.code()), Some(s));
        }
        assert_eq!(Kind::parse("grants"), None);
        assert_eq!(State::parse("Active"), None);
        assert_eq!((Kind::Release.label(), State::Active.label()), ("释放", "有效"));
    }
}
