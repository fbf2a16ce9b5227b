//! One row of the Loans sheet → typed fields, every problem a `RowError` (workbook.md).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::cells::{self, Value};
use super::codes;
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
    pub note: Option<String>,
}

/// One data row: its Excel row number, its fields, the unknown columns, and which
/// project-level keys could not be read (so that agreement is not checked on them).
#[derive(Debug, Clone, Default)]
pub struct LoanRow {
    pub row: u32,
    pub project: ProjectFields,
    pub loan: LoanFields,
    pub extra: Vec<(String, String)>,
    pub unreadable: Vec<&'static str>,
}

/// workbook.md: rows whose first non-empty cell is 合计, 总计 or 小计 are skipped.
#[must_use]
pub fn is_total(cells: &[Value]) -> bool {
    cells.iter().find_map(cells::text).is_some_and(|t| {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        ["合计", "总计", "小计"].iter().any(|w| t.starts_with(w))
    })
}

/// Read one data row; problems go to `errors`.
pub fn read(grid: &Grid, header: &Header, row: u32, errors: &mut Vec<RowError>) -> LoanRow {
    let mut out = LoanRow { row: row + 1, ..LoanRow::default() };
    for (i, slot) in header.columns.iter().enumerate() {
        let Some(slot) = slot else { continue };
        let v = grid.get(row, i);
        if let Err(message) = field(&mut out, slot.column.key, v, slot.unit.as_deref(), grid.is_1904) {
            errors.push(RowError::cell(&grid.name, row + 1, &slot.written, v, &message).with_key(slot.column.key));
            out.unreadable.push(slot.column.key);
        }
    }
    for (i, written) in &header.extra {
        if let Some(t) = cells::text(grid.get(row, *i)) {
            out.extra.push((written.clone(), t));
        }
    }
    out
}

fn field(out: &mut LoanRow, key: &str, v: &Value, unit: Option<&str>, is_1904: bool) -> Result<(), String> {
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
        "bank" => l.bank = cells::text(v),
        "contract_no" => l.contract_no = cells::code(v),
        "principal" => l.principal = positive(cells::money(v, unit)?)?,
        "rate" => l.rate = rate(v)?,
        "disbursed_on" => l.disbursed_on = cells::date(v, is_1904)?,
        "maturity_on" => l.maturity_on = cells::date(v, is_1904)?,
        "settled_on" => l.settled_on = cells::date(v, is_1904)?,
        "interest_paid" => l.interest_paid = non_negative(cells::money(v, unit)?)?,
        "note" => l.note = cells::text(v),
        _ => {}
    }
    Ok(())
}

fn applicant_type(v: &Value) -> Result<Option<ApplicantType>, String> {
    match cells::text(v) {
        None => Ok(None),
        Some(t) => ApplicantType::parse(&t).map(Some).ok_or_else(|| "应为 合作社、小微企业、个体工商户 或 个人".to_string()),
    }
}

/// The largest principal accepted: 10 亿元 per loan keeps the engine's products exact.
const MAX_PRINCIPAL_FEN: i64 = 100_000_000_000;

fn positive(m: Option<Money>) -> Result<Option<Money>, String> {
    match m {
        Some(m) if !m.is_positive() => Err("贷款金额应大于0".to_string()),
        Some(m) if m.fen() > MAX_PRINCIPAL_FEN => Err("贷款金额超过10亿元，请核对单位".to_string()),
        other => Ok(other),
    }
}

fn non_negative(m: Option<Money>) -> Result<Option<Money>, String> {
    match m {
        Some(m) if m < Money::ZERO => Err("金额不能为负数".to_string()),
        other => Ok(other),
    }
}

/// workbook.md: a rate is a percent with `0 < r ≤ 24`.
pub fn rate(v: &Value) -> Result<Option<Decimal>, String> {
    match cells::percent(v)? {
        Some(r) if r <= Decimal::ZERO || r > Decimal::from(24) => Err(format!("年利率 {r}% 不在 0 到 24% 之间，请核对")),
        other => Ok(other),
    }
}
