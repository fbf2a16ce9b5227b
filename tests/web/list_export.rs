//! Lists export what their filters show (issue 17 item 2): the filtered project list read
//! back from its workbook equals the page's rows, loans totals included (no longer 0.00),
//! and both carry the same 合计.

use crate::support;
use crate::web_support;

use rocket::http::Status;
use support::{cell, rows};
use web_support::{encode, TestApp};

/// The page's rows: each `<tr>` of the table `#projects` after the header, as cell texts.
pub(crate) fn page_rows(html: &str) -> Vec<Vec<String>> {
    table_rows(html, "projects")
}

/// Each `<tr>` of the table with the id given (its opening tag `<table id="…">`) after
/// the header, as cell texts.
pub(crate) fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let table =
        html.split(&format!("<table id=\"{id}\">")).nth(1).and_then(|t| t.split("</table>").next()).expect("the list");
    table
        .split("<tr")
        .skip(2)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let inner = td.split_once('>').map_or("", |(_, r)| r);
                    let inner = inner.split("</td>").next().unwrap_or_default();
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text.replace("&#x2F;", "/")
                })
                .collect()
        })
        .collect()
}

#[rocket::async_test]
async fn the_filtered_project_list_exports_as_its_page_shows_it() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let filter = format!("unit={}&state=", encode("红星二场"));
    let (status, html) = admin.get(&format!("/rounds/2024/projects?{filter}")).await;
    assert_eq!(status, Status::Ok);
    let shown = page_rows(&html);
    let (data, total) = shown.split_at(shown.len() - 1);
    assert!(data.len() > 1 && data.len() < 50, "one page: {}", data.len());
    assert_eq!(total[0][1], "本页合计", "{:?}", total[0]);
    assert!(data.iter().all(|r| r[8] != "0.00"), "each project's loans total is shown");
    let r = admin.client.get(format!("/rounds/2024/projects.xlsx?{filter}")).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let bytes = r.into_bytes().await.expect("a workbook");
    let sheet = rows(&bytes, "2024年度项目");
    assert_eq!(cell(&sheet[1], 0), "筛选条件：团场：红星二场");
    let exported: Vec<_> = sheet.iter().skip(4).collect();
    assert_eq!(exported.len(), data.len() + 1, "the rows and the 合计");
    for (page, book) in data.iter().zip(&exported) {
        // The page's columns after the selection box: key, name, 团场, type, leader, ID,
        // households, loans, request, status, state, result on the books.
        let page: Vec<&str> = page.iter().skip(1).map(String::as_str).collect();
        let book: Vec<String> = (0..12).map(|c| cell(book, c)).collect();
        let money = |s: &str| s.replace(',', "").parse::<rust_decimal::Decimal>().ok().map(|d| d.normalize());
        assert_eq!(book[..7], page[..7].iter().map(ToString::to_string).collect::<Vec<_>>()[..], "{page:?}");
        assert_eq!((money(&book[7]), money(&book[8])), (money(page[7]), money(page[8])), "{page:?}");
        assert_eq!(book[9..], page[9..].iter().map(ToString::to_string).collect::<Vec<_>>()[..], "{page:?}");
    }
    let sum = exported.last().expect("合计");
    assert_eq!(cell(sum, 0), "合计");
    let money = |s: &str| s.replace(',', "").parse::<rust_decimal::Decimal>().ok().map(|d| d.normalize());
    assert_eq!(money(&cell(sum, 7)), money(&total[0][8]), "the same 合计 of loans");
}

/// The allocation trial and the batch list export with their 合计, for those who may read
/// money; a cooperative is refused.
#[rocket::async_test]
async fn the_money_lists_export_with_their_totals() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    for (path, sheet, first) in [
        ("/rounds/2024/allocations.xlsx", "2024年度资金分配试算", "合计"),
        ("/rounds/2024/disbursements.xlsx", "2024年度拨付批次", "合计（不含已撤销）"),
    ] {
        let r = admin.client.get(path).dispatch().await;
        assert_eq!(r.status(), Status::Ok, "{path}");
        let bytes = r.into_bytes().await.expect("a workbook");
        let table = rows(&bytes, sheet);
        let last = table.last().expect("rows");
        assert_eq!(cell(last, 0), first, "{path}: the 合计 row last");
        let (_, page) = admin.get(path.trim_end_matches(".xlsx")).await;
        assert!(page.contains(first) && page.contains(&format!("href=\"{path}\"")), "{path}: the page has both");
    }
    let coop = app.login("coop-a").await;
    assert_eq!(coop.get("/rounds/2024/disbursements.xlsx").await.0, Status::Forbidden);
}
