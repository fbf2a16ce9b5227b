//! The per-loan explanation as text: the pieces a person sums to check a subsidy by hand.

use std::io::Write;

use chrono::Days;

use crate::engine::LoanResult;

/// Write the pieces of one loan, one line each, then the totals.
///
/// # Errors
/// When `out` cannot be written.
pub fn write(project_key: &str, loan: &LoanResult, out: &mut dyn Write) -> std::io::Result<()> {
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
    writeln!(out, "贴息天数 {} 天；计算值 {} 元；贴息 {} 元", loan.eligible_days, loan.computed, loan.subsidy)?;
    if !reasons.is_empty() {
        writeln!(out, "说明：{}", reasons.join("；"))?;
    }
    Ok(())
}
