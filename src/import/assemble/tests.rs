//! Events attached while the Events sheet is read, once the index of contracts is made,
//! give what attaching them all at the end gives (docs/ARCHITECTURE.md "The parse child").

use super::built::LoanRows;
use super::{Book, Loans};
use crate::import::cells::Value;
use crate::import::{Options, Parsed};

const LOANS: &str =
    "项目编号,团场,项目名称,主体类型,负责人,身份证号,带动职工户数,贷款合同编号,贷款金额,年利率,放款日期,到期日期";
/// Written with synonyms: a problem names its column as the sheet writes it.
const EVENTS: &str = "合同编号,日期,事项,还款金额,调整后利率";
/// Projects in the sheet: enough for the build in two halves.
const PROJECTS: u32 = 5_000;

fn row(csv: &str) -> Vec<Value> {
    csv.split(',').map(|c| if c.is_empty() { Value::Empty } else { Value::Text(c.to_string()) }).collect()
}

fn loans() -> Vec<Vec<Value>> {
    let project =
        |n| format!("XX-{n},红星一场,养殖项目,个人,王超,650102198001011234,3,NX-{n},300000,4.35,2023-06-15,2026-06-15");
    std::iter::once(row(LOANS)).chain((1..=PROJECTS).map(|n| row(&project(n)))).collect()
}

/// A repayment on every loan, and three problems spread over the sheet: a contract the
/// Loans sheet lacks, repayments beyond a principal, two rates on one day.
fn events() -> Vec<Vec<Value>> {
    let mut rows = vec![row(EVENTS)];
    for n in 1..=PROJECTS {
        rows.push(row(&format!("NX-{n},2024-05-06,还款,1000,")));
        match n {
            7 => rows.push(row("NX-999999,2024-05-06,还款,1000,")),
            2_600 => rows.push(row("NX-2600,2024-06-06,还款,299000.01,")),
            4_990 => rows.extend([row("NX-4990,2024-07-01,利率调整,,3.95"), row("NX-4990,2024-07-01,利率调整,,3.85")]),
            _ => {}
        }
    }
    rows
}

fn feed(book: &mut Book<'_>, at: usize, rows: &[Vec<Value>]) {
    book.sheet(at, false);
    for (n, cells) in (0..).zip(rows) {
        book.row(n, cells);
    }
    book.end_sheet();
}

fn places(p: &Parsed) -> Vec<(String, u32, String, String)> {
    p.errors.iter().map(|e| (e.sheet.clone(), e.row, e.column.clone(), e.message.clone())).collect()
}

#[test]
fn events_attached_while_read_are_those_attached_at_the_end() {
    let options = Options { require_union_member: false, window: None };
    // The Loans sheet first, and the index waited for before the Events sheet is read.
    let names = vec!["申报汇总表".to_string(), "还款及变更".to_string()];
    let mut book = Book::new(names, &options, |at| at == 0).unwrap();
    feed(&mut book, 0, &loans());
    if let Loans::Rows(LoanRows { building: Some(building), .. }) = &book.loans {
        book.index = building.index();
    }
    assert!(book.index.is_some(), "the build has started and made its index");
    feed(&mut book, 1, &events());
    assert_eq!(book.errors.len(), 3, "the events' problems are found as the sheet is read");
    let while_read = book.finish();

    // The Events sheet first: nothing can be attached until the end.
    let names = vec!["还款及变更".to_string(), "申报汇总表".to_string()];
    let mut book = Book::new(names, &options, |at| at == 1).unwrap();
    feed(&mut book, 0, &events());
    assert!(book.errors.is_empty());
    feed(&mut book, 1, &loans());
    let at_end = book.finish();

    assert_eq!(places(&while_read), places(&at_end));
    let found: Vec<(u32, &str)> = at_end.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(found, [(9, "合同编号"), (2_603, "还款金额"), (4_995, "调整后利率")]);
    assert!(at_end.errors.iter().all(|e| e.sheet == "还款及变更"));
    let projects = |p: &Parsed| serde_json::to_string(&p.projects).unwrap();
    assert_eq!(projects(&while_read), projects(&at_end));
    assert_eq!((at_end.projects.len(), at_end.rejected), (PROJECTS as usize - 2, 2));
    assert_eq!(at_end.projects[0].loans[0].events.len(), 1);
}
