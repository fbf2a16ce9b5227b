//! The states of a project and what each allows.

use serde::Serialize;

/// The states of a project (migrations 0005).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Returned,
    RegimentReviewed,
    DivisionReviewed,
    Published,
    Approved,
    Rejected,
    Withdrawn,
}

impl State {
    pub const ALL: [State; 9] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::RegimentReviewed,
        State::DivisionReviewed,
        State::Published,
        State::Approved,
        State::Rejected,
        State::Withdrawn,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::RegimentReviewed => "regiment_reviewed",
            State::DivisionReviewed => "division_reviewed",
            State::Published => "published",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::Withdrawn => "withdrawn",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::Submitted => "已提交",
            State::Returned => "已退回",
            State::RegimentReviewed => "团场已初审",
            State::DivisionReviewed => "师市已复审",
            State::Published => "已公示",
            State::Approved => "已批准",
            State::Rejected => "未通过",
            State::Withdrawn => "已撤回",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The states in which the applicant may edit the application.
    #[must_use]
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }

    /// Whether the round's trial calculation and figures count the project: a draft is not
    /// yet an application, a rejected or withdrawn one no longer is, so none of them may
    /// take budget from, or mark as duplicate the contract of, a project that is.
    #[must_use]
    pub fn counts(self) -> bool {
        !matches!(self, State::Draft | State::Rejected | State::Withdrawn)
    }

    /// docs/rules.md §9: a reviewer cuts a loan while the project is under review and its
    /// amounts are not yet published.
    #[must_use]
    pub fn cuttable(self) -> bool {
        matches!(self, State::Submitted | State::RegimentReviewed | State::DivisionReviewed)
    }

    /// docs/rules.md §10: until 初审 the applicant's workbook may still change the project;
    /// from then on only after a reviewer returns it.
    #[must_use]
    pub fn open_to_workbook(self) -> bool {
        matches!(self, State::Draft | State::Submitted | State::Returned)
    }

    /// The states of review (where return and reject apply).
    pub(super) fn in_review(self) -> bool {
        matches!(self, State::Submitted | State::RegimentReviewed | State::DivisionReviewed | State::Published)
    }
}
