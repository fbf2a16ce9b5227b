//! People read 年月日 dates and Beijing time (issue 14, the developers' guide): every page
//! each role reaches from its home page, by following links, shows no ISO date
//! (`2024-01-01`), no ISO time (`2024-06-30T06:05`) and no `UTC` in what a person reads.
//! The policy file shown as it is (`<pre class="policy">`, `<textarea>`) is the file itself,
//! and form fields keep ISO values (the browser's date input wants them); both are left out.

use crate::web_support::TestApp;

/// The visible text of a page: scripts, styles, the policy file as written and every tag
/// (with its attributes) removed.
fn visible(html: &str) -> String {
    let mut text = html.to_string();
    for (open, close) in
        [("<script", "</script>"), ("<style", "</style>"), ("<textarea", "</textarea>"), ("<pre", "</pre>")]
    {
        while let Some(at) = text.find(open) {
            let end = text[at..].find(close).map_or(text.len(), |e| at + e + close.len());
            text.replace_range(at..end, " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The first `dddd-dd-dd` or `UTC` in `text`, with what follows it.
fn iso(text: &str) -> Option<String> {
    if let Some(at) = text.find("UTC") {
        return Some(text[at..].chars().take(20).collect());
    }
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (0..b.len().saturating_sub(9)).find_map(|i| {
        (digits(i..i + 4) && b[i + 4] == b'-' && digits(i + 5..i + 7) && b[i + 7] == b'-' && digits(i + 8..i + 10))
            .then(|| String::from_utf8_lossy(&b[i..(i + 20).min(b.len())]).into_owned())
    })
}

/// The links of a page worth following: one page of each kind (the first project, the first
/// batch), no downloads, no logout.
fn links(html: &str, seen: &mut Vec<String>) -> Vec<String> {
    let kind =
        |l: &str| l.split('/').map(|s| if s.parse::<i64>().is_ok() { "N" } else { s }).collect::<Vec<_>>().join("/");
    let mut out = Vec::new();
    for l in html.split("href=\"").skip(1).filter_map(|h| h.split('"').next()) {
        let l = l.replace("&amp;", "&").replace("&#x2F;", "/");
        let l = l.split('#').next().unwrap_or_default().to_string();
        let download =
            [".xlsx", ".csv", ".pdf", "/static/", "logout", "/file", "/download"].iter().any(|d| l.contains(d));
        if !l.starts_with('/') || download || seen.iter().any(|s| kind(s) == kind(&l)) {
            continue;
        }
        seen.push(l.clone());
        out.push(l);
    }
    out
}

#[rocket::async_test]
async fn no_page_any_role_reaches_shows_an_iso_date_or_a_utc_time() {
    let app = TestApp::demo().await;
    let mut pages = 0;
    for user in ["admin", "hongxing2", "coop-a", "bureau", "auditor"] {
        let agent = app.login(user).await;
        let mut seen = vec!["/".to_string()];
        let mut queue = vec!["/".to_string()];
        while let Some(path) = queue.pop() {
            let (_, html) = agent.get(&path).await;
            pages += 1;
            if let Some(found) = iso(&visible(&html)) {
                panic!("{user} {path}: {found:?} is not a date in words (年月日) or Beijing time");
            }
            queue.extend(links(&html, &mut seen));
            assert!(seen.len() < 400, "{user}: the walk ends");
        }
    }
    assert!(pages > 60, "the walk reached the pages: {pages}");
}
