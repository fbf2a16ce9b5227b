//! Any bytes at all through the guard and the in-process import (docs/hazards.md "Uploaded
//! spreadsheets"): our code may not panic. An abort or a runaway allocation here is
//! calamine's and is what the child process of `import::isolate` contains (fuzz/README.md).
#![no_main]

mod contained;

use libfuzzer_sys::fuzz_target;
use tiexi::import::{guard, Options};

fuzz_target!(init: contained::init(), |data: &[u8]| {
    for require_union_member in [false, true] {
        contained::run(|| guard::workbook(data, &Options { require_union_member, window: None }));
    }
});
