//! The bank's answer to a batch (docs/payments.md), read in the parser's child as an upload
//! is (`import::isolate::bank_return`): an .xlsx written by `rust_xlsxwriter` with its lines
//! and control line, an account Excel stored as a number, and a zip bomb refused.

use crate::hostile_support;

use std::path::Path;

use rust_xlsxwriter::Workbook;
use tiexi::engine::Money;
use tiexi::import::isolate;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tiexi"))
}

#[test]
fn an_xlsx_answer_is_read_line_by_line_with_its_control_line() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 5]; 4] = [
        ["收款账号", "收款户名", "交易金额（元）", "处理结果", "失败原因"],
        ["6228480012345678901", "某合作社", "1,234.56", "支付成功", ""],
        ["6228480012345678902", "张三", "100", "失败", "账户已销户"],
        ["笔数", "2", "合计", "1334.56", ""],
    ];
    for (r, row) in (0_u32..).zip(rows) {
        for (c, v) in (0_u16..).zip(row) {
            sheet.write_string(r, c, v).expect("a cell");
        }
    }
    sheet.write_number(4, 0, 6_228_480_012_345_678_000.0).expect("a number");
    sheet.write_string(4, 2, "5").expect("a cell");
    sheet.write_string(4, 3, "成功").expect("a cell");
    let bytes = book.save_to_buffer().expect("a workbook");
    let read = isolate::bank_return(exe(), &bytes).expect("read in the child");
    assert_eq!(read.lines.len(), 2, "{read:?}");
    assert_eq!((read.lines[0].amount, read.lines[0].paid), ("1234.56".parse::<Money>().expect("money"), true));
    assert_eq!((read.lines[1].paid, read.lines[1].reason.as_str()), (false, "账户已销户"));
    assert_eq!(read.control, Some((2, "1334.56".parse::<Money>().expect("money"))));
    assert_eq!(read.errors.len(), 1, "the account stored as a number: {:?}", read.errors);
    assert!(
        read.errors[0].message.contains("第5行") && read.errors[0].message.contains("文本格式"),
        "{:?}",
        read.errors
    );
}

#[test]
fn a_zip_bomb_as_an_answer_is_refused_by_the_child() {
    let bomb = hostile_support::bomb(210 << 20, 210 << 20);
    let refused = isolate::bank_return(exe(), &bomb).expect_err("refused");
    assert!(refused.to_string().contains("超过 100 MB"), "{refused}");
}
