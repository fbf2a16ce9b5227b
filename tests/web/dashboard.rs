//! The dashboard (home page) on the demo: its numbers are the user's scope and nothing
//! more. Each expected figure is computed here from the project lists of the API (another
//! path through the code), never copied from the page. Runs on SQLite, and on PostgreSQL
//! when `TEST_DATABASE_URL` is set.

use crate::web_support;

use rocket::http::Status;
use serde_json::Value;
use sqlx::Row;
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

/// A cooperative's home is its own applications (`applicant_home`), not the dashboard.
#[rocket::async_test]
async fn a_cooperative_gets_no_dashboard() {
    let app = TestApp::demo().await;
    let (status, html) = app.login("coop-a").await.get("/").await;
    assert_eq!(status, Status::Ok);
    assert!(!html.contains("id=\"dashboard\"") && !html.contains("<svg") && !html.contains("id=\"summary\""));
}

/// One statement: the text bound first (`$1`), then the numbers; the first column of the
/// first row returned, or 0.
async fn exec(app: &TestApp, sql: &str, text: Option<&str>, numbers: &[i64]) -> i64 {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(t) = text {
        q = q.bind(t.to_string());
    }
    for n in numbers {
        q = q.bind(*n);
    }
    q.fetch_optional(&app.pool.inner).await.expect(sql).map_or(0, |r| r.get(0))
}

/// An active grant line for the 2024 project `key`, split over the pools as given, written
/// as an approved allocation would (pools and project counted).
async fn grant(app: &TestApp, key: &str, parts: &[(&str, i64)]) {
    let admin = exec(app, "SELECT id FROM users WHERE username = $1", Some("admin"), &[]).await;
    let project = exec(app, "SELECT id FROM projects WHERE project_key = $1", Some(key), &[]).await;
    let round = exec(app, "SELECT id FROM rounds WHERE year = $1", None, &[2024]).await;
    let total: i64 = parts.iter().map(|(_, f)| f).sum();
    let line = exec(
        app,
        "INSERT INTO grants (round_id, project_id, kind, amount_fen, status, state, created_by, created_at) \
         VALUES ($1, $2, 'grant', $3, 'partially_funded', 'active', $4, '2024-06-01T00:00:00Z') RETURNING id",
        None,
        &[round, project, total, admin],
    )
    .await;
    for (name, fen) in parts {
        let pool = exec(app, "SELECT id FROM pools WHERE name = $1 AND round_id = $2", Some(name), &[round]).await;
        exec(
            app,
            "INSERT INTO grant_parts (grant_id, pool_id, amount_fen) VALUES ($1, $2, $3)",
            None,
            &[line, pool, *fen],
        )
        .await;
        exec(app, "UPDATE pools SET granted_fen = granted_fen + $1 WHERE id = $2", None, &[*fen, pool]).await;
    }
    exec(app, "UPDATE projects SET granted_fen = $1 WHERE id = $2", None, &[total, project]).await;
}

/// The cells of the pools table's rows: (name, granted, remainder).
fn pool_cells(html: &str) -> Vec<(String, String, String)> {
    let table = &html[html.find("<table id=\"pools\">").expect("the pools table")..];
    let table = &table[..table.find("</table>").expect("its end")];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td").skip(1).map(|c| after(c, ">")).collect();
            (cells[0].to_string(), cells[3].to_string(), cells[5].to_string())
        })
        .collect()
}

#[rocket::async_test]
async fn pools_and_regiments_count_only_the_grants_in_scope() {
    let app = TestApp::demo().await;
    // XX-2024-001 is 红星二场's (the demo's first four); XX-2024-005 another 团场's.
    grant(&app, "XX-2024-001", &[("兵团项目资金", 60_000), ("师市总工会自筹", 40_000)]).await;
    grant(&app, "XX-2024-005", &[("兵团项目资金", 200_000)]).await;
    let admin = home(&app.login("admin").await).await;
    assert_eq!(
        pool_cells(&admin),
        [
            ("兵团项目资金".into(), "2,600.00".into(), "697,400.00".into()),
            ("师市总工会自筹".into(), "400.00".into(), "699,600.00".into())
        ]
    );
    let regiments = &admin[admin.find("<table id=\"regiments\">").expect("regiments")..];
    assert!(after(regiments, "<tr><td>") != "红星二场", "the regiment granted 2,000.00 comes first");
    let hongxing2 = home(&app.login("hongxing2").await).await;
    assert_eq!(
        pool_cells(&hongxing2),
        [("兵团项目资金".into(), "600.00".into(), "—".into()), ("师市总工会自筹".into(), "400.00".into(), "—".into())]
    );
}
