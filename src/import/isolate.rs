//! Parsing an uploaded workbook in a child process, the same binary (docs/hazards.md "Uploaded
//! spreadsheets": "parse in a child process with memory and CPU limits, so that an abort
//! kills only the child and the user gets a clear message").
//!
//! The parent writes one line of JSON `Options` and then the file's bytes to the stdin of
//! `tiexi parse-worker`; the child lowers its own limits first, runs `guard::workbook` and
//! answers `Result<Parsed, ImportError>` on stdout: the line `REPLY_VERSION`, then the
//! value in bincode (compact: the JSON of 100,000 rows was 48 MB, and reading it back cost
//! more than a fifth of the import); a workbook's projects come first, in frames
//! (`frames`). Parent and child are the same binary, so the version
//! line only guards against a stale worker. A panic in the child becomes
//! `Unreadable`; an abort, a signal, a limit or the wall clock becomes `Hostile`. The parent
//! never parses the file itself and never panics because of it.
//!
//! `workbook` blocks for up to `WALL_TIME`: a web handler must call it through
//! `spawn_blocking` (behind a small semaphore), never on an async worker (docs/hazards.md
//! "Rocket 0.5").

use std::io::{BufRead, BufReader, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

mod frames;

use rlimit::Resource;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};

use super::guard::{self, hostile, MAX_UPLOAD};
use super::statements::Statement;
use super::{detect, ImportError, Options, Parsed, RowError};

/// The hidden subcommand that runs the child.
pub const WORKER: &str = "parse-worker";
/// The child's address space (`RLIMIT_AS`), in bytes: 1 GiB.
pub const MAX_MEMORY: u64 = 1 << 30;
/// The child's CPU time (`RLIMIT_CPU`), in seconds; the kernel stops it after that.
pub const MAX_CPU_SECONDS: u64 = 20;
/// How long the parent waits for the child before killing it.
pub const WALL_TIME: Duration = Duration::from_secs(30);
/// The largest answer the parent reads (the answer for 200,000 rows stays well below).
const MAX_REPLY: u64 = 512 * 1024 * 1024;
/// The first line of every answer: the encoding and its version.
const REPLY_VERSION: &[u8] = b"tiexi-parse bincode 1\n";

/// What the user is told when the child died without answering.
const CRASHED: &str = "解析进程异常终止";
/// What the user is told when the child ran out of time.
const TIMED_OUT: &str = "解析超时";

/// Read an applicant workbook in a child process (`exe parse-worker`).
///
/// # Errors
/// As `guard::workbook`; `Hostile` when the child crashed, was killed by a limit or ran
/// out of time; `Worker` when it could not be started.
pub fn workbook(exe: &Path, bytes: &[u8], options: &Options) -> Result<Parsed, ImportError> {
    run(exe, &Request::Workbook(*options), bytes, frames::decode)
}

/// Read a bank's interest statement in a child process, as a workbook is
/// (`statements::read` there).
///
/// # Errors
/// As [`workbook`].
pub fn statements(exe: &Path, bytes: &[u8]) -> Result<Statement, ImportError> {
    run(exe, &Request::Statements { statements: 1 }, bytes, decode)
}

/// Read a bank's answer to a batch (回单) in a child process, as a workbook is
/// (`bank_return::read` there).
///
/// # Errors
/// As [`workbook`].
pub fn bank_return(exe: &Path, bytes: &[u8]) -> Result<super::bank_return::BankReturn, ImportError> {
    run(exe, &Request::BankReturn { bank_return: 1 }, bytes, decode)
}

/// What the parent asks for, as the child's first line: an applicant workbook's `Options`,
/// or `{"statements": 1}` for a statement file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Request {
    Statements { statements: u8 },
    BankReturn { bank_return: u8 },
    Workbook(Options),
}

/// How the parent reads the child's answer.
type Decode<T> = fn(&mut dyn BufRead) -> Option<Result<T, ImportError>>;

fn run<T: Send>(exe: &Path, request: &Request, bytes: &[u8], decode: Decode<T>) -> Result<T, ImportError> {
    if bytes.len() > MAX_UPLOAD {
        return Err(hostile("文件超过 20 MB"));
    }
    detect(bytes)?;
    let mut header = serde_json::to_vec(request).map_err(|e| ImportError::Worker(e.to_string()))?;
    header.push(b'\n');
    let mut child = Command::new(exe)
        .arg(WORKER)
        // mimalloc (src/lib.rs) reserves address space 1 GiB at a time by default: under the
        // child's `RLIMIT_AS` of `MAX_MEMORY` a second reservation fails and the child dies.
        // It also keeps freed pages for a second: the child's peak would grow by a third
        // (290 MiB for 100,000 rows). Returned after 10 ms, some are faulted in again at
        // once (about 20,000 faults for 100,000 rows); a delay of 250 ms cut the faults
        // tenfold but not the import's time on a quiet run, and raised its peak from 2.1× to
        // 2.7× the XML (benches/RESULTS.md, notes of 2026-12-07): memory is the bound here.
        //
        // Nor may it ask for transparent huge pages (`madvise(MADV_HUGEPAGE)` on its arenas):
        // a page it purges and touches again is then a fresh 2 MiB page the kernel must
        // clear whole. That clearing was a quarter of the child's time for 100,000 rows
        // (0.8 s of system time of 2.4 s in all; 0.2 s without huge pages, for the same
        // peak: docs/ARCHITECTURE.md "The parse child").
        .env("MIMALLOC_ARENA_RESERVE", "64MiB")
        .env("MIMALLOC_PURGE_DELAY", "10")
        .env("MIMALLOC_ALLOW_THP", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ImportError::Worker(e.to_string()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(ImportError::Worker("no pipes to the child".to_string()));
    };
    // A larger pipe lets the child write ahead while the parent decodes (about 5% of an
    // import: docs/ARCHITECTURE.md "The parse child"); where the system refuses, the
    // default pipe serves as before.
    #[cfg(target_os = "linux")]
    let _ = rustix::pipe::fcntl_setpipe_size(&stdout, 1 << 20);
    let (ended, reply) = std::thread::scope(|scope| {
        // A child that dies early closes its stdin: the write fails, and that is all.
        scope.spawn(move || stdin.write_all(&header).and_then(|()| stdin.write_all(bytes)));
        // The answer is decoded as it arrives, never held whole beside what it decodes to.
        let reader = scope.spawn(move || decode(&mut BufReader::with_capacity(256 * 1024, stdout.take(MAX_REPLY))));
        let ended = wait(&mut child, WALL_TIME);
        (ended, reader.join())
    });
    answer(ended, reply.ok().flatten())
}

/// How the child ended: `None` when the parent had to kill it.
fn wait(child: &mut Child, limit: Duration) -> Option<std::io::Result<ExitStatus>> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(Ok(status)),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => break,
            Err(e) => return Some(Err(e)),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// The child's answer, or what its end means for the user.
fn answer<T>(
    ended: Option<std::io::Result<ExitStatus>>,
    reply: Option<Result<T, ImportError>>,
) -> Result<T, ImportError> {
    let status = match ended {
        None => return Err(hostile(TIMED_OUT)),
        Some(Err(e)) => return Err(ImportError::Worker(e.to_string())),
        Some(Ok(status)) => status,
    };
    if out_of_cpu(status) {
        return Err(hostile(TIMED_OUT));
    }
    reply.filter(|_| status.success()).unwrap_or_else(|| Err(hostile(CRASHED)))
}

/// The wire encoding: bincode with its varint integers, no trailing bytes, and a bound on
/// what a length it reads may make it allocate.
fn wire() -> impl bincode::Options {
    use bincode::Options as _;
    bincode::DefaultOptions::new().with_limit(MAX_REPLY)
}

/// The same encoding as the child writes it: without the bound, which bincode checks by
/// sizing the whole value first, a second pass over every project; the bound guards the
/// parent, which reads.
fn wire_out() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// An answer, or `None` when it is not one whole answer of this version (nothing may
/// follow it).
fn decode<T: DeserializeOwned>(reply: &mut dyn BufRead) -> Option<Result<T, ImportError>> {
    use bincode::Options as _;
    let mut version = vec![0; REPLY_VERSION.len()];
    reply.read_exact(&mut version).ok().filter(|()| version == REPLY_VERSION)?;
    let parsed = wire().deserialize_from(&mut *reply).ok()?;
    reply.fill_buf().is_ok_and(<[u8]>::is_empty).then_some(parsed)
}

/// `RLIMIT_CPU` sends SIGXCPU (24 on Linux) at the soft limit and SIGKILL at the hard one.
#[cfg(unix)]
fn out_of_cpu(status: ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    matches!(status.signal(), Some(9 | 24))
}

#[cfg(not(unix))]
fn out_of_cpu(_: ExitStatus) -> bool {
    false
}

/// The child, `tiexi parse-worker`: lower its own limits, then read the request from
/// `input` and write the answer to `output`. Returns the exit status.
pub fn serve(input: &mut dyn Read, output: &mut dyn Write) -> u8 {
    // The panic's text goes into the answer, not to a stderr nobody reads.
    panic::set_hook(Box::new(|_| {}));
    if let Err(e) = limit_self() {
        return frames::respond(Err(ImportError::Worker(e.to_string())), output);
    }
    match request(input) {
        Ok((Request::Workbook(options), bytes)) => frames::respond(parse(bytes, options), output),
        Ok((Request::Statements { .. }, bytes)) => respond(&caught(|| super::statements::read(&bytes)), output),
        Ok((Request::BankReturn { .. }, bytes)) => respond(&caught(|| super::bank_return::read(&bytes)), output),
        Err(e) => frames::respond(Err(e), output),
    }
}

fn respond<T: Serialize>(reply: &Result<T, ImportError>, output: &mut dyn Write) -> u8 {
    use bincode::Options as _;
    let mut output = std::io::BufWriter::with_capacity(256 * 1024, output);
    let written = output
        .write_all(REPLY_VERSION)
        .and_then(|()| wire_out().serialize_into(&mut output, reply).map_err(std::io::Error::other))
        .and_then(|()| output.flush());
    u8::from(written.is_err())
}

/// docs/hazards.md: memory and CPU limits on the parser, no core dump, no file written.
/// Limits are only ever lowered (an unprivileged process cannot raise a hard limit).
fn limit_self() -> std::io::Result<()> {
    lower(Resource::CORE, 0, 0)?;
    lower(Resource::FSIZE, 0, 0)?;
    lower(Resource::CPU, MAX_CPU_SECONDS, MAX_CPU_SECONDS + 1)?;
    lower(Resource::AS, MAX_MEMORY, MAX_MEMORY)
}

fn lower(resource: Resource, soft: u64, hard: u64) -> std::io::Result<()> {
    if !resource.is_supported() {
        return Ok(());
    }
    let (_, current) = resource.get()?;
    resource.set(soft.min(current), hard.min(current))
}

/// One line of JSON options, then the file; never more than the upload limit allows.
fn request(input: &mut dyn Read) -> Result<(Request, Vec<u8>), ImportError> {
    let mut input = BufReader::new(input.take(MAX_UPLOAD as u64 + 4096 + 1));
    let mut line = Vec::new();
    input.read_until(b'\n', &mut line).map_err(|e| ImportError::Worker(e.to_string()))?;
    let options = serde_json::from_slice(&line).map_err(|e| ImportError::Worker(e.to_string()))?;
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| ImportError::Worker(e.to_string()))?;
    Ok((options, bytes))
}

fn parse(bytes: Vec<u8>, options: Options) -> Result<Parsed, ImportError> {
    caught(|| guard::workbook_owned(bytes, &options))
}

/// A panic in a parser is a file it could not read; the panic's text goes to the log only.
fn caught<T>(parse: impl FnOnce() -> Result<T, ImportError>) -> Result<T, ImportError> {
    let caught = panic::catch_unwind(AssertUnwindSafe(parse));
    caught.unwrap_or_else(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| payload.downcast_ref::<String>().cloned());
        Err(ImportError::Unreadable(format!("parser panicked: {}", text.unwrap_or_default())))
    })
}

/// `RowError` on the wire: its `key` is a `&'static str` naming a column of docs/workbook.md, so it
/// is read back as that column's own key (an unknown key reads as none).
#[derive(Deserialize)]
struct WireRowError {
    sheet: String,
    row: u32,
    column: String,
    key: Option<String>,
    value: String,
    message: String,
}

impl<'de> Deserialize<'de> for RowError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RowError, D::Error> {
        let w = WireRowError::deserialize(deserializer)?;
        let key = w.key.and_then(|k| super::columns::static_key(&k));
        Ok(RowError { sheet: w.sheet, row: w.row, column: w.column, key, value: w.value, message: w.message })
    }
}

#[cfg(test)]
mod tests;
