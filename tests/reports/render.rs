//! What `tests/web/reports.rs` needs besides calamine: `libreoffice` rendering a report to PDF
//! (its first page kept as a PNG under `target/tmp/reports/` for people to look at, every
//! page with `REPORT_PAGES=all`), the printed size of its smallest text, an annual report
//! of hostile names built in memory, and a batch inserted with SQL.

use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;

use tiexi::engine::report::by_year;
use tiexi::engine::{compute, Applicant, ApplicantType, Loan, Money, Policy, Pool, PoolKind, Project};
use tiexi::export::report::{annual, Annual};

use super::web_support::TestApp;

fn tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|d| names.iter().map(move |n| d.join(n))).find(|p| p.is_file())
}

/// Where the rendered pages are kept for people to look at.
#[must_use]
pub fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reports");
    std::fs::create_dir_all(&dir).expect("the output directory");
    dir
}

/// A report as `LibreOffice` prints it.
pub struct Printed {
    /// The smallest height of a line of text, in points: a font's size is a little less.
    pub smallest_line: Decimal,
    pub text: String,
}

/// `libreoffice` opens the workbook without repair and prints it: the PDF's pages, its text
/// and the height of its smallest line; page 1 is kept as `<name>.png`. Without `LibreOffice`
/// this prints SKIP and returns `None`, unless `CI` is set: then it fails.
pub fn print(bytes: &[u8], name: &str) -> Option<Printed> {
    let Some(exe) = tool(&["libreoffice", "soffice"]) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but LibreOffice is missing: apt-get install libreoffice-calc"
        );
        println!("SKIP rendering {name}: LibreOffice is not installed (and CI is not set)");
        return None;
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join(format!("{name}.xlsx"));
    std::fs::write(&xlsx, bytes).expect("the workbook is written");
    // A profile of its own, so that parallel tests do not wait on one profile's lock.
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let out = Command::new(exe)
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .expect("LibreOffice runs");
    let pdf = dir.path().join(format!("{name}.pdf"));
    let raw =
        std::fs::read(&pdf).unwrap_or_else(|_| panic!("no PDF of {name}: {}", String::from_utf8_lossy(&out.stderr)));
    let text = String::from_utf8_lossy(&raw).replace("/Type /", "/Type/");
    let pages = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
    assert!(pages >= 1, "{name}: the PDF has pages");
    keep_png(&pdf, name);
    let (words, smallest_line) = words(&pdf);
    Some(Printed { smallest_line, text: words })
}

/// Page 1 as `<name>.png` (every page as `<name>-N.png` with `REPORT_PAGES=all`).
fn keep_png(pdf: &Path, name: &str) {
    let Some(exe) = tool(&["pdftoppm"]) else { return };
    let target = out_dir().join(name);
    let all = std::env::var("REPORT_PAGES").is_ok_and(|v| v == "all");
    let mut cmd = Command::new(exe);
    cmd.args(["-png", "-r", "70"]);
    if !all {
        cmd.args(["-f", "1", "-l", "1", "-singlefile"]);
    }
    let status = cmd.arg(pdf).arg(&target).status().expect("pdftoppm runs");
    assert!(status.success(), "pdftoppm renders {name}");
}

/// The PDF's words and the smallest height of a line of them (`pdftotext -bbox`), in points.
fn words(pdf: &Path) -> (String, Decimal) {
    let Some(exe) = tool(&["pdftotext"]) else { return (String::new(), Decimal::MAX) };
    let out = Command::new(exe).arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext runs");
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut smallest = Decimal::MAX;
    let mut text = String::new();
    for word in html.split("<word ").skip(1) {
        let attr = |n: &str| -> Decimal {
            word.split(&format!("{n}=\""))
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_default()
        };
        let body = word.split('>').nth(1).and_then(|s| s.split('<').next()).unwrap_or_default();
        if !body.trim().is_empty() {
            smallest = smallest.min(attr("yMax") - attr("yMin"));
        }
        text.push_str(body);
        text.push(' ');
    }
    (text, smallest)
}

/// An annual report whose projects are named as given (and nothing from a database).
#[must_use]
pub fn annual_with_names(names: &[&str], heading: &tiexi::export::report::Heading) -> Vec<u8> {
    let mut policy = Policy::example(2024);
    policy.pools = vec![
        Pool { name: "=兵团".into(), kind: PoolKind::Funded, amount: Money::from_fen(10_000_000) },
        Pool { name: "自筹".into(), kind: PoolKind::Matched, amount: Money::from_fen(10_000_000) },
    ];
    let projects: Vec<Project> = names.iter().enumerate().map(|(i, name)| project(i, name)).collect();
    let result = compute(&policy, &projects);
    let history = by_year([(projects.as_slice(), &result, false)]);
    let n = projects.len();
    let paid = vec![Money::ZERO; n];
    let decisions = vec!["=原因".to_string(); n];
    let states = vec!["已提交"; n];
    let outcomes = vec![tiexi::engine::report::Outcome::Pending; n];
    let r = Annual {
        heading,
        closed: false,
        policy: &policy,
        projects: &projects,
        result: &result,
        paid: &paid,
        states: &states,
        outcomes: &outcomes,
        decisions: &decisions,
        pools: &[],
        receipts: &[],
        payments: &[],
        carryovers: &[],
        hardship: 0,
        history: &history,
        published: None,
        performance: None,
    };
    annual(&r).expect("a workbook").save_to_buffer().expect("bytes")
}

/// A paid batch of two items on the demo's 2023 round, inserted with plain SQL: the list
/// only reads what is stored, and the demo's 2023 round is already wholly paid, so the
/// batch workflow (issue 5) would refuse to pay it again. The approver is the auditor only
/// to satisfy the schema's maker-checker CHECK.
pub async fn insert_batch(app: &TestApp) -> i64 {
    let mut conn = app.pool.inner.acquire().await.expect("a connection");
    let round = ids(&mut conn, "SELECT id FROM rounds WHERE year = 2023").await[0];
    let admin = ids(&mut conn, "SELECT id FROM users WHERE username = 'admin'").await[0];
    let auditor = ids(&mut conn, "SELECT id FROM users WHERE username = 'auditor'").await[0];
    let sql = format!("SELECT id FROM projects WHERE round_id = {round} ORDER BY position LIMIT 2");
    let projects = ids(&mut conn, &sql).await;
    let pools = ids(&mut conn, &format!("SELECT id FROM pools WHERE round_id = {round} ORDER BY position")).await;
    let batch = batch(&mut conn, round, admin).await;
    for (project, fen, account) in
        [(projects[0], 2_000_000, "6228480012345671234"), (projects[1], 1_000_050, "6228480098765430000")]
    {
        item(&mut conn, batch, project, fen, account, &pools).await;
    }
    sqlx::query(
        "UPDATE batches SET state = 'paid', approved_by = $1, approved_at = '2024-01-11T08:00:00Z', paid_by = $2, \
         paid_at = '2024-01-20T08:00:00Z', voucher_no = 'V-2023-001', paid_on = '2024-01-20' WHERE id = $3",
    )
    .bind(auditor)
    .bind(admin)
    .bind(batch)
    .execute(&mut *conn)
    .await
    .expect("paid");
    batch
}

pub async fn ids(conn: &mut sqlx::AnyConnection, sql: &str) -> Vec<i64> {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(conn).await.expect("ids").iter().map(|r| r.get(0)).collect()
}

async fn batch(conn: &mut sqlx::AnyConnection, round: i64, admin: i64) -> i64 {
    use sqlx::Row;
    sqlx::query(
        "INSERT INTO batches (round_id, number, kind, state, item_count, total_fen, prepared_by, prepared_at) \
         VALUES ($1, '2023-001', 'payment', 'prepared', 2, 3000050, $2, '2024-01-10T08:00:00Z') RETURNING id",
    )
    .bind(round)
    .bind(admin)
    .fetch_one(conn)
    .await
    .expect("a batch")
    .get(0)
}

/// One item and its parts, half from each pool.
async fn item(conn: &mut sqlx::AnyConnection, batch: i64, project: i64, fen: i64, account: &str, pools: &[i64]) {
    use sqlx::Row;
    let item: i64 = sqlx::query(
        "INSERT INTO batch_items (batch_id, project_id, amount_fen, payee_name, payee_bank, payee_account) \
         VALUES ($1, $2, $3, '红星肉羊养殖专业合作社', '农业银行哈密分行', $4) RETURNING id",
    )
    .bind(batch)
    .bind(project)
    .bind(fen)
    .bind(account)
    .fetch_one(&mut *conn)
    .await
    .expect("an item")
    .get(0);
    for (pool, part) in pools.iter().zip([fen / 2, fen - fen / 2]) {
        sqlx::query("INSERT INTO batch_parts (item_id, pool_id, amount_fen) VALUES ($1, $2, $3)")
            .bind(item)
            .bind(*pool)
            .bind(part)
            .execute(&mut *conn)
            .await
            .expect("a part");
    }
}

/// A project named `name` with one loan of 360,000 at 5%.
fn project(i: usize, name: &str) -> Project {
    Project {
        key: format!("-K{i}"),
        name: (*name).to_string(),
        applicant_type: ApplicantType::Cooperative,
        union_member: Some(true),
        households: 10,
        income_increase: None,
        score: None,
        applicant: Applicant { unit: (*name).to_string(), leader: "@张三".into(), ..Applicant::default() },
        loans: vec![Loan {
            contract_no: format!("+HT{i}"),
            bank: "=银行".into(),
            principal: Money::from_fen(36_000_000),
            rate: "5".parse().expect("a rate"),
            disbursed_on: chrono::NaiveDate::from_ymd_opt(2023, 6, 1).expect("a date"),
            maturity_on: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date"),
            settled_on: None,
            interest_paid: None,
            events: vec![],
            row: 0,
        }],
    }
}
