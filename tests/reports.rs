//! Issue 6's reports read back: the demo's annual report for 2023 and cumulative report
//! through 2023 give the published figures (431 projects, 8,066,350.00 granted,
//! 168,000,000.00 loans unlocked, 7,916 households), every 合计 is the sum of its column,
//! text never becomes a formula (the sheet XML), a batch's payment list masks accounts for
//! all but division staff, and `libreoffice` renders every report (see `render`).

#[path = "reports/render.rs"]
mod render;
#[path = "export/support.rs"]
#[allow(dead_code, reason = "shared with tests/export.rs")]
mod support;
mod web_support;

use calamine::Data;
use rocket::http::Status;
use rust_decimal::Decimal;
use support::{cell, dec, rows, zip_entry};
use tiexi::export::report::Heading;
use web_support::TestApp;

fn heading() -> Heading {
    Heading {
        issuer: "师市总工会".into(),
        made_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 31).expect("a date"),
        full_ids: false,
    }
}

async fn annual(app: &TestApp, year: i32) -> Vec<u8> {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let mut book = tiexi::reports::annual(&mut conn, year, &heading()).await.expect("the annual report");
    book.save_to_buffer().expect("bytes")
}

async fn cumulative(app: &TestApp, through: i32) -> Vec<u8> {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let mut book = tiexi::reports::cumulative(&mut conn, through, &heading()).await.expect("the cumulative report");
    book.save_to_buffer().expect("bytes")
}

/// The header row (the first whose first cell is `first`) and the rows below it.
fn table(bytes: &[u8], sheet: &str, first: &str) -> Vec<Vec<Data>> {
    let all = rows(bytes, sheet);
    let at = all.iter().position(|r| cell(r, 0) == first).unwrap_or_else(|| panic!("{sheet}: no header {first}"));
    all[at..].to_vec()
}

/// The value of a 汇总 row by its label.
fn figure(bytes: &[u8], label: &str) -> Decimal {
    let t = table(bytes, "汇总", "指标");
    dec(&t.iter().find(|r| cell(r, 0) == label).unwrap_or_else(|| panic!("no row {label}"))[1])
}

/// Every numeric column of the data rows sums to the 合计 row's number, exactly.
fn totals_add_up(bytes: &[u8], sheet: &str, first: &str) -> usize {
    let t = table(bytes, sheet, first);
    let total = t.iter().position(|r| cell(r, 0) == "合计").unwrap_or_else(|| panic!("{sheet}: no 合计"));
    let mut checked = 0;
    for (col, value) in t[total].iter().enumerate().skip(1) {
        // A rate is not a sum: 执行率 of the 合计 is paid ÷ granted of the totals.
        let Data::Float(_) = value else { continue };
        if cell(&t[0], col).contains('率') {
            continue;
        }
        let sum: Decimal = t[1..total].iter().map(|r| dec(&r[col])).sum();
        assert_eq!(sum, dec(value), "{sheet}: column {} (合计 {value})", cell(&t[0], col));
        checked += 1;
    }
    assert!(checked > 0, "{sheet}: the 合计 row has numbers");
    checked
}

#[rocket::async_test]
async fn the_demo_annual_report_gives_the_published_figures_and_every_total_adds_up() {
    let app = TestApp::demo().await;
    let report = annual(&app, 2023).await;
    // The 历年累计 row of 2023 carries the cumulative figures.
    let years = table(&report, "历年累计", "年度");
    let last = years.last().expect("a row per round");
    assert_eq!(cell(&years[1], 0), "2017");
    assert_eq!(cell(last, 0), "2023");
    let at = |name: &str| dec(&last[years[0].iter().position(|h| *h == name).expect(name)]);
    assert_eq!(at("累计项目数"), Decimal::from(431));
    assert_eq!(at("累计核定贴息（元）"), Decimal::new(8_066_350, 0));
    assert_eq!(at("累计核定贴息（万元）"), Decimal::new(8_066_350, 4));
    assert_eq!(at("累计撬动贷款（元）"), Decimal::from(168_000_000));
    assert_eq!(at("累计撬动倍数"), Decimal::new(2083, 2));
    assert_eq!(at("累计带动职工户数"), Decimal::from(7916));
    // 汇总 of 2023: the round's own figures (demo.rs: 78 projects, 1,500,000.00, 30,500,000.00).
    assert_eq!(figure(&report, "项目数"), Decimal::from(78));
    assert_eq!(figure(&report, "核定贴息"), Decimal::from(1_500_000));
    assert_eq!(figure(&report, "已拨付"), Decimal::from(1_500_000));
    assert_eq!(figure(&report, "执行率"), Decimal::from(100));
    assert_eq!(figure(&report, "撬动贷款"), Decimal::from(30_500_000));
    for (sheet, first) in
        [("项目明细", "序号"), ("贷款明细", "项目编号"), ("资金来源", "资金来源"), ("团场统计", "团场")]
    {
        totals_add_up(&report, sheet, first);
    }
    let projects = table(&report, "项目明细", "序号");
    assert_eq!(projects.len(), 1 + 78 + 1, "a row per project and 合计");
    let id = cell(&projects[1], 6);
    assert!(id.contains("********") && id.len() == 18, "ID numbers are masked: {id}");
    render::pdf_has_pages(&report, "annual-2023");
}

#[rocket::async_test]
async fn the_demo_cumulative_report_gives_the_published_figures() {
    let app = TestApp::demo().await;
    let through = cumulative(&app, 2023).await;
    assert_eq!(figure(&through, "项目数"), Decimal::from(431));
    assert_eq!(figure(&through, "核定贴息"), Decimal::new(8_066_350, 0));
    assert_eq!(figure(&through, "撬动贷款"), Decimal::from(168_000_000));
    assert_eq!(figure(&through, "撬动倍数"), Decimal::new(2083, 2));
    assert_eq!(figure(&through, "带动职工户数"), Decimal::from(7916));
    let summary = table(&through, "汇总", "指标");
    let wan = summary.iter().find(|r| cell(r, 0) == "核定贴息").expect("核定贴息");
    assert_eq!(dec(&wan[3]), Decimal::new(8_066_350, 4), "806.6350万元");
    let sentence = summary.iter().map(|r| cell(r, 0)).find(|c| c.starts_with("概述：")).unwrap_or_default();
    assert!(
        sentence.starts_with("概述：自2017年以来累计开展职工自主创业示范项目431个，拨付贴息资金806.635万元"),
        "{sentence}"
    );
    render::pdf_has_pages(&through, "cumulative-2023");
}

/// An audited download: a POST with the session's token.
async fn post<'c>(agent: &'c web_support::Agent, path: &str) -> rocket::local::asynchronous::LocalResponse<'c> {
    let token = rocket::http::Header::new("X-CSRF-Token", agent.csrf.clone());
    agent.client.post(path.to_string()).header(token).dispatch().await
}

/// A demo user of another role asks; only roles seeing every project get a report, and
/// only division staff full ID numbers (audited).
#[rocket::async_test]
async fn report_downloads_follow_the_role() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let r = admin.client.get("/api/v1/rounds/2023/report.xlsx").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert!(r.content_type().is_some_and(|c| c.sub().as_str().contains("spreadsheetml")));
    let bytes = r.into_bytes().await.expect("a body");
    assert_eq!(cell(&table(&bytes, "项目明细", "序号")[1], 0), "1");
    for (user, path, status) in [
        ("hongxing2", "/api/v1/rounds/2023/report.xlsx", Status::Forbidden),
        ("coop-a", "/rounds/2023/report.xlsx", Status::Forbidden),
        ("auditor", "/api/v1/rounds/2023/report.xlsx?full=true", Status::UnprocessableEntity),
        ("auditor", "/api/v1/rounds/2023/report.xlsx", Status::Ok),
        ("auditor", "/api/v1/reports/cumulative.xlsx?through=2023", Status::Ok),
        ("auditor", "/api/v1/rounds/2016/report.xlsx", Status::NotFound),
    ] {
        let agent = app.login(user).await;
        assert_eq!(agent.client.get(path).dispatch().await.status(), status, "{user} {path}");
    }
    // Full ID numbers are audited, so they are a POST (issue 18): division staff only.
    let auditor = app.login("auditor").await;
    assert_eq!(post(&auditor, "/api/v1/rounds/2023/report.xlsx").await.status(), Status::Forbidden);
    let full = post(&admin, "/rounds/2023/report.xlsx").await;
    assert_eq!(full.status(), Status::Ok);
    let bytes = full.into_bytes().await.expect("a body");
    let id = cell(&table(&bytes, "项目明细", "序号")[1], 6);
    assert!(!id.contains('*') && id.len() == 18, "full for division staff: {id}");
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let audited: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM audit WHERE action = 'id_number.reveal' AND entity_id = 'annual-2023'")
            .fetch_one(&mut *conn)
            .await
            .expect("a count"),
        0,
    );
    assert_eq!(audited, 1, "the reveal is in the audit trail");
}

/// hazards.md: a name starting with `=`, `+`, `-` or `@` is a string cell with the quote
/// prefix in every report sheet, and no sheet has a formula.
#[test]
fn text_never_becomes_a_formula() {
    let risky = ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "-1", "@x"];
    let bytes = render::annual_with_names(&risky);
    let styles = zip_entry(&bytes, "xl/styles.xml");
    let quoted: Vec<bool> = xfs(&styles).iter().map(|xf| xf.contains("quotePrefix=\"1\"")).collect();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("a zip");
    let has_shared = zip.index_for_name("xl/sharedStrings.xml").is_some();
    let shared = if has_shared { zip_entry(&bytes, "xl/sharedStrings.xml") } else { String::new() };
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
    for n in 1..=7 {
        let xml = zip_entry(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "sheet{n} has a formula");
    }
    for name in risky {
        let escaped = name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let cell = string_cell(&sheet, &shared, &escaped).unwrap_or_else(|| panic!("{name} is a string cell"));
        let style: usize = attr(cell, "s").and_then(|s| s.parse().ok()).expect("a style");
        assert!(quoted[style], "{name}: style {style} has the quote prefix");
    }
}

/// The `<xf>` elements of `cellXfs`, in order.
fn xfs(styles: &str) -> Vec<&str> {
    let part = styles.split("<cellXfs").nth(1).and_then(|s| s.split("</cellXfs>").next()).expect("cellXfs");
    part.split("<xf ").skip(1).collect()
}

/// The `<c …>` start tag of the string cell holding `text` (inline or shared).
fn string_cell<'a>(sheet: &'a str, shared: &str, text: &str) -> Option<&'a str> {
    let index = shared.split("<si>").skip(1).position(|si| si.contains(&format!(">{text}</t>")));
    sheet.split("<c ").skip(1).find_map(|c| {
        let tag = c.split('>').next()?;
        let value = c.split("</c>").next()?;
        let hit = match index {
            Some(i) if tag.contains("t=\"s\"") => value.contains(&format!("<v>{i}</v>")),
            _ => tag.contains("inlineStr") && value.contains(&format!(">{text}</t>")),
        };
        hit.then_some(tag)
    })
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split(&format!(" {name}=\"")).nth(1)?.split('"').next()
}

#[rocket::async_test]
async fn a_batch_payment_list_masks_accounts_for_all_but_division_staff() {
    let app = TestApp::demo().await;
    let batch = render::insert_batch(&app).await;
    let path = format!("/batches/{batch}/payment-list.xlsx");
    let admin = app.login("admin").await;
    let full = post(&admin, &path).await.into_bytes().await.expect("a list");
    let list = table(&full, "拨付明细表", "序号");
    assert_eq!(cell(&list[1], 6), "6228480012345671234", "division staff see the full account");
    assert_eq!(cell(&list[2], 6), "6228480098765430000");
    totals_add_up(&full, "拨付明细表", "序号");
    let total = list.iter().find(|r| cell(r, 0) == "合计").expect("合计");
    assert_eq!(dec(&total[7]), Decimal::new(3_000_050, 2));
    assert_eq!(cell(total, 1), "共2笔");
    let all = rows(&full, "拨付明细表");
    let text: Vec<String> = all.iter().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    for line in ["控制合计", "经办人：", "审核人：", "批准人：", "V-2023-001"] {
        assert!(text.iter().any(|t| t == line), "the list has {line}");
    }
    let auditor = app.login("auditor").await;
    let api = format!("/api/v1/disbursements/{batch}/payment-list.xlsx");
    let masked = post(&auditor, &api).await.into_bytes().await.expect("a list");
    assert_eq!(cell(&table(&masked, "拨付明细表", "序号")[1], 6), "6228***********1234");
    for user in ["hongxing2", "bureau"] {
        let other = app.login(user).await;
        assert_eq!(post(&other, &path).await.status(), Status::Forbidden, "{user}: as on the batch pages");
    }
    assert_eq!(admin.client.get(path).dispatch().await.status(), Status::NotFound, "no GET: it is audited");
    assert_eq!(post(&admin, "/batches/999999/payment-list.xlsx").await.status(), Status::NotFound);
    // The annual report lists the batch under 资金来源.
    let report = annual(&app, 2023).await;
    let funds = rows(&report, "资金来源");
    assert!(funds.iter().any(|r| cell(r, 0) == "2023-001" && cell(r, 2) == "已拨付"), "the batch is listed");
    render::pdf_has_pages(&full, "payment-list");
}
