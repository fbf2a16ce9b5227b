//! The pages of a round's interest statements (issue 15 items 1 and 3; docs/facts.md "In the
//! web application"): the statements of the round with the upload form, a statement's
//! preview (per loan the certified interest against the contract rate, errors at their
//! sheet, row and column) and its all-or-nothing confirmation, and the round's
//! reconciliation with its 合计 and its workbook. The use cases are `app::statements`, the
//! same as the API's, so the pages and the API cannot disagree.

use crate::web::kernel::templates::{context, Template};
use rocket::form::Form;
use rocket::response::{Flash, Redirect};
use rocket::State;

use crate::app::rounds::find as round;
use crate::app::{imports::Parsers, statements};
use crate::config::AppConfig;
use crate::engine::reconcile::{Cause, Reconciled};
use crate::engine::RoundStatus;
use crate::error::AppError;
use crate::export::sheet::Cell;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::pages::{flash_parts, me};
use crate::web::kernel::upload::{into_round, PageFile, Uploaded};
use crate::web::reports::workbooks::Xlsx;

/// A form that carries only its token.
#[derive(FromForm)]
pub struct Token {
    #[field(name = "csrf_token")]
    _csrf_token: String,
}

#[get("/rounds/<year>/statements")]
pub(crate) async fn index(
    db: &Db,
    session: Session,
    year: i32,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let round = round(db, year).await?;
    let list = statements::list(db, session.actor(), &round).await?;
    let (error, notice) = flash_parts(flash);
    Ok(Template::render(
        "statements/index",
        context! {
            me: me(&session), year: round.year, name: &round.name, list,
            may_upload: session.role.may_import() && round.status == RoundStatus::Open, error, notice,
        },
    ))
}

#[post("/rounds/<year>/statements", data = "<form>")]
pub(crate) async fn upload(
    db: &Db,
    session: Session,
    year: i32,
    form: Uploaded<'_, PageFile<'_>>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Redirect, AppError> {
    let (round, name, bytes) = into_round(db, year, form).await?;
    let (id, _, _) = statements::preview(db, parsers, config, session.actor(), &round, &name, bytes).await?;
    Ok(Redirect::to(format!("/statements/{id}")))
}

#[get("/statements/<id>")]
pub(crate) async fn show(
    db: &Db,
    session: Session,
    id: i64,
    flash: Option<rocket::request::FlashMessage<'_>>,
) -> Result<Template, AppError> {
    let (upload, round, preview, same) = statements::shown(db, session.actor(), id).await?;
    let (error, notice) = flash_parts(flash);
    Ok(Template::render(
        "statements/preview",
        context! {
            me: me(&session), id, year: round.year, file_name: &upload.file_name, status: &upload.status,
            confirmed_at: &upload.confirmed_at, r: preview["reconciliation"].clone(), preview, same_file_at: same.and_then(|s| s.confirmed_at),
            may_confirm: session.role.may_import() && round.status == RoundStatus::Open, error, notice,
        },
    ))
}

/// Confirm every line or none; a file already confirmed in the round does nothing again.
#[post("/statements/<id>/confirm", data = "<_form>")]
pub(crate) async fn confirm(
    db: &Db,
    session: Session,
    id: i64,
    _form: Form<Token>,
    parsers: &State<Parsers>,
    config: &State<AppConfig>,
) -> Result<Flash<Redirect>, AppError> {
    let (upload, round, _, _) = statements::shown(db, session.actor(), id).await?;
    match statements::confirm(db, parsers, config, session.actor(), &upload).await {
        Ok(done) => {
            let to = Redirect::to(format!("/rounds/{}/statements", round.year));
            Ok(if done["already"] == true {
                Flash::warning(to, format!("{}：{}", upload.file_name, done["why"].as_str().unwrap_or("此前已确认")))
            } else {
                Flash::success(to, format!("已确认 {}，记入 {} 行结息", upload.file_name, done["lines"]))
            })
        }
        Err(AppError::Conflict(why)) => Ok(Flash::error(Redirect::to(format!("/statements/{id}")), why)),
        Err(e) => Err(e),
    }
}

#[get("/rounds/<year>/reconciliation")]
pub(crate) async fn reconciliation(db: &Db, session: Session, year: i32) -> Result<Template, AppError> {
    let round = round(db, year).await?;
    let list = statements::reconciliation(db, session.actor(), &round).await?;
    Ok(Template::render(
        "statements/reconciliation",
        context! { me: me(&session), year: round.year, name: &round.name, r: &list },
    ))
}

/// The reconciliation's columns, as on the page.
pub const HEADERS: [&str; 8] = [
    "项目编号",
    "贷款合同编号",
    "结息天数",
    "银行结息（元）",
    "按合同利率计（元）",
    "差额（元）",
    "可能原因",
    "结息清单",
];

/// The page's table as a workbook, with its 合计 row (`export::list`, as the project list's).
#[get("/rounds/<year>/reconciliation.xlsx")]
pub(crate) async fn export(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    let round = round(db, year).await?;
    let rows = statements::reconciliation_rows(db, session.actor(), &round).await?;
    let totals = statements::reconciled(&rows)["totals"].clone();
    let book = workbook(year, &rows, &totals).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::web::reports::workbooks::xlsx(
        book,
        format!("{year}年度结息核对.xlsx"),
        format!("tiexi-reconciliation-{year}.xlsx"),
    )
    .await
}

fn workbook(
    year: i32,
    rows: &[Reconciled],
    totals: &serde_json::Value,
) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    let money = |m: Option<crate::engine::Money>| m.map_or(Cell::Blank, Cell::Money);
    let total = |k: &str| totals[k].as_str().and_then(|s| s.parse().ok());
    let list = crate::export::list::List {
        title: format!("{year}年度结息核对"),
        filters: String::new(),
        headers: HEADERS.map(String::from).to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::code(r.project.as_str()),
                    Cell::code(r.contract_no.as_str()),
                    Cell::Count(u64::try_from(r.days).unwrap_or(0)),
                    money(r.certified),
                    money(r.contract_interest),
                    money(r.difference),
                    Cell::text(r.cause.map_or("", Cause::label)),
                    Cell::text(if r.lacks_statement { "缺结息清单" } else { "有" }),
                ]
            })
            .collect(),
        total: Some(vec![
            Cell::text("合计"),
            Cell::text(format!("{} 笔贷款", rows.len())),
            Cell::Blank,
            money(total("certified")),
            money(total("contract_interest")),
            money(total("difference")),
            Cell::Blank,
            Cell::text(format!("缺 {} 笔", totals["lacking"])),
        ]),
    };
    crate::export::list::workbook(&list)
}
