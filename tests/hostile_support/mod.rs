//! Builders of hostile files for tests/files/hostile.rs, and the run through `tiexi calc`.
//! Nothing here is committed as a file: every workbook is generated when the test runs.

use std::io::{Cursor, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// How `tiexi calc --json` ended.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the process was killed by a signal.
    pub code: Option<i32>,
    /// The messages of the JSON `errors`.
    pub messages: Vec<String>,
    pub elapsed: Duration,
    pub stderr: String,
}

/// Run `tiexi calc --json` on these bytes, saved under a name with this extension.
pub fn calc(bytes: &[u8], extension: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("upload.{extension}"));
    std::fs::write(&path, bytes).expect("write the upload");
    calc_path(&path)
}

pub fn calc_path(path: &Path) -> Outcome {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tiexi"))
        .args(["calc", "--json", "--policy", "tests/cases/case000/policy.toml"])
        .arg(path)
        .output()
        .expect("run tiexi");
    let elapsed = started.elapsed();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the parent wrote whole JSON");
    let messages =
        json["errors"].as_array().expect("errors").iter().map(|e| e["message"].as_str().expect("message").to_string());
    Outcome {
        code: out.status.code(),
        messages: messages.collect(),
        elapsed,
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

/// A zip of (name, bytes) entries, deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, deflated()).expect("start");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The parts of a one-sheet xlsx (sheet 申报汇总表) around the given worksheet.
fn parts(worksheet: &str, shared: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut parts = vec![
        (
            "_rels/.rels".to_string(),
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(
                r#"<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="申报汇总表" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            format!(
                r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml".to_string(), worksheet.to_string()),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml".to_string(), shared.to_string()));
    }
    parts.into_iter().map(|(n, t)| (n, t.into_bytes())).collect()
}

/// A one-sheet xlsx.
pub fn book(worksheet: &str, shared: Option<&str>) -> Vec<u8> {
    let parts = parts(worksheet, shared);
    zip_of(&parts.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect::<Vec<_>>())
}

/// A worksheet with a `<dimension ref>` (none when empty) and these `<row>`s.
pub fn sheet(dimension: &str, rows: &str) -> String {
    let dimension = if dimension.is_empty() { String::new() } else { format!(r#"<dimension ref="{dimension}"/>"#) };
    format!(r#"<worksheet xmlns="{MAIN}">{dimension}<sheetData>{rows}</sheetData></worksheet>"#)
}

/// An inline-string cell.
pub fn cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A one-sheet xlsx whose shared strings (one string of `a`s) inflate to `size` bytes from
/// about `size / 160` and declare `declared` bytes. The compressed stream is written
/// directly (`deflate_run`): the zip crate's own compressor takes 20 s for 210 MiB in a
/// debug build. The CRC is left 0: nothing may read the entry to its end.
pub fn bomb(size: usize, declared: u64) -> Vec<u8> {
    let head = format!(r#"<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>"#);
    let tail = b"</t></si></sst>";
    let run = size - head.len() - tail.len();
    let entry = Raw { deflated: deflate_run(head.as_bytes(), b'a', run, tail), size: declared, crc: 0 };
    let cells = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    with_raw(&sheet("A1", cells), &[("xl/sharedStrings.xml", &entry)])
}

/// A one-sheet xlsx with `count` media entries of `size` zero bytes each, honestly declared
/// and with their CRC: each is within the per-entry limit, all of them are not.
pub fn wide_bomb(count: usize, size: usize) -> Vec<u8> {
    let entry = Raw { deflated: deflate_run(b"", 0, size, b""), size: size as u64, crc: crc32_of_zeros(size) };
    let names: Vec<String> = (0..count).map(|i| format!("xl/media/fill{i}.bin")).collect();
    let entries: Vec<(&str, &Raw)> = names.iter().map(|n| (n.as_str(), &entry)).collect();
    with_raw(&sheet("A1", ""), &entries)
}

/// An entry compressed by hand.
pub struct Raw {
    deflated: Vec<u8>,
    size: u64,
    crc: u32,
}

/// A one-sheet xlsx with these entries added as they are, through a raw copy.
fn with_raw(worksheet: &str, raws: &[(&str, &Raw)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts(worksheet, None) {
        zip.start_file(name, deflated()).expect("start");
        zip.write_all(&bytes).expect("write");
    }
    for (name, raw) in raws {
        let mut one = zip::ZipArchive::new(Cursor::new(single_entry(raw))).expect("one entry");
        zip.raw_copy_file_rename(one.by_index(0).expect("entry"), *name).expect("copy");
    }
    zip.finish().expect("finish").into_inner()
}

/// A zip of one deflated entry, byte by byte (APPNOTE 4.3): local header, data, central
/// directory, end of central directory.
fn single_entry(raw: &Raw) -> Vec<u8> {
    let name = b"x";
    let compressed = u32::try_from(raw.deflated.len()).expect("small");
    let size = u32::try_from(raw.size).expect("below 4 GiB");
    let common = |out: &mut Vec<u8>| {
        for half in [20_u16, 0, 8, 0, 0x21] {
            out.extend_from_slice(&half.to_le_bytes()); // version, flags, deflate, time, date
        }
        for word in [raw.crc, compressed, size] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&[1, 0, 0, 0]); // name length 1, no extra field
    };
    let mut out = 0x0403_4b50_u32.to_le_bytes().to_vec();
    common(&mut out);
    out.extend_from_slice(name);
    out.extend_from_slice(&raw.deflated);
    let directory = u32::try_from(out.len()).expect("small");
    out.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
    out.extend_from_slice(&20_u16.to_le_bytes()); // made by
    common(&mut out);
    out.extend_from_slice(&[0; 14]); // comment, disk, attributes, local header at 0
    out.extend_from_slice(name);
    let directory_size = u32::try_from(out.len()).expect("small") - directory;
    out.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    out.extend_from_slice(&directory_size.to_le_bytes());
    out.extend_from_slice(&directory.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

/// A raw deflate stream, one fixed-Huffman block (RFC 1951 3.2.6): `head`, then `run`
/// bytes of `fill` (one literal, then copies of 258 bytes at distance 1, 13 bits each),
/// then `tail`.
fn deflate_run(head: &[u8], fill: u8, run: usize, tail: &[u8]) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(0b011, 3); // BFINAL, fixed Huffman
    for &b in head {
        bits.literal(b);
    }
    bits.literal(fill);
    for _ in 0..(run - 1) / 258 {
        bits.code(0xC5, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
    }
    for _ in 0..(run - 1) % 258 {
        bits.literal(fill);
    }
    for &b in tail {
        bits.literal(b);
    }
    bits.code(0, 7); // end of block (symbol 256)
    bits.finish()
}

#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    /// Plain values go least significant bit first.
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += len;
        while self.len >= 8 {
            self.out.push(self.acc.to_le_bytes()[0]);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// Huffman codes go most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.put(code.reverse_bits() >> (32 - len), len);
    }

    fn literal(&mut self, byte: u8) {
        match u32::from(byte) {
            b @ 0..=143 => self.code(0x30 + b, 8),
            b => self.code(0x190 + b - 144, 9),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.put(0, 7);
        self.out
    }
}

/// The CRC-32 of `len` zero bytes.
fn crc32_of_zeros(len: usize) -> u32 {
    let table: Vec<u32> =
        (0..256_u32).map(|n| (0..8).fold(n, |c, _| (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg()))).collect();
    let mut crc = !0_u32;
    for _ in 0..len {
        crc = table[usize::from(crc.to_le_bytes()[0])] ^ (crc >> 8);
    }
    !crc
}

/// An .ods with a cell at A1 and one `rows` rows and `cols` columns further, the gap
/// written as repeated empty rows and cells (a few hundred bytes).
pub fn sparse_ods(rows: u32, cols: u32) -> Vec<u8> {
    let ns = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0""#;
    let value =
        |t: &str| format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#);
    let content = format!(
        r#"<office:document-content {ns}><office:body><office:spreadsheet><table:table table:name="申报汇总表"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="{rows}"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="{cols}"/>{}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
        value("x"),
        value("y")
    );
    let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("mimetype", SimpleFileOptions::default().compression_method(CompressionMethod::Stored))
        .expect("start");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("mimetype");
    for (name, text) in [("META-INF/manifest.xml", manifest), ("content.xml", content.as_str())] {
        zip.start_file(name, deflated()).expect("start");
        zip.write_all(text.as_bytes()).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}
