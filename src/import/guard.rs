//! The first look at an uploaded workbook, before calamine sees it (docs/hazards.md "Uploaded
//! spreadsheets"): the magic bytes, the upload size and, for the zip-based formats (.xlsx,
//! .ods), a walk of the zip that caps the entries, inflates every entry through a byte
//! limit counting what it really produces, and reads what the XML parts declare (shared
//! strings, DTDs). It never reads a cell and never allocates by a size the file declares.
//! A sheet's declared `<dimension>` says nothing (`LibreOffice` declares a header row
//! formatted out to column 1024): the size limits count the cells that hold a value, in
//! the sheets that are read (`sheet`). A .xls (CFB/BIFF) is only bounded in size: its parser runs in the child
//! process of `isolate`, which contains what calamine does there.
//!
//! Messages are for the user (Chinese, what was refused); no internal cause is shown.

mod streamed;
mod xml;

use std::io::{Cursor, Read};

use super::sheet::{Format, Parts, MAX_COLUMNS, MAX_ROWS};
use super::{detect, ImportError, Options, Parsed};

/// The largest upload accepted, in bytes (20 MiB).
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;
/// docs/hazards.md: cap the number of zip entries (Excel writes one or two dozen).
pub const MAX_ENTRIES: usize = 1_000;
/// docs/hazards.md "Zip bombs": what one entry may really inflate to.
pub const MAX_ENTRY_BYTES: u64 = 100 * 1024 * 1024;
/// What all entries together may really inflate to.
pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;
/// docs/hazards.md: calamine reserves memory for the declared `uniqueCount` when it opens the file.
pub const MAX_SHARED_STRINGS: u64 = 5_000_000;
/// The declared `count` of shared-string cells: at most every cell of the business maximum.
pub const MAX_STRING_CELLS: u64 = MAX_ROWS as u64 * MAX_COLUMNS as u64;

/// Check a file before any parser sees it, and tell its format.
///
/// # Errors
/// `Empty` or `UnknownFormat` (magic bytes), `Unreadable` (a broken zip), `TooLarge`
/// is not raised here (only by the cells read), `Hostile` (anything else refused).
pub fn check(bytes: &[u8]) -> Result<Format, ImportError> {
    inspect(bytes, false).map(|(format, _)| format)
}

/// `check`, the walk keeping the inflated parts of an .xlsx or .ods when `keep` (the
/// .ods's `content.xml` without whitespace between elements, which calamine's reader
/// refuses): whether the file may have merged cells (`false` only for a zip whose parts
/// have no `<mergeCell>` tag), and the kept parts.
fn inspect(bytes: &[u8], keep: bool) -> Result<(Format, Walked), ImportError> {
    if bytes.len() > MAX_UPLOAD {
        return Err(hostile("文件超过 20 MB"));
    }
    let format = detect(bytes)?;
    let walked = match format {
        Format::Xlsx | Format::Ods => walk(bytes, keep, format)?,
        Format::Xls | Format::Csv => Walked { kept: Parts { merged: true, formulas: true }, stored: None },
    };
    Ok((format, walked))
}

/// `check`, then `import::workbook`, in this process. The child process of `isolate` and
/// the fuzzer call this; a server calls `isolate::workbook` instead. An .xlsx is read
/// from the parts the walk inflated, kept in a zip that stores them: every part is
/// inflated once.
///
/// # Errors
/// As `check` and `import::workbook`.
pub fn workbook(bytes: &[u8], options: &Options) -> Result<Parsed, ImportError> {
    if let Some(parsed) = streamed_xlsx(bytes, options)? {
        return Ok(parsed);
    }
    let (format, walked) = inspect(bytes, true)?;
    match walked.stored {
        Some(stored) => super::sheet::parse_kept(stored, format, walked.kept, *options),
        None => super::sheet::parse(bytes, format, walked.kept.merged, *options),
    }
}

/// [`workbook`] for a caller that gives the upload away (the parse child): once the walk
/// has kept the parts, the upload goes before the rows are read, since the child's peak is
/// the kept parts and the rows together.
///
/// # Errors
/// As [`workbook`].
pub fn workbook_owned(bytes: Vec<u8>, options: &Options) -> Result<Parsed, ImportError> {
    if let Some(parsed) = streamed_xlsx(&bytes, options)? {
        return Ok(parsed);
    }
    let (format, walked) = inspect(&bytes, true)?;
    match walked.stored {
        Some(stored) => {
            drop(bytes);
            super::sheet::parse_kept(stored, format, walked.kept, *options)
        }
        None => super::sheet::parse(&bytes, format, walked.kept.merged, *options),
    }
}

/// An .xlsx read with its worksheets inflated as calamine reads them (`streamed`): every
/// part still inflated and scanned through the limits, but once. `None` for another
/// format, or when the parts must be walked whole and kept first.
fn streamed_xlsx(bytes: &[u8], options: &Options) -> Result<Option<Parsed>, ImportError> {
    if bytes.len() > MAX_UPLOAD {
        return Err(hostile("文件超过 20 MB"));
    }
    match detect(bytes)? {
        Format::Xlsx => streamed::workbook(bytes, options),
        Format::Xls | Format::Ods | Format::Csv => Ok(None),
    }
}

/// What the walk of a zip found.
struct Walked {
    kept: Parts,
    /// The parts as inflated, in a zip that stores them (`None` when not kept, or when
    /// the zip could not be written again as it was: the reader then reads the upload).
    stored: Option<Vec<u8>>,
}

/// Read an uploaded file from disk, never more than one byte beyond the upload limit
/// (`check` then refuses it).
///
/// # Errors
/// The file cannot be read.
pub fn read(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(MAX_UPLOAD as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

pub(super) fn hostile(what: &str) -> ImportError {
    ImportError::Hostile(what.to_string())
}

/// Walk the zip: every entry is inflated and scanned, and kept in a stored zip when `keep`.
fn walk(bytes: &[u8], keep: bool, format: Format) -> Result<Walked, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::unreadable(&e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(hostile("压缩包内文件超过 1000 个"));
    }
    let mut total = 0;
    let mut parts = Vec::with_capacity(zip.len());
    let mut copy = keep.then(|| Stored::new(&zip));
    let (mut formulas, formula_tag) = (false, memchr::memmem::Finder::new(b"<f"));
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(|e| ImportError::unreadable(&e))?;
        // A declared size is trusted only to refuse early; the count below is the limit.
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(hostile("解压后单个部件超过 100 MB"));
        }
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut scan = xml::Scan::new(&name);
        let sheet = name.to_ascii_lowercase().contains("worksheets/");
        if let Some(c) = &mut copy {
            c.start(&entry, format == Format::Ods && name == "content.xml");
        }
        let mut last = 0;
        inflate(&mut entry, &mut total, |chunk| {
            if let Some(c) = &mut copy {
                c.write(chunk);
            }
            // A formula's tag, `<f>` or `<f …>`, may straddle two chunks.
            formulas = formulas
                || (sheet && (last == b'<' && chunk.first() == Some(&b'f') || formula_tag.find(chunk).is_some()));
            last = chunk.last().copied().unwrap_or(last);
            scan.feed(chunk)
        })?;
        parts.push(scan.finish());
    }
    let merged = parts.iter().any(|declared| declared.merged_cells);
    Ok(Walked { kept: Parts { merged, formulas }, stored: copy.and_then(Stored::finish) })
}

/// The inflated parts of a zip written again, stored (not compressed), in its order and
/// under its names. A part it cannot write (a name twice, say) gives up the copy.
struct Stored(Option<zip::ZipWriter<Cursor<Vec<u8>>>>, Option<super::sheet::Squeeze>, Vec<u8>);

impl Stored {
    fn new<R: std::io::Read + std::io::Seek>(zip: &zip::ZipArchive<R>) -> Stored {
        // Room for what the parts declare, within the limit on all of them; the local
        // headers and the directory are small beside them.
        let declared = zip.decompressed_size().unwrap_or(0).min(u128::from(MAX_TOTAL_BYTES));
        let room = usize::try_from(declared).unwrap_or(0) + 256 * zip.len() + 4096;
        Stored(Some(zip::ZipWriter::new(Cursor::new(Vec::with_capacity(room)))), None, Vec::new())
    }

    /// The next part; `squeeze` writes it without whitespace between elements.
    fn start(&mut self, entry: &zip::read::ZipFile<'_, Cursor<&[u8]>>, squeeze: bool) {
        self.1 = squeeze.then(super::sheet::Squeeze::default);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let started = match (&mut self.0, entry.name()) {
            (Some(w), Ok(name)) if entry.is_dir() => w.add_directory(name, options).is_ok(),
            (Some(w), Ok(name)) => w.start_file(name, options).is_ok(),
            _ => false,
        };
        if !started {
            self.0 = None;
        }
    }

    fn write(&mut self, chunk: &[u8]) {
        let chunk = match &mut self.1 {
            Some(squeeze) => {
                self.2.clear();
                squeeze.feed(chunk, &mut self.2);
                self.2.as_slice()
            }
            None => chunk,
        };
        if self.0.as_mut().is_some_and(|w| std::io::Write::write_all(w, chunk).is_err()) {
            self.0 = None;
        }
    }

    fn finish(self) -> Option<Vec<u8>> {
        self.0.and_then(|w| w.finish().ok()).map(Cursor::into_inner)
    }
}

/// Read an entry to its end through the byte limits, handing each chunk to `sink`.
fn inflate(
    entry: &mut dyn Read,
    total: &mut u64,
    mut sink: impl FnMut(&[u8]) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut buf = vec![0; 64 * 1024];
    let mut produced: u64 = 0;
    loop {
        let n = match entry.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ImportError::unreadable(&e)),
        };
        produced += n as u64;
        *total += n as u64;
        if produced > MAX_ENTRY_BYTES {
            return Err(hostile("解压后单个部件超过 100 MB"));
        }
        if *total > MAX_TOTAL_BYTES {
            return Err(hostile("解压后总大小超过 200 MB"));
        }
        sink(&buf[..n])?;
    }
}

#[cfg(test)]
mod tests;
