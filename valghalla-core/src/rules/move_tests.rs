//! Unit tests of moving a person between seats (`lifecycle::move_holder`): they keep their
//! answer, the seat they leave does not count against them, and every refusal changes nothing.

use crate::messages::MessageKind;
use crate::model::{AcceptedVia, Op, Record, RecordKey, SeatState};
use crate::rules::lifecycle::{PersonFacts, move_holder};
use crate::rules::lifecycle_tests::{
    Fx, accepted, adult, assert_audited_without_cpr, ctx_at, d, early, eday, election, invited,
    put_seat, utc,
};
use crate::rules::{Decision, RefusalCode, Refused, Violation};

fn kinds(d: &Decision) -> Vec<(MessageKind, Option<crate::ids::SeatId>)> {
    d.messages.iter().map(|m| (m.kind, m.seat)).collect()
}

fn codes(r: &Refused) -> Vec<RefusalCode> {
    r.violations.iter().map(Violation::code).collect()
}

/// An invited person moved to another team's seat gets a new invitation there, the old one is
/// withdrawn, they join the new team, and no rejection is recorded (they did not say no).
#[test]
fn an_invited_person_is_invited_to_the_new_seat_and_the_old_invitation_is_withdrawn() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (from, old_token) = invited(&fx.seat(&fx.day, eday()), &p);
    let mut to = fx.seat(&fx.day, eday());
    to.slot.team = fx.other_team;
    let bookings = [fx.booking(&from)];
    let person = PersonFacts {
        participant: &p,
        bookings: &bookings,
    };
    let d = move_holder(&early(), &fx.facts(&from), &fx.facts(&to), &person).unwrap();
    assert_eq!(put_seat(&d, from.id).state, SeatState::Vacant);
    match &put_seat(&d, to.id).state {
        SeatState::Invited {
            participant, token, ..
        } => {
            assert_eq!(*participant, p.id);
            assert_ne!(*token, old_token, "a new invitation code");
        }
        other => panic!("not invited: {other:?}"),
    }
    assert_eq!(
        kinds(&d),
        vec![
            (MessageKind::InvitationRetracted, Some(from.id)),
            (MessageKind::Invitation, Some(to.id)),
        ]
    );
    let joined = d.ops.iter().find_map(|op| match op {
        Op::Put(Record::Participant(q)) => Some(q),
        _ => None,
    });
    assert!(joined.is_some_and(|q| q.teams.contains(&fx.other_team)));
    assert!(
        !d.ops
            .iter()
            .any(|op| matches!(op, Op::Put(Record::Rejection(_)))),
        "no rejection"
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// An accepted person stays accepted (the way they first came on is kept), is told they left
/// the old task and registered for the new one; a member of the new seat's team is only
/// touched.
#[test]
fn an_accepted_person_stays_accepted_and_is_told_both_changes() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let mut from = accepted(&fx.seat(&fx.day, eday()), &p);
    if let SeatState::Accepted { via, .. } = &mut from.state {
        *via = AcceptedVia::OnBehalf;
    }
    let to = fx.seat(&fx.chair, eday());
    let bookings = [fx.booking(&from)];
    let person = PersonFacts {
        participant: &p,
        bookings: &bookings,
    };
    // The new task (07:00–21:00) overlaps the one left (08:00–17:00): that is no double booking.
    let d = move_holder(&early(), &fx.facts(&from), &fx.facts(&to), &person).unwrap();
    match &put_seat(&d, to.id).state {
        SeatState::Accepted {
            participant,
            via,
            accepted_at,
            ..
        } => {
            assert_eq!(*participant, p.id);
            assert_eq!(*via, AcceptedVia::OnBehalf);
            assert_eq!(*accepted_at, early().now);
        }
        other => panic!("not accepted: {other:?}"),
    }
    assert_eq!(
        kinds(&d),
        vec![
            (MessageKind::RemovedFromTask, Some(from.id)),
            (MessageKind::Registration, Some(to.id)),
        ]
    );
    assert!(d.ops.contains(&Op::Touch(RecordKey::Participant(p.id))));
}

/// A taken seat, a seat of another election, another task at the same time and a task that
/// took place are each refused, all at once.
#[test]
fn every_reason_against_the_new_seat_is_listed() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other = adult("0202802345", [fx.team]);
    let (from, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let mut taken = accepted(&fx.seat(&fx.count, eday()), &other);
    taken.slot.election = election(&fx.etype, [fx.location.id]).id;
    // The overnight count before election day overlaps the morning task on election day.
    let night = accepted(&fx.seat(&fx.count, d(2026, 6, 9)), &p);
    let morning = fx.seat(&fx.morning, eday());
    let bookings = [fx.booking(&from), fx.booking(&night)];
    let person = PersonFacts {
        participant: &p,
        bookings: &bookings,
    };
    let r = move_holder(&early(), &fx.facts(&from), &fx.facts(&taken), &person).unwrap_err();
    assert_eq!(
        codes(&r),
        vec![RefusalCode::OtherElection, RefusalCode::SeatNotVacant]
    );
    let r = move_holder(&early(), &fx.facts(&from), &fx.facts(&morning), &person).unwrap_err();
    assert_eq!(codes(&r), vec![RefusalCode::DoubleBooked]);
    let after = ctx_at(utc(2026, 6, 12, 10, 0));
    let later = fx.seat(&fx.day, d(2026, 6, 11));
    let r = move_holder(&after, &fx.facts(&from), &fx.facts(&later), &person).unwrap_err();
    assert_eq!(
        r.violations,
        vec![
            Violation::TaskInThePast { date: eday() },
            Violation::TaskInThePast {
                date: d(2026, 6, 11)
            },
        ]
    );
}

/// Inside the lock period an accepted task is not moved (the person answers a new invitation
/// instead); an unanswered invitation still is.
#[test]
fn an_accepted_task_inside_its_lock_period_is_not_moved() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let acc = accepted(&fx.seat(&fx.day, eday()), &p);
    let (inv, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let to = fx.seat(&fx.chair, eday());
    let locked = ctx_at(utc(2026, 6, 7, 10, 0));
    let person = PersonFacts {
        participant: &p,
        bookings: &[],
    };
    let r = move_holder(&locked, &fx.facts(&acc), &fx.facts(&to), &person).unwrap_err();
    match r.violations.as_slice() {
        [Violation::Locked { last_day, seat }] => {
            assert_eq!(*last_day, d(2026, 6, 5));
            assert_eq!(seat.as_ref().map(|s| s.seat), Some(acc.id));
        }
        other => panic!("{other:?}"),
    }
    assert!(move_holder(&locked, &fx.facts(&inv), &fx.facts(&to), &person).is_ok());
}

/// The person must still be eligible for the new seat; a vacant seat has nobody to move.
#[test]
fn an_ineligible_person_or_an_empty_seat_is_refused() {
    let fx = Fx::new();
    let mut p = adult("0101801234", [fx.team]);
    let (from, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let to = fx.seat(&fx.count, eday());
    p.person.deceased = true;
    let person = PersonFacts {
        participant: &p,
        bookings: &[],
    };
    let r = move_holder(&early(), &fx.facts(&from), &fx.facts(&to), &person).unwrap_err();
    assert!(
        r.violations
            .iter()
            .all(|v| matches!(v, Violation::Ineligible(_))),
        "{r:?}"
    );
    assert!(!r.violations.is_empty());
    let vacant = fx.seat(&fx.day, eday());
    let r = move_holder(&early(), &fx.facts(&vacant), &fx.facts(&to), &person).unwrap_err();
    assert_eq!(r.violations, vec![Violation::NotYourSeat]);
}
