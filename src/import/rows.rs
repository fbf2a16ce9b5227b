//! One row of the Loans sheet → typed fields, every unreadable cell a `RowError`
//! (docs/workbook.md "Columns", "Reading values"). Whether a value is missing, and whether
//! the rows of a project agree, is decided per project (`projects`).

use std::borrow::Cow;
use std::fmt::Write as _;

mod fields;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::cells::{self, Calendar, Unit, Value};
use super::codes;
use super::columns::{Column, Key};
use super::header::Header;
use super::RowError;
use crate::engine::{ApplicantType, Money};
pub use fields::{Held, LoanFields, ProjectFields};

/// One data row: its Excel row number, its fields, the unknown columns, the values as
/// found, and which columns could not be read (an error is already reported for those).
#[derive(Debug, Clone, Default)]
pub struct LoanRow {
    pub row: u32,
    pub project: ProjectFields,
    pub loan: LoanFields,
    pub extra: Vec<(String, String)>,
    pub unreadable: Vec<Key>,
    /// Every column whose cell is not blank, with the value as found.
    pub found: Found,
}

impl LoanRow {
    /// The value of a column as found in the sheet ("" when blank).
    #[must_use]
    pub fn found(&self, key: Key) -> Cow<'_, str> {
        self.found.get(key)
    }
}

/// The cells of a row as found, kept for messages only (most rows never need them): text
/// and numbers as shown in one buffer, dates and yes/no as read and shown when asked.
/// A row costs two allocations here, not one per cell, and 12 bytes a cell.
#[derive(Debug, Clone, Default)]
pub struct Found {
    text: String,
    cells: Vec<Kept>,
}

/// One cell: its column, and where to find it.
#[derive(Debug, Clone, Copy)]
struct Kept {
    key: Key,
    kind: Shown,
    /// A range of `Found::text`; a date's days from the common era; a yes/no as 0 or 1.
    a: u32,
    b: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Text,
    Date,
    Bool,
}

impl Found {
    /// Room for the cells of a row under these header slots, allocated once.
    fn for_row(header: &Header, cells: &[Value]) -> Found {
        let known = || header.columns.iter().zip(cells).filter(|(slot, _)| slot.is_some()).map(|(_, v)| v);
        let text: usize = known()
            .map(|v| match v {
                Value::Text(t) | Value::Error(t) | Value::Formula(t) => t.len(),
                Value::Number(_) => 8,
                Value::Empty | Value::Date(_) | Value::Bool(_) => 0,
            })
            .sum();
        Found { text: String::with_capacity(text), cells: Vec::with_capacity(known().count()) }
    }

    /// Keep a cell that is not blank, as `Value::shown` would show it.
    fn push(&mut self, key: Key, v: &Value) {
        // A cell's text is far below 4 GiB (the upload is at most 20 MB).
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let start = self.text.len();
        let (kind, a, b) = match v {
            Value::Text(s) | Value::Error(s) => {
                self.text.push_str(s.trim());
                (Shown::Text, at(start), at(self.text.len()))
            }
            Value::Number(d) => {
                // As `Value::shown` writes it; writing to a String cannot fail.
                let _ = write!(self.text, "{}", d.normalize());
                (Shown::Text, at(start), at(self.text.len()))
            }
            Value::Formula(_) => {
                self.text.push_str(&v.shown());
                (Shown::Text, at(start), at(self.text.len()))
            }
            Value::Date(d) => (Shown::Date, d.num_days_from_ce().cast_unsigned(), 0),
            Value::Bool(b) => (Shown::Bool, u32::from(*b), 0),
            Value::Empty => return,
        };
        self.cells.push(Kept { key, kind, a, b });
    }

    /// The value of a column as found ("" when blank).
    #[must_use]
    pub fn get(&self, key: Key) -> Cow<'_, str> {
        let Some(k) = self.cells.iter().find(|k| k.key == key) else { return Cow::Borrowed("") };
        match k.kind {
            Shown::Text => Cow::Borrowed(self.text.get(k.a as usize..k.b as usize).unwrap_or_default()),
            Shown::Date => {
                let day = NaiveDate::from_num_days_from_ce_opt(k.a.cast_signed());
                Cow::Owned(day.map(|d| Value::Date(d).shown()).unwrap_or_default())
            }
            Shown::Bool => Cow::Owned(Value::Bool(k.a == 1).shown()),
        }
    }
}

/// docs/workbook.md: rows whose first non-empty cell is 合计, 总计 or 小计 are skipped, and so
/// are subtotals whose first cell ends in one of them (`火箭农场小计`, `合计：`).
#[must_use]
pub fn is_total(cells: &[Value]) -> bool {
    const TOTALS: [&str; 3] = ["合计", "总计", "小计"];
    cells.iter().find_map(cells::code).is_some_and(|t| {
        let end = t.trim_end_matches([':', '：']);
        TOTALS.iter().any(|w| t.starts_with(w) || end.ends_with(w))
    })
}

/// docs/workbook.md: empty rows are skipped. A row with values only under unknown columns
/// (a template's pre-numbered 序号 with nothing else) is empty as far as the data goes.
#[must_use]
pub fn is_empty(cells: &[Value], header: &Header) -> bool {
    header.columns.iter().enumerate().all(|(i, slot)| slot.is_none() || cells.get(i).is_none_or(Value::is_blank))
}

/// The sheet a row is read from: its name (for errors) and its calendar.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub calendar: Calendar,
}

/// Read one data row (0-based `row`); every cell that cannot be read goes to `errors`.
pub fn read(sheet: Sheet<'_>, header: &Header, row: u32, cells: &[Value], errors: &mut Vec<RowError>) -> LoanRow {
    static EMPTY: Value = Value::Empty;
    let mut out = LoanRow { row: row + 1, found: Found::for_row(header, cells), ..LoanRow::default() };
    for (slot, found) in header.columns.iter().zip(cells.iter().chain(std::iter::repeat(&EMPTY))) {
        let Some(slot) = slot else { continue };
        if found.is_blank() {
            continue;
        }
        let column = slot.column;
        out.found.push(column.id, found);
        let v = if found.is_nothing() { &Value::Empty } else { found };
        if let Err(message) = field(&mut out, column, v, slot.unit, sheet.calendar) {
            errors.push(RowError::cell(sheet.name, row + 1, &slot.written, found, &message).with_key(column.key));
            out.unreadable.push(column.id);
        }
    }
    for (i, written) in &header.extra {
        if let Some(t) = cells::text(cells.get(*i).unwrap_or(&EMPTY)) {
            out.extra.push((written.clone(), t));
        }
    }
    out
}

/// A cell's value cannot be read whatever its column: a formula without its result, or a
/// code column's number that lost its last digits.
///
/// # Errors
/// The phrase that says what to fix.
pub fn unreadable(column: &Column, v: &Value) -> Result<(), String> {
    if matches!(v, Value::Formula(_)) {
        return Err(cells::UNSAVED_FORMULA.to_string());
    }
    if column.kind.is_code() && codes::lost_digits(v) {
        return Err(codes::stored_as_number(column));
    }
    Ok(())
}

#[expect(
    clippy::too_many_lines,
    reason = "one arm per column of the table, exhaustive on purpose: a new column cannot be forgotten"
)]
fn field(out: &mut LoanRow, column: &Column, v: &Value, unit: Option<Unit>, cal: Calendar) -> Result<(), String> {
    unreadable(column, v)?;
    let (p, l) = (&mut out.project, &mut out.loan);
    match column.id {
        Key::ProjectNo => p.project_no = cells::code(v),
        Key::Unit => p.unit = cells::text(v),
        Key::ProjectName => p.project_name = cells::text(v),
        Key::ApplicantType => p.applicant_type = applicant_type(v)?,
        Key::OrgName => p.org_name = cells::text(v),
        Key::CreditCode => p.credit_code = codes::credit_code(v)?,
        Key::Leader => p.leader = cells::text(v),
        Key::IdNumber => p.id_number = codes::id_number(v)?,
        Key::Phone => p.phone = codes::phone(v)?,
        Key::UnionMember => p.union_member = cells::yes_no(v)?,
        Key::Industry => p.industry = cells::text(v),
        Key::Households => p.households = cells::whole(v)?,
        Key::HardshipHouseholds => p.hardship_households = cells::whole(v)?,
        Key::RadiatedHouseholds => p.radiated_households = cells::whole(v)?,
        Key::IncomeIncrease => p.income_increase = non_negative(cells::money(v, unit)?)?,
        Key::PayeeName => p.payee_name = cells::text(v),
        Key::PayeeBank => p.payee_bank = cells::text(v),
        Key::PayeeAccount => p.payee_account = codes::account(v)?,
        Key::Score => p.score = cells::number(v)?,
        Key::Note => p.note = cells::text(v),
        Key::Bank => l.bank = cells::text(v),
        Key::ContractNo => l.contract_no = cells::code(v),
        Key::Principal => l.principal = principal(cells::money(v, unit)?)?,
        Key::Rate => l.rate = rate(v)?,
        Key::DisbursedOn => l.disbursed_on = cells::date(v, cal)?,
        Key::MaturityOn => l.maturity_on = cells::date(v, cal)?,
        Key::SettledOn => l.settled_on = cells::date(v, cal)?,
        Key::InterestPaid => l.interest_paid = non_negative(cells::money(v, unit)?)?,
        // The Events sheet's columns are never in a Loans sheet's header. Deliberately like
        // the other matches on `Key` (rows/fields.rs, sample.rs): each names every column, with
        // no catch-all, so a new column is a compile error wherever it needs a decision
        // (docs/ARCHITECTURE.md, issue 13 item 4).
        Key::EventContractNo
        | Key::EventDate
        | Key::EventKind
        | Key::EventAmount
        | Key::EventRate
        | Key::EventExtendedTo
        | Key::StatementContractNo
        | Key::StatementFrom
        | Key::StatementTo
        | Key::StatementPaid
        | Key::StatementPenalty
        | Key::StatementBank => {}
    }
    Ok(())
}

fn applicant_type(v: &Value) -> Result<Option<ApplicantType>, String> {
    let Some(t) = cells::code(v) else {
        return Ok(None);
    };
    ApplicantType::parse(&t).map(Some).ok_or_else(|| "应为 合作社、小微企业、个体工商户 或 个人".to_string())
}

/// The largest principal accepted: 10 亿元 per loan keeps the engine's products exact,
/// and anything near it is a unit typed wrong (万元 under a 元 header).
const MAX_PRINCIPAL_FEN: i64 = 100_000_000_000;

fn principal(m: Option<Money>) -> Result<Option<Money>, String> {
    match m {
        Some(m) if !m.is_positive() => Err("贷款金额应大于0，请核对".to_string()),
        Some(m) if m.fen() > MAX_PRINCIPAL_FEN => Err("贷款金额超过10亿元，请核对单位".to_string()),
        other => Ok(other),
    }
}

fn non_negative(m: Option<Money>) -> Result<Option<Money>, String> {
    match m {
        Some(m) if m < Money::ZERO => Err("金额不能为负数，请核对".to_string()),
        other => Ok(other),
    }
}

/// docs/workbook.md: a rate is a percent with `0 < r ≤ 24`.
///
/// # Errors
/// A phrase that says what to fix.
pub fn rate(v: &Value) -> Result<Option<Decimal>, String> {
    match cells::percent(v)? {
        Some(r) if r <= Decimal::ZERO || r > Decimal::from(24) => {
            Err(format!("年利率 {r}% 不在 0 到 24% 之间，请核对"))
        }
        other => Ok(other),
    }
}
