use std::io::{Read, Write};

use super::*;
use crate::import::sheet::Format;

/// A sample workbook of `loans` loans, each worksheet's text passed through `edit`.
fn sample(loans: usize, edit: impl Fn(&str, String) -> String) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("book.xlsx");
    crate::sample::workbook(loans, 2024, &path).expect("written");
    let bytes = std::fs::read(&path).expect("read");
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).expect("a zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("a name").to_string();
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("text");
        let text = if name.contains("worksheets/") { edit(&name, text) } else { text };
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(text.as_bytes()).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// What the whole walk reads (the parts kept, then calamine).
fn whole(bytes: &[u8]) -> Result<Parsed, ImportError> {
    let (format, walked) = super::super::inspect(bytes, true)?;
    assert_eq!(format, Format::Xlsx);
    let stored = walked.stored.expect("kept");
    crate::import::sheet::parse_kept(stored, format, walked.kept, Options::default())
}

#[test]
fn a_streamed_workbook_reads_as_the_whole_walk() {
    let bytes = sample(400, |_, text| text);
    let streamed = workbook(&bytes, &Options::default()).expect("read").expect("streamed");
    let whole = whole(&bytes).expect("read whole");
    assert!(!streamed.projects.is_empty());
    assert_eq!(streamed.projects, whole.projects);
    assert_eq!(streamed.errors, whole.errors);
    assert_eq!((streamed.rejected, &streamed.title), (whole.rejected, &whole.title));
}

/// docs/hazards.md: a declaration anywhere in a worksheet is refused, also after the cells,
/// where calamine never reads.
#[test]
fn a_declaration_in_a_streamed_worksheet_is_refused() {
    let after_cells =
        sample(50, |_, text| text.replace("</worksheet>", "<!DOCTYPE x [<!ENTITY a \"b\">]></worksheet>"));
    assert_eq!(workbook(&after_cells, &Options::default()).map(|_| ()), Err(hostile("包含 DTD 或实体声明")));
    let before = sample(50, |_, text| text.replacen("<worksheet", "<!DOCTYPE x [<!ENTITY a \"b\">]><worksheet", 1));
    assert_eq!(workbook(&before, &Options::default()).map(|_| ()), Err(hostile("包含 DTD 或实体声明")));
    assert_eq!(super::super::workbook(&before, &Options::default()).map(|_| ()), Err(hostile("包含 DTD 或实体声明")));
}

/// A worksheet with formulas or merged cells is read by the whole walk, which knows them
/// before calamine reads the cells.
#[test]
fn formulas_and_merged_cells_leave_it_to_the_whole_walk() {
    let merged = sample(50, |_, text| {
        text.replace("</worksheet>", "<mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>")
    });
    assert!(workbook(&merged, &Options::default()).expect("read").is_none());
    let formulas = sample(50, |_, text| text.replacen("<v>", "<f>1+1</f><v>", 1));
    assert!(workbook(&formulas, &Options::default()).expect("read").is_none());
    assert!(super::super::workbook(&formulas, &Options::default()).is_ok());
}
