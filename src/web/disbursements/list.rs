//! The round's batch list as a workbook, and its 合计 (issue 17 item 2): the batches that
//! count (every one but the cancelled), their 笔数 and amounts summed by `engine::report`.

use serde::Serialize;

use crate::app::lists::{self, Batch, Db};
use crate::engine::{report, Money};
use crate::error::AppError;
use crate::export::sheet::Cell;
use crate::web::accounts::auth::Session;
use crate::web::allocations::treasury::require_reader;
use crate::web::kernel::views::yuan;
use crate::web::reports::workbooks::{xlsx, Xlsx};

/// The 合计 of a batch list: the batches not cancelled.
#[derive(Debug, Serialize)]
pub struct Totals {
    pub batches: usize,
    pub items: u64,
    pub amount: String,
    amount_money: Money,
}

#[must_use]
pub fn totals(list: &[Batch]) -> Totals {
    let counted: Vec<&Batch> =
        list.iter().filter(|b| b.state != crate::signoff::disbursement::State::Cancelled).collect();
    let amount = report::sum(counted.iter().map(|b| b.total));
    Totals {
        batches: counted.len(),
        items: counted.iter().map(|b| u64::try_from(b.item_count).unwrap_or(0)).sum(),
        amount: yuan(amount),
        amount_money: amount,
    }
}

fn list_of<'a>(year: i32, list: &'a [Batch], t: &Totals) -> crate::export::list::List<'a> {
    let headers = ["批次号", "类别", "状态", "笔数", "金额（元）", "凭证号", "拨付日期", "说明"];
    let rows = list
        .iter()
        .map(|b| {
            vec![
                Cell::code(b.number.clone()),
                Cell::text(b.kind.label()),
                Cell::text(b.state.label()),
                Cell::Count(u64::try_from(b.item_count).unwrap_or(0)),
                Cell::Money(b.total),
                Cell::code(b.voucher_no.clone().unwrap_or_default()),
                Cell::text(b.paid_on.clone().unwrap_or_default()),
                Cell::text(b.comment.clone()),
            ]
        })
        .collect();
    let total = vec![
        Cell::text("合计（不含已撤销）"),
        Cell::text(format!("{} 批", t.batches)),
        Cell::Blank,
        Cell::Count(t.items),
        Cell::Money(t.amount_money),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
    ];
    crate::export::list::List {
        title: format!("{year}年度拨付批次"),
        filters: String::new(),
        headers: headers.map(String::from).to_vec(),
        rows,
        total: Some(total),
    }
}

/// `GET /rounds/<year>/disbursements.xlsx`: the list as the page shows it, with its 合计.
#[get("/rounds/<year>/disbursements.xlsx")]
pub(crate) async fn export(db: &Db, session: Session, year: i32) -> Result<Xlsx, AppError> {
    require_reader(&session)?;
    let round = crate::app::rounds::find(db, year).await?;
    let list = lists::batches(db, round.id).await?;
    let t = totals(&list);
    let list = list_of(year, &list, &t);
    let book = crate::export::list::workbook(&list).map_err(|e| AppError::Internal(e.to_string()))?;
    xlsx(book, format!("{year}年度拨付批次.xlsx"), format!("tiexi-disbursements-{year}.xlsx")).await
}
