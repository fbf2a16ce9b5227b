//! A round's import history and its export (issue 17 items 2 and 3), and an upload's
//! workbook with its bad cells marked. All three are GETs without effects; the downloads
//! are `no-store` and named in Chinese (`web::reports::workbooks::Xlsx`).

use serde::Serialize;

use crate::app::imports::{find, history, marked};
use crate::error::AppError;
use crate::export::sheet::Cell;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::templates::{context, Template};
use crate::web::kernel::views::beijing;
use crate::web::reports::workbooks::{xlsx, Xlsx};

/// The results a history may be filtered by, in the order of the filter's choices.
const RESULTS: [&str; 4] = ["confirmed", "errors", "abandoned", "pending"];

/// An upload as the page and the export show it.
#[derive(Debug, Serialize)]
struct Row {
    id: i64,
    who: String,
    /// Beijing time, 年月日.
    at: String,
    file_name: String,
    projects: String,
    loans: String,
    result: &'static str,
    result_label: &'static str,
}

fn count(n: Option<i64>) -> String {
    n.map_or_else(|| "—".into(), |n| n.to_string())
}

/// The filter as given: one of `RESULTS`, else none.
fn chosen(result: Option<&str>) -> Option<&'static str> {
    result.and_then(|r| RESULTS.into_iter().find(|c| *c == r))
}

async fn rows(db: &Db, session: &Session, year: i32, result: Option<&str>) -> Result<(i32, Vec<Row>), AppError> {
    let round = crate::app::rounds::find(db, year).await?;
    let lines = history::list(db, session.actor(), round.id, Some(chosen(result).unwrap_or_default())).await?;
    let rows = lines
        .into_iter()
        .map(|l| Row {
            id: l.upload.id,
            who: l.upload.who,
            at: beijing(&l.upload.created_at),
            file_name: l.upload.file_name,
            projects: count(l.upload.projects),
            loans: count(l.upload.loans),
            result: l.result,
            result_label: crate::labels::import_result(l.result).unwrap_or("—"),
        })
        .collect();
    Ok((round.year, rows))
}

/// The round's uploads, newest first, filtered by result.
#[get("/rounds/<year>/imports?<result>")]
pub(crate) async fn list(db: &Db, session: Session, year: i32, result: Option<&str>) -> Result<Template, AppError> {
    let (year, rows) = rows(db, &session, year, result).await?;
    let results: Vec<(&str, &str)> =
        RESULTS.iter().map(|c| (*c, crate::labels::import_result(c).unwrap_or_default())).collect();
    Ok(Template::render(
        "imports/index",
        context! {
            me: crate::web::kernel::pages::me(&session), year, rows, results,
            result: chosen(result).unwrap_or_default(),
        },
    ))
}

/// The page's columns.
pub const HEADERS: [&str; 6] = ["上传人", "上传时间（北京时间）", "文件名", "项目数", "贷款笔数", "结果"];

/// What the page's filter shows, as a workbook.
#[get("/rounds/<year>/imports.xlsx?<result>")]
pub(crate) async fn export(db: &Db, session: Session, year: i32, result: Option<&str>) -> Result<Xlsx, AppError> {
    let (year, rows) = rows(db, &session, year, result).await?;
    let number = |s: &str| s.parse::<u64>().map_or(Cell::Blank, Cell::Count);
    let filters = chosen(result).and_then(crate::labels::import_result).map(|l| format!("结果：{l}"));
    let list = crate::export::list::List {
        title: format!("{year}年度导入记录"),
        filters: filters.unwrap_or_default(),
        headers: HEADERS.map(String::from).to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.who.as_str()),
                    Cell::text(r.at.as_str()),
                    Cell::text(r.file_name.as_str()),
                    number(&r.projects),
                    number(&r.loans),
                    Cell::text(r.result_label),
                ]
            })
            .collect(),
        total: None,
    };
    let book = crate::export::list::workbook(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    xlsx(book, format!("{year}年度导入记录.xlsx"), format!("tiexi-imports-{year}.xlsx")).await
}

/// The uploaded workbook with its bad cells marked (`tiexi calc --errors-out`'s export).
#[get("/imports/<id>/errors.xlsx")]
pub(crate) async fn marked_workbook(db: &Db, session: Session, id: i64) -> Result<Xlsx, AppError> {
    let import = find(db, session.actor(), id).await?;
    let bytes = marked::workbook(db, &import).await?;
    Ok(Xlsx::new(marked::file_name(&import.file_name), format!("tiexi-import-{id}-errors.xlsx"), bytes))
}
