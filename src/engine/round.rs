//! A round's status (docs/rules.md §2, §7: the cumulative figures count closed rounds). A
//! round stays open through review and payment, so 进行中, not 申报中 (docs/glossary.md).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Open,
    Closed,
}

impl RoundStatus {
    pub const ALL: [RoundStatus; 2] = [RoundStatus::Open, RoundStatus::Closed];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            RoundStatus::Open => "open",
            RoundStatus::Closed => "closed",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            RoundStatus::Open => "进行中",
            RoundStatus::Closed => "已结束",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<RoundStatus> {
        RoundStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    #[must_use]
    pub fn is_open(self) -> bool {
        self == RoundStatus::Open
    }
}

#[cfg(test)]
mod tests {
    use super::RoundStatus;

    #[test]
    fn codes_and_labels_round_trip() {
        for s in RoundStatus::ALL {
            assert_eq!(RoundStatus::parse(s.code()), Some(s));
        }
        assert_eq!(RoundStatus::parse("Open"), None);
        assert_eq!(RoundStatus::Open.label(), "进行中");
        assert_eq!(RoundStatus::Closed.label(), "已结束");
    }
}
