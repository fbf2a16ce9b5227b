//! A workbook's answer in frames: the projects a thousand at a time, each frame its length
//! and then its bincode, and after them the rest of the answer as `respond` writes any
//! answer (the projects then empty):
//!
//! ```text
//! tiexi-parse bincode 2\n  count (u64 LE)  [length (u32 LE), projects]…  0 (u32)  Result<Parsed, ImportError>
//! ```
//!
//! Why frames: the parent decodes each frame from memory, where bincode reads a field
//! without a call per byte, while the child writes the next one; decoding 100,000
//! projects straight from the pipe was the last tenth of an import, after the child had
//! done (docs/ARCHITECTURE.md "The parse child"). The parent decodes on two threads, every
//! other frame each, and never holds more than four frames of bytes.

use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;

use super::{wire, wire_out, ImportError, Parsed};
use crate::engine::Project;

/// The first line of a workbook's answer: the encoding and its version.
pub(super) const VERSION: &[u8] = b"tiexi-parse bincode 2\n";
/// Projects per frame: a few hundred kilobytes.
const PROJECTS: usize = 1024;
/// The longest frame the parent reads (a thousand projects stay far below).
const MAX_FRAME: u32 = 64 * 1024 * 1024;

/// Write the answer; 0 when it was written whole, 1 when the parent went away.
pub(super) fn respond(reply: Result<Parsed, ImportError>, output: &mut dyn Write) -> u8 {
    use bincode::Options as _;
    let mut output = std::io::BufWriter::with_capacity(256 * 1024, output);
    let (projects, rest) = match reply {
        Ok(mut parsed) => (std::mem::take(&mut parsed.projects), Ok(parsed)),
        Err(e) => (Vec::new(), Err(e)),
    };
    let mut frame = Vec::new();
    let mut written = output.write_all(VERSION).and_then(|()| output.write_all(&(projects.len() as u64).to_le_bytes()));
    for chunk in projects.chunks(PROJECTS) {
        frame.clear();
        written = written
            .and_then(|()| wire_out().serialize_into(&mut frame, chunk).map_err(std::io::Error::other))
            .and_then(|()| u32::try_from(frame.len()).map_err(std::io::Error::other))
            .and_then(|length| output.write_all(&length.to_le_bytes()))
            .and_then(|()| output.write_all(&frame));
        if written.is_err() {
            break;
        }
    }
    let written = written
        .and_then(|()| output.write_all(&0u32.to_le_bytes()))
        .and_then(|()| wire_out().serialize_into(&mut output, &rest).map_err(std::io::Error::other))
        .and_then(|()| output.flush());
    // The child exits right after, and the parent waits for that exit: freeing 100,000
    // projects one by one (a tenth of a second) would only delay the answer. The kernel
    // takes the memory back whole.
    std::mem::forget((projects, rest));
    u8::from(written.is_err())
}

/// An answer, or `None` when it is not one whole answer of this version (nothing may
/// follow it).
///
/// Frames are decoded on two threads: this one takes every other frame and hands the
/// rest to a second, so decoding keeps pace with the child's writing (decoding on one
/// thread was the slowest step of the answer: docs/ARCHITECTURE.md "The parse child").
pub(super) fn decode(reply: &mut dyn BufRead) -> Option<Result<Parsed, ImportError>> {
    use bincode::Options as _;
    let mut version = vec![0; VERSION.len()];
    reply.read_exact(&mut version).ok().filter(|()| version == VERSION)?;
    let count = u64::from_le_bytes(array(reply)?);
    // No sheet is read beyond its rows' limit, nor has more projects than rows.
    if count > u64::from(crate::import::sheet::MAX_ROWS) {
        return None;
    }
    let decoded = AtomicU64::new(0);
    let (ours, theirs) = std::thread::scope(|scope| {
        // Two frames in flight at most: the parent holds four frames of bytes, never more.
        let (send, frames) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let other = scope.spawn(|| {
            let mut chunks = Vec::new();
            for frame in frames {
                chunks.push(chunk(&frame, &decoded, count)?);
            }
            Some(chunks)
        });
        let ours = read_frames(reply, &send, &decoded, count);
        drop(send);
        // A panic while decoding is the parent's own bug, not the file's: let it show.
        (ours, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let (ours, theirs) = (ours?, theirs?);
    let rest: Result<Parsed, ImportError> = wire().deserialize_from(&mut *reply).ok()?;
    if decoded.into_inner() != count || !reply.fill_buf().is_ok_and(<[u8]>::is_empty) {
        return None;
    }
    let mut projects: Vec<Project> = Vec::with_capacity(usize::try_from(count).ok()?);
    let mut theirs = theirs.into_iter();
    for chunk in ours {
        projects.extend(chunk);
        projects.extend(theirs.next().unwrap_or_default());
    }
    Some(rest.map(|mut parsed| {
        parsed.projects = projects;
        parsed
    }))
}

/// Read the frames up to their end (a length of 0): the even ones decoded here, the odd
/// ones sent to the other thread. `None` on a frame too long, cut short or not decoded,
/// or when the other thread has stopped on one.
fn read_frames(
    reply: &mut dyn BufRead,
    send: &SyncSender<Vec<u8>>,
    decoded: &AtomicU64,
    count: u64,
) -> Option<Vec<Vec<Project>>> {
    let mut chunks = Vec::new();
    for at in 0.. {
        let length = u32::from_le_bytes(array(reply)?);
        if length == 0 {
            break;
        }
        if length > MAX_FRAME {
            return None;
        }
        let mut frame = vec![0; length as usize];
        reply.read_exact(&mut frame).ok()?;
        if at % 2 == 0 {
            chunks.push(chunk(&frame, decoded, count)?);
        } else {
            send.send(frame).ok()?;
        }
    }
    Some(chunks)
}

/// One frame's projects; `None` when it is not one, or when the frames decoded so far
/// hold more projects than counted (no answer: stop reading at once).
fn chunk(frame: &[u8], decoded: &AtomicU64, count: u64) -> Option<Vec<Project>> {
    use bincode::Options as _;
    let chunk: Vec<Project> = wire().deserialize(frame).ok()?;
    let before = decoded.fetch_add(chunk.len() as u64, Ordering::Relaxed);
    (before + chunk.len() as u64 <= count).then_some(chunk)
}

fn array<const N: usize>(reply: &mut dyn Read) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    reply.read_exact(&mut bytes).ok()?;
    Some(bytes)
}
