//! A supporting document's review (issue 15: document review and the evidence checklist):
//! uploaded and waiting (待审核), accepted (已认可), or rejected with a reason the applicant
//! sees (未认可).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentReview {
    Pending,
    Accepted,
    Rejected,
}

impl DocumentReview {
    pub const ALL: [DocumentReview; 3] = [DocumentReview::Pending, DocumentReview::Accepted, DocumentReview::Rejected];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DocumentReview::Pending => "pending",
            DocumentReview::Accepted => "accepted",
            DocumentReview::Rejected => "rejected",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DocumentReview::Pending => "待审核",
            DocumentReview::Accepted => "已认可",
            DocumentReview::Rejected => "未认可",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<DocumentReview> {
        DocumentReview::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// What a supporting document is, as the upload offers it (`documents.kind`): 贷款合同,
/// 结息单 or 其他. The category a document counts for (`documents.category`, the policy's
/// `evidence.documents`) stays text: the policy may name any category (docs/policy.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Contract,
    InterestStatement,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [DocumentKind::Contract, DocumentKind::InterestStatement, DocumentKind::Other];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::Contract => "contract",
            DocumentKind::InterestStatement => "interest_statement",
            DocumentKind::Other => "other",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Contract => "贷款合同",
            DocumentKind::InterestStatement => "结息单",
            DocumentKind::Other => "其他",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::{DocumentKind, DocumentReview};

    #[test]
    fn codes_read_back_and_each_has_its_label() {
        for r in DocumentReview::ALL {
            assert_eq!(DocumentReview::parse(r.code()), Some(r));
        }
        assert_eq!(DocumentReview::parse("missing"), None);
        assert_eq!(DocumentReview::Rejected.label(), "未认可");
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
            assert_eq!(serde_json::to_value(k).ok(), Some(serde_json::json!(k.code())));
        }
        assert_eq!(DocumentKind::parse("Contract"), None);
    }
}
