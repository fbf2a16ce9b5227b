//! One row of the Loans sheet → typed fields, every unreadable cell a `RowError`
//! (workbook.md "Columns", "Reading values"). Whether a value is missing, and whether
//! the rows of a project agree, is decided per project (`projects`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::cells::{self, Unit, Value};
use super::codes;
use super::columns::{Column, LOAN_COLUMNS};
use super::header::Header;
use super::sheet::Grid;
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
    pub found: Vec<(&'static str, String)>,
}

impl LoanRow {
    /// The value of a key as found in the sheet ("" when blank).
    #[must_use]
    pub fn found(&self, key: &str) -> &str {
        self.found.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str())
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

/// Read one data row; every cell that cannot be read goes to `errors`.
pub fn read(grid: &Grid, header: &Header, row: u32, errors: &mut Vec<RowError>) -> LoanRow {
    static EMPTY: Value = Value::Empty;
    let mut out = LoanRow { row: row + 1, ..LoanRow::default() };
    // The row is looked up once, not once per cell.
    let cells = grid.rows.get(&row).map_or(&[][..], Vec::as_slice);
    for (slot, found) in header.columns.iter().zip(cells.iter().chain(std::iter::repeat(&EMPTY))) {
        let Some(slot) = slot else { continue };
        if found.is_blank() {
            continue;
        }
        let key = slot.column.key;
        out.found.push((key, found.shown()));
        let v = if found.is_nothing() { &Value::Empty } else { found };
        if let Err(message) = field(&mut out, key, v, slot.unit, grid.is_1904) {
            errors.push(RowError::cell(&grid.name, row + 1, &slot.written, found, &message).with_key(key));
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
