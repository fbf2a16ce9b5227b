//! Earlier rounds (docs/rules.md §9) from the JSON of `tiexi calc --history`: the document that
//! `GET /api/v1/history` and `tiexi history --json` give (`engine::facts::History`,
//! docs/facts.md). Fields it does not know are ignored; identities are compared as the
//! applicant workbook writes them (trimmed, upper case).

use crate::engine::facts::History;

/// Read a history document.
///
/// # Errors
/// A Chinese message naming what is wrong (not JSON, a field of the wrong kind, an amount
/// with more than 2 decimals, days that end before they start).
pub fn read(bytes: &[u8]) -> Result<History, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "不是 UTF-8 编码的 JSON 文件".to_string())?;
    let raw: History = serde_json::from_str(text)
        .map_err(|e| format!("第{}行第{}列：不是有效的往年贴息记录（{}）", e.line(), e.column(), kind(&e)))?;
    let mut history = History { through: raw.through, ..History::default() };
    for (identity, grants) in raw.applicants {
        history.applicants.entry(normal(&identity)).or_default().extend(grants);
    }
    for (contract, days) in raw.contracts {
        if let Some(bad) = days.iter().find(|d| d.end <= d.start) {
            return Err(format!(
                "合同 {contract} 的 {} 年度贴息期 {} 至 {} 不成立：end 应晚于 start",
                bad.year, bad.start, bad.end
            ));
        }
        let contract: String = contract.chars().filter(|c| !c.is_whitespace()).collect();
        history.contracts.entry(contract).or_default().extend(days);
    }
    Ok(history)
}

/// The document as text, as `tiexi history --json` prints it.
///
/// # Errors
/// Never for a `History` (its keys are strings); kept as a `Result` for serde.
pub fn write(history: &History) -> serde_json::Result<String> {
    serde_json::to_string_pretty(history)
}

/// An identity as the workbook reader leaves it: no spaces, a lowercase `x` made `X`.
fn normal(identity: &str) -> String {
    identity.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
}

fn kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "JSON 格式错误",
        serde_json::error::Category::Data => "字段的类型或金额不对，金额应写成带两位以内小数的字符串，如 \"1200.50\"",
        serde_json::error::Category::Io => "读取失败",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Interval;

    #[test]
    fn a_history_reads_back_what_it_writes() {
        let text = r#"{"through": 2023,
          "applicants": {" 65010219800101123x ": [{"year": 2022, "project": "XX-2022-001", "granted": "1200.50"}]},
          "contracts": {"NX 1": [{"year": 2022, "project": "XX-2022-001", "start": "2022-01-01", "end": "2023-01-01"}]}}"#;
        let h = read(text.as_bytes()).unwrap();
        assert!(h.applicants.contains_key("65010219800101123X"));
        assert_eq!(h.subsidised(2023, "NX1").map(Interval::days).sum::<i64>(), 365);
        assert_eq!(read(write(&h).unwrap().as_bytes()).unwrap(), h);
    }

    #[test]
    fn a_bad_history_says_what_is_wrong() {
        for (text, part) in [
            ("{", "JSON 格式错误"),
            (r#"{"applicants": {"A": [{"year": 2022, "project": "P", "granted": 12}]}}"#, "金额"),
            (r#"{"applicants": {"A": [{"year": 2022, "project": "P", "granted": "1.005"}]}}"#, "金额"),
            (
                r#"{"contracts": {"C": [{"year": 2022, "project": "P", "start": "2022-02-01", "end": "2022-01-01"}]}}"#,
                "end 应晚于 start",
            ),
        ] {
            let e = read(text.as_bytes()).unwrap_err();
            assert!(e.contains(part), "{text}: {e}");
        }
    }
}
