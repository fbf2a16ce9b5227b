//! Personal and organisation codes: ID numbers (GB 11643), unified social credit codes
//! (GB 32100), phone numbers. Each returns the normalised code or what to fix.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::cells::{code, Value};
use super::columns::{Column, Kind};

/// GB 11643: 18 characters, a valid birth date and check digit; lowercase `x` becomes `X`.
///
/// # Errors
/// A phrase that says what to fix. A numeric cell of 16 or more digits (or its text
/// `6.50102E+17`, as a CSV saved from Excel writes it) has lost its last digits: Excel
/// keeps 15 significant digits (docs/hazards.md), so the number is refused, never repaired.
pub fn id_number(v: &Value) -> Result<Option<String>, String> {
    if lost_digits(v) {
        return Err(FLOAT_ID.to_string());
    }
    let Some(mut s) = code(v) else { return Ok(None) };
    if s.is_ascii() {
        s.make_ascii_uppercase();
    } else {
        s = s.to_uppercase();
    }
    let count = s.chars().count();
    if count != 18 {
        return Err(format!("身份证号应为18位，现为{count}位，请核对"));
    }
    // Eighteen characters of which one is not ASCII fail here too.
    let b = s.as_bytes();
    if !s.is_ascii() || !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err("身份证号应为17位数字加1位数字或 X，请核对".to_string());
    }
    let birth = &s[6..14];
    // What `NaiveDate::parse_from_str(birth, "%Y%m%d")` reads from eight digits.
    let digits = |r: std::ops::Range<usize>| birth[r].parse::<u32>().unwrap_or(0);
    let year = i32::try_from(digits(0..4)).unwrap_or(0);
    let valid_birth = NaiveDate::from_ymd_opt(year, digits(4..6), digits(6..8)).is_some_and(|d| d.year() >= 1900);
    if !valid_birth {
        return Err(format!("出生日期 {birth} 不存在，请核对"));
    }
    // The right check digit is never told (docs/workbook.md "Errors"): it would help
    // someone make a number up.
    if char::from(b[17]) != id_check_digit(&s[..17]) {
        return Err(ID_CHECK.to_string());
    }
    Ok(Some(s))
}

const ID_CHECK: &str = "校验位错误，请核对号码";
const CREDIT_CHECK: &str = "校验位错误，请核对代码";
const FLOAT_ID: &str = "Excel 把身份证号存成了数字，末几位已丢失：请把该列设置为文本格式，再重新录入完整的18位号码";

/// docs/workbook.md "Reading values": what to say of a code column's number that lost digits
/// (a contract number that lost them would merge two loans into one).
#[must_use]
pub fn stored_as_number(column: &Column) -> String {
    match column.kind {
        Kind::IdNumber => FLOAT_ID.to_string(),
        _ => format!(
            "Excel 把{0}存成了数字，末几位已丢失（Excel 只保留15位有效数字）：请把该列设置为文本格式，再重新录入完整的{0}",
            column.header
        ),
    }
}

/// A number of 16 or more digits, as a cell or as scientific text (`6.50102E+17`, as a
/// CSV saved from Excel writes it): Excel kept only 15 of them.
#[must_use]
pub fn lost_digits(v: &Value) -> bool {
    let number = match v {
        Value::Number(n) => Some(*n),
        // Only text with an E (or its full-width form) can be scientific.
        // 0xEF starts the full-width Ｅ and ｅ; a byte search keeps the common code cheap.
        Value::Text(t) if memchr::memchr3(b'E', b'e', 0xEF, t.as_bytes()).is_some() => {
            code(v).filter(|s| s.contains(['E', 'e'])).and_then(|s| Decimal::from_scientific(&s).ok())
        }
        _ => None,
    };
    number.is_some_and(|n| n.trunc().abs().to_string().len() >= 16)
}

/// The GB 11643 check character of the first 17 digits.
#[must_use]
pub fn id_check_digit(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    CHECK[(sum % 11) as usize]
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100: 18 characters from the code's alphabet with a valid check character.
///
/// # Errors
/// A phrase that says what to fix.
pub fn credit_code(v: &Value) -> Result<Option<String>, String> {
    let Some(s) = code(v) else { return Ok(None) };
    let s = s.to_uppercase();
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != 18 {
        return Err(format!("统一社会信用代码应为18位，现为{}位，请核对", chars.len()));
    }
    if let Some(bad) = chars.iter().find(|c| !CREDIT_CHARS.contains(**c)) {
        return Err(format!("统一社会信用代码不能含“{bad}”（只用数字和除 I、O、Z、S、V 外的大写字母），请核对"));
    }
    if chars[17] != credit_check_char(&s[..17]) {
        return Err(CREDIT_CHECK.to_string());
    }
    Ok(Some(s))
}

/// The GB 32100 check character of the first 17 characters.
#[must_use]
pub fn credit_check_char(first17: &str) -> char {
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = first17.chars().zip(WEIGHTS).map(|(c, w)| CREDIT_CHARS.find(c).unwrap_or(0) * w).sum();
    let check = (31 - sum % 31) % 31;
    CREDIT_CHARS.chars().nth(check).unwrap_or('0')
}

/// docs/workbook.md: a bank account is 8 to 30 digits once spaces and dashes are dropped.
///
/// # Errors
/// A phrase that says what to fix.
pub fn account(v: &Value) -> Result<Option<String>, String> {
    let Some(s) = code(v) else { return Ok(None) };
    let digits: String = s.chars().filter(|c| !matches!(c, '-' | '—' | '–' | '‐' | '‑' | '−')).collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(format!("银行账号只能由数字组成（可含空格或短横线），不能含“{bad}”，请核对"));
    }
    let count = digits.len();
    if !(8..=30).contains(&count) {
        return Err(format!("银行账号应为8至30位数字，现为{count}位，请核对"));
    }
    Ok(Some(digits))
}

/// docs/workbook.md: an 11-digit mobile number, or a landline with its area code
/// (`0991-1234567`). Several numbers separated by `/`, `、` or `;` are each checked.
///
/// # Errors
/// A phrase that says what to fix.
pub fn phone(v: &Value) -> Result<Option<String>, String> {
    let Some(s) = code(v) else { return Ok(None) };
    // Dashes typed with a Chinese input method (—, –) are the same separator.
    let s: String = s.chars().map(|c| if matches!(c, '—' | '–' | '‐' | '‑' | '−') { '-' } else { c }).collect();
    if s.split(['/', '、', ';', ',', '；', '，']).all(one_phone) {
        return Ok(Some(s));
    }
    if matches!(v, Value::Number(_)) && !s.starts_with('1') {
        return Err("固定电话的区号开头的0被 Excel 去掉了：请把该列设置为文本格式，写成如 0991-1234567".to_string());
    }
    Err("应为11位手机号，或带区号的固定电话（如 0991-1234567）".to_string())
}

fn one_phone(s: &str) -> bool {
    let s = s.strip_prefix("+86").or_else(|| s.strip_prefix("(+86)")).unwrap_or(s);
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')')) {
        return false;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    mobile || landline
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn id_numbers_are_checked_by_gb_11643() {
        assert_eq!(id_check_digit("65010219800101123"), '4');
        assert!(id_number(&t("650102198001011234")).is_ok());
        assert_eq!(id_number(&t("65010219800101123X")), Err(ID_CHECK.to_string()));
        assert_eq!(id_number(&t("11010519491231002x")).unwrap().as_deref(), Some("11010519491231002X"));
        assert!(id_number(&t("650102198002301234")).unwrap_err().contains("出生日期 19800230"));
        assert!(id_number(&t("65010219800101123")).unwrap_err().contains("现为17位"));
        assert!(id_number(&t("6501021980O101123X")).unwrap_err().contains("17位数字"));
        assert_eq!(id_number(&t(" 650102 1980 0101 1234 ")).unwrap().as_deref(), Some("650102198001011234"));
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_rejected() {
        let v = Value::Number("650102198001011000".parse().unwrap());
        assert!(id_number(&v).unwrap_err().contains("文本"));
        assert!(id_number(&t("6.50102E+17")).unwrap_err().contains("文本"));
        let short = Value::Number("650102198001011".parse().unwrap());
        assert!(id_number(&short).unwrap_err().contains("现为15位"));
    }

    #[test]
    fn credit_codes_are_checked_by_gb_32100() {
        assert_eq!(credit_check_char("91350100M000100Y4"), '3');
        assert!(credit_code(&t("91350100M000100Y43")).is_ok());
        assert_eq!(credit_code(&t("91350100M000100Y44")), Err(CREDIT_CHECK.to_string()));
        assert!(credit_code(&t("91350100m000100y43")).is_ok());
        assert!(credit_code(&t("91350100I000100Y43")).unwrap_err().contains("“I”"));
        assert!(credit_code(&t("9135010")).unwrap_err().contains("现为7位"));
    }

    #[test]
    fn phones_are_mobiles_or_landlines_with_area_code() {
        assert!(phone(&t("13899912345")).is_ok());
        assert!(phone(&t("0991-1234567")).is_ok());
        assert!(phone(&t("0991 1234567")).is_ok());
        assert_eq!(phone(&t("0991—1234567")), Ok(Some("0991-1234567".to_string())));
        assert!(phone(&t("+86 138 9991 2345")).is_ok());
        assert!(phone(&t("13899912345/0991-1234567")).is_ok());
        assert!(phone(&t("12345")).is_err());
        assert!(phone(&t("1234567")).is_err());
        assert!(phone(&Value::Number(9_911_234_567_i64.into())).unwrap_err().contains("区号"));
    }

    #[test]
    fn accounts_are_8_to_30_digits_without_spaces_and_dashes() {
        assert_eq!(account(&t("6228 4800 1234 5678 901")), Ok(Some("6228480012345678901".to_string())));
        assert_eq!(account(&t("3000-1234-5678")), Ok(Some("300012345678".to_string())));
        assert_eq!(account(&Value::Number(12_345_678_i64.into())), Ok(Some("12345678".to_string())));
        assert!(account(&t("1234567")).unwrap_err().contains("现为7位"));
        assert!(account(&t(&"1".repeat(31))).unwrap_err().contains("现为31位"));
        assert!(account(&t("6228A80012345678")).unwrap_err().contains("“A”"));
        assert!(lost_digits(&Value::Number("6228480012345678000".parse().unwrap())));
        assert!(!lost_digits(&Value::Number("622848001234567".parse().unwrap())));
    }
}
