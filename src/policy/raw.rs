//! The policy file's shape as written (TOML, every field optional, unknown fields refused):
//! what `super::policy` reads, checks and fills with the defaults of docs/rules.md §2.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub(super) type Num = Spanned<toml::Value>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    pub(super) year: Option<i64>,
    pub(super) name: Option<String>,
    pub(super) window: Option<RawWindow>,
    pub(super) day_count: Option<String>,
    pub(super) eligible_types: Option<Vec<String>>,
    pub(super) require_union_member: Option<bool>,
    pub(super) overdue: Option<String>,
    pub(super) subsidize_extensions: Option<bool>,
    #[serde(default)]
    pub(super) rate: RawRate,
    #[serde(default)]
    pub(super) term: RawTerm,
    #[serde(default)]
    pub(super) principal_cap: BTreeMap<String, Num>,
    #[serde(default)]
    pub(super) limits: RawLimits,
    #[serde(default)]
    pub(super) allocation: RawAllocation,
    #[serde(default)]
    pub(super) review: RawReview,
    #[serde(default)]
    pub(super) evidence: RawEvidence,
    #[serde(default)]
    pub(super) pools: Vec<RawPool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWindow {
    pub(super) start: Option<toml::value::Datetime>,
    pub(super) end: Option<toml::value::Datetime>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRate {
    pub(super) mode: Option<String>,
    pub(super) cap_percent: Option<Num>,
    pub(super) share_percent: Option<Num>,
    pub(super) borrower_percent: Option<Num>,
    pub(super) max_contract_percent: Option<Num>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTerm {
    pub(super) max_months: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
#[expect(clippy::struct_field_names, reason = "the names are the policy file's, docs/rules.md §2")]
pub(super) struct RawLimits {
    pub(super) max_subsidy_per_project: Option<Num>,
    pub(super) max_rounds_per_applicant: Option<i64>,
    pub(super) max_subsidy_per_applicant_total: Option<Num>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReview {
    pub(super) publicity_days: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvidence {
    pub(super) interest_statement: Option<String>,
    pub(super) documents: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAllocation {
    pub(super) method: Option<String>,
    pub(super) partial_last: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPool {
    pub(super) name: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) amount: Option<Num>,
}
