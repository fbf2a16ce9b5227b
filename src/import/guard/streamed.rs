//! An .xlsx whose worksheets are inflated once, as calamine reads them (docs/hazards.md
//! "Uploaded spreadsheets"). The walk here inflates and scans every other part first, as
//! `walk` does. Each worksheet is then inflated on a thread of its own, through the same
//! byte limits and the same scan, and a chunk reaches calamine only once it has been
//! scanned: calamine reads a zip that stores the parts (`relay::Relay`), the worksheets'
//! bytes coming from that thread. What calamine leaves of a worksheet (a sheet it does
//! not read, the tail after the cells) is still inflated and scanned, after it. The
//! guard's verdict wins over the parse: a refusal in any chunk refuses the file, as it
//! did before any parse.
//!
//! Before, the walk kept every part inflated in memory (101 MiB for 100,000 rows) and
//! calamine read them afterwards: the sheet's bytes were copied, checksummed twice, and
//! the inflating and the parsing ran one after the other on one core.
//!
//! Anything the relay cannot serve (a sheet read again beyond its first bytes, parts read
//! out of order, a size other than the declared one, a worksheet with formulas or merged
//! cells, a name twice) gives `None`: the caller walks the zip whole and reads the kept
//! parts, as before.

mod relay;

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use relay::{Chunk, Relay};

use super::{hostile, inflate, xml, MAX_ENTRIES, MAX_ENTRY_BYTES};
use crate::import::{ImportError, Options, Parsed};

/// Chunks of a worksheet on their way to calamine at once (64 KiB each).
const IN_FLIGHT: usize = 16;

/// One part of the zip, as the relay stores it.
struct Entry {
    name: Vec<u8>,
    crc: u32,
    size: u64,
    body: Body,
}

enum Body {
    /// Inflated and scanned by the walk.
    Kept(Vec<u8>),
    /// A worksheet, inflated as it is read: its index in the upload's zip.
    Streamed(usize),
}

/// What the thread that inflates the worksheets found, once it has inflated them all.
enum Verdict {
    Clean,
    /// A worksheet that needs the whole walk (formulas, merged cells, a size other than
    /// the declared one).
    Whole,
    Refused(ImportError),
}

/// Read an .xlsx with its worksheets streamed, or `None` when it must be walked whole.
///
/// # Errors
/// As `guard::workbook`.
pub(super) fn workbook(bytes: &[u8], options: &Options) -> Result<Option<Parsed>, ImportError> {
    let Some((entries, total)) = walk(bytes)? else { return Ok(None) };
    let streamed: Vec<(usize, u64)> = entries
        .iter()
        .filter_map(|e| match e.body {
            Body::Streamed(index) => Some((index, e.size)),
            Body::Kept(_) => None,
        })
        .collect();
    if streamed.is_empty() {
        return Ok(None);
    }
    let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
    let broken = Arc::new(AtomicBool::new(false));
    let relay = Relay::new(entries, rx, Arc::clone(&broken));
    std::thread::scope(|scope| {
        let inflating = scope.spawn(move || inflate_worksheets(bytes, &streamed, total, &tx));
        // The relay goes with calamine's reader when this returns: the inflating thread
        // then scans what is left without handing it on.
        let read = crate::import::sheet::stream_xlsx(relay, options);
        let verdict = inflating.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match verdict {
            Verdict::Refused(e) => Err(e),
            Verdict::Whole => Ok(None),
            Verdict::Clean => match read {
                Ok(book) => Ok(book.map(crate::import::assemble::Book::finish)),
                Err(_) if broken.load(Ordering::Relaxed) => Ok(None),
                Err(e) => Err(e),
            },
        }
    })
}

/// The walk of `guard::walk` for every part but the worksheets, which are only listed:
/// the parts, and what they inflated to. `None` when a part needs the whole walk.
fn walk(bytes: &[u8]) -> Result<Option<(Vec<Entry>, u64)>, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ImportError::unreadable(&e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(hostile("压缩包内文件超过 1000 个"));
    }
    let mut total = 0;
    let mut entries: Vec<Entry> = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index).map_err(|e| ImportError::unreadable(&e))?;
        // A declared size is trusted only to refuse early; the count while inflating is
        // the limit (and the zip reader refuses more than the declared size).
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(hostile("解压后单个部件超过 100 MB"));
        }
        let name = entry.name_raw().to_vec();
        if entries.iter().any(|e| e.name == name) {
            return Ok(None);
        }
        let (crc, size) = (entry.crc32(), entry.size());
        let text = String::from_utf8_lossy(&name).into_owned();
        if text.to_ascii_lowercase().contains("worksheets/") {
            let method = entry.compression();
            let plain = matches!(method, zip::CompressionMethod::Deflated | zip::CompressionMethod::Stored);
            if !plain || entry.encrypted() || entry.is_dir() {
                return Ok(None);
            }
            entries.push(Entry { name, crc, size, body: Body::Streamed(index) });
            continue;
        }
        let mut scan = xml::Scan::new(&text);
        let mut kept = Vec::new();
        inflate(&mut entry, &mut total, |chunk| {
            scan.feed(chunk)?;
            kept.extend_from_slice(chunk);
            Ok(())
        })?;
        if scan.finish().merged_cells || kept.len() as u64 != size {
            return Ok(None);
        }
        entries.push(Entry { name, crc, size, body: Body::Kept(kept) });
    }
    Ok(Some((entries, total)))
}

/// The inflating thread: every worksheet in zip order, through the byte limits and the
/// scan, each chunk sent on once scanned (while calamine still reads).
fn inflate_worksheets(
    bytes: &[u8],
    streamed: &[(usize, u64)],
    mut total: u64,
    tx: &mpsc::SyncSender<Chunk>,
) -> Verdict {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip,
        Err(e) => return Verdict::Refused(ImportError::unreadable(&e)),
    };
    let (mut whole, formula_tag) = (false, memchr::memmem::Finder::new(b"<f"));
    let mut open = true;
    for &(index, size) in streamed {
        let mut entry = match zip.by_index(index) {
            Ok(entry) => entry,
            Err(e) => return refused(tx, ImportError::unreadable(&e)),
        };
        let mut scan = xml::Scan::new(&String::from_utf8_lossy(entry.name_raw()));
        let (mut last, mut produced, mut formulas) = (0, 0u64, false);
        let inflated = inflate(&mut entry, &mut total, |chunk| {
            scan.feed(chunk)?;
            // A formula's tag, `<f>` or `<f …>`, may straddle two chunks.
            formulas = formulas || (last == b'<' && chunk.first() == Some(&b'f')) || formula_tag.find(chunk).is_some();
            last = chunk.last().copied().unwrap_or(last);
            produced += chunk.len() as u64;
            // A worksheet with formulas is read again whole: nothing more of it goes on.
            if open && !formulas && produced <= size {
                open = tx.send(Chunk::Data(chunk.to_vec())).is_ok();
            }
            Ok(())
        });
        if let Err(e) = inflated {
            return refused(tx, e);
        }
        let fits = produced == size && !formulas && !scan.finish().merged_cells;
        whole |= !fits;
        if open {
            open = tx.send(if fits { Chunk::End } else { Chunk::Failed }).is_ok();
        }
    }
    if whole {
        Verdict::Whole
    } else {
        Verdict::Clean
    }
}

fn refused(tx: &mpsc::SyncSender<Chunk>, e: ImportError) -> Verdict {
    let _ = tx.send(Chunk::Failed);
    Verdict::Refused(e)
}

#[cfg(test)]
mod tests;
