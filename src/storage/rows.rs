//! Rows ↔ engine values. Dates are ISO text, rates canonical decimal text, money fen.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::engine::{Applicant, ApplicantType, Event, EventKind, Loan, Money, Project};

pub(super) fn date(s: &str) -> Result<NaiveDate, sqlx::Error> {
    s.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

pub(super) fn decimal(s: &str) -> Result<Decimal, sqlx::Error> {
    s.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A nullable column: `None` for NULL. (sqlx 0.7's `Any` driver could not decode NULL
/// through `Option<T>`; 0.8 can, and `tests/web/driver.rs` keeps it so. Kept as one name
/// for the many call sites.)
///
/// # Errors
/// The column is missing or its value does not decode as `T`.
pub fn opt<T>(r: &AnyRow, column: &str) -> Result<Option<T>, sqlx::Error>
where
    T: for<'a> sqlx::Decode<'a, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    r.try_get::<Option<T>, _>(column)
}

/// A money column (integer fen) as `Money`: every amount storage hands back is typed here.
///
/// # Errors
/// The column is missing or is not an integer.
pub fn money(r: &AnyRow, column: &str) -> Result<Money, sqlx::Error> {
    Ok(Money::from_fen(r.try_get(column)?))
}

/// A code stored as text that is not one of its enum's codes: a row that cannot be read,
/// never a silent default (issue 13 item 2).
#[derive(Debug, thiserror::Error)]
#[error("unknown code {code:?}")]
pub struct UnknownCode {
    pub code: String,
}

/// A state, kind or role column decoded once, by its enum's one `parse`: an unknown code is
/// a `ColumnDecode` error naming the column.
///
/// # Errors
/// The column is missing, is not text, or holds an unknown code.
pub fn code<T>(r: &AnyRow, column: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    let text: String = r.try_get(column)?;
    parse(&text).ok_or_else(|| unknown(column, text))
}

/// The error of an unknown code in `column`.
#[must_use]
pub fn unknown(column: &str, code: String) -> sqlx::Error {
    sqlx::Error::ColumnDecode { index: column.to_string(), source: Box::new(UnknownCode { code }) }
}

fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

/// A `projects` row as the engine's project (loans attached later).
///
/// # Errors
/// A column is missing or does not decode.
pub fn project(r: &AnyRow) -> Result<Project, sqlx::Error> {
    let t: String = r.try_get("applicant_type")?;
    let extra: String = r.try_get("extra_json")?;
    let score: Option<String> = opt(r, "score")?;
    Ok(Project {
        key: r.try_get("project_key")?,
        name: r.try_get("name")?,
        applicant_type: ApplicantType::parse(&t).unwrap_or(ApplicantType::Individual),
        union_member: opt::<i64>(r, "union_member")?.map(|v| v != 0),
        households: count(Some(r.try_get("households")?)).unwrap_or(0),
        income_increase: opt::<i64>(r, "income_increase_fen")?.map(Money::from_fen),
        score: score.as_deref().map(decimal).transpose()?,
        applicant: Applicant {
            unit: r.try_get("unit")?,
            org_name: r.try_get("org_name")?,
            credit_code: r.try_get("credit_code")?,
            leader: r.try_get("leader")?,
            id_number: r.try_get("id_number")?,
            phone: r.try_get("phone")?,
            industry: r.try_get("industry")?,
            hardship_households: count(opt(r, "hardship_households")?),
            radiated_households: count(opt(r, "radiated_households")?),
            note: r.try_get("note")?,
            extra: serde_json::from_str(&extra).unwrap_or_default(),
        },
        loans: Vec::new(),
    })
}

/// A `loans` row as the engine's loan (events attached later).
///
/// # Errors
/// A column is missing or does not decode.
pub fn loan(r: &AnyRow) -> Result<Loan, sqlx::Error> {
    let settled: Option<String> = opt(r, "settled_on")?;
    Ok(Loan {
        contract_no: r.try_get("contract_no")?,
        bank: r.try_get("bank")?,
        principal: Money::from_fen(r.try_get("principal_fen")?),
        rate: decimal(&r.try_get::<String, _>("rate")?)?,
        disbursed_on: date(&r.try_get::<String, _>("disbursed_on")?)?,
        maturity_on: date(&r.try_get::<String, _>("maturity_on")?)?,
        settled_on: settled.as_deref().map(date).transpose()?,
        interest_paid: opt::<i64>(r, "interest_paid_fen")?.map(Money::from_fen),
        events: Vec::new(),
        row: u32::try_from(r.try_get::<i64, _>("source_row")?).unwrap_or(0),
    })
}

/// An `events` row as the engine's event.
///
/// # Errors
/// A column is missing or does not decode.
pub fn event(r: &AnyRow) -> Result<Event, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let amount: Option<i64> = opt(r, "amount_fen")?;
    let rate: Option<String> = opt(r, "rate")?;
    let to: Option<String> = opt(r, "extended_to")?;
    event_of(&r.try_get::<String, _>("on_date")?, &kind, amount, rate.as_deref(), to.as_deref())
}

/// An event from its stored columns: date, kind, amount, rate, extended-to.
///
/// # Errors
/// A date or rate that does not parse, or a kind without its value.
pub fn event_of(
    on: &str,
    kind: &str,
    amount: Option<i64>,
    rate: Option<&str>,
    to: Option<&str>,
) -> Result<Event, sqlx::Error> {
    let missing = || sqlx::Error::Decode(format!("event {kind} lacks its value").into());
    let kind = match kind {
        "repayment" => EventKind::Repayment(Money::from_fen(amount.ok_or_else(missing)?)),
        "rate_change" => EventKind::RateChange(decimal(rate.ok_or_else(missing)?)?),
        "overdue_start" => EventKind::OverdueStart,
        "overdue_end" => EventKind::OverdueEnd,
        _ => EventKind::Extension(date(to.ok_or_else(missing)?)?),
    };
    Ok(Event { on: date(on)?, kind })
}

/// The stored columns of an event: kind, amount, rate, extended-to.
#[must_use]
pub fn event_columns(e: &Event) -> (&'static str, Option<i64>, Option<String>, Option<String>) {
    match e.kind {
        EventKind::Repayment(m) => ("repayment", Some(m.fen()), None, None),
        EventKind::RateChange(r) => ("rate_change", None, Some(r.normalize().to_string()), None),
        EventKind::OverdueStart => ("overdue_start", None, None, None),
        EventKind::OverdueEnd => ("overdue_end", None, None, None),
        EventKind::Extension(d) => ("extension", None, None, Some(d.to_string())),
    }
}
