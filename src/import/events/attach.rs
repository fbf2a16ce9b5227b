//! Events → their loans (docs/workbook.md "Events", docs/rules.md §4): an event must name a loan of
//! the Loans sheet; the repayments of a loan may not sum to more than its principal; and
//! two different rate changes on one day are refused, because which one holds would
//! depend on the order of the rows.

use std::collections::HashMap;

use ahash::RandomState;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{EventRow, Events};
use crate::engine::{Event, EventKind, Money};
use crate::import::columns::Key;
use crate::import::RowError;

/// The contracts of the Loans sheet, every row of it (also rows with problems, whose
/// events are then no surprise), with the principal of the first row that has one.
#[derive(Debug, Default)]
pub struct LoanIndex {
    principals: HashMap<String, Option<Money>, RandomState>,
}

impl LoanIndex {
    /// An index with room for `contracts` contracts (a map grown by doubling rehashes
    /// every contract again and again).
    #[must_use]
    pub fn with_capacity(contracts: usize) -> LoanIndex {
        LoanIndex { principals: HashMap::with_capacity_and_hasher(contracts, RandomState::new()) }
    }

    pub fn add(&mut self, contract_no: &str, principal: Option<Money>) {
        let entry = self.principals.entry(contract_no.to_string()).or_insert(principal);
        if entry.is_none() {
            *entry = principal;
        }
    }
}

/// The events of each contract, in sheet order, with what they add up to.
#[derive(Default)]
pub struct ByContract(HashMap<String, Attached, RandomState>);

impl ByContract {
    /// The events of a contract, in sheet order.
    #[must_use]
    pub fn events(&self, contract_no: &str) -> Option<&[Event]> {
        self.0.get(contract_no).map(|a| a.events.as_slice())
    }
}

#[derive(Default)]
struct Attached {
    events: Vec<Event>,
    tally: Tally,
}

/// What a loan's events have added up to so far, with the rows they came from.
#[derive(Default)]
struct Tally {
    repaid: Money,
    rates: HashMap<NaiveDate, (Decimal, u32)>,
}

impl ByContract {
    /// Attach the events read since the last call (taken from `events.rows`) to their
    /// loans, in sheet order: the sheet may still be being read. Problems go to `errors`,
    /// and their contracts to `events.touched`.
    pub fn add(&mut self, events: &mut Events, loans: &LoanIndex, errors: &mut Vec<RowError>) {
        let mut rows = std::mem::take(&mut events.rows);
        self.0.reserve(rows.len());
        for e in rows.drain(..) {
            let Some(principal) = loans.principals.get(&e.contract_no) else {
                let what = "在申报表中找不到这个贷款合同编号：请核对编号，或在申报表中补上这笔贷款".to_string();
                push(events, &e, Key::EventContractNo, what, errors);
                continue;
            };
            let attached = self.0.entry(e.contract_no.clone()).or_default();
            attached.events.push(e.event);
            if let Some(what) = check(&mut attached.tally, &e, *principal) {
                let key =
                    if matches!(e.event.kind, EventKind::RateChange(_)) { Key::EventRate } else { Key::EventAmount };
                push(events, &e, key, what, errors);
                events.touched.push(e.contract_no);
            }
        }
        // The emptied list keeps its room for the rows still to come.
        events.rows = rows;
    }
}

/// The problem an event makes with the loan's earlier events, if any.
fn check(tally: &mut Tally, e: &EventRow, principal: Option<Money>) -> Option<String> {
    match e.event.kind {
        EventKind::Repayment(m) => {
            tally.repaid += m;
            let principal = principal?;
            (tally.repaid > principal)
                .then(|| format!("累计还款 {} 元超过贷款金额 {principal} 元：请核对还款金额", tally.repaid))
        }
        EventKind::RateChange(r) => {
            let (first, row) = *tally.rates.entry(e.event.on).or_insert((r, e.row));
            (first != r).then(|| {
                format!(
                    "与第{row}行同一天（{}）的利率调整 {first}% 不同：同一天只能有一个调整后利率，请删去或改正其中一行",
                    e.event.on
                )
            })
        }
        _ => None,
    }
}

fn push(events: &Events, e: &EventRow, key: Key, what: String, errors: &mut Vec<RowError>) {
    let written = events.header.as_ref().map_or_else(|| key.column().header.to_string(), |h| h.written_of(key));
    errors.push(RowError::sheet(&events.sheet, e.row, &written, e.found(key), what).with_key(key.as_str()));
}
