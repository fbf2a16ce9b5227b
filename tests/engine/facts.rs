//! docs/rules.md §9 through `engine::compute_with`, one table per rule: review cuts, certified
//! interest, days already subsidised, the applicant's earlier rounds.

use crate::common;

use common::{date, event, loan, loan_earning_18300, policy, project, yuan};
use tiexi::engine::facts::{Cut, CutLimit, CutReason, EarlierGrant, StatementLine, Subsidised};
use tiexi::engine::{
    compute, compute_with, ApplicantType, EventKind, Facts, Interval, Money, OverdueRule, PoolKind, Reason, Status,
};

const COOP: ApplicantType = ApplicantType::Cooperative;

fn cut(limit: CutLimit) -> Cut {
    Cut { limit, reason: CutReason::MaterialsIncomplete, text: String::new() }
}

fn cuts(list: &[(&str, CutLimit)]) -> Facts {
    let mut facts = Facts::default();
    for (contract, limit) in list {
        facts.cuts.insert((*contract).to_string(), cut(*limit));
    }
    facts
}

/// docs/rules.md §9 review cuts: an excluded loan earns 0 (`excluded_by_review`) but keeps its
/// eligible days and computed amount, so the reviewer sees what the cut took away; an
/// amount caps the subsidy (`limited_by_review` only when it binds).
#[test]
fn a_review_cut_excludes_a_loan_or_caps_it() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let x = project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2"), loan_earning_18300("L3")]);
    let facts = cuts(&[
        ("L1", CutLimit::Excluded),
        ("L2", CutLimit::Amount(yuan("5000.00"))),
        ("L3", CutLimit::Amount(yuan("20000.00"))),
    ]);
    let r = compute_with(&p, &[x], &facts);
    let loans = &r.projects[0].loans;
    let got: Vec<(i64, Money, Money, Vec<Reason>)> =
        loans.iter().map(|l| (l.eligible_days, l.computed, l.subsidy, l.reasons.clone())).collect();
    assert_eq!(
        got,
        vec![
            (366, yuan("18300.00"), Money::ZERO, vec![Reason::ExcludedByReview]),
            (366, yuan("18300.00"), yuan("5000.00"), vec![Reason::LimitedByReview]),
            (366, yuan("18300.00"), yuan("18300.00"), vec![]),
        ]
    );
    assert_eq!(r.projects[0].requested, yuan("23300.00"));
    assert_eq!(loans[1].cut.as_ref().map(|c| c.reason), Some(CutReason::MaterialsIncomplete));
}

/// docs/rules.md §9: a cut changes the trial calculation by exactly the cut, and no cut at all
/// is the calculation without facts.
#[test]
fn a_cut_changes_the_request_by_exactly_the_cut() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let projects = [project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")])];
    let before = compute(&p, &projects);
    assert_eq!(compute_with(&p, &projects, &Facts::default()), before);
    let after = compute_with(&p, &projects, &cuts(&[("L2", CutLimit::Amount(yuan("18000.01")))]));
    assert_eq!(before.projects[0].requested - after.projects[0].requested, yuan("299.99"));
}

/// docs/rules.md §4 and §9: ΣP of the principal factor leaves out only `duplicate_contract` and
/// `rate_above_ceiling` loans; a loan excluded by review still counts, so excluding one
/// loan never raises the subsidy of the others.
#[test]
fn a_loan_excluded_by_review_still_counts_in_the_principal_factor() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.principal_cap[COOP.index()] = Some(yuan("360000"));
    let x = project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")]);
    let r = compute_with(&p, &[x], &cuts(&[("L1", CutLimit::Excluded)]));
    let loans = &r.projects[0].loans;
    assert_eq!(loans[1].factor, Some((yuan("360000"), yuan("720000"))));
    assert_eq!((loans[0].computed, loans[0].subsidy), (yuan("9150.00"), Money::ZERO));
    assert_eq!(loans[1].subsidy, yuan("9150.00"));
}

/// docs/rules.md §9 with §3 and §4: a loan that earns nothing anyway still shows that it was
/// excluded; a cut belongs to the contract's first row, a duplicate keeps only its own reason;
/// a cut on a loan of an ineligible project changes nothing it requests.
#[test]
fn a_cut_names_itself_beside_the_other_reasons() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.require_union_member = true;
    let old = loan("OLD", "100000", "4", "2020-01-01", "2022-01-01");
    let first = project("X", COOP, vec![old, loan_earning_18300("L1")]);
    let second = project("Y", COOP, vec![loan_earning_18300("L1")]);
    let mut ineligible = project("Z", COOP, vec![loan_earning_18300("L2")]);
    ineligible.union_member = Some(false);
    let facts = cuts(&[("OLD", CutLimit::Excluded), ("L1", CutLimit::Excluded), ("L2", CutLimit::Amount(yuan("1")))]);
    let r = compute_with(&p, &[first, second, ineligible], &facts);
    assert_eq!(r.projects[0].loans[0].reasons, vec![Reason::NoOverlap, Reason::ExcludedByReview]);
    assert_eq!(r.projects[0].loans[1].reasons, vec![Reason::ExcludedByReview]);
    assert_eq!(r.projects[1].loans[0].reasons, vec![Reason::DuplicateContract]);
    assert_eq!(r.projects[0].status, Status::Ineligible);
    let member = &r.projects[2];
    assert_eq!((member.requested, member.loans[0].subsidy), (Money::ZERO, Money::ZERO));
    assert_eq!(member.loans[0].reasons, vec![Reason::LimitedByReview]);
}

/// docs/rules.md §9: 已付利息 and a cut that both bind name both, in docs/cli.md's order.
#[test]
fn equal_caps_each_name_their_reason() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let mut l = loan_earning_18300("L1");
    l.interest_paid = Some(yuan("9000.00"));
    let r = compute_with(&p, &[project("X", COOP, vec![l])], &cuts(&[("L1", CutLimit::Amount(yuan("9000.00")))]));
    let l = &r.projects[0].loans[0];
    assert_eq!(l.subsidy, yuan("9000.00"));
    assert_eq!(l.reasons, vec![Reason::LimitedByInterestPaid, Reason::LimitedByReview]);
}

fn statement(facts: &mut Facts, contract: &str, lines: &[(&str, &str, &str)]) {
    let lines = lines.iter().map(|(from, to, paid)| StatementLine { from: date(from), to: date(to), paid: yuan(paid) });
    facts.statements.entry(contract.to_string()).or_default().extend(lines);
}

/// docs/rules.md §9 certified interest: the statement's lines, each taken for its share of
/// the window and rounded, cap the subsidy (`limited_by_certified_interest` when it binds),
/// whether or not 已付利息 was typed; the least cap wins.
#[test]
fn certified_interest_caps_the_subsidy() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let mut paid = loan_earning_18300("L3");
    paid.interest_paid = Some(yuan("9000.00"));
    let x =
        project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2"), paid, loan_earning_18300("L4")]);
    let mut facts = Facts::default();
    // 2023-12-21..2024-03-20 is 91 days, 80 of them in 2024: 4550 × 80 / 91 = 4000.00.
    statement(&mut facts, "L1", &[("2023-12-21", "2024-03-20", "4550.00"), ("2024-03-21", "2024-06-20", "4600.00")]);
    statement(&mut facts, "L2", &[("2024-01-01", "2024-12-31", "20000.00")]);
    statement(&mut facts, "L3", &[("2024-01-01", "2024-12-31", "9500.00")]);
    statement(&mut facts, "L4", &[("2025-01-01", "2025-03-20", "10.00")]);
    let r = compute_with(&p, &[x], &facts);
    let got: Vec<(Option<Money>, Money, Vec<Reason>)> =
        r.projects[0].loans.iter().map(|l| (l.certified, l.subsidy, l.reasons.clone())).collect();
    assert_eq!(
        got,
        vec![
            (Some(yuan("8600.00")), yuan("8600.00"), vec![Reason::LimitedByCertifiedInterest]),
            (Some(yuan("20000.00")), yuan("18300.00"), vec![]),
            (Some(yuan("9500.00")), yuan("9000.00"), vec![Reason::LimitedByInterestPaid]),
            (None, yuan("18300.00"), vec![]),
        ]
    );
}

fn subsidised(facts: &mut Facts, contract: &str, year: i32, start: &str, end: &str) {
    let s = Subsidised { year, project: format!("XX-{year}-001"), start: date(start), end: date(end) };
    facts.history.contracts.entry(contract.to_string()).or_default().push(s);
}

/// docs/rules.md §9 days already subsidised: the days of `E` inside another round's eligible
/// days of the same contract are removed before §4 (`already_subsidised`); with no day
/// left the loan earns nothing. This round's own earlier figures are not "another round".
#[test]
fn days_subsidised_in_another_round_are_removed() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let x = project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2"), loan_earning_18300("L3")]);
    let mut facts = Facts::default();
    // A round with the window [2023-07-01, 2024-07-01): 2024-01-01..2024-06-30 is 182 days.
    subsidised(&mut facts, "L1", 2023, "2023-07-01", "2024-07-01");
    subsidised(&mut facts, "L2", 2023, "2023-01-01", "2024-03-01");
    subsidised(&mut facts, "L2", 2025, "2024-03-01", "2025-03-01");
    subsidised(&mut facts, "L3", 2024, "2024-01-01", "2025-01-01");
    let r = compute_with(&p, &[x], &facts);
    let got: Vec<(i64, Money, i64, Vec<Reason>)> = r.projects[0]
        .loans
        .iter()
        .map(|l| (l.eligible_days, l.computed, l.already_subsidised_days, l.reasons.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            // 360,000 × 5% × 184 / 360
            (184, yuan("9200.00"), 182, vec![Reason::AlreadySubsidised]),
            (0, Money::ZERO, 366, vec![Reason::AlreadySubsidised]),
            (366, yuan("18300.00"), 0, vec![]),
        ]
    );
}

/// docs/rules.md §9 with §3.4: the history and the overdue rule each take their days; when
/// together they leave nothing, both reasons show.
#[test]
fn history_and_overdue_each_take_their_days() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.overdue = OverdueRule::ExcludeDays;
    let mut l = loan_earning_18300("L1");
    l.events = vec![event("2024-07-01", EventKind::OverdueStart)];
    let mut facts = Facts::default();
    subsidised(&mut facts, "L1", 2023, "2023-07-01", "2024-03-01");
    let r = compute_with(&p, &[project("X", COOP, vec![l.clone()])], &facts);
    let one = &r.projects[0].loans[0];
    // 2024-03-01..2024-06-30: 122 days.
    assert_eq!((one.eligible_days, one.reasons.clone()), (122, vec![Reason::AlreadySubsidised]));
    subsidised(&mut facts, "L1", 2022, "2024-03-01", "2024-07-01");
    let r = compute_with(&p, &[project("X", COOP, vec![l])], &facts);
    let one = &r.projects[0].loans[0];
    assert_eq!((one.eligible_days, one.subsidy), (0, Money::ZERO));
    assert_eq!(one.reasons, vec![Reason::AlreadySubsidised, Reason::OverdueForfeit]);
}

/// Issue 15: a contract granted in a round with the window [2097-07-01, 2098-07-01) earns
/// nothing for those days in the 2098 round.
#[test]
fn a_contract_granted_over_a_mid_year_window_earns_only_the_rest_of_the_next_year() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.year = 2098;
    p.window = Interval::new(date("2098-01-01"), date("2099-01-01"));
    let l = loan("L1", "365000", "5", "2097-06-01", "2100-06-01");
    let mut facts = Facts::default();
    subsidised(&mut facts, "L1", 2097, "2097-07-01", "2098-07-01");
    let r = compute_with(&p, &[project("X", COOP, vec![l])], &facts);
    let one = &r.projects[0].loans[0];
    // 2098-07-01..2098-12-31 is 184 days: 365,000 × 5% × 184 / 360 = 9327.777… → 9327.78
    assert_eq!((one.eligible_days, one.subsidy), (184, yuan("9327.78")));
}

fn granted(facts: &mut Facts, identity: &str, year: i32, amount: &str) {
    let g =
        EarlierGrant { year, project: format!("XX-{year}-9"), name: String::new(), granted: yuan(amount), paid: None };
    facts.history.applicants.entry(identity.to_string()).or_default().push(g);
}

fn applicant(key: &str, id: &str, code: &str, loans: Vec<tiexi::engine::Loan>) -> tiexi::engine::Project {
    let mut p = project(key, COOP, loans);
    p.applicant.id_number = id.to_string();
    p.applicant.credit_code = code.to_string();
    p
}

/// docs/rules.md §9 `round_limit_reached`, and issue 15: an applicant granted in two earlier
/// rounds is not eligible under `max_rounds_per_applicant = 2`, whether it is known by the
/// leader's 身份证号 or the organisation's 统一社会信用代码; its loans keep their figures.
#[test]
fn an_applicant_granted_in_n_earlier_rounds_is_not_eligible() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.max_rounds_per_applicant = Some(2);
    let mut facts = Facts::default();
    granted(&mut facts, "ID-A", 2022, "1000");
    granted(&mut facts, "CODE-A", 2023, "1000");
    granted(&mut facts, "CODE-A", 2024, "1000");
    granted(&mut facts, "ID-B", 2023, "1000");
    granted(&mut facts, "ID-B", 2023, "500");
    let projects = [
        applicant("A", "ID-A", "CODE-A", vec![loan_earning_18300("L1")]),
        applicant("B", "ID-B", "", vec![loan_earning_18300("L2")]),
        applicant("C", "ID-C", "CODE-A", vec![loan_earning_18300("L3")]),
    ];
    let r = compute_with(&p, &projects, &facts);
    let got: Vec<(Vec<Reason>, Money, Money, Money)> =
        r.projects.iter().map(|x| (x.reasons.clone(), x.requested, x.loans[0].computed, x.loans[0].subsidy)).collect();
    let limited = (vec![Reason::RoundLimitReached], Money::ZERO, yuan("18300"), Money::ZERO);
    let eligible = (vec![], yuan("18300"), yuan("18300"), yuan("18300"));
    // B: two projects of 2023 are one round; C: CODE-A's 2024 grant is this round, not an earlier one.
    assert_eq!(got, vec![limited, eligible.clone(), eligible]);
    assert_eq!(r.projects[0].status, Status::Ineligible);
    // Without the limit, the history changes nothing.
    p.max_rounds_per_applicant = None;
    assert_eq!(compute_with(&p, &projects, &facts), compute(&p, &projects));
}

/// docs/rules.md §9 `limited_by_applicant_total`: at most `T` less the earlier grants, never
/// below 0, after `max_subsidy_per_project`; both reasons when both bind.
#[test]
fn the_applicant_total_limits_the_request_after_the_project_cap() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.max_subsidy_per_project = Some(yuan("15000"));
    p.max_subsidy_per_applicant_total = Some(yuan("300000"));
    let mut facts = Facts::default();
    granted(&mut facts, "ID-A", 2022, "284000");
    granted(&mut facts, "ID-B", 2023, "288000");
    granted(&mut facts, "ID-C", 2021, "300000");
    granted(&mut facts, "ID-D", 2020, "310000");
    let projects = [
        applicant("A", "ID-A", "", vec![loan_earning_18300("L1")]),
        applicant("B", "ID-B", "", vec![loan_earning_18300("L2")]),
        applicant("C", "ID-C", "", vec![loan_earning_18300("L3")]),
        applicant("D", "ID-D", "", vec![loan_earning_18300("L4")]),
    ];
    let r = compute_with(&p, &projects, &facts);
    let got: Vec<(Vec<Reason>, Money, Status)> =
        r.projects.iter().map(|x| (x.reasons.clone(), x.requested, x.status)).collect();
    let both = vec![Reason::LimitedByProjectCap, Reason::LimitedByApplicantTotal];
    assert_eq!(
        got,
        vec![
            (vec![Reason::LimitedByProjectCap], yuan("15000"), Status::Funded),
            (both.clone(), yuan("12000"), Status::Funded),
            (both.clone(), Money::ZERO, Status::Ineligible),
            (both, Money::ZERO, Status::Ineligible),
        ]
    );
}

/// docs/facts.md: two projects of one applicant in the same round share what the total
/// leaves, in workbook order, so that together they never pass `T`.
#[test]
fn two_projects_of_one_applicant_share_what_the_total_leaves() {
    let mut p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    p.max_subsidy_per_applicant_total = Some(yuan("30000"));
    let mut facts = Facts::default();
    granted(&mut facts, "ID-A", 2023, "5000");
    let projects = [
        applicant("A1", "ID-A", "", vec![loan_earning_18300("L1")]),
        applicant("A2", "ID-X", "CODE-A", vec![loan_earning_18300("L2")]),
        applicant("A3", "ID-A", "CODE-A", vec![loan_earning_18300("L3")]),
    ];
    let r = compute_with(&p, &projects, &facts);
    let requested: Vec<Money> = r.projects.iter().map(|x| x.requested).collect();
    // A2 is another applicant (another ID, a code not seen before A3); A3 is both.
    assert_eq!(requested, vec![yuan("18300"), yuan("18300"), Money::ZERO]);
    assert_eq!(r.projects[2].reasons, vec![Reason::LimitedByApplicantTotal]);
}

/// Issue 12: an allocation run follows a reviewer's cut as the trial calculation does.
#[test]
fn an_allocation_run_follows_the_cut() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let projects = [project("X", COOP, vec![loan_earning_18300("L1")])];
    let facts = cuts(&[("L1", CutLimit::Amount(yuan("10000.00")))]);
    let whole = [yuan("1000000")];
    let run = tiexi::engine::allocation::run_with(&p, &projects, &facts, &[], &whole);
    assert_eq!((run.lines[0].requested, run.lines[0].granted), (yuan("10000.00"), yuan("10000.00")));
    assert_eq!(tiexi::engine::allocation::run(&p, &projects, &[], &whole).granted, yuan("18300.00"));
}

/// docs/cli.md `statement_difference`: the statement less the interest at the contract rate for
/// the same days, only beyond 1 yuan; the same numbers as `engine::reconcile`.
#[test]
fn a_loan_carries_its_statement_difference_beyond_one_yuan() {
    let p = policy(&[("pool", PoolKind::Funded, "1000000")]);
    let projects = [project("X", COOP, vec![loan_earning_18300("L1"), loan_earning_18300("L2")])];
    let mut facts = Facts::default();
    // 50.00 a day at the contract rate: 91 days are 4,550.00; the bank counted 92.
    statement(&mut facts, "L1", &[("2024-01-01", "2024-03-31", "4600.00")]);
    statement(&mut facts, "L2", &[("2024-01-01", "2024-03-31", "4551.00")]);
    let r = compute_with(&p, &projects, &facts);
    let loans = &r.projects[0].loans;
    assert_eq!((loans[0].certified, loans[0].statement_difference), (Some(yuan("4600.00")), Some(yuan("50.00"))));
    assert_eq!(loans[0].statement_cause, Some(tiexi::engine::reconcile::Cause::Days));
    assert_eq!((loans[1].certified, loans[1].statement_difference), (Some(yuan("4551.00")), None));
    let rec = tiexi::engine::reconcile(&p, &projects, &facts);
    assert_eq!(rec[0].difference, Some(yuan("50.00")));
    assert_eq!(rec[1].difference, Some(yuan("1.00")));
}
