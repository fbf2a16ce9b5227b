//! The state machine as one table: every (state, action, role, relation) not listed
//! below is refused; every one listed is allowed and leads where the table says.

use chrono::NaiveDate;

use super::*;

/// How the actor stands to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    /// The project's owner (a cooperative) or of the project's 团场 (regiment staff).
    Own,
    Other,
}

use Action as A;
use Relation::{Other, Own};
use Role as R;
use State as S;

/// Every allowed move: (from, action, role, relation, to). An opinion keeps the state.
const ALLOWED: &[(S, A, R, Relation, S)] = &[
    (S::Draft, A::Submit, R::Cooperative, Own, S::Submitted),
    (S::Returned, A::Submit, R::Cooperative, Own, S::Submitted),
    (S::Submitted, A::RegimentReview, R::RegimentStaff, Own, S::RegimentReviewed),
    (S::Submitted, A::Return, R::RegimentStaff, Own, S::Returned),
    (S::RegimentReviewed, A::Return, R::DivisionStaff, Own, S::Returned),
    (S::RegimentReviewed, A::Return, R::DivisionStaff, Other, S::Returned),
    (S::DivisionReviewed, A::Return, R::DivisionStaff, Own, S::Returned),
    (S::DivisionReviewed, A::Return, R::DivisionStaff, Other, S::Returned),
    (S::Published, A::Return, R::DivisionStaff, Own, S::Returned),
    (S::Published, A::Return, R::DivisionStaff, Other, S::Returned),
    (S::RegimentReviewed, A::Opinion, R::BureauReviewer, Own, S::RegimentReviewed),
    (S::RegimentReviewed, A::Opinion, R::BureauReviewer, Other, S::RegimentReviewed),
    (S::RegimentReviewed, A::DivisionReview, R::DivisionStaff, Own, S::DivisionReviewed),
    (S::RegimentReviewed, A::DivisionReview, R::DivisionStaff, Other, S::DivisionReviewed),
    (S::DivisionReviewed, A::Publish, R::DivisionStaff, Own, S::Published),
    (S::DivisionReviewed, A::Publish, R::DivisionStaff, Other, S::Published),
    (S::Published, A::Approve, R::DivisionStaff, Own, S::Approved),
    (S::Published, A::Approve, R::DivisionStaff, Other, S::Approved),
    (S::Published, A::Object, R::DivisionStaff, Own, S::Published),
    (S::Published, A::Object, R::DivisionStaff, Other, S::Published),
    (S::Published, A::Object, R::RegimentStaff, Own, S::Published),
    (S::Published, A::Object, R::BureauReviewer, Own, S::Published),
    (S::Published, A::Object, R::BureauReviewer, Other, S::Published),
    (S::Published, A::Resolve, R::DivisionStaff, Own, S::Published),
    (S::Published, A::Resolve, R::DivisionStaff, Other, S::Published),
];

/// Reject by division staff from every review state; withdraw by the owner or division
/// staff from every state before a decision and from approved (its unpaid grant is released).
fn allowed_too(state: S, action: A, role: R, relation: Relation) -> Option<S> {
    let review = matches!(state, S::Submitted | S::RegimentReviewed | S::DivisionReviewed | S::Published);
    let before = review || matches!(state, S::Draft | S::Returned | S::Approved);
    match (action, role) {
        (A::Reject, R::DivisionStaff) if review => Some(S::Rejected),
        (A::Withdraw, R::DivisionStaff) if before => Some(S::Withdrawn),
        (A::Withdraw, R::Cooperative) if before && relation == Own => Some(S::Withdrawn),
        _ => None,
    }
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A project whose record allows everything: opinion given, a 公示 of 2024-05-01 to
/// 2024-05-10 ended, nothing paid, no open objection.
fn facts(state: S) -> Facts {
    Facts {
        state,
        round_open: true,
        has_opinion: true,
        publication_start: Some(day("2024-05-01")),
        publication_end: Some(day("2024-05-10")),
        publicity_days: 5,
        open_objections: 0,
        paid_fen: 0,
        today: day("2024-05-11"),
    }
}

/// The facts under which `action` is possible at all: publishing on the 公示's first day,
/// objecting during it, resolving an open objection.
fn facts_for(state: S, action: A) -> Facts {
    match action {
        A::Publish => Facts { today: day("2024-05-01"), ..facts(state) },
        A::Object => Facts { today: day("2024-05-05"), ..facts(state) },
        A::Resolve => Facts { open_objections: 1, ..facts(state) },
        _ => facts(state),
    }
}

fn actor(role: R, relation: Relation) -> Actor {
    let own = relation == Own;
    Actor { role, owns: own && role == R::Cooperative, same_unit: own, published: false }
}

fn request(action: A) -> Request<'static> {
    Request { action, comment: "意见", start: Some(day("2024-05-01")), end: Some(day("2024-05-10")) }
}

#[test]
fn every_state_action_role_and_relation_is_allowed_exactly_as_the_table_says() {
    let mut allowed = 0;
    for state in S::ALL {
        for action in A::ALL {
            for role in R::ALL {
                for relation in [Own, Other] {
                    let expected = ALLOWED
                        .iter()
                        .find(|(s, a, r, rel, _)| (*s, *a, *r, *rel) == (state, action, role, relation))
                        .map(|t| t.4)
                        .or_else(|| allowed_too(state, action, role, relation));
                    let f = facts_for(state, action);
                    let got = decide(actor(role, relation), &f, &request(action));
                    let case = format!("{state:?} {action:?} {role:?} {relation:?}");
                    if let Some(to) = expected {
                        allowed += 1;
                        assert_eq!(got, Ok(to), "{case}");
                        assert!(available(actor(role, relation), &f).contains(&action), "{case}");
                    } else {
                        assert!(got.is_err(), "{case}: {got:?}");
                        assert!(!available(actor(role, relation), &f).contains(&action), "{case}");
                    }
                }
            }
        }
    }
    assert_eq!(allowed, ALLOWED.len() + 4 * 2 + 7 * 3, "the table and the extra rules are all reached");
}

#[test]
fn auditors_never_act_and_others_are_refused_with_403_before_any_state_check() {
    for state in S::ALL {
        for action in A::ALL {
            for relation in [Own, Other] {
                let got = decide(actor(R::Auditor, relation), &facts_for(state, action), &request(action));
                assert_eq!(got, Err(Refusal::Forbidden), "{state:?} {action:?}");
            }
        }
    }
    let other_coop = decide(actor(R::Cooperative, Other), &facts(S::Draft), &request(A::Submit));
    assert_eq!(other_coop, Err(Refusal::Forbidden));
    let other_unit = decide(actor(R::RegimentStaff, Other), &facts(S::Submitted), &request(A::RegimentReview));
    assert_eq!(other_unit, Err(Refusal::Forbidden));
}

#[test]
fn a_closed_round_refuses_every_move_with_409() {
    let closed = Facts { round_open: false, ..facts(S::Submitted) };
    let got = decide(actor(R::RegimentStaff, Own), &closed, &request(A::RegimentReview));
    assert!(matches!(got, Err(Refusal::Conflict(m)) if m.contains("已关闭")));
}

#[test]
fn return_reject_opinion_objection_and_resolution_need_a_comment() {
    for (state, action, role) in [
        (S::Submitted, A::Return, R::RegimentStaff),
        (S::Published, A::Reject, R::DivisionStaff),
        (S::RegimentReviewed, A::Opinion, R::BureauReviewer),
        (S::Published, A::Object, R::BureauReviewer),
        (S::Published, A::Resolve, R::DivisionStaff),
    ] {
        let blank = Request { comment: "  ", ..request(action) };
        let got = decide(actor(role, Own), &facts_for(state, action), &blank);
        assert!(matches!(got, Err(Refusal::Invalid(_))), "{action:?}: {got:?}");
    }
}

#[test]
fn division_review_waits_for_the_bureau_opinion_of_the_current_cycle() {
    let without = Facts { has_opinion: false, ..facts(S::RegimentReviewed) };
    let got = decide(actor(R::DivisionStaff, Other), &without, &request(A::DivisionReview));
    assert!(matches!(got, Err(Refusal::Conflict(m)) if m.contains("审核意见")));
    assert!(!available(actor(R::DivisionStaff, Other), &without).contains(&A::DivisionReview));
}

#[test]
fn publication_needs_ordered_dates_and_approval_waits_until_it_has_ended() {
    let division = actor(R::DivisionStaff, Other);
    let publishing = facts_for(S::DivisionReviewed, A::Publish);
    let no_dates = Request { start: None, ..request(A::Publish) };
    assert!(matches!(decide(division, &publishing, &no_dates), Err(Refusal::Invalid(_))));
    let reversed = Request { start: Some(day("2024-05-11")), ..request(A::Publish) };
    assert!(matches!(decide(division, &publishing, &reversed), Err(Refusal::Invalid(_))));
    for (end, today, ok) in [("2024-05-10", "2024-05-11", true), ("2024-05-10", "2024-05-10", false)] {
        let f = Facts { publication_end: Some(day(end)), today: day(today), ..facts(S::Published) };
        assert_eq!(decide(division, &f, &request(A::Approve)).is_ok(), ok, "end {end}, today {today}");
    }
    let never = Facts { publication_start: None, publication_end: None, ..facts(S::Published) };
    assert!(matches!(decide(division, &never, &request(A::Approve)), Err(Refusal::Conflict(_))));
}

/// docs/rules.md §10: the 公示 starts no earlier than the day it is published and lasts at
/// least `publicity_days`, both ends included.
#[test]
fn the_publicity_period_starts_today_or_later_and_lasts_at_least_the_policy_days() {
    let division = actor(R::DivisionStaff, Other);
    let on = |today: &str, days: u32| Facts { today: day(today), publicity_days: days, ..facts(S::DivisionReviewed) };
    let asked =
        |start: &str, end: &str| Request { start: Some(day(start)), end: Some(day(end)), ..request(A::Publish) };
    for (today, days, start, end, ok) in [
        ("2024-05-01", 5, "2024-05-01", "2024-05-05", true),
        ("2024-05-01", 5, "2024-05-01", "2024-05-04", false),
        ("2024-05-01", 5, "2024-05-03", "2024-05-07", true),
        ("2024-05-02", 5, "2024-05-01", "2024-05-10", false),
        ("2020-01-01", 5, "2020-01-01", "2020-01-02", false),
        ("2024-05-01", 0, "2024-05-01", "2024-05-01", true),
        ("2024-05-01", 1, "2024-05-01", "2024-05-01", true),
    ] {
        let got = decide(division, &on(today, days), &asked(start, end));
        assert_eq!(got.is_ok(), ok, "today {today}, {days} days, {start} to {end}: {got:?}");
        if !ok {
            assert!(matches!(got, Err(Refusal::Invalid(ref m)) if m.contains("公示")), "{got:?}");
        }
    }
}

#[test]
fn approval_waits_for_the_end_never_comes_from_the_publisher_nor_passes_an_open_objection() {
    let division = actor(R::DivisionStaff, Other);
    let approve = request(A::Approve);
    let during = Facts { today: day("2024-05-10"), ..facts(S::Published) };
    let got = decide(division, &during, &approve);
    assert!(
        matches!(got, Err(Refusal::Conflict(ref m)) if m.contains("公示期尚未结束") && m.contains("2024年5月11日"))
    );
    let publisher = Actor { published: true, ..division };
    let got = decide(publisher, &facts(S::Published), &approve);
    assert!(matches!(got, Err(Refusal::Conflict(ref m)) if m.contains("另一位")), "{got:?}");
    assert!(!available(publisher, &facts(S::Published)).contains(&A::Approve));
    let objected = Facts { open_objections: 2, ..facts(S::Published) };
    let got = decide(division, &objected, &approve);
    assert!(matches!(got, Err(Refusal::Conflict(ref m)) if m.contains("异议") && m.contains('2')), "{got:?}");
    assert_eq!(decide(division, &objected, &request(A::Resolve)), Ok(S::Published));
    // publicity_days = 0: approval from the 公示's first day, the day it was published.
    let none = Facts { publicity_days: 0, today: day("2024-05-01"), ..facts(S::Published) };
    assert_eq!(decide(division, &none, &approve), Ok(S::Approved));
    let before = Facts { today: day("2024-04-30"), ..none };
    assert!(decide(division, &before, &approve).is_err());
}

#[test]
fn objections_are_raised_during_the_publicity_and_resolved_only_when_open() {
    let bureau = actor(R::BureauReviewer, Other);
    for (today, ok) in [("2024-04-30", false), ("2024-05-01", true), ("2024-05-10", true), ("2024-05-11", false)] {
        let f = Facts { today: day(today), ..facts(S::Published) };
        assert_eq!(decide(bureau, &f, &request(A::Object)).is_ok(), ok, "{today}");
    }
    let none = decide(actor(R::DivisionStaff, Other), &facts(S::Published), &request(A::Resolve));
    assert!(matches!(none, Err(Refusal::Conflict(ref m)) if m.contains("没有待处理的异议")));
    let regiment_elsewhere =
        decide(actor(R::RegimentStaff, Other), &facts_for(S::Published, A::Object), &request(A::Object));
    assert_eq!(regiment_elsewhere, Err(Refusal::Forbidden));
}

#[test]
fn a_project_with_money_paid_is_clawed_back_before_it_is_withdrawn() {
    for state in [S::Approved, S::Published] {
        let paid = Facts { paid_fen: 1, ..facts(state) };
        for who in [actor(R::DivisionStaff, Other), actor(R::Cooperative, Own)] {
            let got = decide(who, &paid, &request(A::Withdraw));
            assert!(matches!(got, Err(Refusal::Conflict(ref m)) if m.contains("追回")), "{state:?}: {got:?}");
            assert!(!available(who, &paid).contains(&A::Withdraw), "no withdraw button while money is paid");
        }
    }
    // Granted but unpaid: withdrawn (the web layer releases the grant in the same transaction).
    let got = decide(actor(R::DivisionStaff, Other), &facts(S::Approved), &request(A::Withdraw));
    assert_eq!(got, Ok(S::Withdrawn));
}

#[test]
fn states_and_actions_read_back_from_their_codes() {
    for s in S::ALL {
        assert_eq!(State::parse(s.code()), Some(s));
    }
    for a in A::ALL {
        assert_eq!(Action::parse(a.code()), Some(a));
    }
    assert_eq!(Action::parse("pay"), None);
}
