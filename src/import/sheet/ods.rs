//! What calamine's ODS reader needs done first. Merged cells (docs/workbook.md: a merged cell's
//! value holds for every row it spans): calamine reads the covered cells as empty and does
//! not report the spans, so they are read here from `content.xml` (a `table:table-cell`
//! with `table:number-rows-spanned` or `table:number-columns-spanned`). And whitespace
//! between elements: calamine 0.38 expects nothing but cells between a row's tags and
//! refuses the indentation Gnumeric writes, so `content.xml` is read without it
//! (`Squeeze`, also used by the upload guard as it keeps the inflated parts).

use std::borrow::Cow;
use std::io::{Cursor, Read, Write};

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

/// Drops the whitespace between elements of an XML text fed to it in chunks, except
/// inside a paragraph (`text:p`, `text:h`), where it is the cell's text. Attribute values
/// pass unchanged. A few bytes of state: it never holds a document.
#[derive(Debug, Default)]
pub struct Squeeze {
    in_tag: bool,
    quote: Option<u8>,
    /// The tag's name, while it is being read (at most `NAME` bytes are kept).
    name: Vec<u8>,
    naming: bool,
    closing: bool,
    last: u8,
    /// How many paragraphs are open.
    paragraphs: u32,
}

impl Squeeze {
    const NAME: usize = 16;

    /// The chunk without its whitespace between elements, appended to `out`.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        for &b in chunk {
            if self.in_tag {
                out.push(b);
                self.tag_byte(b);
            } else if b == b'<' {
                out.push(b);
                (self.in_tag, self.naming, self.closing, self.quote) = (true, true, false, None);
                self.name.clear();
            } else if self.paragraphs > 0 || !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                out.push(b);
            }
        }
    }

    fn tag_byte(&mut self, b: u8) {
        if self.naming {
            match b {
                b'/' if self.name.is_empty() => self.closing = true,
                b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/' => self.naming = false,
                _ if self.name.len() < Self::NAME => self.name.push(b),
                _ => {}
            }
        }
        match (self.quote, b) {
            (Some(q), _) if q == b => self.quote = None,
            (None, b'"' | b'\'') => self.quote = Some(b),
            (None, b'>') => {
                self.in_tag = false;
                if matches!(self.name.as_slice(), b"text:p" | b"text:h") {
                    if self.closing {
                        self.paragraphs = self.paragraphs.saturating_sub(1);
                    } else if self.last != b'/' {
                        self.paragraphs += 1;
                    }
                }
            }
            _ => {}
        }
        self.last = b;
    }
}

/// The .ods with its `content.xml` squeezed (`Squeeze`), every part stored; the bytes as
/// they are when the zip cannot be read (calamine then says so).
#[must_use]
pub fn squeezed(bytes: &[u8]) -> Cow<'_, [u8]> {
    let copy = || -> Option<Vec<u8>> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() * 4)));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).ok()?;
            let name = entry.name().ok()?.to_string();
            if entry.is_dir() {
                out.add_directory(name, options).ok()?;
                continue;
            }
            let mut inflated = Vec::new();
            (&mut entry).take(MAX_CONTENT).read_to_end(&mut inflated).ok()?;
            if name == "content.xml" {
                let mut squeezed = Vec::with_capacity(inflated.len());
                Squeeze::default().feed(&inflated, &mut squeezed);
                inflated = squeezed;
            }
            out.start_file(name, options).ok()?;
            out.write_all(&inflated).ok()?;
        }
        out.finish().ok().map(Cursor::into_inner)
    };
    copy().map_or(Cow::Borrowed(bytes), Cow::Owned)
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

    #[test]
    fn whitespace_between_elements_goes_and_a_paragraphs_text_stays() {
        let xml = "<?xml version=\"1.0\"?>\n<table:table-row>\n  <table:table-cell office:value-type=\"string\">\n    <text:p>a  b <text:span>c</text:span> d</text:p>\n  </table:table-cell>\n  <table:table-cell a=' x > y '/>\n <text:p/> <x/>\n</table:table-row>\n";
        let mut out = Vec::new();
        let mut squeeze = Squeeze::default();
        for chunk in xml.as_bytes().chunks(7) {
            squeeze.feed(chunk, &mut out);
        }
        let expected = "<?xml version=\"1.0\"?><table:table-row><table:table-cell office:value-type=\"string\"><text:p>a  b <text:span>c</text:span> d</text:p></table:table-cell><table:table-cell a=' x > y '/><text:p/><x/></table:table-row>";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
