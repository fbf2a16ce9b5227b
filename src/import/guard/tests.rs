use std::io::Write;

use super::*;

/// A zip of (name, text) entries, deflated.
fn zip_of(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in entries {
        zip.start_file(*name, options).expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

const WORKBOOK: &str = r#"<workbook><sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="申报汇总表" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
const RELS: &str = r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>"#;

#[test]
fn an_upload_over_the_size_limit_is_refused_before_anything_else() {
    let big = vec![b'a'; MAX_UPLOAD + 1];
    assert_eq!(check(&big), Err(hostile("文件超过 20 MB")));
    assert_eq!(check(&big[..MAX_UPLOAD]), Ok(Format::Csv));
}

#[test]
fn magic_bytes_decide_and_a_broken_zip_is_unreadable() {
    assert_eq!(check(b""), Err(ImportError::Empty));
    assert_eq!(check(b"%PDF-1.7\n\0"), Err(ImportError::UnknownFormat));
    assert!(matches!(check(b"PK\x03\x04 cut short"), Err(ImportError::Unreadable(_))));
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("e{i}")).collect();
    let entries: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
    assert_eq!(check(&zip_of(&entries)), Err(hostile("压缩包内文件超过 1000 个")));
    assert!(check(&zip_of(&entries[1..])).is_ok());
}

#[test]
fn inflating_counts_what_is_really_produced() {
    let mut total = 0;
    let endless = inflate(&mut std::io::repeat(b'a'), &mut total, |_| Ok(()));
    assert_eq!(endless, Err(hostile("解压后单个部件超过 100 MB")));
    let mut total = MAX_TOTAL_BYTES - 10;
    let tail = inflate(&mut std::io::repeat(b'a').take(11), &mut total, |_| Ok(()));
    assert_eq!(tail, Err(hostile("解压后总大小超过 200 MB")));
}

/// docs/workbook.md "Empty cells": a declared sheet size says nothing (`LibreOffice` declares a
/// header row formatted out to column 1024); the cells read are what count (`sheet`).
#[test]
fn a_declared_dimension_beyond_the_maximum_is_not_refused() {
    let sheet = r#"<worksheet><dimension ref="A1:XFD1048576"/></worksheet>"#;
    let bytes = zip_of(&[
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", RELS),
        ("xl/worksheets/sheet1.xml", r#"<dimension ref="A1:Z200000"/>"#),
        ("xl/worksheets/sheet2.xml", sheet),
    ]);
    assert_eq!(check(&bytes), Ok(Format::Xlsx));
}

#[test]
fn the_sample_cases_pass_the_guard() {
    for case in ["case000", "case001", "case002", "case003"] {
        let bytes = std::fs::read(format!("tests/cases/{case}/applicants.xlsx")).expect("case");
        assert_eq!(check(&bytes), Ok(Format::Xlsx), "{case}");
    }
}
