use super::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn asked(id: i64, account: &str, fen: i64) -> Asked {
    Asked { item_id: id, payee_name: format!("户{id}"), account: account.into(), amount: Money::from_fen(fen) }
}

fn line(row: usize, account: &str, fen: i64, paid: bool) -> Answered {
    Answered {
        row,
        account: account.into(),
        payee_name: String::new(),
        amount: Money::from_fen(fen),
        paid,
        reason: if paid { String::new() } else { "账户已销户".into() },
    }
}

#[test]
fn a_date_is_neither_future_nor_before_approval() {
    let (approved, today) = (day("2024-12-02"), day("2024-12-06"));
    assert_eq!(check_paid_on(day("2024-12-06"), approved, today), Ok(()));
    assert_eq!(check_paid_on(day("2024-12-02"), approved, today), Ok(()));
    assert_eq!(check_paid_on(day("2024-12-07"), approved, today), Err(DateRefusal::Future));
    assert_eq!(check_paid_on(day("2024-12-01"), approved, today), Err(DateRefusal::BeforeApproval));
}

#[test]
fn a_payee_is_complete_only_with_all_three_fields() {
    assert!(missing_payee("张三", "农业银行", "6228480012345678").is_empty());
    assert_eq!(missing_payee("", " ", "1234"), vec!["收款户名", "开户银行", "银行账号"]);
    assert!(payee_is_applicant("张 三", "张三", ""));
    assert!(payee_is_applicant("某合作社", "张三", "某合作社"));
    assert!(!payee_is_applicant("李四", "张三", "某合作社"));
    assert!(!payee_is_applicant("", "", ""));
}

#[test]
fn a_return_settles_each_line_once() {
    let batch = [asked(1, "11111111", 100), asked(2, "22222222", 250)];
    let ok = settle(&batch, &[line(2, "22222222", 250, false), line(3, "11111111", 100, true)], None).unwrap();
    assert_eq!(ok.len(), 2);
    assert!(ok[0].paid && !ok[1].paid && ok[1].reason == "账户已销户");
    assert_eq!(split_settled(&batch, &ok), (Money::from_fen(100), Money::from_fen(250)));
}

#[test]
fn a_return_with_any_problem_is_refused_whole() {
    let batch = [asked(1, "11111111", 100), asked(2, "22222222", 250)];
    let dup = settle(&batch, &[line(2, "11111111", 100, true), line(3, "11111111", 100, true)], None).unwrap_err();
    assert!(dup.iter().any(|p| p.row == 3 && p.message.contains("重复")));
    let differs = settle(&batch, &[line(2, "11111111", 100, true), line(3, "22222222", 200, true)], None).unwrap_err();
    assert!(differs.iter().any(|p| p.row == 3 && p.message.contains("不符")));
    let unknown = settle(&batch, &[line(2, "11111111", 100, true), line(3, "99999999", 250, true)], None).unwrap_err();
    assert!(unknown.iter().any(|p| p.row == 3 && p.message.contains("不在本批次")));
    let control = Some(Control { count: 2, total: Money::from_fen(999) });
    let lines = [line(2, "11111111", 100, true), line(3, "22222222", 250, true)];
    assert!(settle(&batch, &lines, control).unwrap_err().iter().any(|p| p.row == 0));
}
