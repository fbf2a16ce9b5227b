//! What calamine does not show of a written workbook: each sheet's XML by the sheet's name,
//! the cells' styles, their fonts and borders, the conditional formats that draw a long
//! table's borders, merged ranges and column widths.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use rust_decimal::Decimal;

fn part(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut text).expect("UTF-8");
    Some(text)
}

/// `attr="…"` of a tag's text.
pub fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()
}

/// The elements `<name …>…</name>` or `<name …/>` inside `xml`, in order.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        if !after.starts_with([' ', '>', '/']) {
            rest = after;
            continue;
        }
        let tag_end = after.find('>').unwrap_or(after.len());
        let end = if after[..tag_end].ends_with('/') {
            tag_end + 1
        } else {
            after.find(&format!("</{name}>")).map_or(tag_end + 1, |e| e + name.len() + 3)
        };
        out.push(&rest[at..at + open.len() + end]);
        rest = &after[end..];
    }
    out
}

/// A sheet's XML, by the sheet's name.
pub fn sheet(bytes: &[u8], name: &str) -> String {
    let book = part(bytes, "xl/workbook.xml").expect("workbook.xml");
    let rels = part(bytes, "xl/_rels/workbook.xml.rels").expect("the relationships");
    let rid = elements(&book, "sheet")
        .into_iter()
        .find(|s| attr(s, "name") == Some(name))
        .and_then(|s| attr(s, "r:id"))
        .unwrap_or_else(|| panic!("no sheet {name}"));
    let target = elements(&rels, "Relationship")
        .into_iter()
        .find(|r| attr(r, "Id") == Some(rid))
        .and_then(|r| attr(r, "Target"))
        .expect("the sheet's part");
    part(bytes, &format!("xl/{}", target.trim_start_matches("/xl/"))).expect("the sheet")
}

/// The styles of a workbook: whether each cell format has a border on all four sides, each
/// conditional format (dxf) likewise, and every font's size.
pub struct Styles {
    pub xf_border: Vec<bool>,
    pub dxf_border: Vec<bool>,
    /// Every font's size, in points.
    pub fonts: Vec<Decimal>,
}

fn framed(border: &str) -> bool {
    ["left", "right", "top", "bottom"]
        .iter()
        .all(|side| elements(border, side).first().is_some_and(|e| attr(e, "style").is_some_and(|s| s != "none")))
}

pub fn styles(bytes: &[u8]) -> Styles {
    let xml = part(bytes, "xl/styles.xml").expect("styles.xml");
    let section = |name: &str| elements(&xml, name).first().copied().unwrap_or_default();
    let fonts: Vec<Decimal> = elements(section("fonts"), "font")
        .iter()
        .map(|f| {
            elements(f, "sz")
                .first()
                .and_then(|s| attr(s, "val"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(Decimal::from(11))
        })
        .collect();
    let borders: Vec<bool> = elements(section("borders"), "border").iter().map(|b| framed(b)).collect();
    let xfs = elements(section("cellXfs"), "xf");
    let index = |xf: &str, a: &str| attr(xf, a).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    Styles {
        xf_border: xfs.iter().map(|xf| borders[index(xf, "borderId")]).collect(),
        dxf_border: elements(section("dxfs"), "dxf")
            .iter()
            .map(|d| elements(d, "border").first().is_some_and(|b| framed(b)))
            .collect(),
        fonts,
    }
}

/// `B12` → (11, 1).
fn position(r: &str) -> (u32, u32) {
    let letters: String = r.chars().take_while(char::is_ascii_alphabetic).collect();
    let col = letters.bytes().fold(0, |n, b| n * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = r[letters.len()..].parse().expect("a row");
    (row - 1, col)
}

/// Each written cell's style index, by (row, column) from 0.
pub fn cell_styles(sheet: &str) -> HashMap<(u32, u32), usize> {
    elements(sheet, "c")
        .iter()
        .filter_map(|c| Some((position(attr(c, "r")?), attr(c, "s").and_then(|s| s.parse().ok()).unwrap_or(0))))
        .collect()
}

/// A range of cells: its first and last (row, column), from 0.
pub type Range = ((u32, u32), (u32, u32));

/// The ranges of the conditional formats that always apply (`TRUE`) with a dxf of borders.
pub fn bordered_ranges(sheet: &str, s: &Styles) -> Vec<Range> {
    elements(sheet, "conditionalFormatting")
        .iter()
        .filter(|cf| {
            elements(cf, "cfRule").iter().any(|r| {
                let dxf: usize = attr(r, "dxfId").and_then(|d| d.parse().ok()).unwrap_or(usize::MAX);
                r.contains("<formula>TRUE</formula>") && s.dxf_border.get(dxf).copied().unwrap_or(false)
            })
        })
        .filter_map(|cf| {
            let (a, b) = attr(cf, "sqref")?.split_once(':')?;
            Some((position(a), position(b)))
        })
        .collect()
}

/// Whether the cell at (row, column) has a border on all four sides, its own or the
/// conditional format's over it.
pub fn has_border(cells: &HashMap<(u32, u32), usize>, ranges: &[Range], s: &Styles, at: (u32, u32)) -> bool {
    let inside = ranges.iter().any(|((r0, c0), (r1, c1))| (*r0..=*r1).contains(&at.0) && (*c0..=*c1).contains(&at.1));
    inside || cells.get(&at).is_some_and(|xf| s.xf_border[*xf])
}

/// The widths of the sheet's columns, in the order of their `<col>` elements.
pub fn column_widths(sheet: &str) -> Vec<Decimal> {
    elements(sheet, "col").iter().filter_map(|c| attr(c, "width")?.parse().ok()).collect()
}

/// The merged ranges of a sheet (`A1:N1`).
pub fn merged(sheet: &str) -> Vec<String> {
    elements(sheet, "mergeCell").iter().filter_map(|m| attr(m, "ref").map(String::from)).collect()
}
