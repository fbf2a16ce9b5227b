//! The statement lines of one or more files against the round (docs/workbook.md: "Overlapping
//! periods of one contract, or a contract the round does not hold, are errors at their
//! row"), and into the engine's facts.

use std::collections::{HashMap, HashSet};

use super::{Line, Statement};
use crate::engine::facts::StatementLine;
use crate::import::RowError;

/// What the statements give the engine, and what is wrong with them.
#[derive(Debug, Clone, Default)]
pub struct Assembled {
    /// By contract number, for `engine::Facts::statements`; no contract of `touched`.
    pub lines: HashMap<String, Vec<StatementLine>>,
    /// Every problem: each file's own, the lines of unknown contracts and the overlapping
    /// periods, by file, sheet and row.
    pub errors: Vec<RowError>,
    /// Contracts whose statement has a problem: their certified interest is not known, so
    /// the projects that hold them are left out of a calculation (docs/cli.md).
    pub touched: HashSet<String>,
}

/// Check the lines of `files` (in the order given) against the round's contracts (`known`)
/// and each other: a line of a contract the round does not hold is an error at its row,
/// as is a period of a contract that overlaps one starting before it (or as early, on an
/// earlier row), in any of the files.
#[must_use]
pub fn assemble(files: &[Statement], known: impl Fn(&str) -> bool) -> Assembled {
    let mut out = Assembled::default();
    for f in files {
        out.touched.extend(f.touched.iter().cloned());
    }
    let mut found: Vec<(At, RowError)> = Vec::new();
    let mut by_contract: HashMap<&str, Vec<At>> = HashMap::new();
    for (file, f) in files.iter().enumerate() {
        for (i, line) in f.lines.iter().enumerate() {
            if known(&line.contract_no) {
                by_contract.entry(line.contract_no.as_str()).or_default().push((file, i));
            } else {
                let what = "本年度没有这个贷款合同：请核对编号（申报表中没有该合同，或其项目因错误未计入）";
                found.push(((file, i), error(f, line, Column::ContractNo, what.to_string())));
            }
        }
    }
    for (contract, at) in by_contract {
        let overlaps = overlapping(files, at);
        if !overlaps.is_empty() {
            out.touched.insert(contract.to_string());
        }
        found.extend(overlaps);
    }
    out.errors = in_order(files, found);
    for f in files {
        for l in f.lines.iter().filter(|l| known(&l.contract_no) && !out.touched.contains(&l.contract_no)) {
            let line = StatementLine { from: l.from, to: l.to, paid: l.paid };
            out.lines.entry(l.contract_no.clone()).or_default().push(line);
        }
    }
    out
}

/// Each file's own errors and those `found` among its lines, by file, then sheet (in the
/// order the file has them), then row.
fn in_order(files: &[Statement], found: Vec<(At, RowError)>) -> Vec<RowError> {
    let own = files.iter().enumerate().flat_map(|(file, f)| f.errors.iter().map(move |e| (file, e.clone())));
    let mut all: Vec<(usize, RowError)> = own.chain(found.into_iter().map(|((file, _), e)| (file, e))).collect();
    let rank = |file: usize, sheet: &str| files[file].sheets.iter().position(|s| s.name == sheet).map_or(0, |i| i + 1);
    all.sort_by_cached_key(|(file, e)| (*file, rank(*file, &e.sheet), e.row));
    all.into_iter().map(|(_, e)| e).collect()
}

/// A line: its file and its place among the file's lines.
type At = (usize, usize);

/// The lines of one contract (`at`) whose period overlaps one that starts before it, or as
/// early in an earlier file or row: an error each, at the later line.
fn overlapping(files: &[Statement], mut at: Vec<At>) -> Vec<(At, RowError)> {
    let line = |(file, i): At| &files[file].lines[i];
    at.sort_by_key(|&(file, i)| (line((file, i)).from, file, i));
    let mut found = Vec::new();
    // The line that reaches furthest so far.
    let mut reach: Option<At> = None;
    for here in at {
        let this = line(here);
        match reach {
            Some(before) if this.from <= line(before).to => {
                let other = line(before);
                let what = format!(
                    "计息期与工作表“{}”第{}行的计息期（{} 至 {}）重叠：同一合同的计息期不能重复",
                    files[before.0].sheets[other.sheet].name, other.row, other.from, other.to
                );
                found.push((here, error(&files[here.0], this, Column::From, what)));
                if this.to > other.to {
                    reach = Some(here);
                }
            }
            _ => reach = Some(here),
        }
    }
    found
}

#[derive(Clone, Copy)]
enum Column {
    ContractNo,
    From,
}

fn error(file: &Statement, line: &Line, column: Column, what: String) -> RowError {
    let sheet = &file.sheets[line.sheet];
    let (written, key, value) = match column {
        Column::ContractNo => (&sheet.contract_no, "contract_no", line.contract_no.clone()),
        Column::From => (&sheet.from, "from", line.from.to_string()),
    };
    RowError::sheet(&sheet.name, line.row, written, &value, what).with_key(key)
}
