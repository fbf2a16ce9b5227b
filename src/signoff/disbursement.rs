//! A 拨付批次's life (docs/payments.md), pure like `crate::review`: prepared (待审核) by one
//! member of division staff, approved (已审核) by another, then paid (已拨付) by hand with a
//! voucher or settled by the bank's answer (部分支付 while lines failed), or cancelled
//! (已撤销) before it is paid. The pages ask [`available`] which buttons to offer; the use
//! cases ask [`decide`] before they write; storage's guarded SQL stays the guarantee.

use crate::review::Refusal;

/// A batch's state. 部分支付 is read, never stored: a paid batch whose bank failed lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Prepared,
    Approved,
    Paid,
    Partial,
    Cancelled,
}

impl State {
    pub const ALL: [State; 5] = [State::Prepared, State::Approved, State::Paid, State::Partial, State::Cancelled];

    /// A stored (or derived) code; `None` for an unknown one.
    #[must_use]
    pub fn parse(code: &str) -> Option<State> {
        Some(match code {
            "prepared" => State::Prepared,
            "approved" => State::Approved,
            "paid" => State::Paid,
            "partial" => State::Partial,
            "cancelled" => State::Cancelled,
            _ => return None,
        })
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            State::Prepared => "prepared",
            State::Approved => "approved",
            State::Paid => "paid",
            State::Partial => "partial",
            State::Cancelled => "cancelled",
        }
    }

    /// Its one Chinese name (docs/glossary.md).
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            State::Prepared => "待审核",
            State::Approved => "已审核",
            State::Paid => "已拨付",
            State::Partial => "部分支付",
            State::Cancelled => "已撤销",
        }
    }

    /// Not yet paid nor cancelled: it may still be cancelled.
    #[must_use]
    pub fn open(self) -> bool {
        matches!(self, State::Prepared | State::Approved)
    }

    /// Money left the round: paid in full or in part.
    #[must_use]
    pub fn settled(self) -> bool {
        matches!(self, State::Paid | State::Partial)
    }
}

/// What a batch does: pays projects (拨付) or takes money back (追回).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Payment,
    Clawback,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Payment, Kind::Clawback];

    #[must_use]
    pub fn parse(code: &str) -> Option<Kind> {
        match code {
            "payment" => Some(Kind::Payment),
            "clawback" => Some(Kind::Clawback),
            _ => None,
        }
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::Clawback => "clawback",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Kind::Payment => "拨付",
            Kind::Clawback => "追回",
        }
    }
}

/// What may be done with a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 审核: the second person's approval.
    Approve,
    /// 确认支付: paid by hand, with a voucher and a date.
    Pay,
    /// 撤销: before it is paid.
    Cancel,
    /// 上传银行回单: the bank's answer, line by line.
    Return,
    /// 追回: money back from a project the batch paid (a new batch).
    ClawBack,
    /// 代发文件: the bank payment file.
    BankFile,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Approve, Action::Pay, Action::Cancel, Action::Return, Action::ClawBack, Action::BankFile];
}

/// The batch as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub state: State,
    pub kind: Kind,
    pub prepared_by: i64,
}

/// Who asks: division staff (only they move money) and their account (none on the command
/// line, which may therefore never be the second person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asker {
    pub staff: bool,
    pub account: Option<i64>,
}

fn conflict(text: &str) -> Refusal {
    Refusal::Conflict(text.to_owned())
}

/// Whether `asker` may take `action` on the batch now, and why not.
///
/// # Errors
/// `Forbidden` for anyone but division staff; `Conflict` naming the reason otherwise.
pub fn decide(asker: Asker, f: &Facts, action: Action) -> Result<(), Refusal> {
    if !asker.staff {
        return Err(Refusal::Forbidden);
    }
    let payment = f.kind == Kind::Payment;
    match action {
        Action::Approve if f.state != State::Prepared => Err(conflict("只有待审核的批次才能审核")),
        Action::Approve if !super::may_approve(f.prepared_by, asker.account) => {
            Err(conflict("制单人不能审批自己的拨付批次"))
        }
        Action::Pay if f.state.settled() => Err(conflict("该批次已拨付")),
        Action::Pay if f.state != State::Approved => Err(conflict("只有已审核的批次才能确认拨付")),
        Action::Cancel if !f.state.open() => Err(conflict("已拨付或已撤销的批次不能撤销")),
        Action::Return if !payment => Err(conflict("追回批次没有银行回单，请用“确认支付”登记")),
        Action::Return if f.state != State::Approved => Err(conflict("只有已审核、尚未支付的批次才能导入银行回单")),
        Action::ClawBack if !payment || !f.state.settled() => Err(conflict("只能从已拨付的拨付批次追回")),
        Action::BankFile if !payment => Err(conflict("追回批次没有代发文件")),
        Action::BankFile if !matches!(f.state, State::Approved | State::Paid | State::Partial) => {
            Err(conflict("批次审核通过后才能下载代发文件"))
        }
        _ => Ok(()),
    }
}

/// The actions `asker` may take now: the buttons a page offers.
#[must_use]
pub fn available(asker: Asker, f: &Facts) -> Vec<Action> {
    Action::ALL.into_iter().filter(|a| decide(asker, f, *a).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::{available, decide, Action, Asker, Facts, Kind, State};
    use crate::review::Refusal;

    const MAKER: i64 = 7;
    const STAFF: Asker = Asker { staff: true, account: Some(8) };

    fn batch(state: State, kind: Kind) -> Facts {
        Facts { state, kind, prepared_by: MAKER }
    }

    #[test]
    fn each_state_offers_its_buttons() {
        use Action::{Approve, BankFile, Cancel, ClawBack, Pay, Return};
        let cases = [
            (State::Prepared, vec![Approve, Cancel]),
            (State::Approved, vec![Pay, Cancel, Return, BankFile]),
            (State::Paid, vec![ClawBack, BankFile]),
            (State::Partial, vec![ClawBack, BankFile]),
            (State::Cancelled, vec![]),
        ];
        for (state, offered) in cases {
            assert_eq!(available(STAFF, &batch(state, Kind::Payment)), offered, "{state:?}");
        }
        assert_eq!(available(STAFF, &batch(State::Approved, Kind::Clawback)), vec![Pay, Cancel], "a clawback");
    }

    #[test]
    fn the_maker_never_approves_and_only_staff_act() {
        let prepared = batch(State::Prepared, Kind::Payment);
        let maker = Asker { staff: true, account: Some(MAKER) };
        assert!(matches!(decide(maker, &prepared, Action::Approve), Err(Refusal::Conflict(_))));
        let cli = Asker { staff: true, account: None };
        assert!(decide(cli, &prepared, Action::Approve).is_err(), "no account is no second person");
        let reader = Asker { staff: false, account: Some(9) };
        assert_eq!(decide(reader, &prepared, Action::Cancel), Err(Refusal::Forbidden));
        assert!(available(reader, &prepared).is_empty());
    }

    #[test]
    fn codes_read_back() {
        for s in [State::Prepared, State::Approved, State::Paid, State::Partial, State::Cancelled] {
            assert_eq!(State::parse(s.code()), Some(s));
            assert_ne!(s.label(), "—");
        }
        assert_eq!(State::parse("sent"), None);
    }
}
