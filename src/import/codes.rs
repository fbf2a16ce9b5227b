//! Personal and organisation codes: ID numbers (GB 11643), unified social credit codes
//! (GB 32100), phone numbers. Each returns the normalised code or what to fix.

use chrono::NaiveDate;

use super::cells::{code, Value};

/// GB 11643: 18 characters, a valid birth date and check digit; lowercase `x` becomes `X`.
/// A numeric cell of 16 or more digits has lost its last digits in Excel (hazards.md).
///
/// # Errors
/// A phrase that says what to fix.
pub fn id_number(v: &Value) -> Result<Option<String>, String> {
    if let Value::Number(n) = v {
        let digits = n.trunc().abs().to_string().len();
        if digits >= 16 {
            return Err("Excel 把身份证号存成了数字，末尾几位已丢失；请把该列设为文本格式，重新录入完整的18位号码".to_string());
        }
    }
    let Some(s) = code(v) else { return Ok(None) };
    let s = s.to_uppercase();
    let chars: Vec<char> = s.chars().collect();
    let body_ok = chars.len() == 18 && chars[..17].iter().all(char::is_ascii_digit);
    if !body_ok || !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err(format!("应为18位（17位数字加1位数字或X），现为{}位", chars.len()));
    }
    let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").ok().filter(|d| *d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN));
    if birth.is_none() {
        return Err(format!("出生日期 {} 无效，请核对", &s[6..14]));
    }
    let expected = id_check_digit(&s[..17]);
    if chars[17] != expected {
        return Err(format!("校验位错误，应为 {expected}"));
    }
    Ok(Some(s))
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
    if chars.len() != 18 || !chars.iter().all(|c| CREDIT_CHARS.contains(*c)) {
        return Err("统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）".to_string());
    }
    let expected = credit_check_char(&s[..17]);
    if chars[17] != expected {
        return Err(format!("校验位错误，应为 {expected}"));
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

/// An 11-digit mobile number, or a landline with its area code (0991-1234567).
///
/// # Errors
/// A phrase that says what to fix.
pub fn phone(v: &Value) -> Result<Option<String>, String> {
    let Some(s) = code(v) else { return Ok(None) };
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let only_digits_and_dashes = s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | '+'));
    let mobile = digits.len() == 11 && digits.starts_with('1');
    let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
    if only_digits_and_dashes && (mobile || landline) {
        Ok(Some(s))
    } else {
        Err("应为11位手机号，或带区号的固定电话（如 0991-1234567）".to_string())
    }
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
        assert_eq!(id_number(&t("65010219800101123X")), Err("校验位错误，应为 4".to_string()));
        assert_eq!(id_number(&t("11010519491231002x")).unwrap().as_deref(), Some("11010519491231002X"));
        assert!(id_number(&t("650102198002301234")).unwrap_err().contains("出生日期"));
    }

    #[test]
    fn an_id_number_stored_as_a_number_is_rejected() {
        let v = Value::Number("650102198001011000".parse().unwrap());
        assert!(id_number(&v).unwrap_err().contains("文本"));
    }

    #[test]
    fn credit_codes_are_checked_by_gb_32100() {
        assert_eq!(credit_check_char("91350100M000100Y4"), '3');
        assert!(credit_code(&t("91350100M000100Y43")).is_ok());
        assert!(credit_code(&t("91350100M000100Y44")).is_err());
    }

    #[test]
    fn phones_are_mobiles_or_landlines_with_area_code() {
        assert!(phone(&t("13899912345")).is_ok());
        assert!(phone(&t("0991-1234567")).is_ok());
        assert!(phone(&t("12345")).is_err());
    }
}
