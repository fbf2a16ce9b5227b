//! The lists people ask for (issue 16): a batch's payment list (拨付明细表), a round's
//! 公示名单 and a project's 审批表.

use rust_xlsxwriter::Workbook;

use super::{date, ReportError};
use crate::engine::{self, ApplicantType, Project};
use crate::export::mask;
use crate::export::report::formal::{chinese_date, yuan};
use crate::export::report::publicity::{Item, Publicity};
use crate::export::report::{payment, record_line, ApprovalForm, FormLoan, Heading, Opinion, Payer};
use crate::storage::{self, projects::Scope, Conn};

/// The payment list of a batch and its file name; `None` when there is no such batch.
///
/// # Errors
/// A database error.
pub async fn payment_list(
    conn: &mut Conn,
    batch_id: i64,
    heading: &Heading,
    payer: Payer,
    full_accounts: bool,
) -> Result<Option<(Workbook, String)>, ReportError> {
    let Some((batch, round_id, items)) = storage::reports::payment_list(conn, batch_id).await? else {
        return Ok(None);
    };
    let pools = storage::allocations::pools(conn, round_id).await?;
    let pool_ids: Vec<i64> = pools.iter().map(|p| p.id).collect();
    let record = record(&storage::reports::signers(conn, batch_id).await?);
    let list = payment::PaymentList {
        year: batch.year,
        kind: batch.kind.label(),
        state: batch.state.label(),
        number: batch.number,
        voucher_no: batch.voucher_no,
        paid_on: date(Some(&batch.paid_on)),
        pools: pools.into_iter().map(|p| p.name).collect(),
        items: items
            .into_iter()
            .map(|i| payment::PaymentItem {
                parts: super::annual::by_pool(&pool_ids, &i.parts),
                unit: i.unit,
                project_key: mask::project_key(&i.project_key, &i.id_number),
                project_name: i.project_name,
                payee_name: i.payee_name,
                payee_bank: i.payee_bank,
                payee_account: i.payee_account,
                amount: i.amount,
            })
            .collect(),
        full_accounts,
        payer,
        record,
    };
    let name = list.file_name();
    Ok(Some((payment::workbook(heading, &list)?, name)))
}

/// Who prepared, approved and paid the batch, and when, as the system recorded it.
fn record(signers: &storage::reports::Signers) -> String {
    let step = |who: &Option<(String, String)>, what: &str| {
        who.as_ref().map(|(name, at)| record_line(name, date(Some(at)), what))
    };
    let steps = [step(&signers.prepared, "经办"), step(&signers.approved, "审批"), step(&signers.paid, "确认拨付")];
    steps.into_iter().flatten().collect::<Vec<_>>().join("；")
}

/// The applicant as a public list names it: an organisation by its name, a person masked.
fn applicant(p: &Project) -> String {
    let person = matches!(p.applicant_type, ApplicantType::Individual | ApplicantType::IndividualBusiness);
    if person || p.applicant.org_name.trim().is_empty() {
        mask::person_name(&p.applicant.leader)
    } else {
        p.applicant.org_name.clone()
    }
}

/// The 公示名单 of the round of `year`: its projects in 公示 or approved after it, with
/// their 公示 dates; the proposed subsidy is each one's request under the round's policy.
///
/// # Errors
/// No such round, a database error, a stored policy that no longer parses.
pub async fn publicity(conn: &mut Conn, year: i32, contact: &str) -> Result<Publicity, ReportError> {
    let round = storage::rounds::find_by_year(conn, year).await?.ok_or(ReportError::NoRound(year))?;
    let policy = crate::import::policy(&round.policy_toml)?;
    let (records, projects): (Vec<_>, Vec<Project>) =
        storage::load::round(conn, round.id).await?.into_iter().filter(|(r, _)| r.state.counts()).unzip();
    let facts = storage::facts::round(conn, round.id).await?;
    let result = engine::compute_with(&policy, &projects, &facts);
    let dates = storage::reports::publications(conn, round.id).await?;
    let items = records
        .iter()
        .zip(&projects)
        .zip(&result.projects)
        .filter(|((r, _), _)| matches!(r.state, crate::review::State::Published | crate::review::State::Approved))
        .filter_map(|((r, p), pr)| {
            let (start, end) = dates.get(&r.id)?;
            Some(Item {
                unit: p.applicant.unit.clone(),
                project: p.name.clone(),
                applicant: applicant(p),
                leader: mask::person_name(&p.applicant.leader),
                id_number: mask::id_number(&p.applicant.id_number),
                loans: engine::report::sum(p.loans.iter().map(|l| l.principal)),
                proposed: pr.requested,
                start: date(Some(start)),
                end: date(Some(end)),
            })
        })
        .collect();
    Ok(Publicity { year, items, contact: contact.to_string() })
}

/// The 公示名单 as a workbook.
///
/// # Errors
/// As `publicity`, or the workbook cannot be made.
pub async fn publicity_list(
    conn: &mut Conn,
    year: i32,
    heading: &Heading,
    contact: &str,
) -> Result<Workbook, ReportError> {
    let p = publicity(conn, year, contact).await?;
    Ok(crate::export::report::publicity::workbook(heading, &p)?)
}

/// The review levels of the form and the actions whose latest record fills each.
const LEVELS: [(&str, &[&str]); 4] = [
    ("团场工会初审意见", &["regiment_review"]),
    ("合作部门审核意见", &["opinion"]),
    ("师市总工会复审意见", &["division_review"]),
    ("师市总工会审批意见", &["approve", "reject"]),
];

/// The 审批表 of a project the scope allows; `None` when there is none (404).
///
/// # Errors
/// A database error, or a stored policy that no longer parses.
pub async fn approval_form(
    conn: &mut Conn,
    id: i64,
    scope: &Scope,
    heading: &Heading,
) -> Result<Option<(Workbook, String)>, ReportError> {
    let Some((record, project)) = storage::load::project(conn, id, scope).await? else { return Ok(None) };
    let Some(subject) = storage::review::subject(conn, id, scope).await? else { return Ok(None) };
    let round = storage::rounds::find(conn, record.round_id).await?.ok_or(ReportError::NoRound(subject.year))?;
    let pr = in_round(conn, &round, id).await?;
    let history = storage::review::history(conn, id).await?;
    let loans = project
        .loans
        .iter()
        .zip(&pr.loans)
        .map(|(l, r)| FormLoan {
            contract_no: l.contract_no.clone(),
            bank: l.bank.clone(),
            principal: l.principal,
            disbursed_on: l.disbursed_on,
            maturity_on: l.maturity_on,
            days: u64::try_from(r.eligible_days).unwrap_or_default(),
            subsidy: r.subsidy,
        })
        .collect();
    let form = ApprovalForm {
        year: round.year,
        key: mask::project_key(&project.key, &project.applicant.id_number),
        state: record.state.label(),
        facts: facts(&project),
        loans,
        computed: pr.requested,
        note: cut_note(&pr),
        // Approved and not yet allocated is not a grant of 0: the form says 尚未核定.
        approved: (record.state == crate::review::State::Approved && record.granted.is_positive())
            .then_some(record.granted),
        opinions: opinions(&history, &subject),
    };
    let name = format!("{}年度贴息审批表-{}.xlsx", round.year, file_safe(&project.name));
    Ok(Some((crate::export::report::approval_form(heading, &form)?, name)))
}

/// The project's result computed in its round, so that a contract repeated by another
/// project counts once (a project not counted, a draft, is computed with the round's).
async fn in_round(
    conn: &mut Conn,
    round: &storage::rounds::Round,
    id: i64,
) -> Result<engine::ProjectResult, ReportError> {
    let policy = crate::import::policy(&round.policy_toml)?;
    let mut counted = storage::load::round(conn, round.id).await?;
    counted.retain(|(r, _)| r.state.counts() || r.id == id);
    let at = counted.iter().position(|(r, _)| r.id == id).unwrap_or_default();
    let projects: Vec<Project> = counted.into_iter().map(|(_, p)| p).collect();
    let facts = storage::facts::round(conn, round.id).await?;
    let mut result = engine::compute_with(&policy, &projects, &facts);
    Ok(result.projects.swap_remove(at))
}

/// Each review level's latest record (the opinion and who gave it when), and the 公示.
fn opinions(history: &[storage::review::Transition], subject: &storage::review::Subject) -> Vec<Opinion> {
    let mut opinions: Vec<Opinion> = LEVELS
        .iter()
        .map(|(level, actions)| {
            let last = history.iter().rev().find(|t| actions.contains(&t.action.as_str()));
            let text = last.map_or_else(
                || "（尚无记录）".to_string(),
                |t| {
                    let action = crate::review::Action::parse(&t.action).map_or("", |a| a.label());
                    let comment = if t.comment.trim().is_empty() { "同意。" } else { t.comment.trim() };
                    format!("{comment}\n（系统记录：{}）", record_line(&t.actor, date(Some(&t.at)), action))
                },
            );
            Opinion { level, text }
        })
        .collect();
    let period = match (date(subject.publication_start.as_deref()), date(subject.publication_end.as_deref())) {
        (Some(s), Some(e)) => format!("公示期：{}至{}。", chinese_date(s), chinese_date(e)),
        _ => "（尚未公示）".into(),
    };
    opinions.insert(3, Opinion { level: "公示情况", text: period });
    opinions
}

/// Why the computed subsidy is below the sum of the loans' subsidies, if it is.
fn cut_note(pr: &engine::ProjectResult) -> Option<String> {
    let cut = engine::report::cut(pr);
    cut.is_positive().then(|| {
        let loans = engine::report::sum(pr.loans.iter().map(|l| l.subsidy));
        let why = pr.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("；");
        format!("各笔贷款贴息合计 {} 元，{why}，核减 {} 元。", yuan(loans), yuan(cut))
    })
}

/// The applicant's facts, two to a row, numbers masked.
fn facts(p: &Project) -> Vec<(&'static str, String)> {
    let a = &p.applicant;
    let count = |n: Option<u32>| n.map_or_else(|| "—".to_string(), |n| n.to_string());
    vec![
        ("项目名称", p.name.clone()),
        ("团场", a.unit.clone()),
        ("申报主体", if a.org_name.is_empty() { a.leader.clone() } else { a.org_name.clone() }),
        ("主体类型", p.applicant_type.label().into()),
        ("统一社会信用代码", a.credit_code.clone()),
        ("所属行业", a.industry.clone()),
        ("负责人", a.leader.clone()),
        ("身份证号", mask::id_number(&a.id_number)),
        ("联系电话", mask::phone(&a.phone)),
        ("工会会员", p.union_member.map_or("—", |m| if m { "是" } else { "否" }).into()),
        ("带动职工户数", p.households.to_string()),
        ("其中困难职工户数", count(a.hardship_households)),
        ("户均增收（元/年）", p.income_increase.map_or_else(|| "—".into(), yuan)),
        ("辐射带动户数", count(a.radiated_households)),
    ]
}

/// A project name as part of a file name: no path separators or control characters.
fn file_safe(name: &str) -> String {
    let safe: String = name.chars().filter(|c| !c.is_control() && !"/\\:*?\"<>|".contains(*c)).take(40).collect();
    if safe.trim().is_empty() {
        "项目".into()
    } else {
        safe
    }
}
