//! A project's result reads the same everywhere (issue 14 item 2): after an allocation run
//! while most of the round is still in review, the project list, its export, the project
//! page and the annual report give each project the same 贴息结果 — 部分贴息 for an
//! approved project granted part of its request, 待核定 for one still in review — and the
//! trial's words stay under the name 试算结果.

use crate::check::table;
use crate::list_export::page_rows;
use crate::support::{cell, rows};
use crate::web_support::{Agent, TestApp};

use rocket::http::Status;
use serde_json::json;
use tiexi::export::report::Heading;

async fn ok(agent: &Agent, path: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, v) = agent.post_json(path, &body).await;
    assert_eq!(status, Status::Ok, "{path}: {v}");
    v
}

/// The text of the element with `id` on a page.
fn by_id(html: &str, id: &str) -> String {
    let at = html.split(&format!("id=\"{id}\"")).nth(1).unwrap_or_else(|| panic!("no #{id}"));
    at.split_once('>').map_or("", |(_, r)| r).split('<').next().unwrap_or_default().to_string()
}

#[rocket::async_test]
#[expect(clippy::too_many_lines, reason = "one project walked through every page and the report")]
async fn a_project_reads_the_same_result_on_every_page_and_in_the_report() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    // Test-only: ten projects approved, the other 26 still in review.
    sqlx::query(
        "UPDATE projects SET state = 'approved' WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) \
                 AND project_key <= 'XX-2024-010'",
    )
    .execute(&app.pool.inner)
    .await
    .expect("test-only setup");
    let run = ok(&admin, "/api/v1/rounds/2024/allocations", json!({ "dry_run": false })).await;
    let admin2 = app.login("admin2").await;
    ok(&admin2, &format!("/api/v1/allocations/{}/actions", run["allocation_id"]), json!({ "action": "approve" })).await;

    let (_, html) = admin.get("/rounds/2024/projects").await;
    let listed = page_rows(&html);
    let r = admin.client.get("/rounds/2024/projects.xlsx").dispatch().await;
    let exported = rows(&r.into_bytes().await.expect("a workbook"), "2024年度项目");
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let heading = Heading::plain("测试", chrono::NaiveDate::from_ymd_opt(2024, 12, 6).expect("a date"));
    let mut book = tiexi::reports::annual(&mut conn, 2024, &heading).await.expect("the report");
    drop(conn);
    let report = table(&book.save_to_buffer().expect("bytes"), "项目明细", "序号");

    let mut seen = Vec::new();
    for key in ["XX-2024-001", "XX-2024-005", "XX-2024-020"] {
        let row = listed.iter().find(|r| r.get(1).is_some_and(|k| k == key)).expect("listed");
        let in_list = row.last().cloned().unwrap_or_default();
        let in_export = cell(exported.iter().find(|r| cell(r, 0) == key).expect("exported"), 11);
        let in_report = cell(report.iter().find(|r| cell(r, 1) == key).expect("reported"), 12);
        let id = html
            .split(&format!(">{key}</a>"))
            .next()
            .and_then(|h| h.rsplit("href=\"/projects/").next())
            .and_then(|h| h.split('"').next())
            .expect("a link")
            .to_string();
        let on_page = by_id(&admin.get(&format!("/projects/{id}")).await.1, "outcome");
        assert_eq!(
            [&in_export, &in_report, &on_page],
            [&in_list, &in_list, &in_list],
            "{key}: list, export, report and page"
        );
        seen.push(in_list);
    }
    assert_eq!(seen, ["部分贴息", "部分贴息", "待核定"], "approved and granted part; still in review");

    // A cooperative's home gives its own applications the same words.
    let (_, home) = app.login("coop-a").await.get("/").await;
    let mine = home.split("<table id=\"mine\">").nth(1).expect("its applications");
    let mut compared = 0;
    for row in listed.iter().filter(|r| r.len() > 2) {
        let cells = format!(">{}</a></td>", row[1]);
        if let Some(after) = mine.split(&cells).nth(1) {
            let tr = after.split("</tr>").next().unwrap_or_default();
            let last = tr.rsplit("<td>").next().unwrap_or_default().trim_end_matches("</td>");
            assert_eq!(last, row.last().expect("a result"), "{}: home and list", row[1]);
            compared += 1;
        }
    }
    assert!(compared > 0, "coop-a has 2024 applications");
}
