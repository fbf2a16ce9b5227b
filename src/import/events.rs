//! The Events sheet (workbook.md "Events"): dated repayments, rate changes, overdue
//! periods and extensions, one per row; each problem a `RowError` on this sheet. Which
//! loan an event belongs to, and whether the events of a loan fit together, is `attach`.

mod attach;

use super::cells::{self, Value};
use super::columns::EVENT_COLUMNS;
use super::header::{self, Header};
use super::sheet::Grid;
use super::RowError;
use crate::engine::{Event, EventKind};
pub use attach::{attach, LoanIndex};

/// An event read from a row, with the contract number it belongs to and its row.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// The row as Excel shows it.
    pub row: u32,
    pub contract_no: String,
    pub event: Event,
    /// The cells of the row as found, by key, for error messages.
    pub found: Vec<(&'static str, String)>,
}

impl EventRow {
    /// The value of a key as found in the sheet.
    #[must_use]
    pub fn found(&self, key: &str) -> &str {
        self.found.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str())
    }
}

/// What the sheet held: its readable events, the contracts whose events have problems
/// (their projects are left out), and whether the sheet itself could not be read.
#[derive(Debug, Default)]
pub struct Events {
    pub sheet: String,
    pub header: Option<Header>,
    pub rows: Vec<EventRow>,
    pub touched: Vec<String>,
    /// A sheet-level problem (no header row, a required column missing): no event can be
    /// trusted, so no project can be.
    pub failed: bool,
}

/// Every event of the sheet; problems go to `errors`.
pub fn read(grid: &Grid, errors: &mut Vec<RowError>) -> Events {
    let mut out = Events { sheet: grid.name.clone(), ..Events::default() };
    // An Events sheet left empty (the template's, unused) has no events, not a problem.
    if grid.rows.values().flatten().all(Value::is_blank) {
        return out;
    }
    let header = match header::locate(grid, EVENT_COLUMNS, 3) {
        Ok(h) => h,
        Err(e) => {
            errors.push(e);
            out.failed = true;
            return out;
        }
    };
    let problems = header::problems(grid, &header, EVENT_COLUMNS);
    if !problems.is_empty() {
        errors.extend(problems);
        out.failed = true;
        return out;
    }
    for (&row, cells) in grid.rows.range(header.row + 1..) {
        if super::rows::is_empty(cells, &header)
            || super::rows::is_total(cells)
            || header.repeated_in(cells, EVENT_COLUMNS)
        {
            continue;
        }
        let reader = RowReader { grid, header: &header, row };
        reader.read(&mut out, errors);
    }
    out.header = Some(header);
    out
}

/// One row of the Events sheet being read.
struct RowReader<'a> {
    grid: &'a Grid,
    header: &'a Header,
    /// 0-based.
    row: u32,
}

impl RowReader<'_> {
    /// The row's event into `out`, or its problems into `errors` (and its contract, if
    /// it names one, into `out.touched`).
    fn read(&self, out: &mut Events, errors: &mut Vec<RowError>) {
        let before = errors.len();
        let contract = cells::code(self.value("contract_no")).filter(|_| !self.value("contract_no").is_nothing());
        let event = self.event(errors);
        match (contract, event) {
            (Some(contract_no), Some(event)) if errors.len() == before => {
                let found = EVENT_COLUMNS.iter().map(|c| (c.key, self.value(c.key).shown())).collect();
                out.rows.push(EventRow { row: self.row + 1, contract_no, event, found });
            }
            (Some(contract_no), _) => out.touched.push(contract_no),
            (None, _) => self.push("contract_no", "必须填写，不能为空".to_string(), errors),
        }
    }

    fn value(&self, key: &str) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.header.slot(key).map_or(&EMPTY, |(i, _)| self.grid.get(self.row, i))
    }

    fn push(&self, key: &'static str, message: String, errors: &mut Vec<RowError>) {
        let written = self.header.written(key, EVENT_COLUMNS);
        let value = self.value(key).shown();
        errors.push(RowError::sheet(&self.grid.name, self.row + 1, &written, &value, message).with_key(key));
    }

    /// A value the row's 事项 needs: reported when blank or unreadable.
    fn need<T>(
        &self,
        key: &'static str,
        what: &str,
        read: Result<Option<T>, String>,
        errors: &mut Vec<RowError>,
    ) -> Option<T> {
        match read {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.push(key, format!("必须填写{what}"), errors);
                None
            }
            Err(m) => {
                self.push(key, m, errors);
                None
            }
        }
    }

    fn date(&self, key: &str) -> Result<Option<chrono::NaiveDate>, String> {
        let v = self.value(key);
        if v.is_nothing() {
            return Ok(None);
        }
        cells::date(v, self.grid.is_1904)
    }

    fn event(&self, errors: &mut Vec<RowError>) -> Option<Event> {
        let on = self.need("date", "日期", self.date("date"), errors);
        let kind = self.kind(errors)?;
        Some(Event { on: on?, kind })
    }

    /// workbook.md: 还款 needs 金额, 利率调整 needs 年利率, 展期 needs 展期至.
    fn kind(&self, errors: &mut Vec<RowError>) -> Option<EventKind> {
        let written = cells::code(self.value("kind")).unwrap_or_default();
        let kind = match written.as_str() {
            "还款" => {
                EventKind::Repayment(self.need("amount", "还款金额（事项为还款）", self.repayment(), errors)?)
            }
            "利率调整" => EventKind::RateChange(self.need(
                "rate",
                "调整后的年利率（事项为利率调整）",
                super::rows::rate(self.value("rate")),
                errors,
            )?),
            "展期" => EventKind::Extension(self.need(
                "extended_to",
                "展期后的到期日期（事项为展期）",
                self.date("extended_to"),
                errors,
            )?),
            "逾期开始" => EventKind::OverdueStart,
            "逾期结束" => EventKind::OverdueEnd,
            "" => {
                self.push("kind", "事项必须填写：还款、利率调整、逾期开始、逾期结束 或 展期".to_string(), errors);
                return None;
            }
            _ => {
                self.push("kind", "事项应为 还款、利率调整、逾期开始、逾期结束 或 展期".to_string(), errors);
                return None;
            }
        };
        Some(kind)
    }

    fn repayment(&self) -> Result<Option<crate::engine::Money>, String> {
        let unit = self.header.slot("amount").and_then(|(_, s)| s.unit);
        let v = self.value("amount");
        match cells::money(if v.is_nothing() { &Value::Empty } else { v }, unit)? {
            Some(m) if !m.is_positive() => Err("还款金额应大于0，请核对".to_string()),
            m => Ok(m),
        }
    }
}
