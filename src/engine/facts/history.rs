//! docs/rules.md §9 "Days already subsidised" and "Earlier rounds of the same applicant": what
//! other rounds granted and subsidised. This is also the JSON of `tiexi calc --history`,
//! `tiexi history --json` and `GET /api/v1/history` (docs/facts.md), so that storage fills
//! it once for all three.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::dates::Interval;
use crate::engine::money::Money;

/// docs/rules.md §9: what other rounds did. Fields a reader does not know are ignored, so that
/// the API may say more (payments, names) in the same document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// The last round the history covers, as its producer says (`--through Y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<i32>,
    /// By applicant identity (a leader's 身份证号 or an organisation's 统一社会信用代码):
    /// the projects granted in other rounds. A project with both identities is listed
    /// under both.
    #[serde(default)]
    pub applicants: BTreeMap<String, Vec<EarlierGrant>>,
    /// By contract number: the eligible days subsidised in other rounds, by projects that
    /// hold a grant above 0 (an approved allocation, or a closed round).
    #[serde(default)]
    pub contracts: BTreeMap<String, Vec<Subsidised>>,
}

/// One project of another round that was granted money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierGrant {
    /// The round's year.
    pub year: i32,
    /// The project's key in that round (项目编号, else `身份证号/项目名称`).
    pub project: String,
    /// The project's name, for people.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// What the project holds: granted, less what was released.
    pub granted: Money,
    /// What was paid out of it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<Money>,
}

/// Days of a contract subsidised in another round: `[start, end)`, the end not included,
/// as the policy's window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subsidised {
    pub year: i32,
    pub project: String,
    pub start: NaiveDate,
    /// The first day not included.
    pub end: NaiveDate,
}

impl Subsidised {
    #[must_use]
    pub fn interval(&self) -> Interval {
        Interval::new(self.start, self.end)
    }
}

/// One applicant's grants in rounds before this one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Granted {
    /// Earlier rounds with a grant above 0.
    pub rounds: u32,
    /// The total granted in them.
    pub total: Money,
}

impl History {
    /// Whether the history says nothing (most trial calculations).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.applicants.is_empty() && self.contracts.is_empty()
    }

    /// docs/rules.md §9: what an applicant known by any of `identities` was granted in rounds
    /// before `year`. A project reached through two identities counts once; blank
    /// identities reach nothing.
    #[must_use]
    pub fn granted_before(&self, year: i32, identities: &[&str]) -> Granted {
        let mut seen: BTreeSet<(i32, &str)> = BTreeSet::new();
        let mut years = BTreeSet::new();
        let mut total = Money::ZERO;
        let grants = identities.iter().filter(|i| !i.is_empty()).filter_map(|i| self.applicants.get(*i)).flatten();
        for g in grants.filter(|g| g.year < year && g.granted.is_positive()) {
            if seen.insert((g.year, g.project.as_str())) {
                years.insert(g.year);
                total += g.granted;
            }
        }
        Granted { rounds: u32::try_from(years.len()).unwrap_or(u32::MAX), total }
    }

    /// docs/rules.md §9: the days of a contract subsidised in rounds other than `year`.
    pub fn subsidised(&self, year: i32, contract_no: &str) -> impl Iterator<Item = Interval> + '_ {
        let found = if self.contracts.is_empty() { None } else { self.contracts.get(contract_no) };
        found.into_iter().flatten().filter(move |s| s.year != year).map(Subsidised::interval)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(year: i32, project: &str, granted: &str) -> EarlierGrant {
        EarlierGrant {
            year,
            project: project.into(),
            name: String::new(),
            granted: granted.parse().unwrap(),
            paid: None,
        }
    }

    /// docs/rules.md §9: the same applicant by 身份证号 or 统一社会信用代码; a project listed
    /// under both counts once; only earlier rounds with a grant above 0 count.
    #[test]
    fn earlier_grants_are_found_by_either_identity_and_counted_once() {
        let mut h = History::default();
        h.applicants.insert("ID".into(), vec![grant(2021, "A", "100"), grant(2022, "B", "50"), grant(2024, "C", "9")]);
        h.applicants.insert("CODE".into(), vec![grant(2022, "B", "50"), grant(2022, "D", "25"), grant(2020, "E", "0")]);
        let total = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(h.granted_before(2024, &["ID", "CODE"]), Granted { rounds: 2, total: total("175") });
        assert_eq!(h.granted_before(2024, &["ID", ""]), Granted { rounds: 2, total: total("150") });
        assert_eq!(h.granted_before(2022, &["CODE"]), Granted::default());
        assert_eq!(h.granted_before(2025, &["", "X"]), Granted::default());
    }

    #[test]
    fn the_json_reads_back_and_ignores_what_it_does_not_know() {
        let text = r#"{"through": 2023, "extra": 1,
            "applicants": {"65010219800101123X": [{"year": 2022, "project": "XX-2022-001", "granted": "1200.50", "payments": []}]},
            "contracts": {"NX-1": [{"year": 2022, "project": "XX-2022-001", "start": "2022-01-01", "end": "2023-01-01"}]}}"#;
        let h: History = serde_json::from_str(text).unwrap();
        assert_eq!(h.through, Some(2023));
        assert_eq!(h.subsidised(2023, "NX-1").map(Interval::days).sum::<i64>(), 365);
        assert_eq!(h.subsidised(2022, "NX-1").count(), 0);
        let again: History = serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(again, h);
    }
}
