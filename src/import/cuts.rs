//! Review cuts (核减, docs/rules.md §9) from a CSV file, for `tiexi calc --cuts`: a header row
//! `contract_no,excluded,amount,reason,text` (or the Chinese names below), then one row per
//! cut loan (docs/facts.md). UTF-8 or GBK, like the applicant CSV. Every problem is a
//! `RowError` at its line and column.

use std::collections::{HashMap, HashSet};

use super::cells::{self, Value};
use super::RowError;
use crate::engine::facts::{Cut, CutLimit, CutReason};

/// The columns: key, then the names accepted for it.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("contract_no", &["contract_no", "贷款合同编号", "合同编号"]),
    ("excluded", &["excluded", "不予贴息", "剔除"]),
    ("amount", &["amount", "核定金额", "核减后金额"]),
    ("reason", &["reason", "核减原因", "原因"]),
    ("text", &["text", "说明", "备注"]),
];

/// The cuts read, and what is wrong with the file.
#[derive(Debug, Clone, Default)]
pub struct Cuts {
    /// By contract number, for `engine::Facts::cuts`; no contract of `touched`.
    pub cuts: HashMap<String, Cut>,
    pub errors: Vec<RowError>,
    /// Contracts with a row that could not be read: what the reviewer meant is not known,
    /// so a calculation leaves their projects out (docs/cli.md).
    pub touched: HashSet<String>,
}

/// Read a cuts file; `sheet` names it in errors, `known` tells the round's contracts.
#[must_use]
pub fn read(bytes: &[u8], sheet: &str, known: impl Fn(&str) -> bool) -> Cuts {
    let text = super::csv::decode(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Cuts::default();
    let mut records = reader.records();
    let Some(Ok(first)) = records.next() else {
        out.errors.push(RowError::sheet(sheet, 1, "", "", "缺少表头行：contract_no,excluded,amount,reason,text"));
        return out;
    };
    let header: Vec<String> = first.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
    let slots: Vec<Option<usize>> =
        COLUMNS.iter().map(|(_, names)| header.iter().position(|h| names.contains(&h.as_str()))).collect();
    for (slot, (key, names)) in slots.iter().zip(COLUMNS) {
        if slot.is_none() && matches!(key, "contract_no" | "reason") {
            let what = format!("缺少“{}”列：请在表头行添加该列并填写", names[0]);
            out.errors.push(RowError::sheet(sheet, 1, names[0], "", what));
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    for (i, record) in records.enumerate() {
        let line = u32::try_from(i + 2).unwrap_or(u32::MAX);
        let Ok(record) = record else {
            out.errors.push(RowError::sheet(sheet, line, "", "", "这一行无法读取，请检查引号和分隔符"));
            continue;
        };
        let cell = |k: usize| slots[k].and_then(|s| record.get(s)).map(str::trim).unwrap_or_default();
        if (0..COLUMNS.len()).all(|k| cell(k).is_empty()) {
            continue;
        }
        let row =
            Row { sheet, line, header: &header, slots: &slots, cells: [cell(0), cell(1), cell(2), cell(3), cell(4)] };
        row.read(&known, &mut out);
    }
    out
}

/// One line of the file.
struct Row<'a> {
    sheet: &'a str,
    line: u32,
    header: &'a [String],
    slots: &'a [Option<usize>],
    /// By the order of `COLUMNS`.
    cells: [&'a str; 5],
}

impl Row<'_> {
    fn read(&self, known: &impl Fn(&str) -> bool, out: &mut Cuts) {
        let before = out.errors.len();
        let contract: String = self.cells[0].chars().filter(|c| !c.is_whitespace()).collect();
        if contract.is_empty() {
            self.error(0, "必须填写贷款合同编号", out);
            return;
        }
        if !known(&contract) {
            self.error(0, "本年度没有这个贷款合同：请核对编号（申报表中没有该合同，或其项目因错误未计入）", out);
            return;
        }
        if out.cuts.contains_key(&contract) || out.touched.contains(&contract) {
            self.error(0, "同一合同只能有一行核减", out);
            out.cuts.remove(&contract);
            out.touched.insert(contract);
            return;
        }
        let limit = self.limit(out);
        let reason = CutReason::parse(self.cells[3]);
        if reason.is_none() {
            self.error(3, "核减原因应为 材料不全、贷款用途不符、逾期未还、非本年度贷款 或 其他", out);
        }
        let text = self.cells[4].to_string();
        if reason == Some(CutReason::Other) && text.is_empty() {
            self.error(4, "核减原因为“其他”时必须填写说明", out);
        }
        match (limit, reason) {
            (Some(limit), Some(reason)) if out.errors.len() == before => {
                out.cuts.insert(contract, Cut { limit, reason, text });
            }
            _ => {
                out.touched.insert(contract);
            }
        }
    }

    /// Excluded, or an amount ≥ 0; never both, never neither.
    fn limit(&self, out: &mut Cuts) -> Option<CutLimit> {
        let excluded =
            if self.cells[1].is_empty() { Ok(None) } else { cells::yes_no(&Value::Text(self.cells[1].to_string())) };
        let amount = cells::money(&Value::Text(self.cells[2].to_string()), None);
        match (excluded, amount) {
            (Err(m), _) => self.error(1, &m, out),
            (_, Err(m)) => self.error(2, &m, out),
            (Ok(Some(true)), Ok(Some(_))) => self.error(2, "不予贴息的贷款不能再填写核定金额：两项只能填一项", out),
            (Ok(Some(true)), Ok(None)) => return Some(CutLimit::Excluded),
            (Ok(_), Ok(Some(a))) if a.fen() < 0 => self.error(2, "核定金额不能为负数", out),
            (Ok(_), Ok(Some(a))) => return Some(CutLimit::Amount(a)),
            (Ok(_), Ok(None)) => self.error(2, "请填写核定金额，或在 excluded 列填写“是”表示不予贴息", out),
        }
        None
    }

    fn error(&self, column: usize, what: &str, out: &mut Cuts) {
        let written = self.slots[column].and_then(|s| self.header.get(s)).map_or(COLUMNS[column].1[0], String::as_str);
        let e = RowError::sheet(self.sheet, self.line, written, self.cells[column], what).with_key(COLUMNS[column].0);
        out.errors.push(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Money;

    fn yuan(s: &str) -> Money {
        s.parse().unwrap()
    }

    const KNOWN: [&str; 6] = ["C1", "C2", "C3", "C4", "C5", "C6"];

    fn known(c: &str) -> bool {
        KNOWN.contains(&c)
    }

    /// docs/facts.md: excluded or an amount, a reason from the list by its label or its
    /// code, text required with 其他.
    #[test]
    fn cuts_are_read_with_their_reasons() {
        let csv = "contract_no,excluded,amount,reason,text\n\
                   C1,是,,材料不全,\n\
                   C2,,\"1,234.50\",purpose_mismatch,\n\
                   C3,false,0.5万,其他,复核时发现重复申报\n\
                   \n";
        let r = read(csv.as_bytes(), "cuts.csv", known);
        assert_eq!(r.errors, vec![]);
        assert_eq!(r.cuts["C1"].limit, CutLimit::Excluded);
        assert_eq!(
            (r.cuts["C2"].limit, r.cuts["C2"].reason),
            (CutLimit::Amount(yuan("1234.50")), CutReason::PurposeMismatch)
        );
        assert_eq!(
            (r.cuts["C3"].limit, r.cuts["C3"].text.as_str()),
            (CutLimit::Amount(yuan("5000")), "复核时发现重复申报")
        );
    }

    /// Every problem at its line and column; the contract is touched.
    #[test]
    fn every_bad_row_is_an_error_at_its_line() {
        let csv = "贷款合同编号,不予贴息,核定金额,核减原因,说明\n\
                   C1,是,100,材料不全,\n\
                   C2,,,材料不全,\n\
                   C3,,1.005,材料不全,\n\
                   C4,,10,太贵,\n\
                   C5,,10,其他,\n\
                   X9,是,,材料不全,\n\
                   C6,是,,逾期未还,\n\
                   C6,是,,逾期未还,\n\
                   ,是,,逾期未还,\n";
        let r = read(csv.as_bytes(), "核减.csv", known);
        let got: Vec<(u32, &str)> = r.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (2, "核定金额"),
                (3, "核定金额"),
                (4, "核定金额"),
                (5, "核减原因"),
                (6, "说明"),
                (7, "贷款合同编号"),
                (9, "贷款合同编号"),
                (10, "贷款合同编号")
            ]
        );
        assert!(r.errors.iter().all(|e| e.sheet == "核减.csv"));
        let mut touched: Vec<&str> = r.touched.iter().map(String::as_str).collect();
        touched.sort_unstable();
        assert_eq!(touched, vec!["C1", "C2", "C3", "C4", "C5", "C6"]);
        assert!(r.cuts.is_empty());
    }

    #[test]
    fn a_file_without_its_columns_is_one_error() {
        let r = read(b"contract,amount\nC1,5\n", "cuts.csv", known);
        assert_eq!(r.errors.iter().map(|e| e.column.as_str()).collect::<Vec<_>>(), vec!["contract_no", "reason"]);
        assert_eq!(read(b"", "cuts.csv", known).errors.len(), 1);
    }
}
