//! The project page's loans and the words that explain its figures: each loan's row with
//! the pieces of the engine's explanation, and why a request or trial grant is below what the
//! loans compute (docs/rules.md §3–§6). Only views of the engine's results: no arithmetic.

use serde::Serialize;

use crate::app::projects::Detail;
use crate::engine::LoanResult;
use crate::web::kernel::views;

/// A loan as the project page shows it: its row and the pieces of the explanation.
#[derive(Serialize)]
pub(super) struct LoanView<'a> {
    contract_no: &'a str,
    bank: &'a str,
    principal: String,
    rate: String,
    disbursed_on: String,
    maturity_on: String,
    settled_on: String,
    result: &'a LoanResult,
    computed: String,
    subsidy: String,
    reasons: Vec<&'static str>,
    pieces: Vec<PieceView>,
    /// What the loan asks without the review cut (申请), when it has one.
    applied: Option<String>,
    /// The cut in force: what, why, by whom and when.
    cut: Option<String>,
    cut_by: String,
    cut_at: String,
    /// Why the subsidy differs from the table, in words (issue 17 item 4).
    explained: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct PieceView {
    from: String,
    last: String,
    days: i64,
    balance: String,
    rate: String,
    subsidised_rate: String,
    amount: String,
}

pub(super) fn pieces(r: &LoanResult) -> Vec<PieceView> {
    r.pieces
        .iter()
        .map(|p| PieceView {
            from: p.from.to_string(),
            last: p.to.pred_opt().unwrap_or(p.to).to_string(),
            days: p.days,
            balance: views::yuan(p.balance),
            rate: p.rate.normalize().to_string(),
            subsidised_rate: p.subsidised_rate.normalize().to_string(),
            amount: grouped(&p.amount().round_dp(4).to_string()),
        })
        .collect()
}

/// A decimal written with thousands separators (`130,641.6667`), as amounts are shown.
pub(super) fn grouped(s: &str) -> String {
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::from(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    frac.map_or(out.clone(), |f| format!("{out}.{f}"))
}

/// The sentences that say why a loan's 贴息额 is not the sum of its table: the principal
/// cap's scaling (docs/rules.md §4) and each cap that lowered it (its reasons).
pub(super) fn explained(r: &LoanResult) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((cap, total)) = r.factor {
        out.push(format!(
            "本项目贷款合计 {} 元，超过贷款金额上限 {} 元：上表按贷款全额计算的贴息额，按 {} ÷ {} 的比例折算，得计算值 {} 元。",
            views::yuan(total), views::yuan(cap), views::yuan(cap), views::yuan(total), views::yuan(r.computed)
        ));
    }
    if r.subsidy < r.computed {
        let why: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        let why = if why.is_empty() { String::new() } else { format!("：{}", why.join("；")) };
        out.push(format!("贴息额 {} 元低于计算值 {} 元{why}。", views::yuan(r.subsidy), views::yuan(r.computed)));
    }
    out
}

pub(super) fn loan_views(d: &Detail) -> Vec<LoanView<'_>> {
    let uncut = d.uncut.as_ref().map(|u| u.loans.as_slice());
    d.project
        .loans
        .iter()
        .zip(&d.result.loans)
        .enumerate()
        .map(|(i, (l, r))| {
            let cut = d.cuts.iter().find(|c| c.contract_no == l.contract_no);
            let applied = cut.and(uncut).and_then(|u| u.get(i)).map(|u| views::yuan(u.subsidy));
            LoanView {
                contract_no: &l.contract_no,
                bank: &l.bank,
                principal: views::yuan(l.principal),
                rate: l.rate.normalize().to_string(),
                disbursed_on: l.disbursed_on.to_string(),
                maturity_on: l.maturity_on.to_string(),
                settled_on: l.settled_on.map(|d| d.to_string()).unwrap_or_default(),
                result: r,
                computed: views::yuan(r.computed),
                subsidy: views::yuan(r.subsidy),
                reasons: r.reasons.iter().map(|x| x.label()).collect(),
                pieces: pieces(r),
                applied,
                cut: cut.and_then(|c| c.cut.as_ref()).map(crate::export::cut::describe),
                cut_by: cut.map(|c| c.actor.clone()).unwrap_or_default(),
                cut_at: cut.map(|c| c.at.clone()).unwrap_or_default(),
                explained: explained(r),
            }
        })
        .collect()
}

/// Why the project's figures are below what its loans compute, in words: the project cap on
/// the request, and a trial grant below the request (docs/rules.md §5, §6).
pub(super) fn project_explained(d: &Detail) -> Vec<String> {
    let r = &d.result;
    let mut out = Vec::new();
    let loans = crate::engine::report::sum(r.loans.iter().map(|l| l.subsidy));
    if r.requested < loans {
        let why: Vec<&str> = r.reasons.iter().map(|x| x.label()).collect();
        out.push(format!(
            "各笔贷款贴息额合计 {} 元，申请贴息为 {} 元：{}。",
            views::yuan(loans),
            views::yuan(r.requested),
            if why.is_empty() { "以上限为准".to_string() } else { why.join("；") }
        ));
    }
    if r.granted < r.requested && r.granted.is_positive() {
        out.push(format!(
            "试算核定 {} 元低于申请贴息 {} 元：本年度预算不足以全额贴息，按政策规定的分配方式分配（试算，以批准的分配方案为准）。",
            views::yuan(r.granted),
            views::yuan(r.requested)
        ));
    }
    out
}
