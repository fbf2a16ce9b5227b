//! Structure-aware: the input is the XML of a one-sheet workbook's parts, zipped here, so
//! that mutations reach the XML readers (ours and calamine's) instead of breaking the
//! deflate stream. Input: worksheet, shared strings and workbook XML separated by NUL.
#![no_main]

mod contained;

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use tiexi::import::{guard, Options};
use zip::write::SimpleFileOptions;

const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const BOOK_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn book(data: &[u8]) -> Option<Vec<u8>> {
    let mut pieces = data.splitn(3, |&b| b == 0);
    let sheet = pieces.next().unwrap_or_default();
    let shared = pieces.next().unwrap_or_default();
    let workbook = pieces
        .next()
        .unwrap_or(br#"<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 5] = [
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", BOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, stored).ok()?;
        zip.write_all(bytes).ok()?;
    }
    Some(zip.finish().ok()?.into_inner())
}

fuzz_target!(init: contained::init(), |data: &[u8]| {
    if let Some(bytes) = book(data) {
        contained::run(|| guard::workbook(&bytes, &Options::default()));
    }
});
