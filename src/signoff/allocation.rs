//! An allocation proposal's life (分配方案, docs/payments.md), pure like `crate::review`:
//! proposed (待批准) by one member of division staff, then approved (已批准) by another or
//! cancelled (已撤销). The pages ask [`available`]; the use cases ask [`decide`] before they
//! write; storage's guarded SQL stays the guarantee.

use super::disbursement::Asker;
use crate::review::Refusal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Proposed,
    Approved,
    Cancelled,
}

impl State {
    pub const ALL: [State; 3] = [State::Proposed, State::Approved, State::Cancelled];

    #[must_use]
    pub fn parse(code: &str) -> Option<State> {
        match code {
            "proposed" => Some(State::Proposed),
            "approved" => Some(State::Approved),
            "cancelled" => Some(State::Cancelled),
            _ => None,
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Approved => "approved",
            State::Cancelled => "cancelled",
        }
    }

    /// Its one Chinese name (docs/glossary.md).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            State::Proposed => "待批准",
            State::Approved => "已批准",
            State::Cancelled => "已撤销",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Approve,
    Cancel,
}

impl Action {
    /// `approve` or `cancel`, as forms and the API send them.
    #[must_use]
    pub fn parse(code: &str) -> Option<Action> {
        match code {
            "approve" => Some(Action::Approve),
            "cancel" => Some(Action::Cancel),
            _ => None,
        }
    }
}

/// The proposal as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    pub proposed_by: i64,
}

/// Whether `asker` may take `action` on the proposal now, and why not.
///
/// # Errors
/// `Forbidden` for anyone but division staff; `Conflict` naming the reason otherwise.
pub fn decide(asker: Asker, f: &Facts, action: Action) -> Result<(), Refusal> {
    if !asker.staff {
        return Err(Refusal::Forbidden);
    }
    if f.state != State::Proposed {
        return Err(Refusal::Conflict("该分配方案已处理".into()));
    }
    if action == Action::Approve && !super::may_approve(f.proposed_by, asker.account) {
        return Err(Refusal::Conflict("提出分配方案的人不能审批自己的方案".into()));
    }
    Ok(())
}

/// The actions `asker` may take now: the buttons a page offers.
#[must_use]
pub fn available(asker: Asker, f: &Facts) -> Vec<Action> {
    [Action::Approve, Action::Cancel].into_iter().filter(|a| decide(asker, f, *a).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::{available, Action, Asker, Facts, State};

    #[test]
    fn a_proposal_is_approved_by_another_and_decided_once() {
        let f = Facts { state: State::Proposed, proposed_by: 7 };
        let other = Asker { staff: true, account: Some(8) };
        let maker = Asker { staff: true, account: Some(7) };
        assert_eq!(available(other, &f), vec![Action::Approve, Action::Cancel]);
        assert_eq!(available(maker, &f), vec![Action::Cancel], "the proposer may withdraw, never approve");
        let done = Facts { state: State::Approved, ..f };
        assert!(available(other, &done).is_empty());
        assert!(available(Asker { staff: false, account: Some(8) }, &f).is_empty());
    }
}
