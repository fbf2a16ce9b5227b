//! Paying a batch for real (docs/payments.md): whether a project's payee is complete, whether
//! its name is the applicant's, whether a date of payment may be recorded, and how the bank's
//! answer (回单) matches the batch's lines. Pure: today is an argument, text comes in parsed.

use chrono::NaiveDate;

use super::money::Money;

/// The fields of a payee a batch cannot pay without, by their workbook names (docs/workbook.md).
#[must_use]
pub fn missing_payee(name: &str, bank: &str, account: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if name.trim().is_empty() {
        out.push("收款户名");
    }
    if bank.trim().is_empty() {
        out.push("开户银行");
    }
    if !account_ok(account) {
        out.push("银行账号");
    }
    out
}

/// A bank account number as docs/workbook.md reads it: 8 to 30 digits.
#[must_use]
pub fn account_ok(account: &str) -> bool {
    (8..=30).contains(&account.len()) && account.bytes().all(|b| b.is_ascii_digit())
}

/// An account as typed by a person: spaces and dashes dropped (docs/workbook.md).
#[must_use]
pub fn clean_account(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// Whether the payee's name is the applicant's (负责人) or the organisation's (主体名称): a
/// payment to anyone else is a warning the preparer must acknowledge (docs/payments.md).
#[must_use]
pub fn payee_is_applicant(payee_name: &str, leader: &str, org_name: &str) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let name = squeeze(payee_name);
    !name.is_empty() && (name == squeeze(leader) || (!org_name.trim().is_empty() && name == squeeze(org_name)))
}

/// Why a date of payment (拨付日期) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRefusal {
    /// After today (Beijing).
    Future,
    /// Before the day the batch was approved.
    BeforeApproval,
}

impl DateRefusal {
    /// The refusal in the words a person reads.
    #[must_use]
    pub fn message(self, paid_on: NaiveDate, approved_on: NaiveDate, today: NaiveDate) -> String {
        match self {
            DateRefusal::Future => format!("拨付日期 {paid_on} 晚于今天（{today}），不能登记尚未发生的支付"),
            DateRefusal::BeforeApproval => format!("拨付日期 {paid_on} 早于批次的审核日期 {approved_on}"),
        }
    }
}

/// A batch's 拨付日期 is not in the future and not before its approval (issue 14 item 3).
///
/// # Errors
/// The first rule it breaks.
pub fn check_paid_on(paid_on: NaiveDate, approved_on: NaiveDate, today: NaiveDate) -> Result<(), DateRefusal> {
    if paid_on > today {
        Err(DateRefusal::Future)
    } else if paid_on < approved_on {
        Err(DateRefusal::BeforeApproval)
    } else {
        Ok(())
    }
}

/// One line of a batch, as the bank was asked to pay it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub item_id: i64,
    pub payee_name: String,
    pub account: String,
    pub amount: Money,
}

/// One line of the bank's answer, as read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The row of the file (1-based, as a spreadsheet shows it).
    pub row: usize,
    /// The account (digits) or, when the file gives none, empty.
    pub account: String,
    /// The payee's name, used when the file gives no account.
    pub payee_name: String,
    pub amount: Money,
    pub paid: bool,
    pub reason: String,
}

/// The control line of the bank's answer (笔数, 合计), when the file carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub count: usize,
    pub total: Money,
}

/// How the bank settled one line of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub item_id: i64,
    pub paid: bool,
    pub reason: String,
}

/// A problem of the answer: its row (0 for the file as a whole) and what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub message: String,
}

fn same_payee(a: &Asked, line: &Answered) -> bool {
    if line.account.is_empty() {
        a.payee_name.trim() == line.payee_name.trim()
    } else {
        a.account == line.account
    }
}

/// Each line matched to one item (its index in `asked`), or the problem at its row.
fn match_lines(asked: &[Asked], answered: &[Answered], problems: &mut Vec<Problem>) -> Vec<Option<usize>> {
    let mut taken: Vec<Option<usize>> = vec![None; asked.len()];
    for (n, line) in answered.iter().enumerate() {
        let found: Vec<usize> = asked.iter().enumerate().filter(|(_, a)| same_payee(a, line)).map(|(i, _)| i).collect();
        let what = if line.account.is_empty() {
            format!("户名“{}”", line.payee_name)
        } else {
            format!("账号 {}", line.account)
        };
        let message = match found.as_slice() {
            [] => format!("{what} 不在本批次中"),
            [i] => match taken[*i] {
                Some(first) => format!("{what} 重复，已在第 {} 行出现", answered[first].row),
                None if asked[*i].amount != line.amount => {
                    format!("{what} 的金额 {} 元与批次的 {} 元不符", line.amount, asked[*i].amount)
                }
                None => {
                    taken[*i] = Some(n);
                    continue;
                }
            },
            _ => format!("{what} 对应本批次的多笔，请在回单中填写银行账号"),
        };
        problems.push(Problem { row: line.row, message });
    }
    taken
}

/// The answer's own control line against its lines, and its lines against the batch.
fn totals(asked: &[Asked], answered: &[Answered], control: Option<Control>, problems: &mut Vec<Problem>) {
    let total: Money = answered.iter().map(|l| l.amount).sum();
    if let Some(c) = control {
        if c.count != answered.len() || c.total != total {
            let message = format!(
                "回单的控制数（{} 笔，合计 {} 元）与其明细（{} 笔，合计 {} 元）不符",
                c.count,
                c.total,
                answered.len(),
                total
            );
            problems.push(Problem { row: 0, message });
        }
    }
    let asked_total: Money = asked.iter().map(|a| a.amount).sum();
    if answered.len() != asked.len() || total != asked_total {
        let message = format!(
            "回单共 {} 笔、合计 {} 元，与批次的控制数（{} 笔，合计 {} 元）不符",
            answered.len(),
            total,
            asked.len(),
            asked_total
        );
        problems.push(Problem { row: 0, message });
    }
}

/// Match the bank's answer to the batch: each line to one item, by account (or by name when
/// the file has no account); a line matching nothing, a second line for an item, an amount
/// that differs, a line the answer leaves out and control totals that differ are problems,
/// and any problem refuses the whole answer.
///
/// # Errors
/// Every problem found, in row order (the file's own problems first).
pub fn settle(asked: &[Asked], answered: &[Answered], control: Option<Control>) -> Result<Vec<Settled>, Vec<Problem>> {
    let mut problems = Vec::new();
    let taken = match_lines(asked, answered, &mut problems);
    totals(asked, answered, control, &mut problems);
    for (a, t) in asked.iter().zip(&taken) {
        if t.is_none() {
            problems
                .push(Problem {
                    row: 0, message: format!("回单缺少 {}（账号 {}）的结果", a.payee_name, a.account)
                });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row == 0);
        return Err(problems);
    }
    Ok(asked
        .iter()
        .zip(&taken)
        .filter_map(|(a, t)| {
            let l = &answered[(*t)?];
            Some(Settled { item_id: a.item_id, paid: l.paid, reason: l.reason.clone() })
        })
        .collect())
}

/// The amount of the lines a batch paid, and of those it failed: (paid, failed).
#[must_use]
pub fn split_settled(asked: &[Asked], settled: &[Settled]) -> (Money, Money) {
    let mut paid = Money::ZERO;
    let mut failed = Money::ZERO;
    for s in settled {
        let amount = asked.iter().find(|a| a.item_id == s.item_id).map_or(Money::ZERO, |a| a.amount);
        if s.paid {
            paid += amount;
        } else {
            failed += amount;
        }
    }
    (paid, failed)
}

#[cfg(test)]
mod tests;
