//! The Events sheet (workbook.md "Events"): dated repayments, rate changes, overdue
//! periods and extensions, each attached to its loan; each problem a `RowError`.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::cells;
use super::columns::EVENT_COLUMNS;
use super::header::{self, Header};
use super::sheet::Grid;
use super::RowError;
use crate::engine::{Event, EventKind, Money};

/// An event read from a row, with the contract number it belongs to and its row.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub row: u32,
    pub contract_no: String,
    pub event: Event,
}

/// Every event of the sheet; problems go to `errors`, keyed by contract number in
/// `touched` so that the loan's project can be left out.
pub fn read(grid: &Grid, errors: &mut Vec<RowError>, touched: &mut Vec<String>) -> Vec<EventRow> {
    let header = match header::locate(grid, EVENT_COLUMNS, 3) {
        Ok(h) => h,
        Err(mut e) => {
            errors.append(&mut e);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (&row, cells) in grid.rows.range(header.row + 1..) {
        if cells.iter().all(cells::Value::is_blank) || super::rows::is_total(cells) {
            continue;
        }
        let before = errors.len();
        let contract = cell(grid, &header, row, "contract_no").and_then(cells::code);
        let event = read_event(grid, &header, row, errors);
        match (contract, event) {
            (Some(contract_no), Some(event)) if errors.len() == before => {
                out.push(EventRow { row: row + 1, contract_no, event });
            }
            (Some(contract_no), _) => touched.push(contract_no),
            (None, _) => push(grid, &header, row, "contract_no", "", "贷款合同编号必须填写".into(), errors),
        }
    }
    out
}

fn cell<'a>(grid: &'a Grid, header: &Header, row: u32, key: &str) -> Option<&'a cells::Value> {
    header.slot(key).map(|(i, _)| grid.get(row, i))
}

fn push(grid: &Grid, header: &Header, row: u32, key: &'static str, value: &str, message: String, errors: &mut Vec<RowError>) {
    let written = header.slot(key).map_or_else(
        || EVENT_COLUMNS.iter().find(|c| c.key == key).map_or(key, |c| c.header).to_string(),
        |(_, s)| s.written.clone(),
    );
    errors.push(RowError::sheet(&grid.name, row + 1, &written, value, message).with_key(key));
}

fn read_event(grid: &Grid, header: &Header, row: u32, errors: &mut Vec<RowError>) -> Option<Event> {
    let value = |key| cell(grid, header, row, key).cloned().unwrap_or_default();
    let on = match cells::date(&value("date"), grid.is_1904) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            push(grid, header, row, "date", "", "日期必须填写".into(), errors);
            None
        }
        Err(m) => {
            push(grid, header, row, "date", &value("date").shown(), m, errors);
            None
        }
    };
    let kind = kind(grid, header, row, errors)?;
    Some(Event { on: on?, kind })
}

fn kind(grid: &Grid, header: &Header, row: u32, errors: &mut Vec<RowError>) -> Option<EventKind> {
    let value = |key| cell(grid, header, row, key).cloned().unwrap_or_default();
    let written = cells::text(&value("kind")).unwrap_or_default();
    let mut need = |key: &'static str, what: &str, r: Result<Option<EventKind>, String>| match r {
        Ok(Some(k)) => Some(k),
        Ok(None) => {
            push(grid, header, row, key, "", format!("事项为“{written}”时必须填写{what}"), errors);
            None
        }
        Err(m) => {
            push(grid, header, row, key, &value(key).shown(), m, errors);
            None
        }
    };
    match written.as_str() {
        "还款" => need("amount", "金额", repayment(&value("amount"), header)),
        "利率调整" => need("rate", "调整后的年利率", super::rows::rate(&value("rate")).map(|r| r.map(EventKind::RateChange))),
        "展期" => need("extended_to", "展期至日期", cells::date(&value("extended_to"), grid.is_1904).map(|d| d.map(EventKind::Extension))),
        "逾期开始" => Some(EventKind::OverdueStart),
        "逾期结束" => Some(EventKind::OverdueEnd),
        _ => {
            let msg = "事项应为 还款、利率调整、逾期开始、逾期结束 或 展期".to_string();
            push(grid, header, row, "kind", &written, msg, errors);
            None
        }
    }
}

fn repayment(v: &cells::Value, header: &Header) -> Result<Option<EventKind>, String> {
    let unit = header.slot("amount").and_then(|(_, s)| s.unit.clone());
    match cells::money(v, unit.as_deref())? {
        Some(m) if !m.is_positive() => Err("还款金额应大于0".to_string()),
        m => Ok(m.map(EventKind::Repayment)),
    }
}

/// Attach events to their loans; an event whose contract is not a loan of the Loans sheet,
/// or repayments beyond the principal, are errors (rules.md §4).
pub fn attach(
    events: Vec<EventRow>,
    loans: &mut HashMap<String, (Money, Vec<Event>)>,
    sheet: &str,
    errors: &mut Vec<RowError>,
    touched: &mut Vec<String>,
) {
    let mut repaid: HashMap<String, (Money, u32, NaiveDate)> = HashMap::new();
    for e in events {
        let Some((principal, list)) = loans.get_mut(&e.contract_no) else {
            let msg = "贷款合同编号在申报表中找不到，请核对".to_string();
            errors.push(RowError::sheet(sheet, e.row, "贷款合同编号", &e.contract_no, msg).with_key("contract_no"));
            continue;
        };
        if let EventKind::Repayment(m) = e.event.kind {
            let entry = repaid.entry(e.contract_no.clone()).or_insert((Money::ZERO, e.row, e.event.on));
            entry.0 += m;
            entry.1 = e.row;
            if entry.0 > *principal {
                let msg = format!("累计还款 {} 元超过贷款金额 {} 元，请核对", entry.0, principal);
                errors.push(RowError::sheet(sheet, e.row, "金额", &m.to_string(), msg).with_key("amount"));
                touched.push(e.contract_no.clone());
            }
        }
        list.push(e.event);
    }
}
