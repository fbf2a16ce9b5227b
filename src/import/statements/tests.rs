//! docs/workbook.md "Interest statements": sheets, headers, values, and the checks against the
//! round, on workbooks written here.

use rust_xlsxwriter::Workbook;

use super::*;

/// A workbook of sheets, each a name and its rows of text cells ("" for an empty cell).
fn book(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
                ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn yuan(s: &str) -> Money {
    s.parse().unwrap()
}

/// What a test compares of a line.
type Got<'a> = (u32, &'a str, NaiveDate, NaiveDate, Money, Option<Money>, &'a str);

const HEADER: &[&str] = &["序号", "合同编号", "起息日", "结息日", "正常利息（元）", "罚息及复利", "经办银行"];

/// The header is searched in the first rows and matched by its synonyms; totals rows and
/// a repeated header are skipped; penalty is read but kept apart.
#[test]
fn a_statement_is_read_by_the_headers_people_write() {
    let rows: &[&[&str]] = &[
        &["2024年一季度贷款结息清单"],
        &[],
        HEADER,
        &["1", "NX-1", "2024-01-01", "2024/3/31", "4,550.00", "12.5", "农商行"],
        &["2", " NX 2 ", "2024年1月1日", "20240331", "0.4万", "", ""],
        HEADER,
        &["合计", "", "", "", "8550.00", "12.5", ""],
    ];
    let s = read(&book(&[("Sheet1", rows)])).unwrap();
    assert_eq!(s.errors, vec![]);
    let got: Vec<Got<'_>> = s
        .lines
        .iter()
        .map(|l| (l.row, l.contract_no.as_str(), l.from, l.to, l.paid, l.penalty, l.bank.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, "NX-1", d("2024-01-01"), d("2024-03-31"), yuan("4550"), Some(yuan("12.5")), "农商行"),
            (5, "NX2", d("2024-01-01"), d("2024-03-31"), yuan("4000"), None, ""),
        ]
    );
    assert_eq!((s.sheets[0].name.as_str(), s.sheets[0].contract_no.as_str()), ("Sheet1", "合同编号"));
}

/// docs/workbook.md: every sheet whose name contains 结息 or 利息, else the first sheet only.
#[test]
fn the_sheets_named_for_interest_are_read_else_the_first() {
    let one: &[&[&str]] = &[HEADER, &["1", "A", "2024-01-01", "2024-03-31", "1", "", ""]];
    let two: &[&[&str]] = &[HEADER, &["1", "B", "2024-04-01", "2024-06-30", "2", "", ""]];
    let s = read(&book(&[("说明", one), ("一季度结息", one), ("二季度利息", two), ("其他", two)])).unwrap();
    let got: Vec<(&str, &str)> =
        s.lines.iter().map(|l| (s.sheets[l.sheet].name.as_str(), l.contract_no.as_str())).collect();
    assert_eq!(got, vec![("一季度结息", "A"), ("二季度利息", "B")]);
    let s = read(&book(&[("甲", one), ("乙", two)])).unwrap();
    assert_eq!(s.lines.iter().map(|l| l.contract_no.as_str()).collect::<Vec<_>>(), vec!["A"]);
}

/// Every problem is at its sheet, row and column, in Chinese; a contract with a bad row is
/// touched, so that its loan is not taken as certified by the rows left.
#[test]
fn every_bad_cell_is_an_error_at_its_row_and_column() {
    let rows: &[&[&str]] = &[
        &["贷款合同编号", "计息起日", "计息止日", "实收利息", "罚息"],
        &["", "2024-01-01", "2024-03-31", "1", ""],
        &["C2", "2024-02-30", "2024-03-31", "1", ""],
        &["C3", "2024-03-31", "2024-01-01", "1", ""],
        &["C4", "2024-01-01", "2024-03-31", "-1", ""],
        &["C5", "2024-01-01", "2024-03-31", "", "abc"],
        &["C6", "2024-01-01", "2024-03-31", "1.005", ""],
        &["C7", "2024-01-01", "2024-03-31", "3", ""],
    ];
    let s = read(&book(&[("结息", rows)])).unwrap();
    let got: Vec<(u32, &str)> = s.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (2, "贷款合同编号"),
            (3, "计息起日"),
            (4, "计息止日"),
            (5, "实收利息"),
            (6, "实收利息"),
            (6, "罚息"),
            (7, "实收利息")
        ]
    );
    assert!(s.errors.iter().all(|e| e.sheet == "结息" && !e.message.is_empty()), "{:?}", s.errors);
    assert_eq!(s.errors[2].message, "第4行 计息止日 \"2024-01-01\"：计息止日早于计息起日 2024-03-31，请核对");
    assert_eq!(s.touched, vec!["C2", "C3", "C4", "C5", "C6"]);
    assert_eq!(s.lines.iter().map(|l| l.contract_no.as_str()).collect::<Vec<_>>(), vec!["C7"]);
}

/// A required column that is missing is one error for the sheet; a sheet with no header
/// at all says so; an empty named sheet says nothing.
#[test]
fn a_sheet_without_its_columns_is_one_error() {
    let lacking: &[&[&str]] =
        &[&["贷款合同编号", "计息起日", "计息止日", "银行"], &["C1", "2024-01-01", "2024-03-31", "x"]];
    let s = read(&book(&[("结息", lacking)])).unwrap();
    assert_eq!(s.errors.len(), 1);
    assert_eq!((s.errors[0].row, s.errors[0].column.as_str()), (1, "实收利息"));
    let headless: &[&[&str]] = &[&["随便写点什么"]];
    let s = read(&book(&[("利息", headless), ("结息", &[])])).unwrap();
    assert_eq!(s.errors.len(), 1);
    assert!(s.errors[0].message.contains("找不到表头行"), "{}", s.errors[0].message);
}

/// A CSV statement is one sheet, named 结息清单.
#[test]
fn a_csv_statement_is_one_sheet() {
    let csv = "合同编号,起息日,结息日,实收利息\nC1,2024-01-01,2024-03-31,\"1,000.00\"\n";
    let s = read(csv.as_bytes()).unwrap();
    assert_eq!((s.lines.len(), s.sheets[0].name.as_str()), (1, CSV_SHEET));
    assert_eq!(s.lines[0].paid, yuan("1000"));
}

fn line(sheet: usize, row: u32, contract: &str, from: &str, to: &str) -> Line {
    let (contract_no, bank) = (contract.to_string(), String::new());
    Line { sheet, row, contract_no, from: d(from), to: d(to), paid: yuan("10"), penalty: None, bank }
}

fn file(name: &str, lines: Vec<Line>) -> Statement {
    let sheets = vec![SheetColumns { name: name.into(), contract_no: "合同编号".into(), from: "起息日".into() }];
    Statement { sheets, lines, errors: vec![], touched: vec![] }
}

/// docs/workbook.md: a contract the round does not hold, and a period that overlaps another of
/// the same contract (in any file), are errors at their row; the overlapping contract is
/// touched and gives the engine no line.
#[test]
fn unknown_contracts_and_overlapping_periods_are_errors_at_their_row() {
    let first =
        file("一季度", vec![line(0, 2, "A", "2024-01-01", "2024-03-31"), line(0, 3, "X", "2024-01-01", "2024-03-31")]);
    let second = file(
        "二季度",
        vec![
            line(0, 2, "A", "2024-03-31", "2024-06-30"),
            line(0, 3, "B", "2024-04-01", "2024-06-30"),
            line(0, 4, "B", "2024-01-01", "2024-03-31"),
        ],
    );
    let known = |c: &str| c != "X";
    let a = assemble(&[first, second], known);
    let got: Vec<(&str, u32, &str)> = a.errors.iter().map(|e| (e.sheet.as_str(), e.row, e.column.as_str())).collect();
    assert_eq!(got, vec![("一季度", 3, "合同编号"), ("二季度", 2, "起息日")]);
    assert!(a.errors[1].message.contains("一季度”第2行"), "{}", a.errors[1].message);
    assert_eq!(a.touched.iter().collect::<Vec<_>>(), vec!["A"]);
    assert_eq!(a.lines.keys().collect::<Vec<_>>(), vec!["B"]);
    assert_eq!(a.lines["B"].len(), 2);
}
