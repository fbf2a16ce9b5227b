//! No English on any page (issue 17 item 4): every template under `templates/` is read, its
//! Tera syntax, tags and scripts taken out, and what a person reads (the text, and the
//! `title`, `placeholder`, `aria-label` and `alt` attributes) may hold no ASCII word but
//! the names of file types, the product's own name and the codes of the policy file.

use std::path::{Path, PathBuf};

/// The words a page may show: file types and formats people know by these names, the
/// product's name, and ACT (the day count's code in the policy file, ACT/360).
const ALLOWED: [&str; 12] = ["tiexi", "Excel", "PDF", "JPEG", "PNG", "xlsx", "xls", "csv", "CSV", "ods", "ACT", "TOML"];

fn templates(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the templates folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            templates(&path, out);
        } else if path.extension().is_some_and(|e| e == "tera") {
            out.push(path);
        }
    }
}

/// Removes every `open … close` span, keeping what `keep` returns of it.
fn cut(text: &str, open: &str, close: &str, keep: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        let end = after.find(close).map_or(after.len(), |e| e + close.len());
        out.push(' ');
        out.push_str(&keep(&after[..end]));
        out.push(' ');
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The attributes of a tag that a person reads.
fn shown_attributes(tag: &str) -> String {
    let mut out = String::new();
    for name in ["title=\"", "placeholder=\"", "aria-label=\"", "alt=\""] {
        for part in tag.split(name).skip(1) {
            out.push(' ');
            out.push_str(part.split('"').next().unwrap_or_default());
        }
    }
    out
}

/// The ASCII words a person would read on the page this template draws.
fn english(template: &str) -> Vec<String> {
    let text = cut(template, "{#", "#}", |_| String::new());
    let text = cut(&text, "{%", "%}", |_| String::new());
    let text = cut(&text, "{{", "}}", |_| String::new());
    let text = cut(&text, "<script", "</script>", |_| String::new());
    let text = cut(&text, "<", ">", shown_attributes);
    let text = cut(&text, "&", ";", |_| String::new());
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .filter(|w| !ALLOWED.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn no_template_shows_an_english_word() {
    let mut files = Vec::new();
    templates(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"), &mut files);
    assert!(files.len() > 20, "the templates are found: {}", files.len());
    let leaks: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let words = english(&std::fs::read_to_string(f).expect("a template"));
            (!words.is_empty()).then(|| format!("{}: {}", f.display(), words.join(" ")))
        })
        .collect();
    assert!(leaks.is_empty(), "English on pages (write it in Chinese, or allow a code):\n{}", leaks.join("\n"));
}

/// The scan finds what it is for: text, a button's title, a word beside Tera syntax.
#[test]
fn the_scan_sees_text_and_titles_but_not_code() {
    let page = r#"{% if x %}<p class="flash" id="a">候补（waitlisted）</p>{% endif %}<a href="/x" title="Back">返回</a>
<script src="/static/tiexi.js">var x = 1;</script>{{ r.key | label(of="state") }}<b>PDF</b>&nbsp;"#;
    assert_eq!(english(page), ["waitlisted", "Back"]);
}
