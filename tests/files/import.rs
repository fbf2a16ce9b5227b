//! docs/workbook.md, one fixture per problem (`tests/fixtures/make_fixtures.py` makes them):
//! each test names the exact rows and keys of the errors, and the values read.

#![expect(clippy::unwrap_used, reason = "a fixture that cannot be read is a failed test")]

use crate::common;
#[path = "../programs/mod.rs"]
mod programs;

use std::fmt::Write as _;
use std::path::Path;

use common::{date, pct, yuan};
use tiexi::engine::{ApplicantType, EventKind, Project};
use tiexi::import::{self, Options, Parsed};

const MEMBERS: Options = Options { require_union_member: true, window: None };

fn read(name: &str, options: Options) -> Parsed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    import::workbook(&bytes, &options).unwrap()
}

fn parse(name: &str) -> Parsed {
    read(name, MEMBERS)
}

fn csv(text: &str, options: Options) -> Parsed {
    import::workbook(text.as_bytes(), &options).unwrap()
}

/// (sheet, row, key) of every error, in the order reported.
fn places(p: &Parsed) -> Vec<(&str, u32, &str)> {
    p.errors.iter().map(|e| (e.sheet.as_str(), e.row, e.key.unwrap_or(""))).collect()
}

fn on_loans(rows_keys: &[(u32, &'static str)]) -> Vec<(&'static str, u32, &'static str)> {
    rows_keys.iter().map(|&(r, k)| ("申报汇总表", r, k)).collect()
}

fn keys(p: &Parsed) -> Vec<&str> {
    p.projects.iter().map(|p| p.key.as_str()).collect()
}

fn project<'a>(p: &'a Parsed, key: &str) -> &'a Project {
    p.projects.iter().find(|p| p.key == key).unwrap_or_else(|| panic!("no project {key} in {:?}", keys(p)))
}

fn principals(p: &Project) -> Vec<String> {
    p.loans.iter().map(|l| l.principal.to_string()).collect()
}

/// docs/hazards.md: an 18-digit ID that Excel stored as a number has lost its last digits.
#[test]
fn an_id_number_stored_as_a_float_is_refused_with_the_text_column_advice() {
    let p = parse("id_number_stored_as_float.xlsx");
    assert_eq!(places(&p), on_loans(&[(3, "id_number")]));
    let e = &p.errors[0];
    assert_eq!((e.column.as_str(), e.value.as_str()), ("身份证号", "652201199003060000"));
    assert!(e.message.starts_with("第3行 身份证号 \"652201199003060000\"："), "{}", e.message);
    assert!(e.message.contains("设置为文本格式"), "{}", e.message);
    assert_eq!(keys(&p), ["XX-001", "XX-003"]);
    assert_eq!(p.rejected, 1);
}

/// docs/workbook.md "Errors": the message format of the spec's own example.
#[test]
fn id_numbers_are_checked_for_length_digits_birth_date_and_check_digit() {
    let p = parse("id_number_checks.xlsx");
    assert_eq!(places(&p), on_loans(&[(2, "id_number"), (3, "id_number"), (4, "id_number"), (5, "id_number")]));
    assert_eq!(p.errors[0].message, "第2行 身份证号 \"65010219800101123X\"：校验位错误，请核对号码");
    assert!(p.errors[1].message.contains("出生日期 19800230 不存在"));
    assert!(p.errors[2].message.contains("现为16位"));
    assert!(p.errors[3].message.contains("17位数字"));
    assert_eq!(project(&p, "XX-005").applicant.id_number, "11010519491231002X");
}

/// docs/workbook.md: a merged cell's value holds for every row it spans.
#[test]
fn merged_project_cells_hold_for_every_loan_row() {
    let p = parse("merged_project_cells.xlsx");
    assert_eq!(places(&p), []);
    let first = project(&p, "XX-001");
    assert_eq!(principals(first), ["300000.00", "200000.00", "100000.00"]);
    assert_eq!(first.loans[1].rate, pct("4.9"));
    assert_eq!((first.applicant.unit.as_str(), first.households, first.union_member), ("红星一场", 12, Some(true)));
    let second = project(&p, "XX-002");
    assert_eq!((second.applicant_type, second.loans.len()), (ApplicantType::Individual, 2));
}

/// docs/workbook.md "The header row": titles above, synonyms, units, unknown columns kept.
#[test]
fn the_header_may_be_in_row_3_with_synonyms_units_and_unknown_columns() {
    let p = parse("header_in_row_3.xlsx");
    assert_eq!(places(&p), []);
    let first = project(&p, "XX-001");
    assert_eq!(principals(first), ["300000.00"]);
    assert_eq!(first.income_increase, Some(yuan("5200")));
    assert_eq!(first.applicant.leader, "王超");
    assert_eq!(first.loans[0].maturity_on, date("2026-06-15"));
    for pair in [("序号", "1"), ("联系人", "李四"), ("备注二", "首次申报")] {
        assert!(
            first.applicant.extra.contains(&(pair.0.to_string(), pair.1.to_string())),
            "{:?}",
            first.applicant.extra
        );
    }
    assert_eq!(principals(project(&p, "XX-002")), ["125000.00"]);
}

/// docs/workbook.md "Text": full-width digits and letters become half-width, codes lose spaces.
#[test]
fn full_width_digits_are_read_as_half_width() {
    let p = parse("full_width_digits.xlsx");
    assert_eq!(places(&p), []);
    let x = project(&p, "XX-001");
    assert_eq!(x.applicant.id_number, "650102198001011234");
    assert_eq!(x.applicant.unit, "红星一场");
    assert_eq!(x.households, 12);
    let loan = &x.loans[0];
    assert_eq!((loan.contract_no.as_str(), loan.principal, loan.rate), ("NX2024-001", yuan("300000"), pct("4.35")));
    assert_eq!(loan.disbursed_on, date("2023-06-15"));
}

/// docs/workbook.md "Money": the cell's unit wins over the header's; >2 decimals is an error.
#[test]
fn units_in_cells_win_over_the_header_and_fen_are_never_rounded() {
    let p = parse("units_in_cells.xlsx");
    assert_eq!(places(&p), on_loans(&[(6, "principal"), (8, "interest_paid")]));
    assert_eq!(p.errors[0].column, "贷款金额（万元）");
    assert!(p.errors[0].message.contains("12345.678"), "{}", p.errors[0].message);
    for (key, principal) in
        [("XX-001", "300000.00"), ("XX-002", "300000.00"), ("XX-003", "300000.00"), ("XX-004", "12345678.00")]
    {
        assert_eq!(principals(project(&p, key)), [principal], "{key}");
    }
    let six = project(&p, "XX-006");
    assert_eq!((six.income_increase, six.loans[0].interest_paid), (Some(yuan("5200")), Some(yuan("1500.50"))));
}

/// docs/workbook.md "Dates": date cells, serials, and five text spellings, all one day.
#[test]
fn dates_are_read_in_every_spelling() {
    let p = parse("dates_in_every_spelling.xlsx");
    assert_eq!(places(&p), []);
    assert_eq!(p.projects.len(), 10);
    for x in &p.projects {
        assert_eq!(
            (x.loans[0].disbursed_on, x.loans[0].maturity_on),
            (date("2024-03-15"), date("2027-03-15")),
            "{}",
            x.key
        );
    }
}

/// docs/workbook.md "Dates": the 1904 date system, in date cells and in serial numbers.
#[test]
fn a_1904_workbook_counts_serials_from_1904() {
    for name in ["date_1904_system.xlsx", "date_1904_system.xls"] {
        let p = parse(name);
        assert_eq!(places(&p), [], "{name}");
        let loan = &project(&p, "XX-001").loans[0];
        assert_eq!((loan.disbursed_on, loan.maturity_on), (date("2024-03-15"), date("2027-03-15")), "{name}");
    }
}

#[test]
fn impossible_dates_and_a_maturity_before_disbursement_are_errors() {
    let p = parse("impossible_date.xlsx");
    let expected =
        [(2, "disbursed_on"), (3, "maturity_on"), (4, "settled_on"), (5, "maturity_on"), (6, "disbursed_on")];
    assert_eq!(places(&p), on_loans(&expected));
    assert_eq!(p.errors[0].message, "第2行 放款日期 \"2023-02-29\"：日期不存在（2023年2月29日），请核对");
    assert_eq!(p.errors[1].value, "20260229");
    assert!(p.errors[3].message.contains("应晚于放款日期（2023-06-15）"));
    assert_eq!((p.projects.len(), p.rejected), (0, 5));
}

/// docs/workbook.md: project-level columns agree across rows; the later row is in error, and
/// its message names the first; blank later rows inherit.
#[test]
fn project_fields_that_disagree_are_an_error_on_the_later_row() {
    let p = parse("project_fields_disagree.xlsx");
    assert_eq!(places(&p), on_loans(&[(3, "unit"), (7, "id_number")]));
    let e = &p.errors[0];
    assert_eq!((e.column.as_str(), e.value.as_str()), ("团场", "红星二场"));
    assert!(e.message.contains("第2行的“红星一场”"), "{}", e.message);
    assert!(p.errors[1].message.contains("第6行"), "{}", p.errors[1].message);
    assert_eq!((p.projects.len(), p.rejected), (0, 2));
}

/// docs/workbook.md: rows of 合计, 总计, 小计 and empty rows are skipped; so are rows that hold
/// only a template's 序号.
#[test]
fn totals_and_blank_rows_are_skipped() {
    let p = parse("totals_row.xlsx");
    assert_eq!(places(&p), []);
    assert_eq!(keys(&p), ["XX-001", "XX-002"]);
}

/// docs/workbook.md: a missing required column is one error for the sheet, not one per row;
/// other problems are still reported, and no project can be trusted.
#[test]
fn a_missing_required_column_is_one_error_for_the_sheet() {
    let p = parse("missing_required_column.xlsx");
    assert_eq!(places(&p), on_loans(&[(1, "id_number"), (3, "principal")]));
    assert_eq!(p.errors[0].column, "身份证号");
    assert!(p.errors[0].message.contains("缺少“身份证号”列"));
    assert_eq!((p.projects.len(), p.rejected), (0, 2));
}

#[test]
fn an_event_of_an_unknown_contract_is_an_error_on_the_events_sheet() {
    let p = parse("events_unknown_contract.xlsx");
    assert_eq!(places(&p), [("还款及变更", 3, "contract_no")]);
    assert_eq!(p.errors[0].value, "NX2024-999");
    assert_eq!(keys(&p), ["XX-001", "XX-002", "XX-003"]);
    let events = |key: &str| project(&p, key).loans[0].events.iter().map(|e| (e.on, e.kind)).collect::<Vec<_>>();
    assert_eq!(events("XX-001"), [(date("2024-05-06"), EventKind::Repayment(yuan("50000")))]);
    assert_eq!(events("XX-002"), [(date("2024-07-01"), EventKind::RateChange(pct("3.95")))]);
}

/// docs/workbook.md "Events": each 事项 needs its value; docs/rules.md §4: repayments beyond the
/// principal; two different rates on one day would make the result depend on row order.
#[test]
fn events_missing_their_values_or_contradicting_each_other_are_errors() {
    let p = parse("events_problems.xlsx");
    let expected =
        [(2, "amount"), (3, "rate"), (4, "extended_to"), (5, "date"), (6, "kind"), (8, "amount"), (11, "rate")];
    let expected: Vec<_> = expected.iter().map(|&(r, k)| ("还款及变更", r, k)).collect();
    assert_eq!(places(&p), expected);
    assert!(p.errors[5].message.contains("累计还款 300000.01 元超过贷款金额 300000.00 元"), "{}", p.errors[5].message);
    assert!(p.errors[6].message.contains("与第9行同一天"), "{}", p.errors[6].message);
    assert_eq!(keys(&p), ["XX-005"]);
    assert_eq!(project(&p, "XX-005").loans[0].events.len(), 3);
}

/// docs/workbook.md: a blank 是否工会会员 is an error only where the round requires members.
#[test]
fn a_blank_union_member_is_an_error_only_where_the_round_requires_members() {
    let p = parse("union_member_blank.xlsx");
    assert_eq!(places(&p), on_loans(&[(2, "union_member")]));
    let p = read("union_member_blank.xlsx", Options { require_union_member: false, window: None });
    assert_eq!(places(&p), []);
    assert_eq!(project(&p, "XX-001").union_member, None);
    assert_eq!(project(&p, "XX-002").union_member, Some(false));
}

/// GB 32100 credit codes; phones; `无` where an individual has no credit code.
#[test]
fn credit_codes_and_phones_are_checked() {
    let p = parse("codes_and_phones.xlsx");
    assert_eq!(places(&p), on_loans(&[(3, "credit_code"), (4, "phone")]));
    assert!(p.errors[0].message.ends_with("校验位错误，请核对代码"), "{}", p.errors[0].message);
    assert_eq!(keys(&p), ["XX-001", "XX-004"]);
    let four = project(&p, "XX-004");
    assert_eq!(
        (four.applicant.credit_code.as_str(), four.applicant.phone.as_str()),
        ("91650100MA7XXXX0YJ", "13899912345")
    );
}

/// docs/workbook.md: without 项目编号, rows of one 身份证号 and 项目名称 are one project, and a
/// row that leaves the project's cells blank continues the project above it.
#[test]
fn blank_later_rows_continue_the_project_above() {
    let p = parse("blank_later_rows.xlsx");
    assert_eq!(places(&p), []);
    assert_eq!(keys(&p), ["652201199003060246/肉羊养殖项目1", "659001196304230052/肉羊养殖项目2"]);
    assert_eq!(principals(&p.projects[0]), ["300000.00", "100000.00"]);
}

#[test]
fn an_instructions_sheet_before_the_loans_sheet_is_passed_over() {
    assert_eq!(keys(&parse("instructions_sheet_first.xlsx")), ["XX-001"]);
}

/// docs/workbook.md: .csv in UTF-8 (with a BOM) or GBK, .xls and .ods through calamine.
#[test]
fn every_format_reads_the_same_template() {
    for name in ["utf8_bom.csv", "gbk.csv"] {
        let p = parse(name);
        assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002"]), "{name}");
        let loan = &p.projects[0].loans[0];
        assert_eq!(
            (loan.principal, loan.rate, loan.disbursed_on),
            (yuan("300000"), pct("4.35"), date("2023-06-15")),
            "{name}"
        );
        assert_eq!(p.projects[0].name, "肉羊养殖项目1", "{name}");
    }
    for name in ["template.xls", "template.ods"] {
        let p = parse(name);
        assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001", "XX-002"]), "{name}");
        let first = &p.projects[0];
        assert_eq!(principals(first), ["300000.00", "200000.00"], "{name}");
        assert_eq!(first.applicant.leader, "王超", "{name}");
        // docs/workbook.md: a merged cell holds for every row it spans, loan columns too.
        assert_eq!((first.loans[0].bank.as_str(), first.loans[1].bank.as_str()), ("建设银行", "建设银行"), "{name}");
        assert_eq!(
            first.loans[0].events,
            [tiexi::engine::Event { on: date("2024-05-06"), kind: EventKind::Repayment(yuan("50000")) }],
            "{name}"
        );
    }
}

const CSV_HEADER: &str = "项目编号,团场,项目名称,主体类型,负责人,身份证号,带动职工户数,贷款合同编号,贷款金额（千元）,年利率,放款日期,到期日期";

/// docs/workbook.md: without a 是否工会会员 column, a round that requires members gets one error.
#[test]
fn a_missing_union_member_column_is_one_error_where_members_are_required() {
    let text = format!(
        "{}\nXX-1,红星一场,养殖项目,个人,王超,650102198001011234,3,NX-1,300,4.35,2023-06-15,2026-06-15\n",
        CSV_HEADER.replace("（千元）", "")
    );
    let p = csv(&text, MEMBERS);
    assert_eq!(places(&p), on_loans(&[(1, "union_member")]));
    assert_eq!(p.projects.len(), 0);
    let p = csv(&text, Options { require_union_member: false, window: None });
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-1"]));
}

/// A money header's unit that is neither 元 nor 万元 cannot be read without guessing.
#[test]
fn a_money_header_with_an_unknown_unit_is_an_error_for_the_sheet() {
    let text = format!(
        "{CSV_HEADER}\nXX-1,红星一场,养殖项目,个人,王超,650102198001011234,3,NX-1,300,4.35,2023-06-15,2026-06-15\n"
    );
    let p = csv(&text, Options { require_union_member: false, window: None });
    assert_eq!(places(&p), on_loans(&[(1, "principal")]));
    assert_eq!(p.errors[0].column, "贷款金额（千元）");
}

/// Tabs separate the cells of Excel's text export.
#[test]
fn a_tab_separated_file_is_read() {
    let text = "项目编号\t团场\t项目名称\t主体类型\t负责人\t身份证号\t带动职工户数\t贷款合同编号\t贷款金额\t年利率\t放款日期\t到期日期\n\
                XX-1\t红星一场\t养殖项目\t个人\t王超\t650102198001011234\t3\tNX-1\t300,000\t4.35%\t2023/6/15\t2026/6/15\n";
    let p = csv(text, Options { require_union_member: false, window: None });
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-1"]));
    assert_eq!(p.projects[0].loans[0].principal, yuan("300000"));
}

/// An Events sheet that was left empty is no problem; one without a header row is one
/// error, and then no project can be trusted (its repayments could not be read).
#[test]
fn an_empty_events_sheet_is_no_problem_but_one_without_a_header_is() {
    let p = parse("events_sheet_empty.xlsx");
    assert_eq!((places(&p), keys(&p)), (vec![], vec!["XX-001"]));
    let p = parse("events_sheet_without_header.xlsx");
    assert_eq!(places(&p), [("还款", 1, "")]);
    assert_eq!((p.projects.len(), p.rejected), (0, 1));
}

/// The 错误说明 column that `--errors-out` added is tiexi's own: its old messages do not
/// become the applicant's data when the fixed workbook comes back; other unknown columns do.
#[test]
fn the_error_column_of_a_workbook_sent_back_is_not_kept() {
    let header = CSV_HEADER.replace("（千元）", "");
    let text = format!(
        "{header},错误说明,备注二\nXX-1,红星一场,养殖项目,个人,王超,650102198001011234,3,NX-1,300,4.35,2023-06-15,2026-06-15,第2行 身份证号：校验位错误,自填\n"
    );
    let p = csv(&text, Options { require_union_member: false, window: None });
    assert_eq!(places(&p), vec![]);
    assert_eq!(p.projects[0].applicant.extra, vec![("备注二".to_string(), "自填".to_string())]);
}

/// docs/workbook.md (amended): 收款户名, 开户银行 and 银行账号 are project-level columns; the
/// account is its digits (spaces and dashes dropped), 8 to 30 of them; the payee comes out
/// by project key, never to the engine.
#[test]
fn payee_columns_are_read_checked_and_agree_across_a_projects_rows() {
    let header = format!("{},收款户名,开户银行,收款账号", CSV_HEADER.replace("（千元）", ""));
    let row = |key: &str, contract: &str, payee: &str| {
        format!("{key},红星一场,养殖项目{key},个人,王超,650102198001011234,3,{contract},300,4.35,2023-06-15,2026-06-15,{payee}")
    };
    let text = [
        header,
        row("XX-1", "NX-1", "王超,农业银行哈密分行,6228 4800-1234 5678"),
        row("XX-1", "NX-2", ",,"),
        row("XX-2", "NX-3", "李四,农村信用社,6228480012345678"),
        row("XX-2", "NX-4", "李四,农村信用社,6228480099999999"),
        row("XX-3", "NX-5", "赵六,建设银行,1234-567"),
        row("XX-4", "NX-6", ",,"),
    ]
    .join("\n");
    let p = csv(&text, Options { require_union_member: false, window: None });
    assert_eq!(places(&p), on_loans(&[(5, "payee_account"), (6, "payee_account")]));
    assert!(p.errors[0].message.contains("与同一项目第4行的“6228480012345678”不一致"), "{}", p.errors[0].message);
    assert_eq!(p.errors[1].message, "第6行 收款账号 \"1234-567\"：银行账号应为8至30位数字，现为7位，请核对");
    assert_eq!(keys(&p), ["XX-1", "XX-4"]);
    let payee = p.payee("XX-1").unwrap();
    assert_eq!(
        (payee.name.as_str(), payee.bank.as_str(), payee.account.as_str()),
        ("王超", "农业银行哈密分行", "6228480012345678")
    );
    assert_eq!(p.payee("XX-4"), None);
}

/// A sheet of 4,096 projects or more is built in two halves at once
/// (docs/ARCHITECTURE.md "The parse child"): the problems found while building (here a
/// blank 负责人 or 带动职工户数; a cell's own problems are found while reading) of both
/// halves are reported, in row order, and every project comes in the sheet's order.
#[test]
fn a_large_sheet_reports_its_problems_and_projects_in_row_order() {
    let blank = [10, 2_600, 4_990];
    let mut text = format!("{}\n", CSV_HEADER.replace("（千元）", ""));
    for n in 1..=5_000 {
        let (leader, households) = match n {
            10 | 4_990 => ("", "3"),
            2_600 => ("王超", ""),
            _ => ("王超", "3"),
        };
        writeln!(text, "XX-{n},红星一场,养殖项目,个人,{leader},650102198001011234,{households},NX-{n},300,4.35,2023-06-15,2026-06-15")
            .unwrap();
    }
    let p = csv(&text, Options { require_union_member: false, window: None });
    // The sheet's row n + 1 holds project n.
    assert_eq!(places(&p), on_loans(&[(11, "leader"), (2_601, "households"), (4_991, "leader")]));
    let expected: Vec<String> = (1..=5_000).filter(|n| !blank.contains(n)).map(|n| format!("XX-{n}")).collect();
    assert_eq!(keys(&p), expected);
    assert_eq!(p.rejected, 3);
}
