//! What a workbook row would change in a stored project, field by field, old → new, as
//! people read it (masked where personal): the import preview lists it, and confirming
//! writes it to the audit trail, loans and events included.

use std::collections::HashMap;

use serde::Serialize;

use crate::engine::{Event, EventKind, Loan, Money, Project};
use crate::export::mask;
use crate::export::report::formal::yuan;

/// One field that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn money(v: Option<Money>) -> String {
    v.map(yuan).unwrap_or_default()
}

fn member(v: Option<bool>) -> String {
    v.map(|b| if b { "是" } else { "否" }).unwrap_or_default().to_string()
}

/// The project's own fields as (label, shown value).
fn project_fields(p: &Project) -> Vec<(&'static str, String)> {
    let a = &p.applicant;
    let extra: Vec<String> = a.extra.iter().map(|(h, v)| format!("{h}={v}")).collect();
    vec![
        ("项目名称", p.name.clone()),
        ("团场", a.unit.clone()),
        ("主体类型", p.applicant_type.label().to_string()),
        ("主体名称", a.org_name.clone()),
        ("统一社会信用代码", a.credit_code.clone()),
        ("负责人", a.leader.clone()),
        ("身份证号", mask::id_number(&a.id_number)),
        ("联系电话", mask::phone(&a.phone)),
        ("是否工会会员", member(p.union_member)),
        ("行业", a.industry.clone()),
        ("带动职工户数", p.households.to_string()),
        ("困难职工户数", opt(a.hardship_households)),
        ("辐射带动户数", opt(a.radiated_households)),
        ("户均增收", money(p.income_increase)),
        ("评审得分", opt(p.score.map(|s| s.normalize()))),
        ("备注", a.note.clone()),
        ("其他列", extra.join("；")),
    ]
}

fn event_text(e: &Event) -> String {
    let what = match e.kind {
        EventKind::Repayment(m) => format!("还款 {}", yuan(m)),
        EventKind::RateChange(r) => format!("利率调整 {}%", r.normalize()),
        EventKind::OverdueStart => "逾期开始".to_string(),
        EventKind::OverdueEnd => "逾期结束".to_string(),
        EventKind::Extension(d) => format!("展期至 {d}"),
    };
    format!("{} {what}", e.on)
}

fn loan_fields(l: &Loan) -> Vec<(&'static str, String)> {
    vec![
        ("贷款银行", l.bank.clone()),
        ("贷款金额", yuan(l.principal)),
        ("年利率", format!("{}%", l.rate.normalize())),
        ("放款日期", l.disbursed_on.to_string()),
        ("到期日期", l.maturity_on.to_string()),
        ("结清日期", opt(l.settled_on)),
        ("已付利息", money(l.interest_paid)),
        ("还款及变更事项", l.events.iter().map(event_text).collect::<Vec<_>>().join("；")),
    ]
}

/// A loan in one line, for one that is added or removed.
fn loan_line(l: &Loan) -> String {
    loan_fields(l).iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("，")
}

fn compare(out: &mut Vec<FieldChange>, prefix: &str, old: &[(&str, String)], new: &[(&str, String)]) {
    for ((label, was), (_, now)) in old.iter().zip(new) {
        if was != now {
            out.push(FieldChange { field: format!("{prefix}{label}"), old: was.clone(), new: now.clone() });
        }
    }
}

/// Every change from `old` to `new`: the project's fields, then each loan by contract
/// number (the k-th row of a contract against the k-th stored one, as the store matches
/// them), added and removed loans included.
#[must_use]
pub fn changes(old: &Project, new: &Project) -> Vec<FieldChange> {
    let mut out = Vec::new();
    compare(&mut out, "", &project_fields(old), &project_fields(new));
    let mut stored: HashMap<&str, Vec<&Loan>> = HashMap::new();
    for l in old.loans.iter().rev() {
        stored.entry(l.contract_no.as_str()).or_default().push(l);
    }
    for l in &new.loans {
        let prefix = format!("贷款 {} ", l.contract_no);
        match stored.get_mut(l.contract_no.as_str()).and_then(Vec::pop) {
            Some(was) => compare(&mut out, &prefix, &loan_fields(was), &loan_fields(l)),
            None => out.push(FieldChange {
                field: prefix.trim_end().into(),
                old: "—".into(),
                new: format!("新增：{}", loan_line(l)),
            }),
        }
    }
    let mut removed: Vec<&Loan> = stored.into_values().flatten().collect();
    removed.sort_by_key(|l| l.contract_no.as_str());
    for l in removed {
        out.push(FieldChange { field: format!("贷款 {}", l.contract_no), old: loan_line(l), new: "删除".into() });
    }
    out
}

/// The changes as the audit trail keeps them: `{field: value}` before and after.
#[must_use]
pub fn audit_values(list: &[FieldChange]) -> (serde_json::Value, serde_json::Value) {
    let old: serde_json::Map<String, serde_json::Value> =
        list.iter().map(|c| (c.field.clone(), c.old.clone().into())).collect();
    let new: serde_json::Map<String, serde_json::Value> =
        list.iter().map(|c| (c.field.clone(), c.new.clone().into())).collect();
    (old.into(), new.into())
}
