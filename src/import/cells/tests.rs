//! docs/workbook.md "Reading values", one table per reader: (cell, expected).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn n(s: &str) -> Value {
    Value::Number(s.parse().unwrap())
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// docs/workbook.md "Text": trimmed, full-width folded, codes lose inner spaces.
#[test]
fn text_is_trimmed_and_folded_to_half_width() {
    for (cell, as_text, as_code) in [
        (t("  红星一场  "), Some("红星一场"), Some("红星一场")),
        (t("６５０１０２１９８０"), Some("6501021980"), Some("6501021980")),
        (t("ＮＸ２０２４－０１"), Some("NX2024-01"), Some("NX2024-01")),
        (t("NX 2024\u{3000}0615"), Some("NX 2024 0615"), Some("NX20240615")),
        (t("红星\u{200B}一场\u{00A0}"), Some("红星一场"), Some("红星一场")),
        (t("   "), None, None),
        (Value::Empty, None, None),
        (n("2024001"), Some("2024001"), Some("2024001")),
    ] {
        assert_eq!(text(&cell).as_deref(), as_text, "{cell:?}");
        assert_eq!(code(&cell).as_deref(), as_code, "{cell:?}");
    }
}

#[test]
fn slashes_and_wu_read_as_nothing() {
    for (cell, nothing) in [(t("/"), true), (t("无"), true), (t(" — "), true), (t("无锡"), false), (n("0"), false)]
    {
        assert_eq!(cell.is_nothing(), nothing, "{cell:?}");
    }
}

/// docs/workbook.md "Dates": every spelling of 2024-03-15.
#[test]
fn dates_are_read_in_every_spelling() {
    for cell in [
        Value::Date(day("2024-03-15")),
        n("45366"),
        n("45366.75"),
        t("2024-03-15"),
        t("2024/3/15"),
        t("2024.3.15"),
        t("2024年3月15日"),
        t("２０２４年３月１５日"),
        t("20240315"),
        n("20240315"),
        t("2024-03-15 00:00:00"),
        t("45366"),
    ] {
        assert_eq!(date(&cell, Calendar::of(false)), Ok(Some(day("2024-03-15"))), "{cell:?}");
    }
    assert_eq!(date(&Value::Empty, Calendar::of(false)), Ok(None));
}

/// docs/workbook.md "Dates": the 1904 system counts from 1904-01-01 (1462 days later).
#[test]
fn serial_numbers_follow_the_workbooks_date_system() {
    for (serial, is_1904, expected) in [
        (1, false, "1900-01-01"),
        (59, false, "1900-02-28"),
        (61, false, "1900-03-01"),
        (45366, false, "2024-03-15"),
        (43904, true, "2024-03-15"),
        (0, true, ""),
    ] {
        assert_eq!(serial_date(serial, is_1904).map(|d| d.to_string()).unwrap_or_default(), expected, "{serial}");
    }
    assert_eq!(date(&n("43904"), Calendar::of(true)), Ok(Some(day("2024-03-15"))));
}

#[test]
fn impossible_and_unreadable_dates_are_errors() {
    for (cell, says) in [
        (t("2023-02-29"), "日期不存在（2023年2月29日）"),
        (t("20230229"), "日期不存在"),
        (n("20230229"), "日期不存在"),
        (t("2024-13-01"), "日期不存在"),
        (t("2024年3月"), "不是有效日期"),
        (t("15/03/2024"), "不是有效日期"),
        (t("明年三月"), "不是有效日期"),
        (n("4.35"), "年份不合理"),
        (t("0224-03-15"), "年份不合理"),
        (Value::Bool(true), "不是有效日期"),
    ] {
        let e = date(&cell, Calendar::of(false)).unwrap_err();
        assert!(e.contains(says), "{cell:?}: {e}");
    }
}

/// docs/workbook.md "Money": separators, 元/万元/万, the cell's unit over the header's.
#[test]
fn money_reads_separators_and_units() {
    for (cell, header, yuan) in [
        (n("300000"), None, "300000.00"),
        (t("300,000.00"), None, "300000.00"),
        (t("３００，０００"), None, "300000.00"),
        (t("¥1,234.5"), None, "1234.50"),
        (t("300000元"), None, "300000.00"),
        (t("30万元"), None, "300000.00"),
        (t("30万"), None, "300000.00"),
        (t("17.58万"), None, "175800.00"),
        (n("30"), Some(Unit::Wan), "300000.00"),
        (t("30"), Some(Unit::Wan), "300000.00"),
        (t("300000元"), Some(Unit::Wan), "300000.00"),
        (t("0.52万"), Some(Unit::Yuan), "5200.00"),
        (n("1.2345"), Some(Unit::Wan), "12345.00"),
        (n("-50000"), None, "-50000.00"),
    ] {
        let got = money(&cell, header).unwrap().unwrap().to_string();
        assert_eq!(got, yuan, "{cell:?} {header:?}");
    }
    assert_eq!(money(&Value::Empty, Some(Unit::Wan)), Ok(None));
}

/// docs/workbook.md "Money": more than 2 decimals after conversion is an error, never rounded.
#[test]
fn money_with_more_than_two_decimals_is_an_error() {
    for (cell, header) in
        [(n("1234.567"), None), (t("1.2345678万"), None), (n("1.2345678"), Some(Unit::Wan)), (t("12,345.675元"), None)]
    {
        let e = money(&cell, header).unwrap_err();
        assert!(e.contains("超过2位小数"), "{cell:?}: {e}");
    }
    for cell in [t("三十万"), t("30万美元"), Value::Bool(true), Value::Date(day("2024-03-15"))] {
        assert!(money(&cell, None).unwrap_err().contains("不是有效金额"), "{cell:?}");
    }
}

#[test]
fn units_are_read_from_headers_and_cells() {
    for (s, unit) in [
        ("元", Some(Unit::Yuan)),
        ("元/户", Some(Unit::Yuan)),
        ("人民币元", Some(Unit::Yuan)),
        ("万元", Some(Unit::Wan)),
        ("万", Some(Unit::Wan)),
        ("%", None),
        ("千元", None),
    ] {
        assert_eq!(Unit::parse(s), unit, "{s}");
    }
}

/// docs/workbook.md "Percent": 4.35, 4.35%, and a number below 1 as a fraction.
#[test]
fn percents_are_read_in_three_spellings() {
    for (cell, expected) in [
        (n("4.35"), "4.35"),
        (t("4.35"), "4.35"),
        (t("4.35%"), "4.35"),
        (t("４．３５％"), "4.35"),
        (n("0.0435"), "4.35"),
        (t("0.0435"), "4.35"),
        (t("0.5%"), "0.5"),
        (n("6"), "6"),
    ] {
        assert_eq!(percent(&cell), Ok(Some(expected.parse::<Decimal>().unwrap())), "{cell:?}");
    }
    assert!(percent(&t("四点三五")).is_err());
}

/// docs/workbook.md "Whole numbers": `12` or `12户`.
#[test]
fn whole_numbers_may_carry_hu() {
    for (cell, expected) in
        [(n("12"), Ok(Some(12))), (t("12户"), Ok(Some(12))), (t(" 12 户 "), Ok(Some(12))), (Value::Empty, Ok(None))]
    {
        assert_eq!(whole(&cell), expected, "{cell:?}");
    }
    for cell in [n("12.5"), n("-1"), t("十二户"), t("12户半")] {
        assert!(whole(&cell).is_err(), "{cell:?}");
    }
}

/// docs/workbook.md: 是/否, also Y/N and √/×.
#[test]
fn yes_and_no_have_several_spellings() {
    for (cell, expected) in [
        (t("是"), Some(true)),
        (t("Y"), Some(true)),
        (t("y"), Some(true)),
        (t("√"), Some(true)),
        (Value::Bool(true), Some(true)),
        (t("否"), Some(false)),
        (t("N"), Some(false)),
        (t("×"), Some(false)),
        (Value::Empty, None),
    ] {
        assert_eq!(yes_no(&cell), Ok(expected), "{cell:?}");
    }
    assert!(yes_no(&t("不详")).is_err());
}

#[test]
fn scores_are_plain_numbers() {
    assert_eq!(number(&t("85.5分")), Ok(Some("85.5".parse().unwrap())));
    assert_eq!(number(&n("90")), Ok(Some(Decimal::from(90))));
    assert!(number(&t("优秀")).is_err());
}

/// docs/hazards.md: Excel keeps 15 significant digits of a float; that is what a cell shows.
#[test]
fn floats_become_decimals_as_excel_shows_them() {
    for (f, shown) in [
        (45366.0, "45366"),
        (0.1, "0.1"),
        (4.350_000_000_000_001, "4.35"),
        (650_102_198_001_011_234.0, "650102198001011000"),
    ] {
        assert_eq!(from_float(f).shown(), shown, "{f}");
    }
    assert!(matches!(from_float(f64::NAN), Value::Error(_)));
}

#[test]
fn text_of_more_than_15_significant_digits_is_rounded_to_15() {
    assert_eq!(decimal("70297.39999999999"), Some(Decimal::new(702_974, 1)));
    assert_eq!(decimal("0.30000000000000004"), Some(Decimal::new(3, 1)));
    assert_eq!(decimal("1234.5678"), Some(Decimal::new(12_345_678, 4)));
    assert_eq!(decimal("abc"), None);
    assert_eq!(money(&t("70297.39999999999"), None), Ok(Some(Money::from_fen(7_029_740))));
    // Fifteen digits are what a spreadsheet keeps: no rounding, so 3 decimals stay an error.
    assert!(money(&t("12345.678"), None).is_err());
}

#[test]
fn two_digit_years_take_the_century_of_the_rounds_window() {
    let round = Calendar { is_1904: false, round: Some((2024, 2025)) };
    assert_eq!(date(&t("24年9月12日"), round), Ok(Some(day("2024-09-12"))));
    assert_eq!(
        date(&t("99年1月1日"), Calendar { is_1904: false, round: Some((2005, 2006)) }),
        Ok(Some(day("1999-01-01")))
    );
    assert!(date(&t("24年9月12日"), Calendar::of(false)).unwrap_err().contains("两位"));
    assert!(date(&t("60年9月12日"), round).unwrap_err().contains("两位"));
    assert!(date(&t("24-9-12"), round).is_err(), "only the 年月日 spelling is read with two digits");
}
