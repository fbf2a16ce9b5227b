//! The audit page for people (issue 17 item 5): Chinese names for actions and objects,
//! rounds by year, Beijing time, amounts in yuan; the filter by 对象=项目 finds the project
//! rows; the export holds what the filters show and is itself audited.

use crate::support;
use crate::web_support;

use rocket::http::{Header, Status};
use serde_json::json;
use support::{cell, rows};
use web_support::{encode, TestApp};

#[rocket::async_test]
async fn the_trail_reads_in_chinese_filters_by_chinese_names_and_exports_what_it_shows() {
    let app = TestApp::demo().await;
    let hongxing2 = app.login("hongxing2").await;
    let id = hongxing2.projects(2024).await[0]["id"].as_i64().expect("an id");
    let body = json!({ "action": "return", "comment": "请补充材料" });
    assert_eq!(hongxing2.post_json(&format!("/api/v1/projects/{id}/actions"), &body).await.0, Status::Ok);
    let admin = app.login("admin").await;
    let (status, html) = admin.get(&format!("/audit?entity={}", encode("项目"))).await;
    assert_eq!(status, Status::Ok);
    let table = html.split("id=\"audit\"").nth(1).and_then(|t| t.split("</table>").next()).expect("the table");
    assert!(table.contains("退回修改") && table.contains(&format!("项目 {id}")), "{table}");
    assert!(table.contains("2024年度") && table.contains("状态：已退回"), "{table}");
    for code in ["project.", "\"state\"", "returned", "T0", "Z<"] {
        assert!(!table.contains(code), "no code {code} on the page");
    }
    let rows_shown = table.matches("<tr><td class=\"num\">").count();
    assert!(rows_shown > 0 && table.matches("<td>项目 ").count() == rows_shown, "only project rows");
    // The export: the same rows, and an entry of its own.
    let token = Header::new("X-CSRF-Token", admin.csrf.clone());
    let path = format!("/audit/export.xlsx?entity={}", encode("项目"));
    let r = admin.client.post(path).header(token).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let bytes = r.into_bytes().await.expect("a workbook");
    let sheet = rows(&bytes, "审计记录");
    assert_eq!(cell(&sheet[1], 0), "筛选条件：对象：项目");
    let data: Vec<_> = sheet.iter().skip(4).collect();
    let total: usize =
        html.split("共 ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).expect("共");
    assert_eq!(data.len(), total, "every matching row");
    assert!(data.iter().all(|r| cell(r, 4) == "项目"));
    assert!(data.iter().any(|r| cell(r, 3) == "退回修改" && cell(r, 6) == "2024年度"));
    let (_, after) = admin.get(&format!("/audit?action={}", encode("导出审计记录"))).await;
    let table = after.split("id=\"audit\"").nth(1).and_then(|t| t.split("</table>").next()).expect("the table");
    assert!(table.contains("导出审计记录") && table.contains("admin"), "the export is audited: {table}");
    // A regiment's staff may not take the whole trail, and a cooperative none of it.
    let coop = app.login("coop-a").await;
    let token = Header::new("X-CSRF-Token", coop.csrf.clone());
    assert_eq!(coop.client.post("/audit/export.xlsx").header(token).dispatch().await.status(), Status::Forbidden);
}
