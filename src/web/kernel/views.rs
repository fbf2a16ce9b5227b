//! What templates receive: formatted money, masked numbers, labels. No arithmetic here:
//! every figure comes from the engine or storage already computed.

use rocket::http::Status;
use serde::Serialize;

use crate::app::lists::Record;
use crate::engine::{ApplicantType, Money, Project, RoundResult};
use crate::export::mask;

/// HTML escaping for what renders without templates (error pages, charts); it drops
/// bidirectional controls too (`bidi`).
#[must_use]
pub fn escape(s: &str) -> String {
    crate::bidi::strip(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Tera's escape function for every page: what Tera's own escapes, and no bidirectional
/// controls (`evil\u{202E}xslx.exe` must not show as `evilexe.xlsx`).
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c if crate::bidi::is_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// An error page that needs nothing that could itself fail (`errors::page`).
#[must_use]
pub fn error_page(status: Status, message: &str) -> String {
    crate::web::kernel::errors::page(status, message)
}

pub use crate::export::report::formal::yuan;

/// The Tera filter `yuan`: a money value as the JSON carries it (`"1234567.89"`) shown as
/// people read it (`1,234,567.89`). Anything else is a template's mistake, said in the log.
///
/// # Errors
/// The value is not a money string.
#[expect(clippy::implicit_hasher, reason = "the signature of a Tera filter")]
pub fn yuan_filter(
    value: &super::templates::tera::Value,
    _: &std::collections::HashMap<String, super::templates::tera::Value>,
) -> super::templates::tera::Result<super::templates::tera::Value> {
    let money = value.as_str().and_then(|s| s.parse::<Money>().ok());
    money.map(|m| yuan(m).into()).ok_or_else(|| format!("yuan: {value} is not an amount").into())
}

/// The filters every template may use: `yuan`, `label`, `beijing`, `day`.
pub fn register_filters(tera: &mut rocket_dyn_templates::tera::Tera) {
    tera.register_filter("yuan", yuan_filter);
    tera.register_filter("label", label_filter);
    tera.register_filter("beijing", beijing_filter);
    tera.register_filter("day", day_filter);
}

/// A calendar day (`2024-01-01`) in words (`2024年1月1日`); other text as it is
/// (docs/glossary.md: pages show 年月日 dates).
#[must_use]
pub fn day(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso.trim(), "%Y-%m-%d")
        .map_or_else(|_| iso.to_string(), |d| d.format("%Y年%-m月%-d日").to_string())
}

/// `{{ on | day }}`: [`day`] for templates.
///
/// # Errors
/// Never: a value that is not text is shown empty.
#[expect(clippy::implicit_hasher, reason = "the signature of a Tera filter")]
pub fn day_filter(
    value: &rocket_dyn_templates::tera::Value,
    _: &std::collections::HashMap<String, rocket_dyn_templates::tera::Value>,
) -> rocket_dyn_templates::tera::Result<rocket_dyn_templates::tera::Value> {
    Ok(day(value.as_str().unwrap_or_default()).into())
}

/// `{{ code | label(of="batch_state") }}`: the one label of a stored code (`crate::labels`).
/// An unknown kind is an error (a template's typo); an unknown code shows a dash.
///
/// # Errors
/// The kind is missing or unknown.
#[expect(clippy::implicit_hasher, reason = "the signature of a Tera filter")]
pub fn label_filter(
    value: &rocket_dyn_templates::tera::Value,
    args: &std::collections::HashMap<String, rocket_dyn_templates::tera::Value>,
) -> rocket_dyn_templates::tera::Result<rocket_dyn_templates::tera::Value> {
    let kind = args.get("of").and_then(|v| v.as_str()).unwrap_or_default();
    if !crate::labels::KINDS.contains(&kind) {
        return Err(format!("label: unknown kind {kind:?}").into());
    }
    Ok(crate::labels::of(kind, value.as_str().unwrap_or_default()).unwrap_or("—").into())
}

/// A stored UTC time (`2024-06-30T06:05:00Z`) as Beijing time in words (`2024年6月30日 14:05`);
/// text that is not such a time is shown as it is (docs/glossary.md: pages show Beijing time).
#[must_use]
pub fn beijing(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc.trim()).map_or_else(
        |_| utc.to_string(),
        |t| (t.naive_utc() + chrono::Duration::hours(8)).format("%Y年%-m月%-d日 %H:%M").to_string(),
    )
}

/// `{{ at | beijing }}`: [`beijing`] for templates.
///
/// # Errors
/// Never: a value that is not text is shown empty.
#[expect(clippy::implicit_hasher, reason = "the signature of a Tera filter")]
pub fn beijing_filter(
    value: &rocket_dyn_templates::tera::Value,
    _: &std::collections::HashMap<String, rocket_dyn_templates::tera::Value>,
) -> rocket_dyn_templates::tera::Result<rocket_dyn_templates::tera::Value> {
    Ok(beijing(value.as_str().unwrap_or_default()).into())
}

/// A row of the project list.
#[derive(Debug, Serialize)]
pub struct ProjectRow {
    pub id: i64,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub applicant_type: &'static str,
    pub leader: String,
    pub id_number: String,
    pub households: u32,
    pub principal: String,
    pub requested: String,
    pub granted: String,
    pub status: String,
    pub status_label: &'static str,
    pub state: crate::review::State,
    /// 贴息结果: the result on the books, the same words the reports use (issue 14 item 2).
    pub outcome: &'static str,
}

/// The engine status code → its label (`crate::labels::status`; unknown codes a dash).
#[must_use]
pub fn status_label(code: &str) -> &'static str {
    crate::labels::status(code).unwrap_or("—")
}

/// A project's result on the books (贴息结果) as every page, export and report states it:
/// its review state and the grant allocations gave it, never the trial (docs/glossary.md).
#[must_use]
pub fn outcome(r: &Record, requested: Money) -> &'static str {
    crate::engine::report::Outcome::of(r.state == crate::review::State::Approved, requested, r.granted).label()
}

#[must_use]
pub fn type_label(t: ApplicantType) -> &'static str {
    t.label()
}

impl ProjectRow {
    /// A stored project as a list row; ID numbers masked (lists never show them whole).
    #[must_use]
    pub fn new(r: &Record, p: &Project, principal: Money) -> ProjectRow {
        ProjectRow {
            id: r.id,
            key: p.key.clone(),
            name: p.name.clone(),
            unit: p.applicant.unit.clone(),
            applicant_type: p.applicant_type.label(),
            leader: p.applicant.leader.clone(),
            id_number: mask::id_number(&p.applicant.id_number),
            households: p.households,
            principal: yuan(principal),
            requested: yuan(r.requested),
            granted: yuan(r.granted),
            status: r.calc_status.code().into(),
            status_label: status_label(r.calc_status.code()),
            state: r.state,
            outcome: outcome(r, r.requested),
        }
    }
}

/// The figures of a round or of several, for pages.
#[derive(Debug, Serialize)]
pub struct FiguresView {
    pub projects: usize,
    pub funded_projects: usize,
    pub requested: String,
    pub granted: String,
    pub loans_unlocked: String,
    pub leverage: String,
    pub households: u64,
    pub avg_income_increase: String,
}

impl FiguresView {
    #[must_use]
    pub fn new(f: &crate::engine::Figures) -> FiguresView {
        FiguresView {
            projects: f.projects,
            funded_projects: f.funded_projects,
            requested: yuan(f.requested),
            granted: yuan(f.granted),
            loans_unlocked: yuan(f.loans_unlocked),
            leverage: f.leverage.map_or_else(|| "—".into(), |l| l.to_string()),
            households: f.households,
            avg_income_increase: f.avg_income_increase.map_or_else(|| "—".into(), |v| v.to_string()),
        }
    }
}

/// A pool after the engine ran, for pages.
#[derive(Debug, Serialize)]
pub struct PoolView {
    pub name: String,
    pub kind: &'static str,
    pub amount: String,
    pub granted: String,
    pub remaining: String,
}

#[must_use]
pub fn pools(r: &RoundResult) -> Vec<PoolView> {
    r.pools
        .iter()
        .map(|p| PoolView {
            name: p.name.clone(),
            kind: p.kind.label(),
            amount: yuan(p.amount),
            granted: yuan(p.granted),
            remaining: yuan(p.remaining),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_is_grouped_by_thousands() {
        for (fen, shown) in [(0, "0.00"), (123_456_789, "1,234,567.89"), (-100_000, "-1,000.00"), (99_999, "999.99")] {
            assert_eq!(super::yuan(crate::engine::Money::from_fen(fen)), shown);
        }
    }

    #[test]
    fn the_filter_groups_what_the_json_carries_and_refuses_the_rest() {
        let none = std::collections::HashMap::new();
        let shown = super::yuan_filter(&"-1234567.8".into(), &none).expect("an amount");
        assert_eq!(shown, "-1,234,567.80");
        assert!(super::yuan_filter(&12.into(), &none).is_err());
        assert!(super::yuan_filter(&"12元".into(), &none).is_err());
    }
}
