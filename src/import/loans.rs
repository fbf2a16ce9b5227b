//! The loan of one row of the Loans sheet (docs/workbook.md "Columns"): its required values
//! and the order of its dates. Whether the loan earns subsidy is the engine's business.

use super::columns::{Key, Level, Need, LOANS};
use super::projects::Sink;
use super::rows::LoanRow;
use crate::engine::Loan;

/// The loan of a row, or `None` with its problems reported; the row gives up its texts.
pub fn loan(r: &mut LoanRow, sink: &mut Sink<'_>) -> Option<Loan> {
    let l = &r.loan;
    let before = sink.errors.len();
    for c in LOANS.iter().filter(|c| c.level == Level::Loan && c.need == Need::Always) {
        if !l.has(c.id) && !sink.absent.contains(&c.id) && !r.unreadable.contains(&c.id) {
            sink.push(r.row, c.id, &r.found(c.id), "必须填写，不能为空".to_string());
        }
    }
    // docs/workbook.md: the maturity date comes after the disbursement date.
    if let (Some(d0), Some(dm)) = (l.disbursed_on, l.maturity_on) {
        if dm <= d0 {
            let what = format!("到期日期应晚于放款日期（{d0}），请核对两个日期");
            sink.push(r.row, Key::MaturityOn, &r.found(Key::MaturityOn), what);
        }
    }
    // A loan cannot be paid off before it was paid out.
    if let (Some(d0), Some(ds)) = (l.disbursed_on, l.settled_on) {
        if ds < d0 {
            let what = format!("结清日期不能早于放款日期（{d0}），请核对两个日期");
            sink.push(r.row, Key::SettledOn, &r.found(Key::SettledOn), what);
        }
    }
    if sink.errors.len() > before || !r.unreadable.is_empty() {
        return None;
    }
    let l = &mut r.loan;
    Some(Loan {
        contract_no: l.contract_no.take()?,
        bank: l.bank.take().unwrap_or_default(),
        principal: l.principal?,
        rate: l.rate?,
        disbursed_on: l.disbursed_on?,
        maturity_on: l.maturity_on?,
        settled_on: l.settled_on,
        interest_paid: l.interest_paid,
        events: Vec::new(),
        row: r.row,
    })
}
