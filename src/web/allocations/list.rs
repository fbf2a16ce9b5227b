//! The allocation page's trial run as a workbook (issue 17 item 2): each approved project's
//! request, what it holds, what it lacks and what the run would grant, with the 合计 the
//! engine computed (`engine::allocation::Outcome`: budget, outstanding, granted) and the
//! requests and holdings summed by `engine::report`.

use super::treasury::require_reader;
use crate::engine::allocation::line;
use crate::engine::report;
use crate::error::AppError;
use crate::export::sheet::Cell;
use crate::storage::Db;
use crate::web::accounts::auth::Session;
use crate::web::kernel::views::yuan;
use crate::web::reports::workbooks::{xlsx, Xlsx};

/// The 合计 row: the engine's outstanding and granted, the requests and holdings summed.
fn total(o: &crate::engine::allocation::Outcome) -> Vec<Cell<'static>> {
    vec![
        Cell::text("合计"),
        Cell::text(format!("{} 个项目", o.lines.len())),
        Cell::Money(report::sum(o.lines.iter().map(|l| l.requested))),
        Cell::Money(report::sum(o.lines.iter().map(|l| l.held))),
        Cell::Money(o.outstanding),
        Cell::Money(o.granted),
        Cell::Blank,
    ]
}

/// `GET /rounds/<year>/allocations.xlsx`: the trial run as the page shows it.
#[get("/rounds/<year>/allocations.xlsx")]
pub(crate) async fn export(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    require_reader(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
    let run = crate::app::allocations::run(&mut *db.inner.acquire().await?, &round, None).await?;
    let o = &run.outcome;
    let headers = ["项目编号", "项目名称", "申请贴息", "已核定", "尚缺", "本次核定", "状态"];
    let rows = o
        .lines
        .iter()
        .zip(&run.names)
        .map(|(l, name)| {
            vec![
                Cell::code(l.key.as_str()),
                Cell::text(name.as_str()),
                Cell::Money(l.requested),
                Cell::Money(l.held),
                Cell::Money(l.outstanding),
                Cell::Money(l.granted),
                Cell::text(line::Status::Engine(l.status).label()),
            ]
        })
        .collect();
    let total = total(o);
    let list = crate::export::list::List {
        title: format!("{year}年度资金分配试算"),
        filters: format!("可分配（各资金池剩余）{} 元；试算，不保存", yuan(o.budget)),
        headers: headers.map(String::from).to_vec(),
        rows,
        total: Some(total),
    };
    let book = crate::export::list::workbook(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    xlsx(book, format!("{year}年度资金分配试算.xlsx"), format!("tiexi-allocation-{year}.xlsx")).await
}
