//! The timing of `benches/run`'s figures, shared by the bench targets: each piece of work
//! timed several times in a fresh state, the median printed as one line
//! `figure <name> <median ms> <runs>` that the script reads.

use std::time::Instant;

/// How many times each piece of work runs (`FIGURE_RUNS` overrides).
pub fn runs() -> usize {
    std::env::var("FIGURE_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5)
}

/// Time `work` several times and print the median.
pub fn figure(name: &str, mut work: impl FnMut()) {
    let times: Vec<u128> = (0..runs())
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed().as_micros()
        })
        .collect();
    print_median(name, times);
}

/// `figure <name> <median ms> <runs>`, in integers (no float arithmetic in this crate).
pub fn print_median(name: &str, mut micros: Vec<u128>) {
    micros.sort_unstable();
    let m = micros[micros.len() / 2];
    println!("figure {name} {}.{} {}", m / 1000, m % 1000 / 100, micros.len());
}
