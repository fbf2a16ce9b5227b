//! The direction of the dependencies (docs/ARCHITECTURE.md, "The dependency rule"), read
//! from the source: every `crate::` path of src/**.rs, outside comments.
//!
//! - nothing under `engine` names a module outside `engine`;
//! - `sqlx` is named only under `storage`, except `sqlx::Error`, which storage passes up
//!   unchanged (style: "storage: `sqlx::Error`, passed up unchanged");
//! - `web` reaches storage only through `app`, but for the pool (`storage::Db`) and the
//!   files listed in `WEB_READS_STORAGE`: the web's own sessions, login attempts, caches
//!   and idempotency keys. The list may only shrink: a file that no longer names storage
//!   must leave it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Web files that call storage themselves: the web's own machinery, never a use case
/// (docs/ARCHITECTURE.md, "The dependency rule", says why each stays). Issue 13 item 1
/// moved every page load and write into `app`.
const WEB_READS_STORAGE: &[&str] = &[
    // Sessions and login attempts: the web's own tables (cookies, counters per address).
    "web/accounts/auth.rs",
    "web/accounts/login_limit.rs",
    // The write generation the caches compare, and the idempotency keys: per-request machinery.
    "web/kernel/cache.rs",
    "web/kernel/idempotency.rs",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file, as (path under src/, code lines without comments).
fn code() -> Vec<(String, Vec<String>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("a source file reads");
            let lines = text
                .lines()
                .map(|l| l.split_once("//").map_or(l, |(code, _)| code).to_owned())
                .filter(|l| !l.trim().is_empty())
                .collect();
            (name, lines)
        })
        .collect()
}

/// The top modules a file names through `crate::` (`crate::storage::Db` → `storage`).
fn crate_modules(lines: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in lines {
        for (i, _) in line.match_indices("crate::") {
            if i > 0 && line[..i].ends_with('$') {
                continue;
            }
            let rest = &line[i + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn the_engine_names_nothing_outside_itself() {
    let files = code();
    assert!(files.iter().any(|(n, _)| n.starts_with("engine/")), "the engine's files are read");
    for (name, lines) in files.iter().filter(|(n, _)| n.starts_with("engine/") || n == "engine.rs") {
        let outside: Vec<_> = crate_modules(lines).into_iter().filter(|m| m != "engine").collect();
        assert!(outside.is_empty(), "{name} names {outside:?}: the engine depends on nothing else in tiexi");
        assert!(!lines.iter().any(|l| l.contains("sqlx") || l.contains("rocket")), "{name} names sqlx or rocket");
    }
}

#[test]
fn sqlx_is_named_only_in_storage_but_for_its_error() {
    for (name, lines) in code().iter().filter(|(n, _)| !n.starts_with("storage/") && n != "storage.rs") {
        for line in lines {
            for (i, _) in line.match_indices("sqlx") {
                let rest = &line[i..];
                assert!(
                    rest.starts_with("sqlx::Error"),
                    "{name}: `{}` — SQL and sqlx live in storage (docs/ARCHITECTURE.md)",
                    line.trim()
                );
            }
        }
    }
}

#[test]
fn web_reaches_storage_through_app_but_for_the_listed_files() {
    let mut still = BTreeSet::new();
    for (name, lines) in code().iter().filter(|(n, _)| n.starts_with("web/")) {
        let names_storage = lines.iter().any(|l| {
            l.match_indices("crate::storage").any(|(i, _)| !l[i..].starts_with("crate::storage::Db"))
                || l.contains("use crate::storage::{")
        });
        if names_storage {
            still.insert(format!("web/{}", name.trim_start_matches("web/")));
        }
    }
    let listed: BTreeSet<String> = WEB_READS_STORAGE.iter().map(|s| (*s).to_owned()).collect();
    let new: Vec<_> = still.difference(&listed).collect();
    assert!(new.is_empty(), "{new:?} call storage from web: put the operation in app (docs/ARCHITECTURE.md)");
    let gone: Vec<_> = listed.difference(&still).collect();
    assert!(gone.is_empty(), "{gone:?} no longer call storage: take them off WEB_READS_STORAGE");
}

#[test]
fn app_knows_no_http() {
    for (name, lines) in code().iter().filter(|(n, _)| n.starts_with("app/") || n == "app/mod.rs") {
        let web: Vec<_> = crate_modules(lines).into_iter().filter(|m| m == "web").collect();
        assert!(web.is_empty(), "{name} names web: use cases take an Actor, never the HTTP session");
    }
}

/// Storage turns rows into engine values: it names the engine and the policy file's reader
/// (`crate::policy`, for stored rounds' policies), never the layers above it.
#[test]
fn storage_names_no_layer_above_it() {
    let above = ["import", "export", "app", "web", "reports", "cli", "commands", "demo"];
    for (name, lines) in code().iter().filter(|(n, _)| n.starts_with("storage/") || n == "storage.rs") {
        let named: Vec<_> = crate_modules(lines).into_iter().filter(|m| above.contains(&m.as_str())).collect();
        assert!(named.is_empty(), "{name} names {named:?}: storage depends only on the engine and the policy file");
    }
}
