//! Bytes and text → engine inputs: the applicant workbook (docs/workbook.md) and the policy
//! file (policy.example.toml). Every row problem is data (`RowError`); only a file that
//! cannot be read at all is an `ImportError`. No database, no HTTP, no subsidy arithmetic.

pub mod assemble;
pub mod bank_return;
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
pub mod projects;
pub mod rows;
pub mod sheet;
pub mod statements;

use serde::{Deserialize, Serialize};

use crate::engine::Project;
// The policy file's reader sits below import and storage (`crate::policy`); kept here too,
// where every caller has always found it.
pub use crate::policy::policy;
pub use sheet::Format;

/// One problem in the workbook (docs/cli.md `errors`). `isolate` reads it back from JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub sheet: String,
    /// The row as Excel shows it (1-based).
    pub row: u32,
    /// The column's header as written.
    pub column: String,
    /// The column's key in docs/workbook.md (`id_number`), when known.
    pub key: Option<&'static str>,
    /// The value as found.
    pub value: String,
    /// A Chinese message that says what to change.
    pub message: String,
}

impl RowError {
    /// A problem with a cell: `第7行 身份证号 "…"：校验位错误，请核对号码`.
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
    /// A cell that holds a value beyond the business maximum, in a sheet that is read.
    #[error("工作表“{sheet}”第{row}行第{col}列超出处理上限（最多 {max_rows} 行、{max_cols} 列）：单元格 {cell} 有内容，请删除超出范围的内容，或把数据移到前 {max_cols} 列、前 {max_rows} 行后再上传", max_rows = sheet::MAX_ROWS, max_cols = sheet::MAX_COLUMNS, cell = cell_name(*row, *col))]
    TooLarge { sheet: String, row: u32, col: u32 },
    /// A workbook protected by a password to open (re-saving keeps the password).
    #[error("文件设置了打开密码（已加密），无法读取：请用 Excel 或 WPS 打开文件，在“文件→信息→保护工作簿→用密码进行加密”中清空密码并保存（另存为不会去掉密码），再上传")]
    Encrypted,
    /// A web page saved with the name of a workbook (many systems export “Excel” so).
    #[error(
        "这个文件其实是网页（HTML），只是扩展名像表格：请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx）后再上传"
    )]
    Html,
    /// Excel 2003's XML spreadsheet, which calamine does not read.
    #[error("这个文件是 Excel 2003 XML 表格，不是 .xls 或 .xlsx：请用 Excel 或 WPS 打开它，“另存为”Excel 工作簿（.xlsx）后再上传")]
    SpreadsheetXml,
    /// Text in UTF-16 (Excel's “Unicode 文本”).
    #[error("这个 CSV 文件是 UTF-16（Unicode 文本）编码，无法读取：请用 Excel 或 WPS 打开它，“另存为”CSV UTF-8（逗号分隔）或 Excel 工作簿（.xlsx）后再上传")]
    Utf16,
    #[error("文件过大或结构异常（{0}），已拒绝处理")]
    Hostile(String),
    #[error("工作簿中没有工作表")]
    NoSheet,
    /// The parser's child process could not be started or spoken to (`isolate`); the
    /// cause is kept for the log, never shown to the user.
    #[error("无法启动解析进程，请稍后重试或联系管理员")]
    Worker(String),
}

/// A cell's name as Excel shows it (`AMJ1006`), from its 1-based row and column.
#[must_use]
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col;
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &row.to_string()
}

impl ImportError {
    /// An unreadable file; the cause is kept for the log, never shown to the user.
    pub fn unreadable(cause: &dyn std::fmt::Display) -> ImportError {
        ImportError::Unreadable(cause.to_string())
    }
}

/// What the round asks of every workbook beyond its format, and what the importer knows
/// of the round.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Options {
    /// docs/workbook.md: a blank 是否工会会员 is an error where the round requires members.
    pub require_union_member: bool,
    /// The round's interest window (start, end), which decides the century of a
    /// two-digit year (`24年9月12日`, docs/workbook.md "Dates"); without it such a date is an
    /// error.
    #[serde(default)]
    pub window: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

impl Options {
    /// The options of a round's policy.
    #[must_use]
    pub fn of(policy: &crate::engine::Policy) -> Options {
        Options {
            require_union_member: policy.require_union_member,
            window: Some((policy.window.start, policy.window.end)),
        }
    }

    /// The first and last year of the round's window.
    #[must_use]
    pub fn round_years(&self) -> Option<(i32, i32)> {
        use chrono::Datelike;
        self.window.map(|(start, end)| (start.year(), end.year().max(start.year())))
    }
}

/// The payee of a project (docs/workbook.md: 收款户名, 开户银行, 银行账号), as the workbook gives
/// it: text trimmed, the account's digits only; blank where the workbook leaves it blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payee {
    pub name: String,
    pub bank: String,
    pub account: String,
}

/// The projects without errors, in workbook order, and every problem found.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parsed {
    #[serde(deserialize_with = "sized::projects")]
    pub projects: Vec<Project>,
    pub errors: Vec<RowError>,
    /// Projects left out because they have errors.
    pub rejected: usize,
    /// The name of the Loans sheet, where the projects' rows are.
    pub sheet: String,
    /// The text above the Loans sheet's header (its title), which may name a year.
    pub title: String,
    /// The payee of each project (by its key) whose rows give one; the engine never sees
    /// them.
    #[serde(default)]
    pub payees: std::collections::BTreeMap<String, Payee>,
}

/// The projects of an answer read back at their full number at once (`isolate`): serde
/// reserves at most a mebibyte for a sequence and grows it by doubling, each step a copy
/// of every project so far into fresh memory (100,000 projects are 20 MB).
mod sized {
    use serde::de::{Deserializer, SeqAccess, Visitor};

    use crate::engine::Project;

    pub(super) fn projects<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Project>, D::Error> {
        deserializer.deserialize_seq(Projects)
    }

    struct Projects;

    impl<'de> Visitor<'de> for Projects {
        type Value = Vec<Project>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a list of projects")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Project>, A::Error> {
            // Every project has a row: a declared length beyond the rows a sheet may have
            // is not believed (the child is the one that parsed a hostile file).
            let room = seq.size_hint().unwrap_or(0).min(super::sheet::MAX_ROWS as usize);
            let mut projects = Vec::with_capacity(room);
            while let Some(project) = seq.next_element()? {
                projects.push(project);
            }
            Ok(projects)
        }
    }
}

impl Parsed {
    /// The payee the workbook gives for a project, by the project's key.
    #[must_use]
    pub fn payee(&self, key: &str) -> Option<&Payee> {
        self.payees.get(key)
    }
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
    if is_utf16(head) {
        return Err(ImportError::Utf16);
    }
    let text_like = !head.contains(&0) && !head.starts_with(b"%PDF");
    if !text_like {
        return Err(ImportError::UnknownFormat);
    }
    match markup(head) {
        Some(e) => Err(e),
        None => Ok(Format::Csv),
    }
}

/// Text in UTF-16: its byte-order mark, or a NUL beside every ASCII character.
fn is_utf16(head: &[u8]) -> bool {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let pairs = head.len() / 2;
    let nul_at = |odd: usize| head.chunks_exact(2).filter(|p| p[odd] == 0 && p[1 - odd] != 0).count();
    pairs >= 4 && (nul_at(0) * 4 >= pairs * 3 || nul_at(1) * 4 >= pairs * 3)
}

/// A web page or Excel 2003 XML spreadsheet, told by its first tags.
fn markup(head: &[u8]) -> Option<ImportError> {
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)).to_ascii_lowercase();
    let start = text.trim_start();
    if start.starts_with("mime-version:") {
        return Some(ImportError::Html);
    }
    if !start.starts_with('<') {
        return None;
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") && !text.contains("<html") {
        return Some(ImportError::SpreadsheetXml);
    }
    ["<html", "<!doctype html", "<table", "<head", "<body", "<meta"]
        .iter()
        .any(|t| text.contains(t))
        .then_some(ImportError::Html)
}

/// Read an applicant workbook (docs/workbook.md).
///
/// # Errors
/// Only when the file cannot be read as a workbook at all.
pub fn workbook(bytes: &[u8], options: &Options) -> Result<Parsed, ImportError> {
    let format = detect(bytes)?;
    sheet::parse(bytes, format, sheet::may_merge(bytes, format), *options)
}
