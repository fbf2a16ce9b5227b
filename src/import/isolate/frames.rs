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
//! done (docs/ARCHITECTURE.md "The parse child"). The parent never holds more than a
//! frame of bytes, and reserves the list of projects once, from the count.

use std::io::{BufRead, Read, Write};

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
pub(super) fn decode(reply: &mut dyn BufRead) -> Option<Result<Parsed, ImportError>> {
    use bincode::Options as _;
    let mut version = vec![0; VERSION.len()];
    reply.read_exact(&mut version).ok().filter(|()| version == VERSION)?;
    let count = u64::from_le_bytes(array(reply)?);
    // No sheet is read beyond its rows' limit, nor has more projects than rows.
    if count > u64::from(crate::import::sheet::MAX_ROWS) {
        return None;
    }
    let mut projects: Vec<Project> = Vec::with_capacity(usize::try_from(count).ok()?);
    let mut frame = Vec::new();
    loop {
        let length = u32::from_le_bytes(array(reply)?);
        if length == 0 {
            break;
        }
        if length > MAX_FRAME {
            return None;
        }
        frame.resize(length as usize, 0);
        reply.read_exact(&mut frame).ok()?;
        let chunk: Vec<Project> = wire().deserialize(&frame).ok()?;
        projects.extend(chunk);
        // More projects than counted is no answer: stop reading at once.
        if projects.len() as u64 > count {
            return None;
        }
    }
    let rest: Result<Parsed, ImportError> = wire().deserialize_from(&mut *reply).ok()?;
    if projects.len() as u64 != count || !reply.fill_buf().is_ok_and(<[u8]>::is_empty) {
        return None;
    }
    Some(rest.map(|mut parsed| {
        parsed.projects = projects;
        parsed
    }))
}

fn array<const N: usize>(reply: &mut dyn Read) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    reply.read_exact(&mut bytes).ok()?;
    Some(bytes)
}
