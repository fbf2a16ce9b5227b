//! docs/rules.md §10, the 公示: its period, the objections raised during it, and when
//! approval may follow it. Pure, like the rest of the workflow: today is an argument.

use chrono::NaiveDate;

use super::{Actor, Facts, Refusal};

/// `2024-05-10` as people read it: `2024年5月10日`.
#[must_use]
pub fn date_label(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The days of `[start, end]`, both included.
fn days(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

/// The period asked for on publishing: both dates, in order, starting no earlier than
/// today (the day it is published), and at least `publicity_days` long.
///
/// # Errors
/// `Invalid` naming what is wrong.
pub(super) fn period(facts: &Facts, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), Refusal> {
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Refusal::Invalid("公示须填写开始日期和结束日期（YYYY-MM-DD）".into()));
    };
    if start > end {
        return Err(Refusal::Invalid("公示结束日期不能早于开始日期".into()));
    }
    if start < facts.today {
        return Err(Refusal::Invalid(format!(
            "公示开始日期（{}）不能早于发布公示的当天（{}）",
            date_label(start),
            date_label(facts.today)
        )));
    }
    if days(start, end) < i64::from(facts.publicity_days) {
        return Err(Refusal::Invalid(format!(
            "公示期至少 {} 天（含首尾两天），{}至{}只有 {} 天",
            facts.publicity_days,
            date_label(start),
            date_label(end),
            days(start, end)
        )));
    }
    Ok(())
}

/// Approval: after the 公示 has ended (the day after its end date), or from its first day
/// when the policy requires no 公示 period (`publicity_days = 0`); never by whoever
/// published it; never while an objection is open.
///
/// # Errors
/// `Conflict` naming what stands in the way.
pub(super) fn approvable(actor: Actor, facts: &Facts) -> Result<(), Refusal> {
    let (Some(start), Some(end)) = (facts.publication_start, facts.publication_end) else {
        return Err(Refusal::Conflict("该项目尚未公示，不能批准".into()));
    };
    let first_day = if facts.publicity_days == 0 { Some(start) } else { end.succ_opt() };
    if first_day.is_none_or(|d| facts.today < d) {
        let from = first_day.map_or_else(String::new, date_label);
        return Err(Refusal::Conflict(format!(
            "公示期尚未结束（{}至{}），{}起才能批准",
            date_label(start),
            date_label(end),
            from
        )));
    }
    if actor.published {
        return Err(Refusal::Conflict("本项目的公示由您发布，须由另一位工作人员批准".into()));
    }
    if facts.open_objections > 0 {
        return Err(Refusal::Conflict(format!(
            "公示期间收到的异议尚有 {} 条未处理，须由工作人员记录处理结果后才能批准",
            facts.open_objections
        )));
    }
    Ok(())
}

/// An objection is raised during the 公示, both ends included.
///
/// # Errors
/// `Conflict` outside the period.
pub(super) fn objectionable(facts: &Facts) -> Result<(), Refusal> {
    match (facts.publication_start, facts.publication_end) {
        (Some(start), Some(end)) if start <= facts.today && facts.today <= end => Ok(()),
        (Some(start), Some(end)) => {
            Err(Refusal::Conflict(format!("异议须在公示期内（{}至{}）提出", date_label(start), date_label(end))))
        }
        _ => Err(Refusal::Conflict("该项目不在公示中".into())),
    }
}
