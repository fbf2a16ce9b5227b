//! What counts as a crash. In production the parser runs in the child process of
//! `import::isolate`, which turns a panic into `ImportError::Unreadable`; a panic inside
//! calamine is therefore contained, and only counted here (fuzz/README.md records them).
//! A panic anywhere else, in our code, stays a crash. `TIEXI_FUZZ_STRICT=1` makes
//! calamine's panics crashes too, to hunt them.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};

static CONTAINED: AtomicU64 = AtomicU64::new(0);

/// Called once, after libfuzzer-sys installed its aborting panic hook.
pub fn init() {
    if std::env::var_os("TIEXI_FUZZ_STRICT").is_some() {
        return;
    }
    let abort = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
            abort(info);
        }
    }));
}

/// Run `parse`, letting a contained panic unwind to here.
pub fn run<T>(parse: impl FnOnce() -> T) {
    if panic::catch_unwind(AssertUnwindSafe(parse)).is_err() {
        let n = CONTAINED.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_power_of_two() {
            eprintln!("calamine panics contained so far: {n}");
        }
    }
}
