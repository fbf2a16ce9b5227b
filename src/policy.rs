//! The policy file (policy.example.toml) → `engine::Policy`, defaults as in docs/rules.md §2.
//! It uses only the engine, so both `import` (a policy uploaded with a round) and `storage`
//! (the policies of stored rounds, `storage::history`) read policies here, and storage does
//! not depend on import (docs/ARCHITECTURE.md, "The dependency rule").
//! Amounts and rates are read exactly as written: `21755.4` is 21,755.40 yuan.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::dates::{new_year, Interval};
use crate::engine::policy::{Evidence, StatementRule};
use crate::engine::{
    Allocation, ApplicantType, DayCount, Money, OverdueRule, Policy, PolicyError, Pool, PoolKind, RateMode,
};

mod raw;

use raw::{Num, Raw, RawAllocation, RawEvidence, RawPool, RawRate, RawWindow};

/// Parse and validate a policy file.
///
/// # Errors
/// One `PolicyError` that names the field.
pub fn policy(text: &str) -> Result<Policy, PolicyError> {
    let raw: Raw = toml::from_str(text).map_err(|e| syntax(text, &e))?;
    let reader = Reader { text };
    let year = raw.year.ok_or(PolicyError::Missing("year"))?;
    let year = i32::try_from(year)
        .ok()
        .filter(|y| (1900..=9998).contains(y))
        .ok_or_else(|| invalid("year", "年份（例如 2024）", year))?;
    let window = window(raw.window.as_ref(), year)?;
    Ok(Policy {
        year,
        name: raw.name.unwrap_or_else(|| format!("{year}年度")),
        window,
        day_count: day_count(raw.day_count.as_deref())?,
        rate: rate_mode(&reader, &raw.rate)?,
        max_contract_percent: reader
            .opt_percent("rate.max_contract_percent", raw.rate.max_contract_percent.as_ref())?,
        term_months: term(raw.term.max_months)?,
        principal_cap: principal_cap(&reader, &raw.principal_cap)?,
        max_subsidy_per_project: reader
            .opt_money("limits.max_subsidy_per_project", raw.limits.max_subsidy_per_project.as_ref())?,
        eligible_types: eligible_types(raw.eligible_types)?,
        require_union_member: raw.require_union_member.unwrap_or(true),
        overdue: overdue(raw.overdue.as_deref())?,
        subsidize_extensions: raw.subsidize_extensions.unwrap_or(false),
        allocation: allocation(&raw.allocation)?,
        pools: pools(&reader, raw.pools)?,
        publicity_days: whole("review.publicity_days", raw.review.publicity_days, 5, 0..=365)?,
        evidence: evidence(raw.evidence)?,
        max_rounds_per_applicant: raw
            .limits
            .max_rounds_per_applicant
            .map(|n| whole("limits.max_rounds_per_applicant", Some(n), 0, 1..=100))
            .transpose()?,
        max_subsidy_per_applicant_total: reader
            .opt_money("limits.max_subsidy_per_applicant_total", raw.limits.max_subsidy_per_applicant_total.as_ref())?,
    })
}

/// A whole number within `range`, `default` when absent.
fn whole(field: &str, n: Option<i64>, default: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32, PolicyError> {
    let Some(n) = n else { return Ok(default) };
    u32::try_from(n)
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| invalid(field, &format!("{} 到 {} 之间的整数", range.start(), range.end()), n))
}

/// docs/rules.md §2 `evidence.*`.
fn evidence(raw: RawEvidence) -> Result<Evidence, PolicyError> {
    let interest_statement = match raw.interest_statement.as_deref() {
        None | Some("optional") => StatementRule::Optional,
        Some("required") => StatementRule::Required,
        Some(o) => {
            return Err(invalid("evidence.interest_statement", "\"optional\" 或 \"required\"", format!("\"{o}\"")))
        }
    };
    let mut documents: Vec<String> = Vec::new();
    for d in raw.documents.unwrap_or_default() {
        let d = d.trim().to_string();
        if d.is_empty() || documents.contains(&d) {
            return Err(invalid("evidence.documents", "互不相同、非空的材料类别", format!("\"{d}\"")));
        }
        documents.push(d);
    }
    Ok(Evidence { interest_statement, documents })
}

/// A TOML problem, with the line as an editor numbers it and the common cases in Chinese.
fn syntax(text: &str, e: &toml::de::Error) -> PolicyError {
    let line = e.span().map(|s| memchr::memchr_iter(b'\n', &text.as_bytes()[..s.start.min(text.len())]).count() + 1);
    let msg = toml_message(e.message().trim());
    PolicyError::Syntax(match line {
        Some(l) => format!("第{l}行：{msg}"),
        None => msg,
    })
}

/// toml's messages are English; the ones a person meets by mistyping a policy are worded
/// again, and the rest keep toml's words after a Chinese lead.
fn toml_message(msg: &str) -> String {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or_default().to_string();
    if let Some(rest) = msg.strip_prefix("unknown field") {
        format!("未知字段“{}”，请核对拼写（可用的字段见 docs/policy.md）", quoted(rest))
    } else if let Some(rest) = msg.strip_prefix("duplicate key") {
        format!("字段“{}”重复", quoted(rest))
    } else if let Some(rest) = msg.strip_prefix("missing field") {
        format!("缺少字段“{}”", quoted(rest))
    } else if msg.starts_with("invalid type") {
        format!("值的类型不对，请检查该行等号右边的写法（{}）", msg.replace('\n', " "))
    } else {
        format!("写法有误，请检查该行（{}）", msg.replace('\n', " "))
    }
}

fn invalid(field: &str, expected: &str, found: impl std::fmt::Display) -> PolicyError {
    PolicyError::Invalid { field: field.to_string(), expected: expected.to_string(), found: found.to_string() }
}

/// Numbers are re-read from the file's own text, so that no binary float ever holds them.
struct Reader<'a> {
    text: &'a str,
}

impl Reader<'_> {
    fn decimal(&self, field: &str, n: &Num) -> Result<Decimal, PolicyError> {
        let written = self.text.get(n.span()).unwrap_or_default().replace('_', "");
        let parsed = match n.get_ref() {
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                Decimal::from_str_exact(written.trim()).or_else(|_| Decimal::from_scientific(written.trim()))
            }
            _ => return Err(invalid(field, "数字", written)),
        };
        parsed.map_err(|_| invalid(field, "有限的小数", &written))
    }

    fn percent(&self, field: &str, n: &Num) -> Result<Decimal, PolicyError> {
        let d = self.decimal(field, n)?;
        if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
            return Err(invalid(field, "0 到 100 之间的百分数", d));
        }
        Ok(d.normalize())
    }

    fn opt_percent(&self, field: &str, n: Option<&Num>) -> Result<Option<Decimal>, PolicyError> {
        n.map(|n| self.percent(field, n)).transpose()
    }

    fn money(&self, field: &str, n: &Num) -> Result<Money, PolicyError> {
        let d = self.decimal(field, n)?;
        let m = Money::from_yuan(d).map_err(|_| invalid(field, "最多两位小数的金额（元）", d))?;
        if m < Money::ZERO || m.fen() > 100_000_000_000_000 {
            return Err(invalid(field, "0 到 1,000,000,000,000 元之间的金额", d));
        }
        Ok(m)
    }

    fn opt_money(&self, field: &str, n: Option<&Num>) -> Result<Option<Money>, PolicyError> {
        n.map(|n| self.money(field, n)).transpose()
    }
}

fn date(field: &str, d: &toml::value::Datetime) -> Result<NaiveDate, PolicyError> {
    match (&d.date, &d.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
            .ok_or_else(|| invalid(field, "日期（例如 2024-01-01）", d)),
        _ => Err(invalid(field, "不带时间的日期（例如 2024-01-01）", d)),
    }
}

fn window(w: Option<&RawWindow>, year: i32) -> Result<Interval, PolicyError> {
    let start =
        w.and_then(|w| w.start.as_ref()).map(|d| date("window.start", d)).transpose()?.unwrap_or(new_year(year));
    let end = w.and_then(|w| w.end.as_ref()).map(|d| date("window.end", d)).transpose()?.unwrap_or(new_year(year + 1));
    if end <= start || (end - start).num_days() > 3700 {
        return Err(PolicyError::EmptyWindow { start: start.to_string(), end: end.to_string() });
    }
    Ok(Interval::new(start, end))
}

fn day_count(s: Option<&str>) -> Result<DayCount, PolicyError> {
    match s {
        None | Some("ACT/360") => Ok(DayCount::Act360),
        Some("ACT/365") => Ok(DayCount::Act365),
        Some(other) => Err(invalid("day_count", "\"ACT/360\" 或 \"ACT/365\"", format!("\"{other}\""))),
    }
}

fn rate_mode(r: &Reader<'_>, raw: &RawRate) -> Result<RateMode, PolicyError> {
    let share = r.opt_percent("rate.share_percent", raw.share_percent.as_ref())?.unwrap_or(Decimal::ONE_HUNDRED);
    match raw.mode.as_deref() {
        None | Some("cap") => {
            let cap = r.opt_percent("rate.cap_percent", raw.cap_percent.as_ref())?.unwrap_or(Decimal::from(5));
            Ok(RateMode::Cap { cap_percent: cap, share_percent: share })
        }
        Some("share") => Ok(RateMode::Share { share_percent: share }),
        Some("borrower_floor") => {
            let b = raw.borrower_percent.as_ref().ok_or(PolicyError::MissingBorrowerPercent)?;
            Ok(RateMode::BorrowerFloor { borrower_percent: r.percent("rate.borrower_percent", b)? })
        }
        Some(other) => Err(invalid("rate.mode", "\"cap\"、\"share\" 或 \"borrower_floor\"", format!("\"{other}\""))),
    }
}

fn term(months: Option<i64>) -> Result<u32, PolicyError> {
    let m = months.unwrap_or(36);
    u32::try_from(m)
        .ok()
        .filter(|m| (1..=1200).contains(m))
        .ok_or_else(|| invalid("term.max_months", "1 到 1200 之间的整月数", m))
}

fn applicant_type(field: &str, s: &str) -> Result<ApplicantType, PolicyError> {
    let expected = "cooperative、enterprise、individual_business、individual 之一";
    ApplicantType::ALL.into_iter().find(|t| t.code() == s).ok_or_else(|| invalid(field, expected, format!("\"{s}\"")))
}

fn principal_cap(r: &Reader<'_>, raw: &BTreeMap<String, Num>) -> Result<[Option<Money>; 4], PolicyError> {
    let mut caps = [None; 4];
    for (name, amount) in raw {
        let field = format!("principal_cap.{name}");
        let t = applicant_type(&field, name)?;
        caps[t.index()] = Some(r.money(&field, amount)?);
    }
    Ok(caps)
}

fn eligible_types(raw: Option<Vec<String>>) -> Result<Vec<ApplicantType>, PolicyError> {
    let Some(names) = raw else { return Ok(ApplicantType::ALL.to_vec()) };
    let types = names.iter().map(|n| applicant_type("eligible_types", n)).collect::<Result<Vec<_>, _>>()?;
    if types.is_empty() {
        return Err(invalid("eligible_types", "至少一种主体类型", "[]"));
    }
    Ok(types)
}

fn overdue(s: Option<&str>) -> Result<OverdueRule, PolicyError> {
    match s {
        None | Some("from_first_overdue") => Ok(OverdueRule::FromFirstOverdue),
        Some("exclude_days") => Ok(OverdueRule::ExcludeDays),
        Some("forfeit_loan") => Ok(OverdueRule::ForfeitLoan),
        Some(o) => {
            Err(invalid("overdue", "\"from_first_overdue\"、\"exclude_days\" 或 \"forfeit_loan\"", format!("\"{o}\"")))
        }
    }
}

fn allocation(a: &RawAllocation) -> Result<Allocation, PolicyError> {
    match a.method.as_deref() {
        None | Some("pro_rata") => Ok(Allocation::ProRata),
        Some("priority") => Ok(Allocation::Priority { partial_last: a.partial_last.unwrap_or(true) }),
        Some(o) => Err(invalid("allocation.method", "\"pro_rata\" 或 \"priority\"", format!("\"{o}\""))),
    }
}

fn pools(r: &Reader<'_>, raw: Vec<RawPool>) -> Result<Vec<Pool>, PolicyError> {
    if raw.is_empty() {
        return Err(PolicyError::NoPools);
    }
    let mut out: Vec<Pool> = Vec::new();
    for (i, p) in raw.into_iter().enumerate() {
        let at = format!("pools[{i}]");
        let name = p
            .name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| PolicyError::Syntax(format!("缺少 {at}.name（资金池名称），该项必须填写")))?;
        if out.iter().any(|q| q.name == name) {
            return Err(PolicyError::DuplicatePool(name));
        }
        let kind = match p.kind.as_deref() {
            Some("funded") => PoolKind::Funded,
            Some("matched") => PoolKind::Matched,
            Some(o) => return Err(invalid(&format!("{at}.kind"), "\"funded\" 或 \"matched\"", format!("\"{o}\""))),
            None => {
                return Err(PolicyError::Syntax(format!("缺少 {at}.kind（\"funded\" 或 \"matched\"），该项必须填写")))
            }
        };
        let amount = p
            .amount
            .as_ref()
            .ok_or_else(|| PolicyError::Syntax(format!("缺少 {at}.amount（金额，元），该项必须填写")))?;
        out.push(Pool { name, kind, amount: r.money(&format!("{at}.amount"), amount)? });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
