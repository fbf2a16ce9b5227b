//! One Chinese label per code (docs/glossary.md, issue 17 item 4): the states, kinds and
//! actions that storage keeps as text codes, and the audit trail's actions and objects.
//! The labels of typed values stay with their type (`review::State::label`,
//! `review::Action::label`, `accounts::Role::label`, `engine::Status::label`,
//! `engine::Reason::label`); this module answers for a code read back as text, so that a
//! page, a report and an export can never say two things. Pure: no I/O.

use crate::accounts::Role;
use crate::engine::allocation::line;
use crate::engine::{AllocationRule, PoolKind, RoundStatus, Status};
use crate::review::{Action, DocumentKind, State};
use crate::signoff::{allocation, disbursement};

/// The kinds of code a template or export may ask a label for (`label` filter).
pub const KINDS: [&str; 15] = [
    "state",
    "status",
    "role",
    "round_status",
    "batch_state",
    "batch_kind",
    "allocation_state",
    "allocation_rule",
    "line_kind",
    "line_state",
    "line_status",
    "pool_kind",
    "document_kind",
    "audit_entity",
    "import_result",
];

/// The label of `code` of the kind `kind`, or `None` when the code is unknown.
#[must_use]
pub fn of(kind: &str, code: &str) -> Option<&'static str> {
    Some(match kind {
        "state" => State::parse(code)?.label(),
        "status" => status(code)?,
        "role" => Role::parse(code)?.label(),
        "round_status" => round_status(code)?,
        "batch_state" => batch_state(code)?,
        "batch_kind" => batch_kind(code)?,
        "allocation_state" => allocation_state(code)?,
        "allocation_rule" => allocation_rule(code)?,
        "line_kind" => line_kind(code)?,
        "line_state" => line_state(code)?,
        "line_status" => line_status(code)?,
        "pool_kind" => pool_kind(code)?,
        "document_kind" => document_kind(code)?,
        "audit_entity" => audit_entity(code)?,
        "import_result" => import_result(code)?,
        _ => return None,
    })
}

/// A trial result (`engine::Status`); `released` is a grant line given back
/// (`engine::allocation::line::Status`, whose label it is).
#[must_use]
pub fn status(code: &str) -> Option<&'static str> {
    Status::parse(code).map(Status::label).or(match line::Status::parse(code)? {
        line::Status::Released => Some(line::Status::Released.label()),
        line::Status::Engine(_) => None,
    })
}

/// A grant line's status (`engine::allocation::line::Status`): 候补 for an approved project
/// left without money.
#[must_use]
pub fn line_status(code: &str) -> Option<&'static str> {
    line::Status::parse(code).map(line::Status::label)
}

/// A round's status: it stays open through review and payment, so 进行中, not 申报中.
#[must_use]
pub fn round_status(code: &str) -> Option<&'static str> {
    RoundStatus::parse(code).map(RoundStatus::label)
}

#[must_use]
pub fn batch_state(code: &str) -> Option<&'static str> {
    disbursement::State::parse(code).map(disbursement::State::label)
}

/// What became of an upload, in a round's import history (`app::imports::history`).
#[must_use]
pub fn import_result(code: &str) -> Option<&'static str> {
    match code {
        "confirmed" => Some("已导入"),
        "errors" => Some("有错误"),
        "abandoned" => Some("已放弃"),
        "pending" => Some("待确认"),
        _ => None,
    }
}

#[must_use]
pub fn batch_kind(code: &str) -> Option<&'static str> {
    disbursement::Kind::parse(code).map(disbursement::Kind::label)
}

#[must_use]
pub fn allocation_state(code: &str) -> Option<&'static str> {
    allocation::State::parse(code).map(allocation::State::label)
}

#[must_use]
pub fn allocation_rule(code: &str) -> Option<&'static str> {
    AllocationRule::parse(code).map(AllocationRule::label)
}

/// A grant line's kind.
#[must_use]
pub fn line_kind(code: &str) -> Option<&'static str> {
    line::Kind::parse(code).map(line::Kind::label)
}

/// A grant line's state.
#[must_use]
pub fn line_state(code: &str) -> Option<&'static str> {
    line::State::parse(code).map(line::State::label)
}

/// A budget pool's kind: where the money comes from (上级资金), not whether it arrived.
#[must_use]
pub fn pool_kind(code: &str) -> Option<&'static str> {
    PoolKind::parse(code).map(PoolKind::label)
}

#[must_use]
pub fn document_kind(code: &str) -> Option<&'static str> {
    DocumentKind::parse(code).map(DocumentKind::label)
}

/// The object of an audit row.
#[must_use]
pub fn audit_entity(code: &str) -> Option<&'static str> {
    AUDIT_ENTITIES.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// Every audit object, code and label (docs/glossary.md "The audit trail").
pub const AUDIT_ENTITIES: [(&str, &str); 17] = [
    ("project", "项目"),
    ("round", "年度"),
    ("import", "导入"),
    ("allocation", "分配方案"),
    ("grant", "核定"),
    ("batch", "拨付批次"),
    ("report", "报表"),
    ("user", "账户"),
    ("database", "数据库"),
    ("unit", "团场"),
    ("setting", "单位设置"),
    ("performance", "绩效指标"),
    ("receipt", "资金到位"),
    ("carryover", "资金结转"),
    ("historical_payment", "历史拨付"),
    ("upload", "上传文件"),
    ("audit", "审计记录"),
];

/// The action of an audit row; an unknown code is shown as it is by the caller.
#[must_use]
pub fn audit_action(code: &str) -> Option<&'static str> {
    if let Some(action) = code.strip_prefix("project.").and_then(Action::parse) {
        return Some(action.label());
    }
    AUDIT_ACTIONS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The audit actions that are not review actions (docs/glossary.md "The audit trail").
pub const AUDIT_ACTIONS: [(&str, &str); 41] = [
    ("project.create", "新建申请"),
    ("project.edit", "修改申请"),
    ("project.import_update", "导入更新项目"),
    ("project.recalculate", "重新试算"),
    ("project.cut", "核减"),
    ("project.unit", "更正团场"),
    ("id_number.reveal", "查看完整身份证号"),
    ("round.create", "新建年度"),
    ("round.policy_update", "修改年度政策"),
    ("round.status", "变更年度状态"),
    ("import.confirm", "确认导入"),
    ("allocation.propose", "提交分配方案"),
    ("allocation.approve", "批准分配方案"),
    ("allocation.cancel", "撤销分配方案"),
    ("grant.release", "释放核定额度"),
    ("batch.prepare", "编制拨付批次"),
    ("batch.approve", "审核拨付批次"),
    ("batch.pay", "确认拨付"),
    ("batch.cancel", "撤销拨付批次"),
    ("payment_list.export", "导出拨付明细表（完整账号）"),
    ("user.add", "新建账户"),
    ("user.disable", "停用账户"),
    ("user.second_factor_on", "开启双重验证"),
    ("user.second_factor_off", "关闭双重验证"),
    ("user.second_factor_reset", "重置双重验证"),
    ("user.recovery_code_use", "使用恢复码登录"),
    ("unit.add", "新增团场"),
    ("unit.retire", "停用团场"),
    ("unit.restore", "恢复团场"),
    ("setting.set", "修改单位设置"),
    ("performance.set", "填报绩效指标"),
    ("performance.delete", "删除绩效指标"),
    ("receipt.add", "登记资金到位"),
    ("receipt.cancel", "作废资金到位记录"),
    ("carryover.add", "登记资金结转"),
    ("carryover.cancel", "作废资金结转记录"),
    ("historical_payment.add", "登记历史拨付"),
    ("historical_payment.cancel", "作废历史拨付记录"),
    ("retention.purge", "清理过期文件"),
    ("demo.load", "载入演示数据"),
    ("audit.export", "导出审计记录"),
];

/// Every audit action a filter may name: review actions and the rest, code and label.
#[must_use]
pub fn all_audit_actions() -> Vec<(String, &'static str)> {
    let review = Action::ALL.into_iter().map(|a| (format!("project.{}", a.code()), a.label()));
    review.chain(AUDIT_ACTIONS.iter().map(|(c, l)| ((*c).to_string(), *l))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_answers_and_unknown_codes_do_not() {
        assert_eq!(of("state", "returned"), Some("已退回"));
        assert_eq!(of("state", "regiment_reviewed"), Some("团场已初审"));
        assert_eq!(of("status", "waitlisted"), Some("预算不足"));
        assert_eq!(of("batch_state", "paid"), Some("已拨付"));
        assert_eq!(of("allocation_rule", "priority"), Some("按评审得分排序"));
        assert_eq!(of("role", "cooperative"), Some("申报人"));
        assert_eq!(of("pool_kind", "funded"), Some("上级资金"));
        assert_eq!(audit_action("project.submit"), Some("提交申请"));
        assert_eq!(audit_action("batch.pay"), Some("确认拨付"));
        assert_eq!(of("batch_state", "nonsense"), None);
        assert_eq!(of("nonsense", "paid"), None);
        for kind in KINDS {
            assert!(of(kind, "").is_none(), "{kind}");
        }
    }

    /// Every enum storage decodes: its code reads back as itself (the one decoding function
    /// storage uses, `parse`), and the `label` filter of the templates says the enum's own
    /// label, so a page and a report cannot name a state twice (issue 13 item 2).
    #[test]
    fn codes_read_back_and_labels_are_the_enums_own() {
        use crate::engine::allocation::line;
        use crate::engine::report::accounts::LineState;
        use crate::signoff::{allocation, disbursement};
        macro_rules! round_trip {
            ($kind:expr, $all:expr, $parse:path) => {
                for x in $all {
                    assert_eq!($parse(x.code()), Some(x), "{:?}", x);
                    assert!(!x.label().is_empty() && x.label() != x.code(), "{:?}", x);
                    if let Some(kind) = $kind {
                        assert_eq!(of(kind, x.code()), Some(x.label()), "{:?}", x);
                    }
                }
            };
        }
        round_trip!(Some("state"), State::ALL, State::parse);
        round_trip!(Some("status"), Status::ALL, Status::parse);
        round_trip!(Some("role"), Role::ALL, Role::parse);
        round_trip!(Some("round_status"), RoundStatus::ALL, RoundStatus::parse);
        round_trip!(Some("pool_kind"), PoolKind::ALL, PoolKind::parse);
        round_trip!(Some("allocation_rule"), AllocationRule::ALL, AllocationRule::parse);
        round_trip!(Some("document_kind"), DocumentKind::ALL, DocumentKind::parse);
        round_trip!(Some("line_kind"), line::Kind::ALL, line::Kind::parse);
        round_trip!(Some("line_state"), line::State::ALL, line::State::parse);
        round_trip!(Some("line_status"), line::Status::ALL, line::Status::parse);
        round_trip!(None::<&str>, LineState::ALL, LineState::parse);
        round_trip!(Some("allocation_state"), allocation::State::ALL, allocation::State::parse);
        round_trip!(Some("batch_state"), disbursement::State::ALL, disbursement::State::parse);
        round_trip!(Some("batch_kind"), disbursement::Kind::ALL, disbursement::Kind::parse);
        // The labels the glossary fixes (docs/glossary.md).
        assert_eq!(RoundStatus::Open.label(), "进行中");
        assert_eq!(PoolKind::Matched.label(), "配套资金");
        assert_eq!(disbursement::State::Approved.label(), "已审核");
        assert_eq!(allocation::State::Proposed.label(), "待批准");
        assert_eq!(RoundStatus::parse("OPEN"), None);
    }

    /// Two codes with one label would make a filter by label ambiguous.
    #[test]
    fn audit_labels_are_unique() {
        let all = all_audit_actions();
        let mut labels: Vec<_> = all.iter().map(|(_, l)| *l).collect();
        labels.sort_unstable();
        let n = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), n, "{all:?}");
    }
}
