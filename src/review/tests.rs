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

/// A project whose record allows everything: opinion given, publication ended, nothing paid.
fn facts(state: S) -> Facts {
    Facts {
        state,
        round_open: true,
        has_opinion: true,
        publication_end: Some(day("2024-05-10")),
        paid_fen: 0,
        today: day("2024-05-11"),
    }
}

fn actor(role: R, relation: Relation) -> Actor {
    let own = relation == Own;
    Actor { role, owns: own && role == R::Cooperative, same_unit: own }
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
                    let got = decide(actor(role, relation), &facts(state), &request(action));
                    let case = format!("{state:?} {action:?} {role:?} {relation:?}");
                    if let Some(to) = expected {
                        allowed += 1;
                        assert_eq!(got, Ok(to), "{case}");
                        assert!(available(actor(role, relation), &facts(state)).contains(&action), "{case}");
                    } else {
                        assert!(got.is_err(), "{case}: {got:?}");
                        assert!(!available(actor(role, relation), &facts(state)).contains(&action), "{case}");
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
                let got = decide(actor(R::Auditor, relation), &facts(state), &request(action));
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
fn return_reject_and_opinion_need_a_comment() {
    for (state, action, role) in [
        (S::Submitted, A::Return, R::RegimentStaff),
        (S::Published, A::Reject, R::DivisionStaff),
        (S::RegimentReviewed, A::Opinion, R::BureauReviewer),
    ] {
        let blank = Request { comment: "  ", ..request(action) };
        let got = decide(actor(role, Own), &facts(state), &blank);
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
    let no_dates = Request { start: None, ..request(A::Publish) };
    assert!(matches!(decide(division, &facts(S::DivisionReviewed), &no_dates), Err(Refusal::Invalid(_))));
    let reversed = Request { start: Some(day("2024-05-11")), ..request(A::Publish) };
    assert!(matches!(decide(division, &facts(S::DivisionReviewed), &reversed), Err(Refusal::Invalid(_))));
    for (end, today, ok) in [("2024-05-10", "2024-05-11", true), ("2024-05-10", "2024-05-10", false)] {
        let f = Facts { publication_end: Some(day(end)), today: day(today), ..facts(S::Published) };
        assert_eq!(decide(division, &f, &request(A::Approve)).is_ok(), ok, "end {end}, today {today}");
    }
    let never = Facts { publication_end: None, ..facts(S::Published) };
    assert!(matches!(decide(division, &never, &request(A::Approve)), Err(Refusal::Conflict(_))));
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
