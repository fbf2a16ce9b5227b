//! Issues 6 and 16's reports read back (calamine and the sheet XML) and printed
//! (`LibreOffice`): the demo's annual report of 2023 and cumulative report through 2023 give
//! the published figures (431 projects, 8,066,350.00 granted, 168,000,000.00 loans unlocked,
//! 7,916 households); every report agrees with itself across sheets (one name, one number)
//! and its 合计 rows are the sums of their columns; 2023's 资金来源 reconciles line by line;
//! the open 2024 round's report is a trial with the books' figures, never the trial
//! allocation's; every table cell has a border, no font is below 9 pt, the signature line
//! and the configured full name are there; 大写 amounts are right. Each printed report's
//! first page is kept as a PNG under `target/tmp/reports/`.

use crate::check;
use crate::render;
use crate::support;
use crate::web_support;
use crate::xml;

use calamine::Data;
use rocket::http::Status;
use rust_decimal::Decimal;
use support::{cell, dec, rows};
use tiexi::export::report::Heading;
use web_support::TestApp;

use check::{agree, figure, formal, reconciles, table, totals_add_up, DIVISION};

fn heading() -> Heading {
    let mut h = Heading::plain(DIVISION, chrono::NaiveDate::from_ymd_opt(2024, 12, 6).expect("a date"));
    h.preparer = "李梅".into();
    h
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

async fn sql_sum(app: &TestApp, sql: &str) -> Decimal {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let fen: i64 =
        sqlx::Row::get(&sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *conn).await.expect("a sum"), 0);
    Decimal::new(fen, 2)
}

#[rocket::async_test]
async fn the_demo_annual_report_of_2023_gives_the_published_figures_and_agrees_with_itself() {
    let app = TestApp::demo().await;
    let report = annual(&app, 2023).await;
    published(&report);
    round_2023(&report);
    for (sheet, first) in
        [("项目明细", "序号"), ("贷款明细", "项目编号"), ("资金来源", "资金来源"), ("团场统计", "团场")]
    {
        totals_add_up(&report, sheet, first);
    }
    assert!(agree(&report) >= 20, "enough figures are compared across sheets");
    reconciles(&report);
    let projects = table(&report, "项目明细", "序号");
    assert_eq!(projects.len(), 1 + 78 + 1, "a row per project and 合计");
    let leader = cell(&projects[1], 5);
    assert!(leader.contains("********") && leader.lines().count() == 2, "ID numbers are masked: {leader}");
    assert!(
        projects[1..79].iter().all(|r| cell(r, 11) == "已批准" && cell(r, 12) == "部分贴息"),
        "states apart from results"
    );
    formal(
        &report,
        "annual-2023",
        &["汇总", "资金来源", "项目明细", "贷款明细", "团场统计", "绩效自评表", "历年累计", "政策参数"],
        "2024年12月6日",
    );
}

/// The 历年累计 row of 2023 carries the published cumulative figures.
fn published(report: &[u8]) {
    let years = table(report, "历年累计", "年度");
    let last = years.last().expect("a row per round");
    assert_eq!((cell(&years[1], 0).as_str(), cell(last, 0).as_str()), ("2017", "2023"));
    let at = |name: &str| dec(&last[years[0].iter().position(|h| *h == name).expect(name)]);
    assert_eq!(at("累计获得贴息项目数"), Decimal::from(431));
    assert_eq!(at("累计已核定"), Decimal::new(8_066_350, 0));
    assert_eq!(at("累计已核定（万元）"), Decimal::new(8_066_350, 4));
    assert_eq!(at("累计撬动贷款（万元）"), Decimal::from(16_800));
    assert_eq!(at("累计撬动倍数"), Decimal::new(2083, 2));
    assert_eq!(at("累计带动职工户数"), Decimal::from(7916));
}

/// 汇总 of 2023: the round's own figures (demo.rs: 78 projects, 1,500,000.00, 30,500,000.00).
fn round_2023(report: &[u8]) {
    for (label, value) in [
        ("获得贴息项目数", Decimal::from(78)),
        ("已核定", Decimal::from(1_500_000)),
        ("已拨付", Decimal::from(1_500_000)),
        ("预算执行率", Decimal::from(100)),
        ("拨付进度", Decimal::from(100)),
        ("撬动贷款", Decimal::from(30_500_000)),
        ("剩余", Decimal::ZERO),
    ] {
        assert_eq!(figure(report, label), value, "汇总 {label}");
    }
}

/// Issue 16: the open round's report is a trial (（试算）) whose 已核定 and 已拨付 are the
/// books' (nothing decided: 0), never the trial allocation's; its sentence covers the closed
/// rounds only; nobody unreviewed is 候补.
#[rocket::async_test]
async fn the_open_round_report_is_a_trial_with_the_books_figures() {
    let app = TestApp::demo().await;
    let report = annual(&app, 2024).await;
    let summary = rows(&report, "汇总");
    assert!(cell(&summary[0], 0).ends_with("（试算）"), "{}", cell(&summary[0], 0));
    for sheet in ["资金来源", "项目明细", "贷款明细", "团场统计", "历年累计"] {
        assert!(cell(&rows(&report, sheet)[0], 0).contains("（试算）"), "{sheet} is titled a trial");
    }
    let granted = sql_sum(&app, "SELECT COALESCE(CAST(SUM(granted_fen) AS BIGINT), 0) FROM projects p JOIN rounds r ON r.id = p.round_id WHERE r.year = 2024").await;
    let paid = sql_sum(&app, "SELECT COALESCE(CAST(SUM(paid_fen) AS BIGINT), 0) FROM pools l JOIN rounds r ON r.id = l.round_id WHERE r.year = 2024").await;
    assert_eq!(figure(&report, "已核定"), granted, "the books' grants");
    assert!(figure(&report, "已拨付") <= paid, "no 已拨付 above the books'");
    assert_eq!(figure(&report, "已拨付"), paid);
    assert_eq!(figure(&report, "到位"), Decimal::from(1_050_000), "the demo's receipts");
    assert_eq!(figure(&report, "到位率"), Decimal::from(75));
    assert_eq!(figure(&report, "剩余"), Decimal::from(1_050_000));
    let sentence = summary.iter().map(|r| cell(r, 0)).find(|c| c.starts_with("概述")).unwrap_or_default();
    assert!(sentence.contains("自2017年以来累计开展职工自主创业示范项目431个，拨付贴息资金806.635万元"), "{sentence}");
    let projects = table(&report, "项目明细", "序号");
    assert!(projects.iter().all(|r| cell(r, 12) != "候补"), "no unreviewed project is 候补");
    assert!(
        projects[1..37].iter().all(|r| cell(r, 11) == "已提交" && cell(r, 12) == "待核定"),
        "under review, nothing decided"
    );
    let history = table(&report, "历年累计", "年度");
    let open = history.iter().find(|r| cell(r, 0) == "2024").expect("2024");
    assert_eq!((cell(open, 1).as_str(), dec(&open[3])), ("进行中", Decimal::ZERO), "2024 on the books");
    agree(&report);
    reconciles(&report);
    formal(
        &report,
        "annual-2024",
        &["汇总", "资金来源", "项目明细", "贷款明细", "团场统计", "绩效自评表", "历年累计"],
        "2024年12月6日",
    );
}

#[rocket::async_test]
async fn the_demo_cumulative_report_gives_the_published_figures_by_funding_source() {
    let app = TestApp::demo().await;
    let through = cumulative(&app, 2023).await;
    for (label, value) in [
        ("获得贴息项目数", Decimal::from(431)),
        ("已核定", Decimal::new(8_066_350, 0)),
        ("撬动贷款", Decimal::from(168_000_000)),
        ("撬动倍数", Decimal::new(2083, 2)),
        ("带动职工户数", Decimal::from(7916)),
    ] {
        assert_eq!(figure(&through, label), value, "{label}");
    }
    let summary = table(&through, "汇总", "指标");
    let wan = summary.iter().find(|r| cell(r, 0) == "已核定").expect("已核定");
    assert_eq!(dec(&wan[3]), Decimal::new(8_066_350, 4), "806.6350万元");
    let sentence =
        rows(&through, "汇总").iter().map(|r| cell(r, 0)).find(|c| c.starts_with("概述")).unwrap_or_default();
    assert!(sentence.contains("拨付贴息资金806.635万元，撬动贷款1.68亿元，带动职工7916户"), "{sentence}");
    // 分资金来源: each year by source, the sources' 合计 and the 总计 agree with 汇总.
    let sources = table(&through, "分资金来源", "年度");
    assert_eq!(sources.iter().filter(|r| cell(r, 1) == "上级资金" && cell(r, 0) != "合计").count(), 7);
    let all = sources.iter().find(|r| cell(r, 0) == "总计").expect("总计");
    assert_eq!(dec(&all[4]), Decimal::new(8_066_350, 0), "已核定 of every source");
    assert_eq!(dec(&all[5]), Decimal::new(8_066_350, 0), "已拨付 of every source (历史拨付)");
    let funded = sources.iter().find(|r| cell(r, 0) == "合计" && cell(r, 1) == "上级资金").expect("合计");
    let matched = sources.iter().find(|r| cell(r, 0) == "合计" && cell(r, 1) == "配套资金").expect("合计");
    for col in 2..6 {
        assert_eq!(dec(&funded[col]) + dec(&matched[col]), dec(&all[col]), "column {col}");
    }
    agree(&through);
    formal(&through, "cumulative-2023", &["汇总", "历年累计", "分资金来源"], "2024年12月6日");
}

/// An audited download: a POST with the session's token.
async fn post<'c>(agent: &'c web_support::Agent, path: &str) -> rocket::local::asynchronous::LocalResponse<'c> {
    let token = rocket::http::Header::new("X-CSRF-Token", agent.csrf.clone());
    agent.client.post(path.to_string()).header(token).dispatch().await
}

/// Issue 16: the chart's value axes both start at zero and the leverage line labels every
/// point, so that 21.53 → 20.33 does not look like a collapse.
#[rocket::async_test]
async fn the_chart_starts_its_axes_at_zero_and_labels_the_line() {
    let app = TestApp::demo().await;
    let report = annual(&app, 2023).await;
    let chart = support::zip_entry(&report, "xl/charts/chart1.xml");
    let axes = chart.matches("<c:valAx>").count();
    assert_eq!(axes, 2, "two value axes");
    assert_eq!(chart.matches("<c:min val=\"0\"/>").count(), axes, "every value axis starts at zero: {chart}");
    let line = chart.split("<c:lineChart>").nth(1).expect("the leverage line");
    assert!(line.contains("<c:showVal val=\"1\"/>"), "every point of the line is labelled");
}

/// Issue 16: 大写 as finance offices write it, the published figure and the hard cases.
#[test]
fn amounts_in_capitals() {
    for (yuan, words) in [
        ("8066350.00", "捌佰零陆万陆仟叁佰伍拾元整"),
        ("0.05", "伍分"),
        ("10.00", "壹拾元整"),
        ("100000.10", "壹拾万元零壹角整"),
        ("1000000.00", "壹佰万元整"),
        ("0.00", "零元整"),
        ("0.60", "陆角整"),
        ("1.01", "壹元零壹分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        ("10005.00", "壹万零伍元整"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("100010000.00", "壹亿零壹万元整"),
        ("168000000.00", "壹亿陆仟捌佰万元整"),
        ("30000.50", "叁万元零伍角整"),
    ] {
        assert_eq!(tiexi::engine::capital::amount(yuan.parse().expect("an amount")), words, "{yuan}");
    }
}

/// A demo user of another role asks; only roles seeing every project get a round's report,
/// only division staff full ID numbers (audited); files are named in Chinese.
#[rocket::async_test]
async fn report_downloads_follow_the_role_and_are_named_in_chinese() {
    let app = TestApp::demo().await;
    let admin = app.login("admin").await;
    let r = admin.client.get("/api/v1/rounds/2023/report.xlsx").dispatch().await;
    assert_eq!(r.status(), Status::Ok);
    assert!(r.content_type().is_some_and(|c| c.sub().as_str().contains("spreadsheetml")));
    let disposition = r.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    assert!(
        disposition.contains(&tiexi::web::reports::workbooks::rfc5987("2023年度贷款贴息年度报表.xlsx")),
        "{disposition}"
    );
    let open = admin.client.get("/rounds/2024/report.xlsx").dispatch().await;
    let disposition = open.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    assert!(
        disposition.contains(&tiexi::web::reports::workbooks::rfc5987("2024年度贷款贴息年度报表（试算）.xlsx")),
        "{disposition}"
    );
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
    full_ids_are_a_post_for_division_staff(&app, &admin).await;
}

/// Full ID numbers are audited, so they are a POST (issue 18): division staff only.
async fn full_ids_are_a_post_for_division_staff(app: &TestApp, admin: &web_support::Agent) {
    let auditor = app.login("auditor").await;
    assert_eq!(post(&auditor, "/api/v1/rounds/2023/report.xlsx").await.status(), Status::Forbidden);
    let full = post(admin, "/rounds/2023/report.xlsx").await;
    assert_eq!(full.status(), Status::Ok);
    let bytes = full.into_bytes().await.expect("a body");
    let leader = cell(&table(&bytes, "项目明细", "序号")[1], 5);
    assert!(!leader.contains('*') && leader.lines().nth(1).is_some_and(|id| id.len() == 18), "full: {leader}");
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

/// docs/hazards.md: a name starting with `=`, `+`, `-` or `@` is a string cell with the quote
/// prefix in every report sheet, and no sheet has a formula.
#[test]
fn text_never_becomes_a_formula() {
    let risky = ["=HYPERLINK(\"http://evil\",\"x\")", "+1", "-1", "@x"];
    let bytes = render::annual_with_names(&risky, &heading());
    let styles = support::zip_entry(&bytes, "xl/styles.xml");
    let quoted: Vec<bool> = styles
        .split("<cellXfs")
        .nth(1)
        .and_then(|s| s.split("</cellXfs>").next())
        .expect("cellXfs")
        .split("<xf ")
        .skip(1)
        .map(|xf| xf.contains("quotePrefix=\"1\""))
        .collect();
    for name in support::sheet_names(&bytes) {
        let xml = xml::sheet(&bytes, &name);
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{name} has a formula");
    }
    let sheet = xml::sheet(&bytes, "项目明细");
    let shared = support::zip_entry(&bytes, "xl/sharedStrings.xml");
    for name in risky {
        let escaped = name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        let tag = string_cell(&sheet, &shared, &escaped)
            .or_else(|| string_cell(&sheet, &shared, name))
            .unwrap_or_else(|| panic!("{name} is a string cell"));
        let style: usize = xml::attr(&format!(" {tag}"), "s").and_then(|s| s.parse().ok()).expect("a style");
        assert!(quoted[style], "{name}: style {style} has the quote prefix");
    }
    assert_eq!(cell(&rows(&bytes, "项目明细")[0], 0), "2024年度贴息项目明细表（试算）");
    let _ = Data::Empty;
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
