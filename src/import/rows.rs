//! One row of the Loans sheet → typed fields, every unreadable cell a `RowError`
//! (workbook.md "Columns", "Reading values"). Whether a value is missing, and whether
//! the rows of a project agree, is decided per project (`projects`).

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::cells::{self, Unit, Value};
use super::codes;
use super::columns::{Column, LOAN_COLUMNS};
use super::header::Header;
use super::RowError;
use crate::engine::{ApplicantType, Money};

/// The project-level fields of a row, normalised so that rows of one project compare equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectFields {
    pub project_no: Option<String>,
    pub unit: Option<String>,
    pub project_name: Option<String>,
    pub applicant_type: Option<ApplicantType>,
    pub org_name: Option<String>,
    pub credit_code: Option<String>,
    pub leader: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub union_member: Option<bool>,
    pub industry: Option<String>,
    pub households: Option<u32>,
    pub hardship_households: Option<u32>,
    pub radiated_households: Option<u32>,
    pub income_increase: Option<Money>,
    pub score: Option<Decimal>,
    pub note: Option<String>,
}

/// The loan fields of a row.
#[derive(Debug, Clone, Default)]
pub struct LoanFields {
    pub bank: Option<String>,
    pub contract_no: Option<String>,
    pub principal: Option<Money>,
    pub rate: Option<Decimal>,
    pub disbursed_on: Option<NaiveDate>,
    pub maturity_on: Option<NaiveDate>,
    pub settled_on: Option<NaiveDate>,
    pub interest_paid: Option<Money>,
}

/// One data row: its Excel row number, its fields, the unknown columns, the values as
/// found, and which keys could not be read (an error is already reported for those).
#[derive(Debug, Clone, Default)]
pub struct LoanRow {
    pub row: u32,
    pub project: ProjectFields,
    pub loan: LoanFields,
    pub extra: Vec<(String, String)>,
    pub unreadable: Vec<&'static str>,
    /// Every key whose cell is not blank, with the value as found.
    pub found: Found,
}

impl LoanRow {
    /// The value of a key as found in the sheet ("" when blank).
    #[must_use]
    pub fn found(&self, key: &str) -> Cow<'_, str> {
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

/// One cell: the index of its key in `LOAN_COLUMNS`, and where to find it.
#[derive(Debug, Clone, Copy)]
struct Kept {
    key: u8,
    kind: Kind,
    /// A range of `Found::text`; a date's days from the common era; a yes/no as 0 or 1.
    a: u32,
    b: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Shown,
    Date,
    Bool,
}

impl Found {
    /// Room for the cells of a row under these header slots, allocated once.
    fn for_row(header: &Header, cells: &[Value]) -> Found {
        let known = || header.columns.iter().zip(cells).filter(|(slot, _)| slot.is_some()).map(|(_, v)| v);
        let text: usize = known()
            .map(|v| match v {
                Value::Text(t) | Value::Error(t) => t.len(),
                Value::Number(_) => 8,
                _ => 0,
            })
            .sum();
        Found { text: String::with_capacity(text), cells: Vec::with_capacity(known().count()) }
    }

    /// Keep a cell that is not blank, as `Value::shown` would show it.
    fn push(&mut self, column: &'static Column, v: &Value) {
        // By key, not by address: `LOAN_COLUMNS` is a constant, so two uses of it need not
        // be one object in memory (a pointer comparison lost the as-found text).
        let Some(key) = LOAN_COLUMNS.iter().position(|c| c.key == column.key).and_then(|i| u8::try_from(i).ok()) else {
            return;
        };
        // A cell's text is far below 4 GiB (the upload is at most 20 MB).
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let start = self.text.len();
        let (kind, a, b) = match v {
            Value::Text(s) | Value::Error(s) => {
                self.text.push_str(s.trim());
                (Kind::Shown, at(start), at(self.text.len()))
            }
            Value::Number(d) => {
                // As `Value::shown` writes it; writing to a String cannot fail.
                let _ = write!(self.text, "{}", d.normalize());
                (Kind::Shown, at(start), at(self.text.len()))
            }
            Value::Date(d) => (Kind::Date, d.num_days_from_ce().cast_unsigned(), 0),
            Value::Bool(b) => (Kind::Bool, u32::from(*b), 0),
            Value::Empty => return,
        };
        self.cells.push(Kept { key, kind, a, b });
    }

    /// The value of a key as found ("" when blank).
    #[must_use]
    pub fn get(&self, key: &str) -> Cow<'_, str> {
        let kept = self.cells.iter().find(|k| LOAN_COLUMNS.get(usize::from(k.key)).is_some_and(|c| c.key == key));
        let Some(k) = kept else { return Cow::Borrowed("") };
        match k.kind {
            Kind::Shown => Cow::Borrowed(self.text.get(k.a as usize..k.b as usize).unwrap_or_default()),
            Kind::Date => {
                let day = NaiveDate::from_num_days_from_ce_opt(k.a.cast_signed());
                Cow::Owned(day.map(|d| Value::Date(d).shown()).unwrap_or_default())
            }
            Kind::Bool => Cow::Owned(Value::Bool(k.a == 1).shown()),
        }
    }
}

/// The column of a key of the Loans sheet.
#[must_use]
pub fn column(key: &str) -> &'static Column {
    LOAN_COLUMNS.iter().find(|c| c.key == key).unwrap_or(&LOAN_COLUMNS[0])
}

/// workbook.md: rows whose first non-empty cell is 合计, 总计 or 小计 are skipped.
#[must_use]
pub fn is_total(cells: &[Value]) -> bool {
    cells.iter().find_map(cells::code).is_some_and(|t| ["合计", "总计", "小计"].iter().any(|w| t.starts_with(w)))
}

/// workbook.md: empty rows are skipped. A row with values only under unknown columns
/// (a template's pre-numbered 序号 with nothing else) is empty as far as the data goes.
#[must_use]
pub fn is_empty(cells: &[Value], header: &Header) -> bool {
    header.columns.iter().enumerate().all(|(i, slot)| slot.is_none() || cells.get(i).is_none_or(Value::is_blank))
}

/// The sheet a row is read from: its name (for errors) and its date epoch.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub is_1904: bool,
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
        let key = slot.column.key;
        out.found.push(slot.column, found);
        let v = if found.is_nothing() { &Value::Empty } else { found };
        if let Err(message) = field(&mut out, key, v, slot.unit, sheet.is_1904) {
            errors.push(RowError::cell(sheet.name, row + 1, &slot.written, found, &message).with_key(key));
            out.unreadable.push(key);
        }
    }
    for (i, written) in &header.extra {
        if let Some(t) = cells::text(cells.get(*i).unwrap_or(&EMPTY)) {
            out.extra.push((written.clone(), t));
        }
    }
    out
}

fn field(out: &mut LoanRow, key: &str, v: &Value, unit: Option<Unit>, is_1904: bool) -> Result<(), String> {
    let (p, l) = (&mut out.project, &mut out.loan);
    match key {
        "project_no" => p.project_no = cells::code(v),
        "unit" => p.unit = cells::text(v),
        "project_name" => p.project_name = cells::text(v),
        "applicant_type" => p.applicant_type = applicant_type(v)?,
        "org_name" => p.org_name = cells::text(v),
        "credit_code" => p.credit_code = codes::credit_code(v)?,
        "leader" => p.leader = cells::text(v),
        "id_number" => p.id_number = codes::id_number(v)?,
        "phone" => p.phone = codes::phone(v)?,
        "union_member" => p.union_member = cells::yes_no(v)?,
        "industry" => p.industry = cells::text(v),
        "households" => p.households = cells::whole(v)?,
        "hardship_households" => p.hardship_households = cells::whole(v)?,
        "radiated_households" => p.radiated_households = cells::whole(v)?,
        "income_increase" => p.income_increase = non_negative(cells::money(v, unit)?)?,
        "score" => p.score = cells::number(v)?,
        "note" => p.note = cells::text(v),
        "bank" => l.bank = cells::text(v),
        "contract_no" => l.contract_no = cells::code(v),
        "principal" => l.principal = principal(cells::money(v, unit)?)?,
        "rate" => l.rate = rate(v)?,
        "disbursed_on" => l.disbursed_on = cells::date(v, is_1904)?,
        "maturity_on" => l.maturity_on = cells::date(v, is_1904)?,
        "settled_on" => l.settled_on = cells::date(v, is_1904)?,
        "interest_paid" => l.interest_paid = non_negative(cells::money(v, unit)?)?,
        _ => {}
    }
    Ok(())
}

/// The value of a project-level key in the form rows are compared in: the read value,
/// with text compared without its spaces (`红星一场 奶牛` is `红星一场奶牛`).
#[must_use]
pub fn comparable(p: &ProjectFields, key: &str) -> Option<String> {
    let text = |s: &Option<String>| s.as_ref().map(|s| s.chars().filter(|c| !c.is_whitespace()).collect());
    match key {
        "project_no" => text(&p.project_no),
        "unit" => text(&p.unit),
        "project_name" => text(&p.project_name),
        "applicant_type" => p.applicant_type.map(|t| t.code().to_string()),
        "org_name" => text(&p.org_name),
        "credit_code" => text(&p.credit_code),
        "leader" => text(&p.leader),
        "id_number" => text(&p.id_number),
        "phone" => text(&p.phone),
        "union_member" => p.union_member.map(|b| b.to_string()),
        "industry" => text(&p.industry),
        "households" => p.households.map(|v| v.to_string()),
        "hardship_households" => p.hardship_households.map(|v| v.to_string()),
        "radiated_households" => p.radiated_households.map(|v| v.to_string()),
        "income_increase" => p.income_increase.map(|v| v.to_string()),
        "score" => p.score.map(|v| v.to_string()),
        "note" => text(&p.note),
        _ => None,
    }
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

/// workbook.md: a rate is a percent with `0 < r ≤ 24`.
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
