//! The zip calamine reads when the worksheets are streamed: every part stored (not
//! compressed), the worksheets first, their bytes served as the inflating thread sends
//! them. calamine reads a sheet's first rows (to find the Loans sheet's header) and then
//! the sheet again from its start: the first `PREFIX` bytes of each worksheet are kept for
//! that. A read the relay cannot serve (further back, or a worksheet already passed) fails,
//! and says so through `broken`: the caller then walks the zip whole.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use super::{Body, Entry};

/// What is kept of a worksheet's start, for the read after the look at its first rows.
const PREFIX: usize = 1 << 20;

/// What the inflating thread sends: a worksheet's next bytes (scanned), its end (all of
/// its declared size sent), or that it will send no more.
pub(super) enum Chunk {
    Data(Vec<u8>),
    End,
    Failed,
}

enum Region {
    Bytes(Vec<u8>),
    /// The worksheet sent `at`-th (0-based), of this size.
    Streamed {
        at: usize,
        len: u64,
    },
}

impl Region {
    fn len(&self) -> u64 {
        match self {
            Region::Bytes(bytes) => bytes.len() as u64,
            Region::Streamed { len, .. } => *len,
        }
    }
}

pub(super) struct Relay {
    /// Regions by their start in the zip, in order, none empty.
    regions: Vec<(u64, Region)>,
    len: u64,
    pos: u64,
    feed: Feed,
}

/// The worksheets as they arrive.
struct Feed {
    rx: mpsc::Receiver<Chunk>,
    /// The worksheet being received; those before it are gone.
    at: usize,
    /// Its last chunk, which starts at `start` in it.
    last: Vec<u8>,
    start: u64,
    /// Its first bytes.
    prefix: Vec<u8>,
    broken: Arc<AtomicBool>,
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;

impl Relay {
    pub(super) fn new(entries: Vec<Entry>, rx: mpsc::Receiver<Chunk>, broken: Arc<AtomicBool>) -> Relay {
        let (streamed, kept): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(|e| matches!(e.body, Body::Streamed(_)));
        let count = u16::try_from(streamed.len() + kept.len()).unwrap_or(u16::MAX);
        let mut regions = Vec::new();
        let (mut pending, mut directory, mut at, mut offset) = (Vec::new(), Vec::new(), 0, 0u64);
        for entry in streamed.into_iter().chain(kept) {
            header(&mut pending, &entry, None);
            header(&mut directory, &entry, Some(offset));
            offset += (30 + entry.name.len()) as u64 + entry.size;
            match entry.body {
                Body::Kept(bytes) => pending.extend_from_slice(&bytes),
                Body::Streamed(_) => {
                    push(&mut regions, Region::Bytes(std::mem::take(&mut pending)));
                    push(&mut regions, Region::Streamed { at, len: entry.size });
                    at += 1;
                }
            }
        }
        let directory_size = u32::try_from(directory.len()).unwrap_or(u32::MAX);
        pending.extend_from_slice(&directory);
        pending.extend_from_slice(&END.to_le_bytes());
        pending.extend_from_slice(&[0, 0, 0, 0]);
        pending.extend_from_slice(&count.to_le_bytes());
        pending.extend_from_slice(&count.to_le_bytes());
        pending.extend_from_slice(&directory_size.to_le_bytes());
        pending.extend_from_slice(&u32::try_from(offset).unwrap_or(u32::MAX).to_le_bytes());
        pending.extend_from_slice(&[0, 0]);
        push(&mut regions, Region::Bytes(pending));
        let len = end(&regions);
        let feed = Feed { rx, at: 0, last: Vec::new(), start: 0, prefix: Vec::new(), broken };
        Relay { regions, len, pos: 0, feed }
    }
}

fn end(regions: &[(u64, Region)]) -> u64 {
    regions.last().map_or(0, |(start, region)| start + region.len())
}

fn push(regions: &mut Vec<(u64, Region)>, region: Region) {
    if region.len() > 0 {
        let start = end(regions);
        regions.push((start, region));
    }
}

/// A stored entry's local header (`offset` `None`) or its central directory record. The
/// walk refused every part above `MAX_ENTRY_BYTES`, so sizes and offsets fit 32 bits.
fn header(out: &mut Vec<u8>, entry: &Entry, offset: Option<u64>) {
    let size = u32::try_from(entry.size).unwrap_or(u32::MAX).to_le_bytes();
    let name_len = u16::try_from(entry.name.len()).unwrap_or(u16::MAX);
    let version = 20u16.to_le_bytes();
    out.extend_from_slice(&if offset.is_some() { CENTRAL } else { LOCAL }.to_le_bytes());
    if offset.is_some() {
        out.extend_from_slice(&version);
    }
    // Version needed, flags, method (stored), time, date (1980-01-01).
    out.extend_from_slice(&version);
    out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0x21, 0]);
    out.extend_from_slice(&entry.crc.to_le_bytes());
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    if let Some(offset) = offset {
        // Comment length, disk, internal and external attributes, the local header.
        out.extend_from_slice(&[0; 10]);
        out.extend_from_slice(&u32::try_from(offset).unwrap_or(u32::MAX).to_le_bytes());
    }
    out.extend_from_slice(&entry.name);
}

impl Read for Relay {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        let i = self.regions.partition_point(|(start, _)| *start <= self.pos) - 1;
        let (start, region) = &self.regions[i];
        let offset = self.pos - start;
        let n = match region {
            Region::Bytes(bytes) => copy(&bytes[usize::try_from(offset).unwrap_or(usize::MAX)..], out),
            Region::Streamed { at, len } => {
                let want = usize::try_from(len - offset).unwrap_or(usize::MAX).min(out.len());
                self.feed.serve(*at, offset, &mut out[..want])?
            }
        };
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Relay {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a seek before the start"))?;
        Ok(self.pos)
    }
}

fn copy(from: &[u8], out: &mut [u8]) -> usize {
    let n = from.len().min(out.len());
    out[..n].copy_from_slice(&from[..n]);
    n
}

impl Feed {
    /// Bytes of the worksheet sent `at`-th, from `offset` in it.
    fn serve(&mut self, at: usize, offset: u64, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if at < self.at {
                return self.give_up();
            }
            if at > self.at {
                // A worksheet calamine does not read (or no more of): the inflating thread
                // has scanned it; its bytes are passed over.
                match self.rx.recv() {
                    Ok(Chunk::Data(_)) => {}
                    Ok(Chunk::End) => {
                        self.at += 1;
                        (self.last, self.start, self.prefix) = (Vec::new(), 0, Vec::new());
                    }
                    Ok(Chunk::Failed) | Err(_) => return self.give_up(),
                }
                continue;
            }
            let received = self.start + self.last.len() as u64;
            if (self.start..received).contains(&offset) {
                return Ok(copy(&self.last[usize::try_from(offset - self.start).unwrap_or(0)..], out));
            }
            if offset < self.prefix.len() as u64 {
                return Ok(copy(&self.prefix[usize::try_from(offset).unwrap_or(0)..], out));
            }
            if offset < self.start {
                return self.give_up();
            }
            match self.rx.recv() {
                Ok(Chunk::Data(chunk)) => {
                    if self.prefix.len() as u64 == received && self.prefix.len() < PREFIX {
                        let take = (PREFIX - self.prefix.len()).min(chunk.len());
                        self.prefix.extend_from_slice(&chunk[..take]);
                    }
                    (self.last, self.start) = (chunk, received);
                }
                // The end before the declared size (the inflating thread sends `Failed`
                // then), or no more.
                Ok(Chunk::End | Chunk::Failed) | Err(_) => return self.give_up(),
            }
        }
    }

    fn give_up(&self) -> io::Result<usize> {
        self.broken.store(true, Ordering::Relaxed);
        Err(io::Error::other("the streamed worksheets cannot serve this read"))
    }
}
