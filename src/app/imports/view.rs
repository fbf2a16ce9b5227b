//! The preview as its page shows it (issue 17 item 3): the errors with repeated ones of one
//! kind summarised in one line with their rows (a regiment's division-wide file gives one
//! line "56 行不属于红星二场…：第 3–58 行", not 56), and the projects 50 a page, those
//! that will not be imported first, amounts with thousands separators. It reads the stored
//! preview (docs/cli.md JSON with the check's findings); pure, no I/O.

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::{Money, Project};
use crate::export::report::formal::yuan;

/// Projects on a page of the preview.
pub const PAGE: usize = 50;

/// One line of the error table: one error, or several of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorLine {
    pub sheet: String,
    /// `7`, or `56 行` for several (the message names them: `第 3–58、60 行`).
    pub rows: String,
    pub column: String,
    /// The value found; empty when several rows are summarised.
    pub value: String,
    pub message: String,
    pub count: usize,
}

/// The message without its place (`第7行 身份证号 "…"：`), as `RowError::sheet` wrote it.
fn what(e: &Value) -> String {
    let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    let (row, column, value, message) =
        (e["row"].as_u64().unwrap_or(0), text("column"), text("value"), text("message"));
    let place = if column.is_empty() { format!("第{row}行") } else { format!("第{row}行 {column}") };
    let prefix = if value.is_empty() { format!("{place}：") } else { format!("{place} \"{value}\"：") };
    message.strip_prefix(&prefix).map_or(message.clone(), ToString::to_string)
}

/// Rows as ranges: `3–58、60`.
#[must_use]
pub fn ranges(rows: &[u64]) -> String {
    let mut rows = rows.to_vec();
    rows.sort_unstable();
    rows.dedup();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        out.push(if i == j { rows[i].to_string() } else { format!("{}–{}", rows[i], rows[j]) });
        i = j + 1;
    }
    out.join("、")
}

/// A kind of error: its sheet, its column and its message but for the place.
type Kind = (String, String, String);

/// The preview's errors, those of one kind (sheet, column and message but for the place)
/// summarised in one line, in the order each kind first appears. Whole-file errors (row 0)
/// stay one a line.
#[must_use]
pub fn error_lines(errors: &[Value]) -> Vec<ErrorLine> {
    let mut kinds: Vec<(Kind, Vec<&Value>)> = Vec::new();
    for e in errors {
        let text = |k: &str| e[k].as_str().unwrap_or_default().to_string();
        let kind = (text("sheet"), text("column"), what(e));
        let whole_file = e["row"].as_u64().unwrap_or(0) == 0;
        match kinds.iter_mut().find(|(k, _)| !whole_file && *k == kind) {
            Some((_, all)) => all.push(e),
            None => kinds.push((kind, vec![e])),
        }
    }
    kinds
        .into_iter()
        .map(|((sheet, column, what), all)| {
            let rows: Vec<u64> = all.iter().map(|e| e["row"].as_u64().unwrap_or(0)).collect();
            let one = all.len() == 1;
            ErrorLine {
                sheet,
                rows: if one { ranges(&rows) } else { format!("{} 行", all.len()) },
                column,
                value: if one { all[0]["value"].as_str().unwrap_or_default().to_string() } else { String::new() },
                message: if one {
                    all[0]["message"].as_str().unwrap_or_default().to_string()
                } else {
                    format!("{} 行{what}：第 {} 行", all.len(), ranges(&rows))
                },
                count: all.len(),
            }
        })
        .collect()
}

/// One project of the preview's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectLine {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub leader: String,
    /// The engine's status in words, or 不导入 for a project left out.
    pub status: String,
    pub requested: String,
    pub granted: String,
    pub loans: usize,
    /// Why it will not be imported; empty for one that will.
    pub why: String,
}

/// A page of the preview's projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectPage {
    pub lines: Vec<ProjectLine>,
    pub page: usize,
    pub pages: usize,
    /// Projects on all pages, those left out included.
    pub total: usize,
}

fn money(v: &Value) -> String {
    v.as_str().and_then(|s| s.parse::<Money>().ok()).map(yuan).unwrap_or_default()
}

/// Page `page` (from 1) of the preview's projects: those left out first, then those it
/// imports in the workbook's order.
#[must_use]
pub fn projects(preview: &Value, page: usize) -> ProjectPage {
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let faulty = preview["faulty"].as_array().map_or(&[][..], Vec::as_slice);
    let valid = preview["projects"].as_array().map_or(&[][..], Vec::as_slice);
    let total = faulty.len() + valid.len();
    let pages = total.div_ceil(PAGE).max(1);
    let page = page.clamp(1, pages);
    let left_out = faulty.iter().map(|f| ProjectLine {
        key: text(f, "key"),
        name: text(f, "name"),
        unit: text(f, "unit"),
        leader: text(f, "leader"),
        status: "不导入".into(),
        requested: String::new(),
        granted: String::new(),
        loans: usize::try_from(f["loans"].as_u64().unwrap_or(0)).unwrap_or(0),
        why: text(f, "why"),
    });
    let imported = valid.iter().map(|p| ProjectLine {
        key: text(p, "key"),
        name: text(p, "name"),
        unit: text(p, "unit"),
        leader: text(p, "leader"),
        status: crate::labels::status(p["status"].as_str().unwrap_or_default()).unwrap_or("—").into(),
        requested: money(&p["requested"]),
        granted: money(&p["granted"]),
        loans: p["loans"].as_array().map_or(0, Vec::len),
        why: String::new(),
    });
    let lines = left_out.chain(imported).skip((page - 1) * PAGE).take(PAGE).collect();
    ProjectPage { lines, page, pages, total }
}

/// Each previewed project's 团场 and 负责人, beside its key and name in the stored preview
/// (`projects` in the order of the document's, as `export::json::document` zips them).
pub fn add_people(document: &mut Value, projects: &[Project]) {
    if let Some(listed) = document["projects"].as_array_mut() {
        for (entry, p) in listed.iter_mut().zip(projects) {
            if let Value::Object(o) = entry {
                o.insert("unit".into(), json!(p.applicant.unit));
                o.insert("leader".into(), json!(p.applicant.leader));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_ranges() {
        assert_eq!(ranges(&[5, 3, 4, 8, 10, 11]), "3–5、8、10–11");
        assert_eq!(ranges(&[7]), "7");
    }

    #[test]
    fn errors_of_one_kind_are_one_line() {
        let e = |row: u32, value: &str| {
            serde_json::to_value(crate::import::RowError::sheet("贷款", row, "团场", value, "不属于红星二场")).unwrap()
        };
        let mut errors: Vec<Value> = (3..=58).map(|r| e(r, if r % 2 == 0 { "一团" } else { "二团" })).collect();
        errors.push(e(60, "x"));
        let lines = error_lines(&errors);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].message, "57 行不属于红星二场：第 3–58、60 行");
        assert_eq!(lines[0].count, 57);
    }

    #[test]
    fn left_out_projects_come_first_fifty_a_page() {
        let valid: Vec<Value> = (0..60)
            .map(|i| json!({"key": format!("P{i}"), "status": "eligible", "requested": "1234.5", "loans": []}))
            .collect();
        let preview = json!({"projects": valid, "faulty": [{"key": "X", "why": "不属于", "loans": 2}]});
        let first = projects(&preview, 1);
        assert_eq!((first.pages, first.total, first.lines.len()), (2, 61, 50));
        assert_eq!(first.lines[0].key, "X");
        assert_eq!(first.lines[1].requested, "1,234.50");
        assert_eq!(projects(&preview, 2).lines.len(), 11);
        assert_eq!(projects(&preview, 9).page, 2);
    }
}
