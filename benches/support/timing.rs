//! The timing of `benches/run`'s figures, shared by the bench targets: each piece of work
//! timed several times in a fresh state, the median printed as one line
//! `figure <name> <median ms> <runs>` that the script reads.

use std::time::Instant;

/// How many times each piece of work runs (`FIGURE_RUNS` overrides).
pub fn runs() -> usize {
    std::env::var("FIGURE_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5)
}

/// Time `work` several times and print the median. The clock stops when `work` hands
/// over what it made; freeing that is its user's work, not this figure's (the import's
/// 100,000 projects go on to the store in the server), so it is dropped after.
pub fn figure<T>(name: &str, mut work: impl FnMut() -> T) {
    let times: Vec<u128> = (0..runs())
        .map(|_| {
            let start = Instant::now();
            let made = work();
            let took = start.elapsed().as_micros();
            drop(made);
            took
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
