//! Issue 15's pages (items 1 and 3): a bank statement uploaded, previewed and confirmed
//! through the page forms, all or nothing, the same file counted once; the reconciliation
//! page and its workbook with the API's figures; regiment staff see their own 团场's
//! statements only. Real database (SQLite file; PostgreSQL with `TEST_DATABASE_URL`).

use crate::web_support;

use rocket::http::Status;
use serde_json::Value;
use tiexi::accounts::Role;
use web_support::{multipart, Agent};

use crate::statements::round_2024;

const FACTS000: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/facts000");

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FACTS000}/{name}")).expect("facts000 is committed")
}

/// The page's upload form (token first, then the file); the statement's id from the redirect.
pub async fn upload_page(who: &Agent, name: &str, bytes: &[u8]) -> i64 {
    let (ct, body) = multipart(&[("csrf_token", None, who.csrf.as_bytes()), ("file", Some(name), bytes)]);
    let r = who.client.post("/rounds/2024/statements").header(ct).body(body).dispatch().await;
    assert_eq!(r.status(), Status::SeeOther, "{:?}", r.into_string().await);
    let location = r.headers().get_one("Location").expect("a redirect").to_string();
    location.trim_start_matches("/statements/").parse().expect("the statement's page")
}

/// An amount of the JSON (`"8723.84"`) as the pages show it (`8,723.84`).
pub fn shown(v: &Value) -> String {
    let s = v.as_str().expect("an amount");
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{fraction}")
}

#[rocket::async_test]
async fn a_statement_is_previewed_and_confirmed_through_the_pages_once() {
    let (_app, admin) = round_2024().await;
    let (status, round) = admin.get("/rounds/2024").await;
    assert_eq!(status, Status::Ok);
    assert!(
        round.contains("href=\"/rounds/2024/statements\"") && round.contains("href=\"/rounds/2024/reconciliation\""),
        "{round}"
    );
    let (status, index) = admin.get("/rounds/2024/statements").await;
    assert_eq!(status, Status::Ok, "{index}");
    assert!(index.contains("id=\"upload\"") && index.contains("尚无结息清单"), "{index}");

    let id = upload_page(&admin, "statements2.csv", &file("statements2.csv")).await;
    let (status, preview) = admin.get(&format!("/statements/{id}")).await;
    assert_eq!(status, Status::Ok, "{preview}");
    // B2: the bank's 8,723.84 against 8,845.00 at the contract rate, on another day basis.
    assert!(preview.contains("8,723.84") && preview.contains("8,845.00") && preview.contains("-121.16"), "{preview}");
    assert!(
        preview.contains("计息天数不一致") && preview.contains("id=\"confirm\"") && !preview.contains("id=\"errors\"")
    );
    assert!(preview.contains("<td>合计</td>"), "{preview}");

    let (status, _) = admin.post_form(&format!("/statements/{id}/confirm"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, index) = admin.get("/rounds/2024/statements").await;
    assert!(index.contains("已确认 statements2.csv，记入 1 行结息") && index.contains("已确认"), "{index}");
    let (_, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    let certified = recon["totals"]["certified"].clone();

    // The same file again: the preview says so, and confirming does nothing.
    let again = upload_page(&admin, "again.csv", &file("statements2.csv")).await;
    let (_, preview) = admin.get(&format!("/statements/{again}")).await;
    assert!(preview.contains("id=\"same-file\""), "{preview}");
    let (status, _) = admin.post_form(&format!("/statements/{again}/confirm"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, index) = admin.get("/rounds/2024/statements").await;
    assert!(index.contains("未重复记入"), "{index}");
    let (_, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    assert_eq!(recon["totals"]["certified"], certified, "{recon}");
}

/// A file with an error at its row is shown with its sheet, row and column, and confirming
/// it records nothing.
#[rocket::async_test]
async fn a_statement_with_errors_is_refused_whole_on_the_page() {
    let (_app, admin) = round_2024().await;
    let bad = "合同编号,计息起日,计息止日,实收利息\nB2,2024-01-01,2024-06-30,100.00\nNO-SUCH-LOAN,2024-01-01,2024-03-31,50.00\n";
    let id = upload_page(&admin, "bad.csv", bad.as_bytes()).await;
    let (_, preview) = admin.get(&format!("/statements/{id}")).await;
    assert!(preview.contains("id=\"errors\"") && preview.contains("NO-SUCH-LOAN"), "{preview}");
    assert!(preview.contains("<td class=\"num\">3</td>"), "the row as Excel shows it: {preview}");
    let (status, _) = admin.post_form(&format!("/statements/{id}/confirm"), &[]).await;
    assert_eq!(status, Status::SeeOther);
    let (_, preview) = admin.get(&format!("/statements/{id}")).await;
    assert!(preview.contains("未记入任何一行"), "{preview}");
    let (_, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    assert!(recon["lacking"].as_array().is_some_and(|l| l.iter().any(|c| c == "B2")), "{recon}");
}

/// The reconciliation page and its workbook show the API's figures, with the 合计.
#[rocket::async_test]
async fn the_reconciliation_page_and_workbook_show_the_apis_figures() {
    let (_app, admin) = round_2024().await;
    let id = upload_page(&admin, "statements.xlsx", &file("statements.xlsx")).await;
    assert_eq!(admin.post_form(&format!("/statements/{id}/confirm"), &[]).await.0, Status::SeeOther);
    let (_, recon) = admin.get_json("/api/v1/rounds/2024/reconciliation").await;
    let (status, page) = admin.get("/rounds/2024/reconciliation").await;
    assert_eq!(status, Status::Ok, "{page}");
    for l in recon["loans"].as_array().expect("loans") {
        assert!(page.contains(&format!("<td>{}</td>", l["contract_no"].as_str().unwrap_or("?"))), "{l}");
        for k in ["certified", "contract_interest", "difference"] {
            if l[k].is_string() {
                assert!(page.contains(&shown(&l[k])), "{k} of {l}: {page}");
            }
        }
        if let Some(cause) = l["cause_label"].as_str() {
            assert!(page.contains(cause), "{l}");
        }
    }
    for k in ["certified", "contract_interest", "difference"] {
        assert!(page.contains(&shown(&recon["totals"][k])), "合计 {k}: {page}");
    }
    for c in recon["lacking"].as_array().expect("lacking") {
        assert!(page.contains(&format!("<li>{}</li>", c.as_str().unwrap_or("?"))), "{c}");
    }

    let r = admin.client.get("/rounds/2024/reconciliation.xlsx").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    let bytes = r.into_bytes().await.expect("a workbook");
    let sheet = crate::support::sheet_names(&bytes).into_iter().next().expect("a sheet");
    let rows = crate::support::rows(&bytes, &sheet);
    let total = rows.iter().find(|r| crate::support::cell(r, 0) == "合计").expect("the 合计 row");
    let certified: rust_decimal::Decimal =
        recon["totals"]["certified"].as_str().and_then(|s| s.parse().ok()).expect("an amount");
    assert_eq!(crate::support::dec(&total[3]), certified, "{rows:?}");
}

/// Regiment staff see their own 团场's statements and loans only; applicants none.
#[rocket::async_test]
async fn a_regiment_sees_its_own_statements_only() {
    let (app, admin) = round_2024().await;
    app.add_user("one", Role::RegimentStaff, Some("红星一场")).await;
    app.add_user("two", Role::RegimentStaff, Some("红星二场")).await;
    app.add_user("coop", Role::Cooperative, None).await;
    let (one, two) = (app.login("one").await, app.login("two").await);
    let id = upload_page(&one, "yichang.csv", &file("statements2.csv")).await;
    assert_eq!(one.get(&format!("/statements/{id}")).await.0, Status::Ok);
    assert_eq!(two.get(&format!("/statements/{id}")).await.0, Status::NotFound);
    assert_eq!(two.post_form(&format!("/statements/{id}/confirm"), &[]).await.0, Status::NotFound);
    let (_, page) = two.get("/rounds/2024/statements").await;
    assert!(!page.contains("yichang.csv"), "{page}");
    let (_, list) = two.get_json("/api/v1/rounds/2024/statements").await;
    assert_eq!(list["statements"].as_array().map(Vec::len), Some(0), "{list}");
    let (_, page) = one.get("/rounds/2024/statements").await;
    assert!(page.contains("yichang.csv"), "{page}");
    let (_, page) = admin.get("/rounds/2024/statements").await;
    assert!(page.contains("yichang.csv"), "{page}");
    // The reconciliation of 红星二场 holds its own loans (A1…), not 红星一场's (B2).
    let (_, page) = two.get("/rounds/2024/reconciliation").await;
    assert!(page.contains("<td>A1</td>") && !page.contains("<td>B2</td>"), "{page}");
    let coop = app.login("coop").await;
    assert_eq!(coop.get("/rounds/2024/statements").await.0, Status::Forbidden);
    assert_eq!(coop.get("/rounds/2024/reconciliation").await.0, Status::Forbidden);
}
