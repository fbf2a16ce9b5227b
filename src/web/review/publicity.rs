//! The 公示名单 as a printable page (`/rounds/<year>/publicity`, issue 16): the projects
//! proposed for a subsidy with names and ID numbers masked, their 公示 dates and where to
//! object, as the division posts them; the same list as a workbook is
//! `/rounds/<year>/publicity.xlsx`. Posted for all to see: any logged-in user may print it.

use crate::web::kernel::templates::{context, Template};
use rocket::Route;

use crate::app::division::settings;
use crate::error::AppError;
use crate::export::report::formal::chinese_date;
use crate::storage::Db;
use crate::web::accounts::auth::Session;

#[must_use]
pub(crate) fn page_routes() -> Vec<Route> {
    routes![page]
}

/// `GET /rounds/<year>/publicity`.
#[get("/rounds/<year>/publicity")]
async fn page(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    let mut conn = db.inner.acquire().await?;
    let stored = settings::load(&mut conn).await?;
    let list = crate::reports::publicity(&mut conn, year, stored.get("objection_contact")).await?;
    drop(conn);
    let (loans, proposed) = list.totals();
    let items: Vec<serde_json::Value> = list
        .items
        .iter()
        .map(|i| {
            serde_json::json!({ "unit": i.unit, "project": i.project, "applicant": i.applicant, "leader": i.leader,
                "id_number": i.id_number, "loans": i.loans, "proposed": i.proposed,
                "start": i.start.map(chinese_date), "end": i.end.map(chinese_date) })
        })
        .collect();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    Ok(Template::render(
        "publicity/show",
        context! {
            me: crate::web::kernel::pages::me(&session), year, items, loans, proposed, notice: list.notice(),
            division: stored.get("division_name"), today: chinese_date(today),
        },
    ))
}
