//! The loan of one row of the Loans sheet (workbook.md "Columns"): its required values
//! and the order of its dates. Whether the loan earns subsidy is the engine's business.

use super::projects::Sink;
use super::rows::LoanRow;
use crate::engine::Loan;

/// The loan of a row, or `None` with its problems reported.
pub fn loan(r: &LoanRow, sink: &mut Sink<'_>) -> Option<Loan> {
    let l = &r.loan;
    let before = sink.errors.len();
    for (key, present) in [
        ("contract_no", l.contract_no.is_some()),
        ("principal", l.principal.is_some()),
        ("rate", l.rate.is_some()),
        ("disbursed_on", l.disbursed_on.is_some()),
        ("maturity_on", l.maturity_on.is_some()),
    ] {
        if !present && !sink.absent.contains(&key) && !r.unreadable.contains(&key) {
            sink.push(r.row, key, &r.found(key), "必须填写，不能为空".to_string());
        }
    }
    // workbook.md: the maturity date comes after the disbursement date.
    if let (Some(d0), Some(dm)) = (l.disbursed_on, l.maturity_on) {
        if dm <= d0 {
            let what = format!("到期日期应晚于放款日期（{d0}），请核对两个日期");
            sink.push(r.row, "maturity_on", &r.found("maturity_on"), what);
        }
    }
    // A loan cannot be paid off before it was paid out.
    if let (Some(d0), Some(ds)) = (l.disbursed_on, l.settled_on) {
        if ds < d0 {
            let what = format!("结清日期不能早于放款日期（{d0}），请核对两个日期");
            sink.push(r.row, "settled_on", &r.found("settled_on"), what);
        }
    }
    if sink.errors.len() > before || !r.unreadable.is_empty() {
        return None;
    }
    Some(Loan {
        contract_no: l.contract_no.clone()?,
        bank: l.bank.clone().unwrap_or_default(),
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
