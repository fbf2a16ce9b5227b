//! A byte scanner for the parts of a zip-based workbook, fed as the inflated bytes stream
//! by (docs/hazards.md "Uploaded spreadsheets"). It finds only the few declarations that make a
//! parser allocate or expand: DTD and entity declarations and the shared strings' declared
//! counts (and whether a part has merged cells). A worksheet's `<dimension>` is not among
//! them: the cells are read with calamine's streaming reader, which never allocates by it.
//! It keeps at most one tag in memory and never builds a document.
//!
//! It is deliberately stricter than an XML parser: a `<` inside a comment or CDATA section
//! is read as a tag, so a hostile declaration cannot hide there.

use super::{hostile, MAX_SHARED_STRINGS, MAX_STRING_CELLS};
use crate::import::ImportError;

/// The longest tag name worth reading; longer names are never one we look for.
const MAX_NAME: usize = 64;
/// The longest start tag we keep while reading its attributes.
const MAX_TAG: usize = 64 * 1024;

/// What one part declares, for the checks that need the whole zip.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Declared {
    /// Whether the part has a `<mergeCell(s)>` tag: only then does the reader look for
    /// merged cells, which costs calamine a second parse of the sheet.
    pub merged_cells: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    SharedStrings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    Name,
    Tag(Wanted),
}

/// The scanner of one zip entry.
#[derive(Debug)]
pub(super) struct Scan {
    is_xml: bool,
    head: Vec<u8>,
    state: State,
    buf: Vec<u8>,
    quote: Option<u8>,
    declared: Declared,
}

impl Scan {
    /// A scanner for the entry of this name. Every entry is scanned, whatever its name,
    /// because a relationship may point a worksheet at any name.
    #[must_use]
    pub fn new(name: &str) -> Scan {
        let lower = name.to_ascii_lowercase();
        Scan {
            is_xml: [".xml", ".rels"].iter().any(|ext| lower.ends_with(ext)),
            head: Vec::new(),
            state: State::Text,
            buf: Vec::new(),
            quote: None,
            declared: Declared::default(),
        }
    }

    /// Read the next inflated bytes.
    ///
    /// # Errors
    /// `Hostile` at the first declaration that must be refused.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), ImportError> {
        if self.head.len() < 4 {
            let take = chunk.len().min(4 - self.head.len());
            self.head.extend_from_slice(&chunk[..take]);
            self.check_encoding()?;
        }
        while let Some((&byte, rest)) = chunk.split_first() {
            match self.state {
                State::Text => match skip_short_tags(chunk) {
                    Some(at) => {
                        self.open();
                        chunk = &chunk[at + 1..];
                    }
                    None => return Ok(()),
                },
                // A name is taken a run of bytes at a time, not byte by byte: a worksheet
                // has several tags per cell.
                State::Name => {
                    let limit = chunk.len().min(MAX_NAME - self.buf.len());
                    let end = chunk[..limit].iter().position(|&b| ends_name(b));
                    let Some(at) = end.or((limit < chunk.len()).then_some(limit)) else {
                        self.buf.extend_from_slice(chunk);
                        return Ok(());
                    };
                    self.buf.extend_from_slice(&chunk[..at]);
                    self.end_name(chunk[at])?;
                    chunk = &chunk[at + 1..];
                }
                State::Tag(wanted) => {
                    self.tag_byte(wanted, byte)?;
                    chunk = rest;
                }
            }
        }
        Ok(())
    }

    /// What the part declared, once all of it has been fed.
    #[must_use]
    pub fn finish(self) -> Declared {
        self.declared
    }

    /// An XML part in UTF-16 would hide its markup from a byte scanner; Excel, WPS and
    /// `LibreOffice` write UTF-8, so it is refused rather than half read.
    fn check_encoding(&self) -> Result<(), ImportError> {
        let utf16 =
            self.head.starts_with(&[0xFE, 0xFF]) || self.head.starts_with(&[0xFF, 0xFE]) || self.head.contains(&0);
        if self.is_xml && utf16 {
            return Err(hostile("XML 部件的编码不是 UTF-8"));
        }
        Ok(())
    }

    fn open(&mut self) {
        self.state = State::Name;
        self.buf.clear();
    }

    /// The name of a tag has ended at `byte` (or has reached `MAX_NAME`).
    fn end_name(&mut self, byte: u8) -> Result<(), ImportError> {
        // No name we look for is shorter than three bytes (`sst`): the tags of a cell
        // (`c`, `v`, `is`, `t`, and every end tag, whose name is empty) end here.
        if self.buf.len() < 3 {
            self.state = State::Text;
            self.buf.clear();
            if byte == b'<' {
                self.open();
            }
            return Ok(());
        }
        // The name is looked at in place: a tag per cell must not cost an allocation.
        let starts = |prefix: &[u8]| self.buf.get(..prefix.len()).is_some_and(|b| b.eq_ignore_ascii_case(prefix));
        // docs/hazards.md: billion laughs; no part of a workbook needs a DTD.
        if starts(b"!DOCTYPE") || starts(b"!ENTITY") {
            return Err(hostile("包含 DTD 或实体声明"));
        }
        let local = self.buf.rsplit(|&b| b == b':').next().unwrap_or(&self.buf);
        if local.get(..9).is_some_and(|b| b.eq_ignore_ascii_case(b"mergeCell")) {
            self.declared.merged_cells = true;
        }
        self.state = match wanted(&self.buf) {
            Some(wanted) => State::Tag(wanted),
            None => State::Text,
        };
        self.buf.clear();
        self.quote = None;
        match (byte, self.state) {
            (b'<', _) => self.open(),
            (b'>' | b'/', State::Tag(wanted)) => return self.tag_byte(wanted, byte),
            _ => {}
        }
        Ok(())
    }

    fn tag_byte(&mut self, wanted: Wanted, byte: u8) -> Result<(), ImportError> {
        match (self.quote, byte) {
            (None, b'"' | b'\'') => self.quote = Some(byte),
            (Some(q), _) if q == byte => self.quote = None,
            (None, b'>') => {
                let tag = std::mem::take(&mut self.buf);
                self.state = State::Text;
                return Self::tag(wanted, &attributes(&tag));
            }
            _ => {}
        }
        if self.buf.len() >= MAX_TAG {
            return Err(hostile("XML 标签过长"));
        }
        self.buf.push(byte);
        Ok(())
    }

    fn tag(wanted: Wanted, attrs: &[(String, String)]) -> Result<(), ImportError> {
        let get = |key: &str| attrs.iter().find(|(k, _)| local(k).eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str());
        match wanted {
            // docs/hazards.md: calamine reserves memory for the declared uniqueCount at open.
            Wanted::SharedStrings => {
                let unique = get("uniqueCount").map_or(0, number);
                let count = get("count").map_or(0, number);
                if unique > MAX_SHARED_STRINGS || count > MAX_STRING_CELLS {
                    return Err(hostile("声明的共享字符串数量超出上限"));
                }
            }
        }
        Ok(())
    }
}

/// The tag we read the attributes of, by its name.
fn wanted(name: &[u8]) -> Option<Wanted> {
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    local.eq_ignore_ascii_case(b"sst").then_some(Wanted::SharedStrings)
}

/// The first `<` of a text whose tag must be looked at. No name we look for is shorter
/// than three bytes (`sst`), so a tag whose name ends within two bytes, in this chunk
/// (`c`, `v`, `is`, `t`, and every end tag, whose name is empty: most tags of a
/// worksheet), is passed over where it is found, as `Scan::end_name` would pass it.
fn skip_short_tags(chunk: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'<', chunk).find(|&at| {
        let rest = &chunk[at + 1..];
        rest.iter().take(3).position(|&b| ends_name(b)).is_none_or(|n| rest[n] == b'<')
    })
}

/// Whether a byte ends a tag's name.
fn ends_name(byte: u8) -> bool {
    byte.is_ascii_whitespace() || matches!(byte, b'>' | b'/' | b'<' | b'[')
}

fn local(key: &str) -> &str {
    key.rsplit(':').next().unwrap_or(key)
}

/// The `key="value"` pairs of a start tag, as written; a malformed rest is dropped.
fn attributes(tag: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(tag);
    let mut rest = text.trim_start_matches('/').trim();
    let mut out = Vec::new();
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
        let Some(end) = after[1..].find(quote) else { break };
        out.push((key, after[1..=end].to_string()));
        rest = after[end + 2..].trim_start();
    }
    out
}

/// A declared count, read generously: every digit counts, and too many saturate.
fn number(value: &str) -> u64 {
    value
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n: u64, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')))
}

#[cfg(test)]
mod tests;
