//! 政策参数: the round's policy as a recipient reads it (docs/rules.md §2), each parameter with
//! its value in words, so that every figure of the report can be checked against its rules.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};

use super::super::sheet::Cell;
use super::block::Block;
use super::formal::{chinese_date, frame, set_widths, signatures, yuan, Formal, Frame};
use super::ruled::Measure;
use super::Heading;
use crate::engine::policy::StatementRule;
use crate::engine::report::accounts::kind_label;
use crate::engine::{Allocation, ApplicantType, DayCount, Money, OverdueRule, Policy, RateMode};

fn percent(d: Decimal) -> String {
    format!("{}%", d.normalize())
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "不限".to_string(), |m| format!("{} 元", yuan(m)))
}

fn rate(mode: RateMode) -> String {
    match mode {
        RateMode::Cap { cap_percent, share_percent } => {
            format!("按合同利率贴息，利率最高按 {} 计，贴息比例 {}", percent(cap_percent), percent(share_percent))
        }
        RateMode::Share { share_percent } => format!("按合同利率的 {} 贴息", percent(share_percent)),
        RateMode::BorrowerFloor { borrower_percent } => {
            format!("借款人自担 {}，超出部分贴息", percent(borrower_percent))
        }
    }
}

fn overdue(rule: OverdueRule) -> &'static str {
    match rule {
        OverdueRule::FromFirstOverdue => "自首次逾期之日起不再贴息",
        OverdueRule::ExcludeDays => "扣除逾期天数",
        OverdueRule::ForfeitLoan => "该笔贷款不予贴息",
    }
}

fn allocation(a: Allocation) -> &'static str {
    match a {
        Allocation::ProRata => "预算不足时按申请额等比例分配",
        Allocation::Priority { partial_last: true } => "预算不足时按评审得分排序分配，末位项目可部分贴息",
        Allocation::Priority { partial_last: false } => "预算不足时按评审得分排序分配，末位项目不部分贴息",
    }
}

/// The parameters as (name, value) lines.
fn lines(p: &Policy) -> Vec<(String, String)> {
    let last_day = p.window.end.pred_opt().unwrap_or(p.window.end);
    let mut out = vec![
        ("年度".to_string(), p.year.to_string()),
        ("政策名称".into(), p.name.clone()),
        ("贴息期间".into(), format!("{}至{}", chinese_date(p.window.start), chinese_date(last_day))),
        (
            "计息天数".into(),
            match p.day_count {
                DayCount::Act360 => "实际天数/360",
                DayCount::Act365 => "实际天数/365",
            }
            .into(),
        ),
        ("贴息利率".into(), rate(p.rate)),
        (
            "合同利率上限".into(),
            p.max_contract_percent.map_or_else(|| "不限".into(), |r| format!("{}（超过不予贴息）", percent(r))),
        ),
        ("贷款期限".into(), format!("最长 {} 个月", p.term_months)),
    ];
    for t in ApplicantType::ALL {
        out.push((format!("每项目贷款本金上限（{}）", t.label()), money(p.principal_cap_for(t))));
    }
    out.extend(conditions(p));
    for pool in &p.pools {
        out.push((format!("资金来源：{}", pool.name), format!("{}，{} 元", kind_label(pool.kind), yuan(pool.amount))));
    }
    out
}

/// Who may apply, what limits them, how the money is shared, what evidence is needed.
fn conditions(p: &Policy) -> Vec<(String, String)> {
    let types: Vec<&str> = p.eligible_types.iter().map(|t| t.label()).collect();
    vec![
        ("每项目贴息上限".to_string(), money(p.max_subsidy_per_project)),
        ("可申报主体".into(), types.join("、")),
        ("须为工会会员".into(), if p.require_union_member { "是" } else { "否" }.into()),
        ("逾期处理".into(), overdue(p.overdue).into()),
        ("展期贴息".into(), if p.subsidize_extensions { "展期内继续贴息" } else { "展期部分不贴息" }.into()),
        ("资金分配".into(), allocation(p.allocation).into()),
        (
            "公示期".into(),
            if p.publicity_days == 0 { "无需公示".into() } else { format!("不少于 {} 天", p.publicity_days) },
        ),
        (
            "银行结息单".into(),
            match p.evidence.interest_statement {
                StatementRule::Optional => "有则按实付利息封顶",
                StatementRule::Required => "拨付前必须提供",
            }
            .into(),
        ),
        (
            "同一申请人贴息轮次上限".into(),
            p.max_rounds_per_applicant.map_or_else(|| "不限".into(), |n| format!("{n} 个年度")),
        ),
        ("同一申请人累计贴息上限".into(), money(p.max_subsidy_per_applicant_total)),
    ]
}

/// 政策参数.
pub(super) fn sheet(book: &mut Workbook, heading: &Heading, p: &Policy) -> Result<(), XlsxError> {
    let sheet = book.add_worksheet().set_name("政策参数")?;
    let f = Formal::new(10);
    let mut b = Block::new(&["序号", "参数", "取值"]);
    for (i, (name, value)) in lines(p).into_iter().enumerate() {
        b.row(vec![super::count(i + 1), Cell::text(name), Cell::text(value)]);
    }
    let mut m = Measure::new(&f);
    b.measure(&mut m);
    // The values are sentences: a wide column, wrapped, reads better than a narrow one.
    m.widen(2, 60);
    let widths = m.fit();
    set_widths(sheet, &widths)?;
    let columns = 3;
    let title = format!("{}年度贷款贴息政策参数表", p.year);
    let at = frame(sheet, heading, &Frame { title, subtitle: None, unit: None, columns })?;
    let next = b.write(sheet, &f, at, &widths)?;
    signatures(sheet, heading, next, &widths)?;
    Ok(())
}
