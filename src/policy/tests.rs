//! The policy file: defaults of docs/rules.md §2, exact amounts, one clear line per problem.

use super::*;

const MINIMAL: &str = "year = 2024\n[[pools]]\nname = \"兵团项目资金\"\nkind = \"funded\"\namount = 700000\n";

#[test]
fn the_example_policy_parses_with_exact_amounts() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/case001/policy.toml")).unwrap();
    let p = policy(&text).unwrap();
    assert_eq!(p.pools[0].amount.to_string(), "552699.88");
    assert_eq!(p.day_count, DayCount::Act365);
    assert_eq!(p.allocation, Allocation::Priority { partial_last: false });
}

#[test]
fn defaults_follow_rules_section_2() {
    let p = policy(MINIMAL).unwrap();
    assert_eq!(p.window, Interval::new(new_year(2024), new_year(2025)));
    assert_eq!(p.rate, RateMode::Cap { cap_percent: Decimal::from(5), share_percent: Decimal::ONE_HUNDRED });
    assert_eq!((p.term_months, p.require_union_member, p.subsidize_extensions), (36, true, false));
    assert_eq!(p.overdue, OverdueRule::FromFirstOverdue);
    assert_eq!(p.allocation, Allocation::ProRata);
    assert_eq!(p.eligible_types.len(), 4);
}

#[test]
fn an_amount_is_read_as_written_and_more_than_two_decimals_is_an_error() {
    let p = policy(&MINIMAL.replace("700000", "21755.4")).unwrap();
    assert_eq!(p.pools[0].amount.to_string(), "21755.40");
    let e = policy(&MINIMAL.replace("700000", "21755.405")).unwrap_err();
    assert!(e.to_string().contains("pools[0].amount"), "{e}");
}

#[test]
fn an_unusable_policy_names_the_field() {
    for (text, field) in [
        ("[[pools]]\nname=\"a\"\nkind=\"funded\"\namount=1\n", "year"),
        (&format!("{MINIMAL}[rate]\nmode = \"borrower_floor\"\n") as &str, "rate.borrower_percent"),
        (&format!("{MINIMAL}[rate]\nmode = \"half\"\n"), "rate.mode"),
        (&format!("{MINIMAL}[rate]\ncap_precent = 5\n"), "cap_precent"),
        (&format!("{MINIMAL}[principal_cap]\ncoop = 5\n"), "principal_cap.coop"),
        ("year = 2024\n", "pools"),
        (
            &MINIMAL.replace("year = 2024\n", "year = 2024\nwindow = { start = 2024-06-01, end = 2024-01-01 }\n"),
            "window.start",
        ),
        (&MINIMAL.replace("year = 2024\n", "year = 2024\noverdue = \"sometimes\"\n"), "overdue"),
    ] {
        let e = policy(text).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains(field), "{field}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

/// docs/rules.md §2 as amended: `review.publicity_days`, `evidence.*` and the applicant limits.
#[test]
fn the_amended_example_reads_review_evidence_and_applicant_limits() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/policy.example.toml")).unwrap();
    let p = policy(&text).unwrap();
    assert_eq!(p.publicity_days, 5);
    assert_eq!(p.evidence, Evidence { interest_statement: StatementRule::Optional, documents: vec![] });
    assert_eq!((p.max_rounds_per_applicant, p.max_subsidy_per_applicant_total), (None, None));
    let p = policy(&format!(
        "{MINIMAL}[limits]\nmax_rounds_per_applicant = 2\nmax_subsidy_per_applicant_total = 300000\n\
         [review]\npublicity_days = 0\n[evidence]\ninterest_statement = \"required\"\ndocuments = [\"贷款合同\"]\n"
    ))
    .unwrap();
    assert_eq!(p.publicity_days, 0);
    assert_eq!(p.max_rounds_per_applicant, Some(2));
    assert_eq!(p.max_subsidy_per_applicant_total.map(|m| m.to_string()), Some("300000.00".into()));
    assert_eq!(p.evidence.interest_statement, StatementRule::Required);
    assert_eq!(p.evidence.documents, vec!["贷款合同".to_string()]);
    for (bad, field) in [
        ("[review]\npublicity_days = -1\n", "review.publicity_days"),
        ("[evidence]\ninterest_statement = \"always\"\n", "evidence.interest_statement"),
        ("[limits]\nmax_rounds_per_applicant = 0\n", "limits.max_rounds_per_applicant"),
    ] {
        let e = policy(&format!("{MINIMAL}{bad}")).unwrap_err().to_string();
        assert!(e.contains(field), "{field}: {e}");
    }
}

/// A mistyped field is named with the line an editor shows, in Chinese.
#[test]
fn a_syntax_problem_names_the_line_an_editor_shows() {
    let e = policy(&format!("{MINIMAL}[rate]\ncap_precent = 5\n")).unwrap_err().to_string();
    assert!(e.starts_with("第7行：未知字段“cap_precent”"), "{e}");
    let e = policy("year = 2024\nyear = 2025\n").unwrap_err().to_string();
    assert!(e.starts_with("第2行：") && e.contains("year"), "{e}");
}
