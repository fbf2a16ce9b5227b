//! Compiles the page templates into the binary (issue 13 item 8, docs/deployment.md): a
//! list of `(name, include_str!(file))` for every `templates/**/*.html.tera`, named as
//! the pages render them (`projects/index`). No crate for this: `include_dir` and
//! `rust-embed` would do the walk at compile time too, but a dozen lines here keep the
//! dependency tree as it is, and rust-embed reads from disk in debug builds, which would
//! let the tests pass on a layout the release binary does not have.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    // Cargo rescans a directory given here, so a new or renamed template rebuilds too.
    println!("cargo:rerun-if-changed=templates");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every page template: its name and its text (build.rs).\npub const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file.strip_prefix(&root).expect("under templates/").to_string_lossy().replace('\\', "/");
        let name = relative.strip_suffix(".html.tera").expect("only .html.tera is collected");
        // The path is the crate's at compile time, not this script's: a target directory
        // shared by two checkouts (or a moved one) must not compile another's templates.
        let path = format!("/templates/{relative}");
        writeln!(out, "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?}))),")
            .expect("a String takes writes");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("templates.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("templates/ is readable").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files);
        } else if path.to_string_lossy().ends_with(".html.tera") {
            files.push(path);
        }
    }
}
