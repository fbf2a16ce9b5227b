//! Merged cells of an .ods file (workbook.md: a merged cell's value holds for every row
//! it spans). calamine reads the covered cells as empty and does not report the spans,
//! so they are read here from `content.xml`: a `table:table-cell` with
//! `table:number-rows-spanned` or `table:number-columns-spanned`.

use std::io::{Cursor, Read};

use calamine::Dimensions;

use super::{MAX_COLUMNS, MAX_ROWS};

/// The most of `content.xml` read; the guard has already refused anything larger.
const MAX_CONTENT: u64 = 256 << 20;

/// The merged regions of each sheet, by sheet name; empty when the file has none or
/// cannot be read (calamine then reports the file as unreadable on its own).
#[must_use]
pub fn merged(bytes: &[u8]) -> Vec<(String, Vec<Dimensions>)> {
    let mut content = String::new();
    let read = zip::ZipArchive::new(Cursor::new(bytes)).ok().and_then(|mut zip| {
        let entry = zip.by_name("content.xml").ok()?;
        entry.take(MAX_CONTENT).read_to_string(&mut content).ok()
    });
    if read.is_none() {
        return Vec::new();
    }
    scan(&content)
}

/// Walk the tags of `content.xml`, counting rows and columns as the spec's repeats say.
fn scan(xml: &str) -> Vec<(String, Vec<Dimensions>)> {
    let mut sheets: Vec<(String, Vec<Dimensions>)> = Vec::new();
    let (mut row, mut col, mut row_repeat) = (0_u32, 0_u32, 1_u32);
    for tag in xml.split('<').skip(1).filter_map(|t| t.split_once('>').map(|t| t.0)) {
        let closed = tag.ends_with('/');
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or_default();
        match name {
            "table:table" if !closed => {
                sheets.push((attr(tag, "table:name").unwrap_or_default(), Vec::new()));
                row = 0;
            }
            "table:table-row" => {
                col = 0;
                row_repeat = number(tag, "table:number-rows-repeated");
                if closed {
                    row = row.saturating_add(row_repeat);
                }
            }
            "" if tag.starts_with("/table:table-row") => row = row.saturating_add(row_repeat),
            "table:table-cell" | "table:covered-table-cell" => {
                if let (Some(span), Some((_, regions))) = (span(tag, row, col), sheets.last_mut()) {
                    regions.push(span);
                }
                col = col.saturating_add(number(tag, "table:number-columns-repeated"));
            }
            _ => {}
        }
    }
    sheets
}

/// The region a cell at (row, col) spans, when it spans more than itself.
fn span(tag: &str, row: u32, col: u32) -> Option<Dimensions> {
    let rows = number(tag, "table:number-rows-spanned");
    let cols = number(tag, "table:number-columns-spanned");
    let end = (row.saturating_add(rows - 1), col.saturating_add(cols - 1));
    ((rows > 1 || cols > 1) && row < MAX_ROWS && col < MAX_COLUMNS).then(|| Dimensions::new((row, col), end))
}

/// An attribute's value (quotes of either kind; the few entities a sheet name may hold).
fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}="))? + name.len() + 1;
    let quote = tag[at..].chars().next()?;
    let rest = &tag[at + 1..];
    let value = &rest[..rest.find(quote)?];
    Some(
        value
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// A count attribute, 1 when absent or unreadable.
fn number(tag: &str, name: &str) -> u32 {
    attr(tag, name).and_then(|v| v.parse().ok()).filter(|&n| n >= 1).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_placed_by_counting_repeated_rows_and_columns() {
        let xml = r#"<office:body><table:table table:name="申报汇总表"><table:table-column table:number-columns-repeated="3"/>
            <table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>
            <table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-rows-spanned="3" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>
            <table:table-row><table:covered-table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"/></table:table-row>
            </table:table><table:table table:name='还款'><table:table-row/></table:table></office:body>"#;
        let sheets = scan(xml);
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].0, "申报汇总表");
        assert_eq!(sheets[0].1, [Dimensions::new((3, 2), (5, 2)), Dimensions::new((4, 0), (4, 1))]);
        assert_eq!(sheets[1], ("还款".to_string(), Vec::new()));
    }
}
