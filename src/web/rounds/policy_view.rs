//! The round's policy in words (issue 17 item 4): what a cooperative or a regiment reads
//! on the round page instead of the policy file, whose keys and comments are English
//! (docs/policy.md). Only division staff, who edit the file, also see it as written.

use serde::Serialize;

use crate::engine::policy::{Allocation, OverdueRule, Policy, RateMode, StatementRule};
use crate::engine::ApplicantType;
use crate::web::kernel::views::yuan;

/// One line of the summary: what, and its value in words.
#[derive(Debug, Serialize)]
pub struct Line {
    pub what: &'static str,
    pub value: String,
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn rate(mode: RateMode) -> String {
    match mode {
        RateMode::Cap { cap_percent, share_percent } => {
            format!("合同利率（不超过 {cap_percent}% 的部分）的 {share_percent}%")
        }
        RateMode::Share { share_percent } => format!("合同利率的 {share_percent}%"),
        RateMode::BorrowerFloor { borrower_percent } => {
            format!("合同利率减去借款人自付的 {borrower_percent}%（不低于 0）")
        }
    }
}

fn overdue(rule: OverdueRule) -> &'static str {
    match rule {
        OverdueRule::FromFirstOverdue => "自首次逾期之日起不再贴息",
        OverdueRule::ExcludeDays => "逾期期间不计贴息天数",
        OverdueRule::ForfeitLoan => "贷款有逾期的，整笔不予贴息",
    }
}

fn allocation(a: Allocation) -> &'static str {
    match a {
        Allocation::ProRata => "预算不足时按申请贴息比例分配",
        Allocation::Priority { partial_last: true } => "预算不足时按评审得分排序分配，最后一个项目可部分贴息",
        Allocation::Priority { partial_last: false } => "预算不足时按评审得分排序分配，不足全额的项目不予贴息",
    }
}

fn money_or_none(m: Option<crate::engine::Money>) -> String {
    m.map_or_else(|| "不限".to_string(), |m| format!("{} 元", yuan(m)))
}

/// The policy as lines of words, in the order a reader asks about it.
#[must_use]
pub fn lines(p: &Policy) -> Vec<Line> {
    let mut out = basics(p);
    out.extend(review_and_evidence(p));
    out
}

/// The window, the rates, who may apply and the caps.
fn basics(p: &Policy) -> Vec<Line> {
    let types: Vec<&str> = p.eligible_types.iter().map(|t| t.label()).collect();
    let caps: Vec<String> = [
        ApplicantType::Cooperative,
        ApplicantType::Enterprise,
        ApplicantType::IndividualBusiness,
        ApplicantType::Individual,
    ]
    .into_iter()
    .filter_map(|t| p.principal_cap_for(t).map(|m| format!("{} {} 元", t.label(), yuan(m))))
    .collect();
    let last_day = p.window.end.pred_opt().unwrap_or(p.window.end);
    let mut out = vec![
        Line { what: "贴息期", value: format!("{}至{}", date(p.window.start), date(last_day)) },
        Line { what: "贴息利率", value: rate(p.rate) },
        Line { what: "计息天数", value: format!("实际天数，一年按 {} 天计", p.day_count.basis()) },
        Line { what: "贴息期限（月）", value: format!("放款后最多 {} 个月", p.term_months) },
        Line { what: "支持的主体类型", value: types.join("、") },
        Line {
            what: "贷款金额上限（超过部分按比例折算）",
            value: if caps.is_empty() { "不限".into() } else { caps.join("；") },
        },
        Line { what: "单个项目贴息上限", value: money_or_none(p.max_subsidy_per_project) },
        Line { what: "同一申报主体累计贴息上限", value: money_or_none(p.max_subsidy_per_applicant_total) },
        Line {
            what: "负责人须为工会会员", value: if p.require_union_member { "是".into() } else { "否".into() }
        },
        Line { what: "逾期", value: overdue(p.overdue).into() },
        Line {
            what: "展期", value: if p.subsidize_extensions { "展期内继续贴息" } else { "展期内不贴息" }.into()
        },
        Line { what: "分配方式", value: allocation(p.allocation).into() },
    ];
    if let Some(max) = p.max_contract_percent {
        out.insert(2, Line { what: "合同利率上限", value: format!("{max}%，超过的贷款不予贴息") });
    }
    out
}

/// The limits across rounds, the 公示 and the evidence.
fn review_and_evidence(p: &Policy) -> Vec<Line> {
    let mut out = Vec::new();
    if let Some(n) = p.max_rounds_per_applicant {
        out.push(Line { what: "获贴息年度数上限", value: format!("{n} 个年度") });
    }
    if p.publicity_days > 0 {
        out.push(Line { what: "公示期", value: format!("至少 {} 天（含首尾）", p.publicity_days) });
    }
    let statement = match p.evidence.interest_statement {
        StatementRule::Optional => "有银行结息清单的，以银行结息额为限",
        StatementRule::Required => "每笔贷款须有银行结息清单方可拨付",
    };
    out.push(Line { what: "银行结息清单", value: statement.into() });
    if !p.evidence.documents.is_empty() {
        out.push(Line {
            what: "拨付前须提交的证明材料",
            value: p
                .evidence
                .documents
                .iter()
                .map(|d| crate::labels::document_kind(d).unwrap_or(d))
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    out
}
