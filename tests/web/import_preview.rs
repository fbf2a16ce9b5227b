//! Issue 17 item 3: the import preview as staff use it. A regiment uploading a
//! division-wide file gets one line for its other 团场's rows, the projects paged 50 a page
//! with those left out first, the workbook back with its bad cells marked, a refused
//! confirmation that stays on the preview, a confirmed preview that offers no second
//! confirmation, and the round's import history, whose export reads back as the page.
//! Also item 2: 我的申请 exports as its page lists it.

use crate::list_export::table_rows;
use crate::support::{self, cell, rows};
use crate::web_support::{multipart, workbook, Agent, TestApp};

use rocket::http::Status;

/// 120 projects of one loan each, 团场 in turn 红星一场, 红星二场, 红星四场, 红山农场:
/// 30 are 红星二场's.
fn division_wide() -> Vec<u8> {
    workbook::generate(120, 1)
}

/// Upload through the page; returns the preview's path.
async fn upload(who: &Agent, name: &str, bytes: &[u8]) -> String {
    let (ct, body) = multipart(&[("csrf_token", None, who.csrf.as_bytes()), ("file", Some(name), bytes)]);
    let r = who.client.post("/rounds/2024/imports").header(ct).body(body).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther);
    r.headers().get_one("Location").expect("the preview").to_string()
}

#[rocket::async_test]
async fn a_division_wide_file_from_a_regiment_is_one_error_line_and_a_paged_preview() {
    let app = TestApp::demo().await;
    let regiment = app.login("hongxing2").await;
    let preview = upload(&regiment, "全师申报表.xlsx", &division_wide()).await;
    let (status, page) = regiment.get(&preview).await;
    assert_eq!(status, Status::Ok);
    let errors = table_rows(&page, "errors");
    let others: Vec<_> = errors.iter().filter(|r| r[4].contains("不属于红星二场")).collect();
    assert_eq!(others.len(), 1, "one line for the 90 rows of other 团场: {errors:?}");
    assert!(others[0][4].starts_with("90 行不属于红星二场"), "{:?}", others[0]);
    assert_eq!(others[0][1], "90 行");
    assert!(others[0][4].contains("：第 3、5–7、9–11、"), "the rows as ranges: {:?}", others[0]);
    // 90 left out and 30 imported: three pages, those left out first.
    let first = table_rows(&page, "projects");
    assert_eq!(first.len(), 50);
    assert_eq!(first[0][4], "不导入", "{:?}", first[0]);
    assert_eq!(first[0][2], "红星一场", "团场 beside the key: {:?}", first[0]);
    assert!(page.contains("第 1 / 3 页") && page.contains("id=\"next-page\""), "paged");
    let (status, third) = regiment.get(&format!("{preview}?page=3")).await;
    assert_eq!(status, Status::Ok);
    let last = table_rows(&third, "projects");
    assert_eq!(last.len(), 20);
    assert!(last.iter().all(|r| r[2] == "红星二场" && r[4] != "不导入"), "{last:?}");
    assert!(!last[0][3].is_empty(), "负责人 beside the key: {:?}", last[0]);
    assert!(last.iter().all(|r| r[5].contains(',') || r[5].len() < 7), "thousands separators: {last:?}");
    let (_, second) = regiment.get(&format!("{preview}?page=2")).await;
    assert!(second.contains("第 2 / 3 页"), "page 2 exists");
}

#[rocket::async_test]
async fn the_marked_workbook_is_a_download_of_the_preview_with_its_bad_cells_marked() {
    let app = TestApp::demo().await;
    let regiment = app.login("hongxing2").await;
    let preview = upload(&regiment, "全师申报表.xlsx", &division_wide()).await;
    let (_, page) = regiment.get(&preview).await;
    assert!(page.contains(&format!("href=\"{preview}/errors.xlsx\"")), "the page offers it");
    let r = regiment.client.get(format!("{preview}/errors.xlsx")).dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert_eq!(r.headers().get_one("Cache-Control"), Some("no-store"));
    let disposition = r.headers().get_one("Content-Disposition").expect("an attachment").to_string();
    assert!(disposition.contains("filename*=UTF-8''%E5%85%A8"), "named in Chinese: {disposition}");
    let bytes = r.into_bytes().await.expect("a workbook");
    let sheet = rows(&bytes, "申报汇总表");
    let header = sheet.iter().position(|r| r.iter().any(|d| *d == "错误说明")).expect("the header row");
    let at = sheet[header].iter().position(|d| *d == "错误说明").expect("the column of messages");
    // Excel row 3 is 红星一场's project: marked; row 4 is 红星二场's: clean.
    assert!(cell(&sheet[2], at).contains("不属于红星二场"), "{:?}", sheet[2]);
    assert_eq!(cell(&sheet[3], at), "", "{:?}", sheet[3]);
    assert!(support::sheet_names(&bytes).contains(&"错误清单".to_string()));
    // Another regiment's account cannot take it.
    let other = app.login("admin").await;
    assert_eq!(other.client.get(format!("{preview}/errors.xlsx")).dispatch().await.status(), Status::Ok);
    let coop = app.login("coop-a").await;
    assert_eq!(coop.client.get(format!("{preview}/errors.xlsx")).dispatch().await.status(), Status::NotFound);
}

#[rocket::async_test]
async fn a_refused_confirmation_stays_on_the_preview_and_a_confirmed_one_offers_no_second() {
    let app = TestApp::demo().await;
    let regiment = app.login("hongxing2").await;
    let preview = upload(&regiment, "全师申报表.xlsx", &division_wide()).await;
    let (status, page) = regiment.post_form(&format!("{preview}/confirm"), &[("only_valid", "false")]).await;
    assert_eq!(status, Status::Conflict);
    assert!(page.contains("id=\"refusal\"") && page.contains("未导入任何项目"), "{page}");
    assert!(page.contains("<table id=\"projects\">") && page.contains("确认导入"), "still the preview");
    let (status, _) = regiment.post_form(&format!("{preview}/confirm"), &[("only_valid", "true")]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, page) = regiment.get(&preview).await;
    assert!(page.contains("id=\"imported\"") && page.contains("已导入"), "{page}");
    assert!(!page.contains("id=\"confirm\""), "no second 确认导入");
}

#[rocket::async_test]
async fn the_import_history_lists_each_upload_and_exports_as_shown() {
    let app = TestApp::demo().await;
    let regiment = app.login("hongxing2").await;
    let first = upload(&regiment, "全师申报表.xlsx", &division_wide()).await;
    regiment.post_form(&format!("{first}/confirm"), &[("only_valid", "true")]).await;
    let own = workbook::of_unit("红星二场", &["XX-2024-950"]);
    upload(&regiment, "补报.xlsx", &own).await;
    upload(&regiment, "补报二.xlsx", &own).await;
    let (status, page) = regiment.get("/rounds/2024/imports").await;
    assert_eq!(status, Status::Ok);
    let shown = table_rows(&page, "imports");
    assert_eq!(shown.len(), 3, "{shown:?}");
    assert_eq!((shown[0][2].as_str(), shown[0][5].as_str()), ("补报二.xlsx", "待确认"));
    assert_eq!((shown[1][2].as_str(), shown[1][5].as_str()), ("补报.xlsx", "已放弃"));
    assert_eq!(shown[2][2..], ["全师申报表.xlsx", "30", "30", "已导入"].map(String::from));
    assert!(shown[2][1].contains('年') && shown[2][1].contains('日'), "年月日: {:?}", shown[2]);
    let r = regiment.client.get("/rounds/2024/imports.xlsx?result=").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let sheet = rows(&r.into_bytes().await.expect("a workbook"), "2024年度导入记录");
    let exported: Vec<Vec<String>> = sheet.iter().skip(4).map(|r| (0..6).map(|c| cell(r, c)).collect()).collect();
    assert_eq!(exported, shown, "the export is the page");
    // Filtered: the export holds what the filter shows.
    let (_, page) = regiment.get("/rounds/2024/imports?result=confirmed").await;
    let shown = table_rows(&page, "imports");
    assert_eq!(shown.len(), 1);
    let r = regiment.client.get("/rounds/2024/imports.xlsx?result=confirmed").dispatch().await;
    let sheet = rows(&r.into_bytes().await.expect("a workbook"), "2024年度导入记录");
    assert_eq!(cell(&sheet[1], 0), "筛选条件：结果：已导入");
    assert_eq!(sheet.len(), 5, "the title, the filter, a blank, the header and one row");
    // Division staff see every upload; a cooperative none.
    let (_, all) = app.login("admin").await.get("/rounds/2024/imports").await;
    assert_eq!(table_rows(&all, "imports").len(), 3);
    assert_eq!(app.login("coop-a").await.get("/rounds/2024/imports").await.0, Status::Forbidden);
}

#[rocket::async_test]
async fn my_applications_export_as_the_page_lists_them() {
    let app = TestApp::demo().await;
    let coop = app.login("coop-a").await;
    let (status, page) = coop.get("/applications").await;
    assert_eq!(status, Status::Ok);
    let shown = table_rows(&page, "applications");
    assert!(!shown.is_empty());
    let r = coop.client.get("/applications.xlsx").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let sheet = rows(&r.into_bytes().await.expect("a workbook"), "我的申请");
    let exported: Vec<Vec<String>> = sheet.iter().skip(4).map(|r| (0..5).map(|c| cell(r, c)).collect()).collect();
    let shown: Vec<Vec<String>> =
        shown.into_iter().map(|r| r.into_iter().map(|c| c.replace("&#x2F;", "/")).collect()).collect();
    assert_eq!(exported, shown);
    assert_eq!(app.login("admin").await.client.get("/applications.xlsx").dispatch().await.status(), Status::Forbidden);
}
