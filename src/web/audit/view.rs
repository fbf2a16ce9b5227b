//! The audit trail for people (issue 17 item 5, docs/glossary.md "The audit trail"):
//! actions and objects by their Chinese names, rounds by year, Beijing time, amounts in
//! yuan, and the old and new values as words. Filters accept the Chinese names too
//! (对象=项目 finds the project rows). The stored rows and the API keep the codes.

use serde::Serialize;
use serde_json::Value;

use crate::app::audit::{Query, Record};
use crate::engine::Money;
use crate::labels;
use crate::web::kernel::views::{beijing, yuan};

/// An entry as the page and the export show it.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub year: String,
    pub old: String,
    pub new: String,
}

/// The names of the fields the entries' values hold.
const FIELDS: [(&str, &str); 42] = [
    ("rounds", "年度"),
    ("users", "账户"),
    ("state", "状态"),
    ("status", "结果"),
    ("name", "名称"),
    ("id", "编号"),
    ("unit", "团场"),
    ("amount", "金额"),
    ("kind", "类别"),
    ("key", "项目编号"),
    ("year", "年度"),
    ("comment", "意见"),
    ("second_factor", "双重验证"),
    ("project_id", "项目"),
    ("granted", "核定贴息"),
    ("requested", "申请贴息"),
    ("cut", "核减"),
    ("value", "值"),
    ("pool", "资金池"),
    ("id_number", "身份证号"),
    ("disabled", "已停用"),
    ("contract_no", "贷款合同编号"),
    ("budget", "可分配"),
    ("active", "有效"),
    ("username", "用户名"),
    ("role", "角色"),
    ("reason", "原因"),
    ("projects", "项目数"),
    ("paid", "已拨付"),
    ("on", "日期"),
    ("number", "批次号"),
    ("total", "合计"),
    ("voucher_no", "凭证号"),
    ("paid_on", "拨付日期"),
    ("payee_account", "银行账号"),
    ("loans", "贷款笔数"),
    ("calc_status", "试算结果"),
    ("score", "评审得分"),
    ("items", "笔数"),
    ("start", "公示开始"),
    ("end", "公示结束"),
    ("rule", "分配规则"),
];

/// A label typed in a filter → its code; a code stays as it is.
fn code_of<'a>(typed: &'a str, table: &[(String, &'static str)]) -> std::borrow::Cow<'a, str> {
    let t = typed.trim();
    table.iter().find(|(_, l)| *l == t).map_or(std::borrow::Cow::Borrowed(t), |(c, _)| c.clone().into())
}

/// The filters with the Chinese names turned into codes (对象=项目 → `project`).
#[must_use]
pub fn resolve(q: &Query) -> Query {
    let entities: Vec<(String, &'static str)> =
        labels::AUDIT_ENTITIES.iter().map(|(c, l)| ((*c).to_string(), *l)).collect();
    let actions = labels::all_audit_actions();
    let actor = q.actor.as_deref().map(|a| match a.trim() {
        "命令行" => "cli".to_string(),
        "系统" => "system".to_string(),
        other => other.to_string(),
    });
    Query {
        entity: q.entity.as_deref().map(|e| code_of(e, &entities).into_owned()),
        action: q.action.as_deref().map(|a| code_of(a, &actions).into_owned()),
        actor,
        ..q.clone()
    }
}

fn actor(name: &str) -> String {
    match name {
        "cli" => "命令行".into(),
        "system" => "系统".into(),
        other => other.into(),
    }
}

/// A value as words: a code of a known kind as its label, an amount in fen as yuan.
fn value(field: &str, v: &Value) -> String {
    let fen = field.strip_suffix("_fen").is_some() || matches!(field, "amount" | "granted" | "requested" | "paid");
    match v {
        Value::Null => "（无）".into(),
        Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        Value::Number(n) if fen && n.is_i64() => format!("{} 元", yuan(Money::from_fen(n.as_i64().unwrap_or(0)))),
        Value::String(s) => {
            let kinds = ["state", "status", "role", "batch_state", "allocation_state", "document_kind", "pool_kind"];
            let known = matches!(field, "state" | "status" | "role" | "kind" | "calc_status" | "rule");
            let label = known.then(|| kinds.iter().find_map(|k| labels::of(k, s))).flatten();
            label.map_or_else(|| s.clone(), str::to_string)
        }
        Value::Array(items) => items.iter().map(|i| value(field, i)).collect::<Vec<_>>().join("、"),
        Value::Object(_) => describe(v),
        Value::Number(n) => n.to_string(),
    }
}

/// An entry's old or new value as `名称：值；…`, fields by their Chinese names.
#[must_use]
pub fn describe(v: &Value) -> String {
    match v {
        Value::Object(map) if map.is_empty() => String::new(),
        Value::Object(map) => map
            .iter()
            .map(|(k, x)| {
                let bare = k.strip_suffix("_fen").unwrap_or(k);
                let name = FIELDS.iter().find(|(c, _)| *c == bare).map_or(bare, |(_, l)| *l);
                format!("{name}：{}", value(k, x))
            })
            .collect::<Vec<_>>()
            .join("；"),
        Value::Null => String::new(),
        other => value("", other),
    }
}

/// A stored entry for people; `years` maps round ids to years.
#[must_use]
pub fn shown(r: &Record, years: &[(i64, i32)]) -> Shown {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_else(|_| Value::String(s.to_owned()));
    Shown {
        seq: r.seq,
        at: beijing(&r.at),
        actor: actor(&r.actor),
        action: labels::audit_action(&r.action).map_or_else(|| r.action.clone(), str::to_string),
        entity: labels::audit_entity(&r.entity).map_or_else(|| r.entity.clone(), str::to_string),
        entity_id: r.entity_id.clone(),
        year: r
            .round_id
            .and_then(|id| years.iter().find(|(i, _)| *i == id))
            .map_or_else(String::new, |(_, y)| format!("{y}年度")),
        old: describe(&parse(&r.old_json)),
        new: describe(&parse(&r.new_json)),
    }
}

/// The filters as the export's second line says them.
#[must_use]
pub fn filters_in_words(q: &Query) -> String {
    let fields = [
        ("对象", &q.entity),
        ("对象编号", &q.entity_id),
        ("操作人", &q.actor),
        ("操作", &q.action),
        ("年度", &q.year),
        ("日期自", &q.from),
        ("至", &q.to),
    ];
    fields
        .iter()
        .filter_map(|(name, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| format!("{name}：{v}")))
        .collect::<Vec<_>>()
        .join("；")
}

/// The entries as a workbook, columns as the page's.
///
/// # Errors
/// From the writer.
pub fn workbook(rows: &[Shown], filters: &str) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    use crate::export::sheet::Cell;
    let headers = ["序号", "时间（北京时间）", "操作人", "操作", "对象", "对象编号", "年度", "原值", "新值"];
    let list = crate::export::list::List {
        title: "审计记录".into(),
        filters: filters.into(),
        headers: headers.map(String::from).to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Count(u64::try_from(r.seq).unwrap_or(0)),
                    Cell::text(r.at.as_str()),
                    Cell::text(r.actor.as_str()),
                    Cell::text(r.action.as_str()),
                    Cell::text(r.entity.as_str()),
                    Cell::code(r.entity_id.as_str()),
                    Cell::text(r.year.as_str()),
                    Cell::text(r.old.as_str()),
                    Cell::text(r.new.as_str()),
                ]
            })
            .collect(),
        total: None,
    };
    crate::export::list::workbook(&list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_words_and_amounts_in_yuan() {
        let v = json!({ "state": "returned", "amount_fen": 123_456, "paid": true });
        assert_eq!(describe(&v), "金额：1,234.56 元；已拨付：是；状态：已退回");
        let q = Query { entity: Some("项目".into()), action: Some("提交申请".into()), ..Query::default() };
        let r = resolve(&q);
        assert_eq!((r.entity.as_deref(), r.action.as_deref()), (Some("project"), Some("project.submit")));
    }
}
