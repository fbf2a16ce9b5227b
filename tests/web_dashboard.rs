//! The dashboard (home page) on the demo: its numbers are the user's scope and nothing
//! more. Each expected figure is computed here from the project lists of the API (another
//! path through the code), never copied from the page. Runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set.

mod web_support;

use rocket::http::Status;
use serde_json::Value;
use tiexi::sample::UNITS;
use web_support::{Agent, TestApp};

/// The published sentence of the demo (issue 6 item 4).
const SENTENCE: &str = "自2017年以来累计开展职工自主创业示范项目431个，拨付贴息资金806.635万元，撬动贷款1.68亿元，带动职工7916户，户年均增收5000元以上";

/// The text after `marker` up to the next `<`.
fn after<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("{marker} on the page")) + marker.len();
    html[at..].split('<').next().unwrap_or_default()
}

/// `1,234.50` → fen.
fn fen(shown: &str) -> i64 {
    let digits: String = shown.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().unwrap_or_else(|_| panic!("an amount: {shown}"))
}

fn fen_of(p: &Value, field: &str) -> i64 {
    fen(p[field].as_str().unwrap_or_else(|| panic!("{field} of {p}")))
}

async fn home(agent: &Agent) -> String {
    let (status, html) = agent.get("/").await;
    assert_eq!(status, Status::Ok);
    assert!(html.matches("<svg").count() >= 5, "the charts are on the page");
    html
}

/// The page's 2024 request total equals the sum over the user's own 2024 list, and it names
/// no 团场 outside `units`.
async fn shows_only(agent: &Agent, html: &str, units: &[&str]) -> Vec<Value> {
    let own = agent.projects(2024).await;
    let requested: i64 = own.iter().map(|p| fen_of(p, "requested")).sum();
    assert_eq!(fen(after(html, "id=\"requested\">")), requested, "the request total of the user's projects");
    assert!(after(html, "申请贴息（").starts_with(&format!("{} 个项目", own.len())));
    for unit in UNITS {
        assert_eq!(html.contains(unit), units.contains(&unit), "{unit} on the dashboard");
    }
    own
}

#[rocket::async_test]
async fn the_division_sees_the_published_figures_and_every_regiment() {
    let app = TestApp::demo().await;
    for user in ["admin", "auditor"] {
        let agent = app.login(user).await;
        let html = home(&agent).await;
        assert!(html.contains(&format!(">{SENTENCE}</textarea>")), "{user}: the published sentence");
        assert!(html.contains("1,400,000.00"), "{user}: the 2024 budget");
        let listed = shows_only(&agent, &html, &UNITS).await;
        assert_eq!(listed.len(), 36);
        assert!(!html.contains("<td class=\"num\">—</td></tr>"), "the division sees each pool's remainder");
        assert!(html.contains("<td>累计</td><td class=\"num\">431</td><td class=\"num\">8,066,350.00</td><td class=\"num\">168,000,000.00</td>"));
    }
}

#[rocket::async_test]
async fn regiment_staff_see_their_regiment_only() {
    let app = TestApp::demo().await;
    let agent = app.login("hongxing2").await;
    let html = home(&agent).await;
    assert!(after(&html, "id=\"scope\">").contains("红星二场"));
    let own = shows_only(&agent, &html, &["红星二场"]).await;
    assert!(own.iter().all(|p| p["unit"] == "红星二场") && !own.is_empty());
    // The sentence counts the regiment's closed-round projects and their households.
    let (mut projects, mut households) = (0, 0);
    for year in 2017..=2023 {
        for p in agent.projects(year).await {
            projects += 1;
            households += p["households"].as_i64().expect("households");
        }
    }
    let sentence = after(&html, "<textarea id=\"summary\" readonly rows=\"3\">");
    assert!(sentence.starts_with(&format!("自2017年以来累计开展职工自主创业示范项目{projects}个，")), "{sentence}");
    assert!(sentence.contains(&format!("带动职工{households}户")), "{sentence}");
    assert!(projects > 0 && projects < 431);
    assert!(!html.contains(SENTENCE));
    assert!(html.contains("<td class=\"num\">—</td></tr>"), "the division's remainder of a pool is not shown");
}

#[rocket::async_test]
async fn a_cooperative_sees_its_own_projects_only() {
    let app = TestApp::demo().await;
    let agent = app.login("coop-a").await;
    let html = home(&agent).await;
    let own = shows_only(&agent, &html, &["红星二场"]).await;
    assert_eq!(own.len(), 2, "coop-a owns two 2024 projects");
    assert!(!html.contains("id=\"summary\""), "no closed round of its own, so no cumulative sentence");
    let other = app.login("coop-b").await;
    let theirs = other.projects(2024).await;
    let html_b = home(&other).await;
    assert_ne!(after(&html_b, "id=\"requested\">"), after(&html, "id=\"requested\">"));
    assert_eq!(theirs.len(), 2);
}
