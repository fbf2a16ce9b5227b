//! The per-loan explanation as text: the pieces a person sums to check a subsidy by hand.

use std::io::Write;

use chrono::Days;

use crate::engine::facts::CutLimit;
use crate::engine::{LoanResult, Money};

/// Write the pieces of one loan, one line each, then the totals.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(
    project_key: &str,
    loan: &LoanResult,
    interest_paid: Option<Money>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "贷款合同 {}（项目 {project_key}）", loan.contract_no)?;
    writeln!(
        out,
        "{:<12}{:<12}{:>6}{:>16}{:>10}{:>10}{:>20}",
        "起始日", "截止日(含)", "天数", "余额(元)", "合同利率%", "贴息利率%", "贴息额(元,未舍入)"
    )?;
    for p in &loan.pieces {
        let last = p.to.checked_sub_days(Days::new(1)).unwrap_or(p.to);
        writeln!(
            out,
            "{:<15}{:<15}{:>6}{:>18}{:>12}{:>12}{:>22}",
            p.from.to_string(),
            last.to_string(),
            p.days,
            p.balance.to_string(),
            p.rate.normalize().to_string(),
            p.subsidised_rate.normalize().to_string(),
            p.amount().round_dp(6).to_string()
        )?;
    }
    if let Some((cap, principal)) = loan.factor {
        writeln!(out, "本金上限系数 f = {cap} / {principal}（项目贷款本金超过上限）")?;
    }
    let reasons: Vec<&str> = loan.reasons.iter().map(|r| r.label()).collect();
    if loan.already_subsidised_days > 0 {
        writeln!(out, "其他年度已贴息 {} 天，已从贴息天数中扣除", loan.already_subsidised_days)?;
    }
    writeln!(out, "贴息天数 {} 天；计算值 {} 元；贴息 {} 元", loan.eligible_days, loan.computed, loan.subsidy)?;
    caps(loan, interest_paid, out)?;
    if !reasons.is_empty() {
        writeln!(out, "说明：{}", reasons.join("；"))?;
    }
    Ok(())
}

/// docs/rules.md §4 and §9: the caps given, and how the subsidy follows from them.
fn caps(loan: &LoanResult, interest_paid: Option<Money>, out: &mut dyn Write) -> std::io::Result<()> {
    let mut given = Vec::new();
    if let Some(paid) = interest_paid {
        given.push(format!("已付利息 {paid} 元"));
    }
    if let Some(c) = loan.certified {
        given.push(format!("银行结息 {c} 元"));
    }
    if let Some(cut) = &loan.cut {
        let why = if cut.text.is_empty() {
            cut.reason.label().to_string()
        } else {
            format!("{}：{}", cut.reason.label(), cut.text)
        };
        match cut.limit {
            CutLimit::Excluded => given.push(format!("审核核减 不予贴息（{why}）")),
            CutLimit::Amount(c) => given.push(format!("审核核定 {c} 元（{why}）")),
        }
    }
    if !given.is_empty() {
        writeln!(out, "上限：{}；贴息取计算值与各上限中最小者", given.join("；"))?;
    }
    if let Some(d) = loan.statement_difference {
        let cause = loan.statement_cause.map_or("", |c| c.label());
        writeln!(out, "银行结息与按合同利率计算的同期利息相差 {d} 元（结息减计算；可能原因：{cause}）")?;
    }
    Ok(())
}
