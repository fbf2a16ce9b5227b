use super::*;

/// Feed a part in chunks of every size, so that no tag escapes across a chunk boundary.
fn scan(name: &str, text: &str) -> Vec<Result<Declared, ImportError>> {
    (1..=text.len().min(9))
        .map(|size| {
            let mut s = Scan::new(name);
            for chunk in text.as_bytes().chunks(size) {
                s.feed(chunk)?;
            }
            Ok(s.finish())
        })
        .collect()
}

fn refused(name: &str, text: &str) -> bool {
    scan(name, text).iter().all(|r| matches!(r, Err(ImportError::Hostile(_))))
}

fn declared(name: &str, text: &str) -> Declared {
    let all = scan(name, text);
    let first = all[0].clone().expect("accepted");
    assert!(all.iter().all(|d| d.as_ref() == Ok(&first)), "the same in every chunking");
    first
}

#[test]
fn a_dtd_or_entity_declaration_is_refused_wherever_it_is() {
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><sst/>"#;
    assert!(refused("xl/sharedStrings.xml", laughs));
    assert!(refused("xl/worksheets/sheet1.xml", "<x><!entity a 'b'></x>"));
    assert!(refused("anything.bin", "<!-- --><!DOCTYPE x>"));
}

#[test]
fn shared_strings_declaring_more_than_the_cap_are_refused() {
    assert!(refused("xl/sharedStrings.xml", r#"<sst xmlns="x" count="1" uniqueCount="4000000000000">"#));
    assert!(refused("xl/sharedStrings.xml", r#"<x:sst count="99999999999999999999999999" uniqueCount="1">"#));
    assert!(refused("xl/sharedStrings.xml", r#"<sst a='>' uniqueCount = "5000001" >"#));
    declared("xl/sharedStrings.xml", r#"<sst count="40" uniqueCount="5000000"><si><t>a</t></si></sst>"#);
}

#[test]
fn merged_cells_are_noticed_and_a_declared_dimension_is_not_a_limit() {
    let d =
        declared("xl/worksheets/sheet1.xml", r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData/></worksheet>"#);
    assert!(!d.merged_cells);
    let d =
        declared("xl/worksheets/sheet1.xml", r#"<x:mergeCells count="1"><x:mergeCell ref="A1:B2"/></x:mergeCells>"#);
    assert!(d.merged_cells);
}

#[test]
fn a_utf16_xml_part_is_refused_but_a_binary_entry_is_not() {
    let utf16: Vec<u8> = "\u{feff}<sst/>".encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert!(Scan::new("xl/sharedStrings.xml").feed(&utf16).is_err());
    assert!(Scan::new("xl/sharedStrings.xml").feed(&utf16[2..]).is_err());
    assert!(Scan::new("xl/media/image1.png").feed(&[0x89, b'P', 0, 0, b'<']).is_ok());
}

#[test]
fn a_tag_that_never_ends_is_refused() {
    let long = format!("<sst a=\"{}", "x".repeat(MAX_TAG + 1));
    assert!(Scan::new("xl/sharedStrings.xml").feed(long.as_bytes()).is_err());
}
