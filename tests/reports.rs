//! Issues 6 and 16's reports read back (calamine) and printed (LibreOffice).

#[path = "reports/render.rs"]
mod render;
#[path = "export/support.rs"]
#[allow(dead_code, reason = "shared with tests/export.rs")]
mod support;
mod web_support;

use tiexi::export::report::Heading;
use web_support::TestApp;

fn heading() -> Heading {
    let mut h = Heading::plain(
        "新疆生产建设兵团第十三师新星市总工会",
        chrono::NaiveDate::from_ymd_opt(2024, 12, 6).expect("a date"),
    );
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

#[rocket::async_test]
async fn look() {
    let app = TestApp::demo().await;
    let batch = render::insert_batch(&app).await;
    {
        let mut conn = app.pool.inner.acquire().await.expect("a connection");
        sqlx::query("UPDATE projects SET state = 'published', publication_start = '2024-03-05', publication_end = '2024-03-11' WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) AND position < 12").execute(&mut *conn).await.unwrap();
        let h = heading();
        let (mut b, name) = tiexi::reports::payment_list(
            &mut conn,
            batch,
            &h,
            tiexi::export::report::Payer {
                name: "第十三师新星市总工会".into(),
                bank: "农行".into(),
                account: "30-4801".into(),
            },
            true,
        )
        .await
        .unwrap()
        .unwrap();
        println!("{name}");
        render::print(&b.save_to_buffer().unwrap(), "payment-list");
        let mut b =
            tiexi::reports::publicity_list(&mut conn, 2024, &h, "师市总工会财务部（电话 0902-2345678）").await.unwrap();
        render::print(&b.save_to_buffer().unwrap(), "publicity-2024");
        let id = render::ids(&mut conn, "SELECT id FROM projects WHERE round_id = (SELECT id FROM rounds WHERE year = 2024) ORDER BY position LIMIT 1").await[0];
        let (mut b, name) = tiexi::reports::approval_form(&mut conn, id, &tiexi::storage::projects::Scope::All, &h)
            .await
            .unwrap()
            .unwrap();
        println!("{name}");
        render::print(&b.save_to_buffer().unwrap(), "approval-form");
    }
    for (name, bytes) in [
        ("annual-2023", annual(&app, 2023).await),
        ("annual-2024", annual(&app, 2024).await),
        ("cumulative-2023", cumulative(&app, 2023).await),
    ] {
        let p = render::print(&bytes, name).expect("printed");
        println!("{name}: {} pages, smallest line {}", p.pages, p.smallest_line);
    }
}

#[rocket::async_test]
async fn dump() {
    let app = TestApp::demo().await;
    std::fs::write("/tmp/x/a2023.xlsx", annual(&app, 2023).await).unwrap();
}
