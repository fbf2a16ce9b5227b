//! Bytes and text → engine inputs: the applicant workbook (workbook.md) and the policy
//! file (policy.example.toml). Every row problem is data (`RowError`); only a file that
//! cannot be read at all is an `ImportError`. No database, no HTTP, no subsidy arithmetic.

pub mod assemble;
pub mod cells;
pub mod codes;
pub mod columns;
pub mod csv;
pub mod cuts;
pub mod events;
pub mod form;
pub mod guard;
pub mod header;
pub mod history;
pub mod isolate;
pub mod loans;
pub mod policy;
pub mod projects;
pub mod rows;
pub mod sheet;
pub mod statements;

use serde::{Deserialize, Serialize};

use crate::engine::Project;
pub use policy::policy;
pub use sheet::Format;

/// One problem in the workbook (cli.md `errors`). `isolate` reads it back from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub sheet: String,
    /// The row as Excel shows it (1-based).
    pub row: u32,
    /// The column's header as written.
    pub column: String,
    /// The column's key in workbook.md (`id_number`), when known.
    pub key: Option<&'static str>,
    /// The value as found.
    pub value: String,
    /// A Chinese message that says what to change.
    pub message: String,
}

impl RowError {
    /// A problem with a cell: `第7行 身份证号 "…"：校验位错误，应为 4`.
    #[must_use]
    pub fn cell(sheet: &str, row: u32, column: &str, value: &cells::Value, what: &str) -> RowError {
        RowError::sheet(sheet, row, column, &value.shown(), what)
    }

    /// A problem at a row and column whose value is given as text.
    #[must_use]
    pub fn sheet(sheet: &str, row: u32, column: &str, value: &str, what: impl std::fmt::Display) -> RowError {
        let place = if column.is_empty() { format!("第{row}行") } else { format!("第{row}行 {column}") };
        let message =
            if value.is_empty() { format!("{place}：{what}") } else { format!("{place} \"{value}\"：{what}") };
        RowError {
            sheet: sheet.to_string(),
            row,
            column: column.to_string(),
            key: None,
            value: value.to_string(),
            message,
        }
    }

    #[must_use]
    pub fn with_key(mut self, key: &'static str) -> RowError {
        self.key = Some(key);
        self
    }
}

/// A workbook that cannot be read at all (not a row problem).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ImportError {
    #[error("文件为空")]
    Empty,
    #[error("无法识别的文件格式：请上传 .xlsx、.xls、.ods 或 .csv 申报表")]
    UnknownFormat,
    #[error("文件已损坏或不是有效的表格文件，请用 Excel 或 WPS 重新保存后再上传")]
    Unreadable(String),
    #[error("工作表“{sheet}”第{row}行第{col}列超出处理上限（最多 {max_rows} 行、{max_cols} 列）", max_rows = sheet::MAX_ROWS, max_cols = sheet::MAX_COLUMNS)]
    TooLarge { sheet: String, row: u32, col: u32 },
    #[error("文件过大或结构异常（{0}），已拒绝处理")]
    Hostile(String),
    #[error("工作簿中没有工作表")]
    NoSheet,
    /// The parser's child process could not be started or spoken to (`isolate`); the
    /// cause is kept for the log, never shown to the user.
    #[error("无法启动解析进程，请稍后重试或联系管理员")]
    Worker(String),
}

impl ImportError {
    /// An unreadable file; the cause is kept for the log, never shown to the user.
    pub fn unreadable(cause: &dyn std::fmt::Display) -> ImportError {
        ImportError::Unreadable(cause.to_string())
    }
}

/// What the round asks of every workbook beyond its format.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Options {
    /// workbook.md: a blank 是否工会会员 is an error where the round requires members.
    pub require_union_member: bool,
}

/// The projects without errors, in workbook order, and every problem found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parsed {
    pub projects: Vec<Project>,
    pub errors: Vec<RowError>,
    /// Projects left out because they have errors.
    pub rejected: usize,
}

/// Tell the format from the first bytes (never from the file name).
///
/// # Errors
/// `Empty` or `UnknownFormat`.
pub fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An OpenDocument file names its mimetype first, uncompressed.
        let head = &bytes[..bytes.len().min(100)];
        let ods = head.windows(11).any(|w| w == b"opendocumen");
        return Ok(if ods { Format::Ods } else { Format::Xlsx });
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Format::Xls);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text_like = !head.contains(&0) && !head.starts_with(b"%PDF");
    if text_like {
        Ok(Format::Csv)
    } else {
        Err(ImportError::UnknownFormat)
    }
}

/// Read an applicant workbook (workbook.md).
///
/// # Errors
/// Only when the file cannot be read as a workbook at all.
pub fn workbook(bytes: &[u8], options: &Options) -> Result<Parsed, ImportError> {
    let format = detect(bytes)?;
    sheet::parse(bytes, format, sheet::may_merge(bytes, format), *options)
}
