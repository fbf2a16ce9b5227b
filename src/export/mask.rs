//! Masking personal numbers for reports that leave the finance office: an ID number keeps
//! its first 6 and last 4 characters (`650102********123X`), a phone number its first 3
//! and last 4 (`138****1234`). Counts characters, never bytes, so no input can panic.

/// An ID number as reports show it: `650102********123X`. Ten characters or fewer are
/// masked whole, since what would stay visible is then most of the number.
#[must_use]
pub fn id_number(id: &str) -> String {
    keep_ends(id, 6, 4)
}

/// A phone number as reports show it: `138****1234`, `099****4567`. Seven characters or
/// fewer are masked whole.
#[must_use]
pub fn phone(phone: &str) -> String {
    keep_ends(phone, 3, 4)
}

/// A bank account number as lists show it: `6228********1234`, the first 4 and last 4
/// characters; eight characters or fewer are masked whole.
#[must_use]
pub fn account(account: &str) -> String {
    keep_ends(account, 4, 4)
}

/// A person's name as a public list (公示名单) shows it: the first and last characters,
/// the rest masked (`张*明`, `欧**娜`); a name of two characters keeps its first (`张*`).
#[must_use]
pub fn person_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// A project key (docs/cli.md: the 项目编号, else `身份证号/项目名称`) with the ID number masked.
#[must_use]
pub fn project_key(key: &str, id: &str) -> String {
    match key.strip_prefix(id) {
        Some(rest) if !id.is_empty() && rest.starts_with('/') => format!("{}{rest}", id_number(id)),
        _ => key.to_string(),
    }
}

/// Every personal number in a text masked: a run of 11 or more digits (an ID number may end
/// in X) standing alone between non-alphanumeric characters is masked as a phone number
/// (11), an ID number (15, 18) or an account (any other length). For what is kept where
/// nobody reads it field by field (the stored answers of idempotent requests).
#[must_use]
pub fn numbers_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let digits = run.strip_suffix(['X', 'x']).unwrap_or(run);
        let numeric = digits.len() == run.len() || matches!(run.len(), 15 | 18);
        if numeric && digits.len() >= 11 && digits.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&match run.len() {
                11 => phone(run),
                15 | 18 => id_number(run),
                _ => account(run),
            });
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let middle = chars.len() - head - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(middle));
    out.extend(&chars[head + middle..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_keeps_its_first_and_last_characters() {
        for (name, shown) in [("张三", "张*"), ("王建国", "王*国"), ("欧阳娜娜", "欧**娜"), ("李", "*"), (" ", "")]
        {
            assert_eq!(person_name(name), shown, "{name}");
        }
    }

    #[test]
    fn an_account_keeps_its_first_four_and_last_four_characters() {
        for (account, shown) in [("6228480012345671234", "6228***********1234"), ("62284800", "********"), ("", "")] {
            assert_eq!(super::account(account), shown, "{account}");
        }
    }

    #[test]
    fn numbers_in_a_text_are_masked_by_their_length() {
        let text = "账号6228480012345671234，身份证65010219800101123X、650102800101123，电话13812341234；\
                    金额1234567.89，编号a65010219800101123X与2024-001不变";
        assert_eq!(
            numbers_in(text),
            "账号6228***********1234，身份证650102********123X、650102*****1123，电话138****1234；\
             金额1234567.89，编号a65010219800101123X与2024-001不变"
        );
        assert_eq!(
            numbers_in(r#"{"payee_account":"6228480012345671234"}"#),
            r#"{"payee_account":"6228***********1234"}"#
        );
    }

    #[test]
    fn an_id_number_keeps_its_first_six_and_last_four_characters() {
        for (id, shown) in [
            ("65010219800101123X", "650102********123X"),
            ("650102800101123", "650102*****1123"),
            (" 65010219800101123X ", "650102********123X"),
            ("1234567890", "**********"),
            ("", ""),
            ("６５０１０２１９８００１０１１２３Ｘ", "６５０１０２********１２３Ｘ"),
        ] {
            assert_eq!(id_number(id), shown, "{id}");
        }
    }

    #[test]
    fn a_phone_number_keeps_its_first_three_and_last_four_characters() {
        for (phone_no, shown) in
            [("13812341234", "138****1234"), ("0991-4567890", "099*****7890"), ("1234567", "*******")]
        {
            assert_eq!(phone(phone_no), shown, "{phone_no}");
        }
    }

    #[test]
    fn a_project_key_made_of_the_id_number_is_masked() {
        let id = "65010219800101123X";
        assert_eq!(project_key("65010219800101123X/肉羊养殖", id), "650102********123X/肉羊养殖");
        assert_eq!(project_key("XX-2024-001", id), "XX-2024-001");
        assert_eq!(project_key("/x", ""), "/x");
    }
}
