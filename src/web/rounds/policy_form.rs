//! The policy form of the round pages → the TOML text of policy.example.toml, which is
//! then read by the same `import::policy` as `tiexi calc`, so web and CLI cannot disagree.

use std::fmt::Write;

use rocket::form::FromForm;
use serde::Serialize;

use crate::engine::{Allocation, ApplicantType, OverdueRule, Policy, RateMode};

/// One pool row of the form; rows with an empty name are ignored.
#[derive(Debug, Default, FromForm, Serialize)]
pub struct PoolRow {
    pub name: String,
    pub kind: String,
    pub amount: String,
}

/// Every field of docs/rules.md §2, as text so that nothing is lost before `import::policy`.
#[derive(Debug, Default, FromForm, Serialize)]
pub struct PolicyForm {
    pub year: String,
    pub name: String,
    pub window_start: String,
    pub window_end: String,
    pub day_count: String,
    pub rate_mode: String,
    pub cap_percent: String,
    pub share_percent: String,
    pub borrower_percent: String,
    pub max_contract_percent: String,
    pub max_months: String,
    pub cap_cooperative: String,
    pub cap_enterprise: String,
    pub cap_individual_business: String,
    pub cap_individual: String,
    pub max_subsidy_per_project: String,
    pub eligible_types: Vec<String>,
    pub require_union_member: bool,
    pub overdue: String,
    pub subsidize_extensions: bool,
    pub allocation_method: String,
    pub partial_last: bool,
    pub pools: Vec<PoolRow>,
}

/// A TOML string literal (quotes and backslashes escaped).
fn quoted(s: &str) -> String {
    toml::Value::String(s.trim().to_string()).to_string()
}

/// A number as typed, or nothing; non-numbers are quoted so the policy reader names the field.
fn number(s: &str) -> Option<String> {
    let s = s.trim().replace([',', '，'], "");
    if s.is_empty() {
        return None;
    }
    let numeric = s.chars().all(|c| c.is_ascii_digit() || c == '.') && s.chars().filter(|c| *c == '.').count() <= 1;
    Some(if numeric { s } else { quoted(&s) })
}

fn money(m: Option<crate::engine::Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

impl PolicyForm {
    /// The form showing a policy (to edit it, or the example for a new round).
    #[must_use]
    #[expect(clippy::too_many_lines, reason = "one line per field of the form")]
    pub fn from_policy(p: &Policy) -> PolicyForm {
        let (mode, cap, share, borrower) = match p.rate {
            RateMode::Cap { cap_percent, share_percent } => {
                ("cap", cap_percent.to_string(), share_percent.to_string(), String::new())
            }
            RateMode::Share { share_percent } => ("share", String::new(), share_percent.to_string(), String::new()),
            RateMode::BorrowerFloor { borrower_percent } => {
                ("borrower_floor", String::new(), String::new(), borrower_percent.to_string())
            }
        };
        let caps: Vec<String> = ApplicantType::ALL.iter().map(|t| money(p.principal_cap_for(*t))).collect();
        let mut pools: Vec<PoolRow> = p
            .pools
            .iter()
            .map(|x| PoolRow { name: x.name.clone(), kind: x.kind.code().into(), amount: x.amount.to_string() })
            .collect();
        pools.resize_with(pools.len().max(3), <PoolRow as Default>::default);
        PolicyForm {
            year: p.year.to_string(),
            name: p.name.clone(),
            window_start: p.window.start.to_string(),
            window_end: p.window.end.to_string(),
            day_count: p.day_count.name().into(),
            rate_mode: mode.into(),
            cap_percent: cap,
            share_percent: share,
            borrower_percent: borrower,
            max_contract_percent: p.max_contract_percent.map(|d| d.to_string()).unwrap_or_default(),
            max_months: p.term_months.to_string(),
            cap_cooperative: caps[0].clone(),
            cap_enterprise: caps[1].clone(),
            cap_individual_business: caps[2].clone(),
            cap_individual: caps[3].clone(),
            max_subsidy_per_project: money(p.max_subsidy_per_project),
            eligible_types: p.eligible_types.iter().map(|t| t.code().to_string()).collect(),
            require_union_member: p.require_union_member,
            overdue: match p.overdue {
                OverdueRule::FromFirstOverdue => "from_first_overdue",
                OverdueRule::ExcludeDays => "exclude_days",
                OverdueRule::ForfeitLoan => "forfeit_loan",
            }
            .into(),
            subsidize_extensions: p.subsidize_extensions,
            allocation_method: if matches!(p.allocation, Allocation::ProRata) { "pro_rata" } else { "priority" }.into(),
            partial_last: !matches!(p.allocation, Allocation::Priority { partial_last: false }),
            pools,
        }
    }

    /// The applicant types as (code, label) for the checkboxes.
    #[must_use]
    pub fn type_options() -> Vec<(&'static str, &'static str)> {
        ApplicantType::ALL.iter().map(|t| (t.code(), t.label())).collect()
    }

    /// The policy file this form describes.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "year = {}", number(&self.year).unwrap_or_else(|| "\"\"".into()));
        let _ = writeln!(t, "name = {}", quoted(&self.name));
        if !self.window_start.trim().is_empty() && !self.window_end.trim().is_empty() {
            let _ =
                writeln!(t, "window = {{ start = {}, end = {} }}", self.window_start.trim(), self.window_end.trim());
        }
        let _ = writeln!(t, "day_count = {}", quoted(&self.day_count));
        let types: Vec<String> = self.eligible_types.iter().map(|s| quoted(s)).collect();
        let _ = writeln!(t, "eligible_types = [{}]", types.join(", "));
        let _ = writeln!(t, "require_union_member = {}", self.require_union_member);
        let _ = writeln!(t, "overdue = {}", quoted(&self.overdue));
        let _ = writeln!(t, "subsidize_extensions = {}", self.subsidize_extensions);
        self.rate_table(&mut t);
        section(&mut t, "term", &[("max_months", &self.max_months)]);
        section(
            &mut t,
            "principal_cap",
            &[
                ("cooperative", &self.cap_cooperative),
                ("enterprise", &self.cap_enterprise),
                ("individual_business", &self.cap_individual_business),
                ("individual", &self.cap_individual),
            ],
        );
        section(&mut t, "limits", &[("max_subsidy_per_project", &self.max_subsidy_per_project)]);
        let _ = writeln!(
            t,
            "\n[allocation]\nmethod = {}\npartial_last = {}",
            quoted(&self.allocation_method),
            self.partial_last
        );
        for p in self.pools.iter().filter(|p| !p.name.trim().is_empty()) {
            let amount = number(&p.amount).unwrap_or_else(|| "\"\"".into());
            let _ =
                writeln!(t, "\n[[pools]]\nname = {}\nkind = {}\namount = {amount}", quoted(&p.name), quoted(&p.kind));
        }
        t
    }

    fn rate_table(&self, t: &mut String) {
        let _ = writeln!(t, "\n[rate]\nmode = {}", quoted(&self.rate_mode));
        for (key, value) in [
            ("cap_percent", &self.cap_percent),
            ("share_percent", &self.share_percent),
            ("borrower_percent", &self.borrower_percent),
            ("max_contract_percent", &self.max_contract_percent),
        ] {
            if let Some(v) = number(value) {
                let _ = writeln!(t, "{key} = {v}");
            }
        }
    }
}

fn section(t: &mut String, name: &str, fields: &[(&str, &String)]) {
    let present: Vec<(&str, String)> = fields.iter().filter_map(|(k, v)| number(v).map(|v| (*k, v))).collect();
    if present.is_empty() {
        return;
    }
    let _ = writeln!(t, "\n[{name}]");
    for (k, v) in present {
        let _ = writeln!(t, "{k} = {v}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_policy_the_reader_accepts() {
        let form = PolicyForm {
            year: "2024".into(),
            name: "2024年度".into(),
            day_count: "ACT/360".into(),
            rate_mode: "cap".into(),
            cap_percent: "5".into(),
            share_percent: "100".into(),
            max_months: "36".into(),
            cap_cooperative: "3,000,000".into(),
            eligible_types: vec!["cooperative".into(), "enterprise".into()],
            require_union_member: true,
            overdue: "from_first_overdue".into(),
            allocation_method: "pro_rata".into(),
            pools: vec![PoolRow { name: "兵团项目资金".into(), kind: "funded".into(), amount: "700000".into() }],
            ..<PolicyForm as Default>::default()
        };
        let policy = crate::import::policy(&form.to_toml()).unwrap();
        assert_eq!(policy.pools[0].amount.to_string(), "700000.00");
        assert_eq!(policy.eligible_types.len(), 2);
        assert_eq!(policy.principal_cap[0].map(|m| m.to_string()), Some("3000000.00".into()));
    }

    #[test]
    fn a_bad_amount_reaches_the_reader_and_is_named() {
        let form = PolicyForm {
            year: "2024".into(),
            pools: vec![PoolRow { name: "a".into(), kind: "funded".into(), amount: "七十万".into() }],
            ..<PolicyForm as Default>::default()
        };
        let e = crate::import::policy(&form.to_toml()).unwrap_err().to_string();
        assert!(e.contains("amount") || e.contains("day_count"), "{e}");
    }
}
