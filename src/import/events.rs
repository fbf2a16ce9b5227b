//! The Events sheet (docs/workbook.md "Events"): dated repayments, rate changes, overdue
//! periods and extensions, one per row; each problem a `RowError` on this sheet. Which
//! loan an event belongs to, and whether the events of a loan fit together, is `attach`
//! (`ByContract::add`).

mod attach;

use super::cells::{self, Calendar, Value};
use super::columns::{Key, EVENTS};
use super::header::{self, Header};
use super::RowError;
use crate::engine::{Event, EventKind};
pub use attach::{ByContract, LoanIndex};

/// An event read from a row, with the contract number it belongs to and its row.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// The row as Excel shows it.
    pub row: u32,
    pub contract_no: String,
    pub event: Event,
    /// The cells of the row as found, by column, for error messages.
    pub found: Vec<(Key, String)>,
}

impl EventRow {
    /// The value of a column as found in the sheet.
    #[must_use]
    pub fn found(&self, key: Key) -> &str {
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

/// The Events sheet being read, its rows fed in order (`row`, then `end`).
#[derive(Debug)]
pub struct Sheet {
    out: Events,
    calendar: Calendar,
    /// The first rows, until the header is known.
    head: Vec<(u32, Vec<Value>)>,
    stage: Stage,
}

#[derive(Debug)]
enum Stage {
    Head,
    /// No header row: a problem only if the sheet has anything in it.
    Headerless(RowError, bool),
    Rows(Header),
    Done,
}

impl Sheet {
    #[must_use]
    pub fn new(name: &str, calendar: Calendar) -> Sheet {
        let out = Events { sheet: name.to_string(), ..Events::default() };
        Sheet { out, calendar, head: Vec::new(), stage: Stage::Head }
    }

    /// The next row with content (0-based index) of the sheet.
    pub fn row(&mut self, row: u32, cells: &[Value], errors: &mut Vec<RowError>) {
        if matches!(self.stage, Stage::Head) {
            if row < header::HEADER_SEARCH_ROWS {
                self.head.push((row, cells.to_vec()));
                return;
            }
            self.locate(errors);
        }
        self.body(row, cells, errors);
    }

    /// Attach the events read so far to their loans (`ByContract::add`), while the rest
    /// of the sheet is still being read.
    pub fn attach(&mut self, to: &mut ByContract, loans: &LoanIndex, errors: &mut Vec<RowError>) {
        to.add(&mut self.out, loans, errors);
    }

    /// Every event of the sheet; problems go to `errors`.
    pub fn end(mut self, errors: &mut Vec<RowError>) -> Events {
        if matches!(self.stage, Stage::Head) {
            self.locate(errors);
        }
        match self.stage {
            Stage::Headerless(e, true) => {
                errors.push(e);
                self.out.failed = true;
            }
            Stage::Rows(h) => self.out.header = Some(h),
            _ => {}
        }
        self.out
    }

    /// The header among the first rows, then the rows below it among them.
    fn locate(&mut self, errors: &mut Vec<RowError>) {
        let head: Vec<(u32, &[Value])> = self.head.iter().map(|(r, c)| (*r, c.as_slice())).collect();
        self.stage = match header::locate_in(&self.out.sheet, &head, EVENTS, 3) {
            Err(e) => Stage::Headerless(e, false),
            Ok(h) => {
                let problems = header::problems(&self.out.sheet, &h, EVENTS);
                if problems.is_empty() {
                    // Known now, so that events attached while the sheet is read name its
                    // columns as written (`attach`).
                    self.out.header = Some(h.clone());
                    Stage::Rows(h)
                } else {
                    errors.extend(problems);
                    self.out.failed = true;
                    Stage::Done
                }
            }
        };
        for (row, cells) in std::mem::take(&mut self.head) {
            self.body(row, &cells, errors);
        }
    }

    fn body(&mut self, row: u32, cells: &[Value], errors: &mut Vec<RowError>) {
        match &mut self.stage {
            // An Events sheet left empty (the template's, unused) has no events, not a problem.
            Stage::Headerless(_, any) => *any = *any || !cells.iter().all(Value::is_blank),
            Stage::Rows(header) if row > header.row => {
                if super::rows::is_empty(cells, header)
                    || super::rows::is_total(cells)
                    || header.repeated_in(cells, EVENTS)
                {
                    return;
                }
                let reader = RowReader { sheet: &self.out.sheet, calendar: self.calendar, header, row, cells };
                let read = reader.read(errors);
                match read {
                    Read::Event(e) => self.out.rows.push(e),
                    Read::Touched(contract_no) => self.out.touched.push(contract_no),
                    Read::Nothing => {}
                }
            }
            _ => {}
        }
    }
}

/// What a row of the Events sheet gave.
enum Read {
    Event(EventRow),
    /// A contract whose events have problems.
    Touched(String),
    Nothing,
}

/// One row of the Events sheet being read.
struct RowReader<'a> {
    sheet: &'a str,
    calendar: Calendar,
    header: &'a Header,
    /// 0-based.
    row: u32,
    cells: &'a [Value],
}

impl RowReader<'_> {
    /// The row's event, or its problems into `errors` (and its contract, if it names one,
    /// as touched).
    fn read(&self, errors: &mut Vec<RowError>) -> Read {
        let before = errors.len();
        // A formula without its result, or a contract number that lost digits.
        let mut contract_unreadable = false;
        for (slot, v) in self.header.columns.iter().zip(self.cells) {
            let Some(slot) = slot else { continue };
            if let Err(what) = super::rows::unreadable(slot.column, v) {
                contract_unreadable |= slot.column.id == Key::EventContractNo;
                self.push(slot.column.id, what, errors);
            }
        }
        let cell = self.value(Key::EventContractNo);
        let contract = cells::code(cell).filter(|_| !cell.is_nothing() && !contract_unreadable);
        let event = self.event(errors);
        match (contract, event) {
            (Some(contract_no), Some(event)) if errors.len() == before => {
                let found = EVENTS.iter().map(|c| (c.id, self.value(c.id).shown())).collect();
                Read::Event(EventRow { row: self.row + 1, contract_no, event, found })
            }
            (Some(contract_no), _) => Read::Touched(contract_no),
            (None, _) => {
                if !contract_unreadable {
                    self.push(Key::EventContractNo, "必须填写，不能为空".to_string(), errors);
                }
                Read::Nothing
            }
        }
    }

    fn value(&self, key: Key) -> &Value {
        static EMPTY: Value = Value::Empty;
        self.header.slot(key).and_then(|(i, _)| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    fn push(&self, key: Key, message: String, errors: &mut Vec<RowError>) {
        let written = self.header.written_of(key);
        let value = self.value(key).shown();
        errors.push(RowError::sheet(self.sheet, self.row + 1, &written, &value, message).with_key(key.as_str()));
    }

    /// A value the row's 事项 needs: reported when blank or unreadable.
    fn need<T>(&self, key: Key, what: &str, read: Result<Option<T>, String>, errors: &mut Vec<RowError>) -> Option<T> {
        cells::needed(read, what, |m| self.push(key, m, errors))
    }

    fn date(&self, key: Key) -> Result<Option<chrono::NaiveDate>, String> {
        let v = self.value(key);
        if v.is_nothing() {
            return Ok(None);
        }
        cells::date(v, self.calendar)
    }

    fn event(&self, errors: &mut Vec<RowError>) -> Option<Event> {
        let on = self.need(Key::EventDate, "日期", self.date(Key::EventDate), errors);
        let kind = self.kind(errors)?;
        Some(Event { on: on?, kind })
    }

    /// docs/workbook.md: 还款 needs 金额, 利率调整 needs 年利率, 展期 needs 展期至.
    fn kind(&self, errors: &mut Vec<RowError>) -> Option<EventKind> {
        let written = cells::code(self.value(Key::EventKind)).unwrap_or_default();
        let kind = match written.as_str() {
            "还款" => {
                EventKind::Repayment(self.need(Key::EventAmount, "还款金额（事项为还款）", self.repayment(), errors)?)
            }
            "利率调整" => EventKind::RateChange(self.need(
                Key::EventRate,
                "调整后的年利率（事项为利率调整）",
                super::rows::rate(self.value(Key::EventRate)),
                errors,
            )?),
            "展期" => EventKind::Extension(self.need(
                Key::EventExtendedTo,
                "展期后的到期日期（事项为展期）",
                self.date(Key::EventExtendedTo),
                errors,
            )?),
            "逾期开始" => EventKind::OverdueStart,
            "逾期结束" => EventKind::OverdueEnd,
            "" => {
                self.push(
                    Key::EventKind,
                    "事项必须填写：还款、利率调整、逾期开始、逾期结束 或 展期".to_string(),
                    errors,
                );
                return None;
            }
            _ => {
                self.push(Key::EventKind, "事项应为 还款、利率调整、逾期开始、逾期结束 或 展期".to_string(), errors);
                return None;
            }
        };
        Some(kind)
    }

    fn repayment(&self) -> Result<Option<crate::engine::Money>, String> {
        let unit = self.header.slot(Key::EventAmount).and_then(|(_, s)| s.unit);
        let v = self.value(Key::EventAmount);
        match cells::money(if v.is_nothing() { &Value::Empty } else { v }, unit)? {
            Some(m) if !m.is_positive() => Err("还款金额应大于0，请核对".to_string()),
            m => Ok(m),
        }
    }
}
