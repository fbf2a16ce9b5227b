//! CSV applicant files, in UTF-8 (with or without BOM) or GBK, as one sheet of text cells.

use super::cells::Value;
use super::sheet::Grid;
use super::ImportError;

/// The sheet name a CSV file gets: it is the Loans sheet.
pub const SHEET: &str = "申报汇总表";

/// Decode as UTF-8, else as GBK (what Excel on a Chinese Windows writes).
#[must_use]
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

/// The separator: a comma, unless the first lines hold more tabs or semicolons (Excel's
/// "text" export, and Excel in locales whose decimal mark is a comma).
fn delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(12).collect();
    let count = |c: char| head.matches(c).count();
    [b'\t', b';'].into_iter().find(|&d| count(char::from(d)) > count(',')).unwrap_or(b',')
}

/// Every record as a row of text cells.
///
/// # Errors
/// The CSV is malformed, or beyond the business maximum.
pub fn read(bytes: &[u8]) -> Result<Grid, ImportError> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut grid = Grid { name: SHEET.to_string(), ..Grid::default() };
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::unreadable(&e))?;
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        for (col, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                grid.put_text(row, u32::try_from(col).unwrap_or(u32::MAX), Value::Text(field.to_string()))?;
            }
        }
    }
    Ok(grid)
}
