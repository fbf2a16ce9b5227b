//! `tiexi calc --statements FILE… --cuts FILE --history FILE` (docs/cli.md "Facts from outside
//! the workbook"): the inputs of docs/rules.md §9 read into `engine::Facts`. Problems with a
//! statement or a cut are errors of the calculation at their own sheet and row (exit 1),
//! and the projects whose loans they touch are left out, as for a workbook error; a
//! history that cannot be read makes the command unusable (exit 2).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::engine::Facts;
use crate::import::{self, cuts, statements, ImportError, Parsed, RowError};

/// Where the facts come from.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    pub statements: &'a [PathBuf],
    pub cuts: Option<&'a Path>,
    pub history: Option<&'a Path>,
}

/// Read the facts for the round in `parsed`; their errors join `parsed.errors` and the
/// projects they touch leave `parsed.projects`. `Err` is a message for standard error:
/// a file that cannot be read at all, or a history that is not one.
///
/// # Errors
/// As said.
pub fn read(exe: &Path, sources: &Sources<'_>, parsed: &mut Parsed) -> Result<Facts, String> {
    let mut facts = Facts::default();
    if let Some(path) = sources.history {
        let bytes = std::fs::read(path).map_err(|e| format!("无法读取往年贴息记录 {}：{e}", path.display()))?;
        facts.history =
            import::history::read(&bytes).map_err(|e| format!("往年贴息记录 {} 无效：{e}", path.display()))?;
    }
    let known: HashSet<String> = parsed.projects.iter().flat_map(|p| &p.loans).map(|l| l.contract_no.clone()).collect();
    let is_known = |c: &str| known.contains(c);
    let mut errors = Vec::new();
    let mut touched = HashSet::new();
    if !sources.statements.is_empty() {
        let mut files = Vec::with_capacity(sources.statements.len());
        for path in sources.statements {
            let bytes = import::guard::read(path).map_err(|e| format!("无法读取结息清单 {}：{e}", path.display()))?;
            match import::isolate::statements(exe, &bytes) {
                Ok(file) => files.push(file),
                Err(e) => errors.push(unreadable(path, &e)),
            }
        }
        let assembled = statements::assemble(&files, is_known);
        errors.extend(assembled.errors);
        touched.extend(assembled.touched);
        facts.statements = assembled.lines;
    }
    if let Some(path) = sources.cuts {
        let bytes = import::guard::read(path).map_err(|e| format!("无法读取核减清单 {}：{e}", path.display()))?;
        let read = cuts::read(&bytes, &name(path), is_known);
        errors.extend(read.errors);
        touched.extend(read.touched);
        facts.cuts = read.cuts;
    }
    leave_out(parsed, &touched);
    parsed.errors.extend(errors);
    Ok(facts)
}

/// docs/cli.md: the projects a problem touches are left out of the calculation.
fn leave_out(parsed: &mut Parsed, touched: &HashSet<String>) {
    if touched.is_empty() {
        return;
    }
    let before = parsed.projects.len();
    parsed.projects.retain(|p| !p.loans.iter().any(|l| touched.contains(&l.contract_no)));
    parsed.rejected += before - parsed.projects.len();
}

/// A statement file that cannot be read at all: one error, named by the file.
fn unreadable(path: &Path, e: &ImportError) -> RowError {
    let file = name(path);
    RowError { message: format!("结息清单 {file}：{e}"), sheet: file, ..crate::cli::fatal(e) }
}

/// The file's own name, as errors name a CSV file's only sheet.
fn name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}
