//! Unit and property tests of the election-day rules: attendance, reserves, offers.

use proptest::prelude::*;

use super::*;
use crate::model::AcceptedVia;
use crate::rules::RefusalCode;
use crate::rules::booking::Booking;
use crate::rules::lifecycle_tests::{Fx, accepted, adult, ctx_at, eday, utc};

/// 10 June 2026, 09:00 in Copenhagen (07:00 UTC): election morning.
fn morning() -> Ctx {
    ctx_at(utc(2026, 6, 10, 7, 0))
}

fn window(fx: &Fx, seat: &Seat) -> TimeWindow {
    fx.task_type_of(seat).window.on(seat.slot.date)
}

fn written_attendance(d: &Decision) -> &Attendance {
    d.ops
        .iter()
        .find_map(|op| match op {
            Op::Put(Record::Attendance(a)) => Some(a),
            _ => None,
        })
        .expect("attendance written")
}

fn codes(r: &Refused) -> Vec<RefusalCode> {
    r.violations.iter().map(Violation::code).collect()
}

fn no_show_seat(fx: &Fx, who: &Participant) -> (Seat, Attendance) {
    let seat = accepted(&fx.seat(&fx.day, eday()), who);
    let d = record_attendance(
        &morning(),
        &seat,
        window(fx, &seat),
        None,
        who.id,
        AttendanceStatus::NotArrived,
    )
    .expect("recorded");
    (seat, written_attendance(&d).clone())
}

#[test]
fn attendance_is_recorded_for_the_holder_on_the_day_and_audited() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let d = record_attendance(
        &morning(),
        &seat,
        window(&fx, &seat),
        None,
        p.id,
        AttendanceStatus::Arrived,
    )
    .expect("recorded");
    let a = written_attendance(&d);
    assert_eq!(a.seat, seat.id);
    assert_eq!(
        a.of(p.id).map(|e| e.status),
        Some(AttendanceStatus::Arrived)
    );
    crate::rules::lifecycle_tests::assert_audited_without_cpr(&d, &[&p.cpr]);

    // The same again changes nothing; a change replaces the entry.
    let same = record_attendance(
        &morning(),
        &seat,
        window(&fx, &seat),
        Some(a),
        p.id,
        AttendanceStatus::Arrived,
    )
    .expect("same");
    assert_eq!(same, Decision::default());
    let left = utc(2026, 6, 10, 12, 30);
    let d2 = record_attendance(
        &morning(),
        &seat,
        window(&fx, &seat),
        Some(a),
        p.id,
        AttendanceStatus::LeftEarly { at: left },
    )
    .expect("left early");
    let a2 = written_attendance(&d2);
    assert_eq!(a2.entries.len(), 1);
    assert_eq!(
        a2.of(p.id).map(|e| e.status),
        Some(AttendanceStatus::LeftEarly { at: left })
    );
}

#[test]
fn attendance_is_refused_before_the_day_for_strangers_and_outside_the_task() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let stranger = adult("0202802345", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let the_day_before = ctx_at(utc(2026, 6, 9, 7, 0));
    let r = record_attendance(
        &the_day_before,
        &seat,
        window(&fx, &seat),
        None,
        stranger.id,
        AttendanceStatus::LeftEarly {
            at: utc(2026, 6, 10, 20, 0),
        },
    )
    .expect_err("refused");
    assert_eq!(
        codes(&r),
        [
            RefusalCode::NotTheDay,
            RefusalCode::NotExpected,
            RefusalCode::LeftOutsideTask
        ]
    );
}

#[test]
fn a_reserve_signs_up_once_per_day_inside_the_working_period() {
    let fx = Fx::new();
    let p = adult("0101801234", []);
    let d = sign_up_reserve(&morning(), &p, None, &fx.election, eday()).expect("signed up");
    let Some(Op::Put(Record::Reserve(r))) = d.ops.first() else {
        panic!("reserve written: {d:?}");
    };
    assert!(r.stands_by(fx.election.id, eday()));
    assert_eq!(
        sign_up_reserve(&morning(), &p, Some(r), &fx.election, eday()).expect("again"),
        Decision::default()
    );
    let outside = crate::rules::lifecycle_tests::d(2026, 7, 1);
    let refused = sign_up_reserve(&morning(), &p, None, &fx.election, outside).expect_err("no");
    assert_eq!(codes(&refused), [RefusalCode::DateOutsidePeriod]);
    let withdrawn = withdraw_reserve(&morning(), p.id, Some(r), fx.election.id, eday());
    let Some(Op::Put(Record::Reserve(after))) = withdrawn.ops.first() else {
        panic!("reserve written: {withdrawn:?}");
    };
    assert!(!after.stands_by(fx.election.id, eday()));
}

#[test]
fn only_a_recorded_no_shows_seat_is_offered_on_the_day_to_someone() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &holder);
    let r = offer_seat(&morning(), &seat, None, false, &[]).expect_err("refused");
    assert_eq!(
        codes(&r),
        [RefusalCode::NotANoShow, RefusalCode::NoReserves]
    );

    let (seat, attendance) = no_show_seat(&fx, &holder);
    let reserve = adult("0202802345", []);
    let r = offer_seat(&morning(), &seat, Some(&attendance), true, &[reserve.id])
        .expect_err("already offered");
    assert_eq!(codes(&r), [RefusalCode::OfferOpen]);
    let (d, id) =
        offer_seat(&morning(), &seat, Some(&attendance), false, &[reserve.id]).expect("offered");
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written: {d:?}");
    };
    assert_eq!(offer.id, id);
    assert_eq!(offer.no_show, holder.id);
    assert_eq!(d.messages.len(), 1);
    assert_eq!(d.messages[0].kind, MessageKind::SeatOffered);
    assert_eq!(d.messages[0].participant, reserve.id);
}

/// What taking an offer needs besides the offer: the seat's facts and the reserve's bookings.
fn take(
    fx: &Fx,
    offer: &SeatOffer,
    token: &str,
    attendance: &Attendance,
    seat: &Seat,
    who: &Participant,
    bookings: &[Booking],
) -> Result<Decision, Refused> {
    take_offer(
        &morning(),
        offer,
        token,
        Some(attendance),
        &fx.facts(seat),
        &PersonFacts {
            participant: who,
            bookings,
        },
    )
}

#[test]
fn the_taker_gets_the_seat_joins_its_team_and_the_others_are_told_it_is_filled() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let a = adult("0202802345", []);
    let b = adult("0303802345", []);
    let (d, _) =
        offer_seat(&morning(), &seat, Some(&attendance), false, &[a.id, b.id]).expect("offered");
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written");
    };
    let token_b = offer.recipients[1].token.as_str().to_owned();
    // a's link is not b's.
    let wrong = take(&fx, offer, &token_b, &attendance, &seat, &a, &[]).expect_err("not a's link");
    assert_eq!(codes(&wrong), [RefusalCode::NotOffered]);

    let d = take(&fx, offer, &token_b, &attendance, &seat, &b, &[]).expect("taken");
    let s = crate::rules::lifecycle_tests::put_seat(&d, seat.id);
    assert!(
        matches!(s.state, SeatState::Accepted { participant, via: AcceptedVia::Reserve, .. }
        if participant == b.id)
    );
    assert!(d.ops.iter().any(
        |op| matches!(op, Op::Put(Record::Participant(p)) if p.id == b.id && p.teams.contains(&fx.team))
    ));
    let kinds: Vec<(MessageKind, ParticipantId)> =
        d.messages.iter().map(|m| (m.kind, m.participant)).collect();
    assert!(kinds.contains(&(MessageKind::Registration, b.id)));
    assert!(kinds.contains(&(MessageKind::OfferFilled, a.id)));
    // The no-show stays recorded: nothing here touches the attendance.
    assert!(
        !d.ops
            .iter()
            .any(|op| matches!(op, Op::Put(Record::Attendance(_))))
    );
}

#[test]
fn a_reserve_who_is_busy_or_ineligible_is_refused_by_occupy() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    // Born 2010: 16 on election day, too young for a folketingsvalg.
    let young = adult("0101104321", []);
    let busy = adult("0202802345", []);
    let (d, _) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[young.id, busy.id],
    )
    .expect("offered");
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written");
    };
    let r = take(
        &fx,
        offer,
        offer.recipients[0].token.as_str(),
        &attendance,
        &seat,
        &young,
        &[],
    )
    .expect_err("too young");
    assert!(
        r.violations
            .iter()
            .any(|v| matches!(v, Violation::Ineligible(_)))
    );
    let other = accepted(&fx.seat(&fx.chair, eday()), &busy);
    let r = take(
        &fx,
        offer,
        offer.recipients[1].token.as_str(),
        &attendance,
        &seat,
        &busy,
        &[fx.booking(&other)],
    )
    .expect_err("double booked");
    assert_eq!(codes(&r), [RefusalCode::DoubleBooked]);
}

#[test]
fn a_no_show_who_turns_up_after_all_keeps_the_seat() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let a = adult("0202802345", []);
    let (d, _) = offer_seat(&morning(), &seat, Some(&attendance), false, &[a.id]).expect("offered");
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written");
    };
    let late = record_attendance(
        &morning(),
        &seat,
        window(&fx, &seat),
        Some(&attendance),
        holder.id,
        AttendanceStatus::Arrived,
    )
    .expect("arrived late");
    let arrived = written_attendance(&late);
    let r = take(
        &fx,
        offer,
        offer.recipients[0].token.as_str(),
        arrived,
        &seat,
        &a,
        &[],
    )
    .expect_err("no longer missing");
    assert_eq!(codes(&r), [RefusalCode::NotANoShow]);
}

proptest! {
    /// However the reserves' attempts are ordered (each deciding on the offer and the seat as
    /// the previous successful attempt left them), exactly one takes the seat; every other
    /// attempt is refused as taken, and the winner taking it again changes nothing.
    #[test]
    fn exactly_one_reserve_takes_an_offered_seat(
        n in 1usize..8,
        order in prop::collection::vec(0usize..8, 1..24),
    ) {
        let fx = Fx::new();
        let holder = adult("0101801234", [fx.team]);
        let (mut seat, attendance) = no_show_seat(&fx, &holder);
        let reserves: Vec<Participant> = (0..n).map(|_| adult("0202802345", [])).collect();
        let ids: Vec<ParticipantId> = reserves.iter().map(|r| r.id).collect();
        let (d, _) = offer_seat(&morning(), &seat, Some(&attendance), false, &ids).expect("offered");
        let Some(Op::Put(Record::SeatOffer(first))) = d.ops.first() else {
            panic!("offer written");
        };
        let mut offer = first.clone();
        let mut takers = Vec::new();
        for i in order.into_iter().map(|i| i % n) {
            let token = offer.recipients[i].token.as_str().to_owned();
            match take(&fx, &offer, &token, &attendance, &seat, &reserves[i], &[]) {
                Ok(d) if d == Decision::default() => {
                    prop_assert_eq!(takers.last(), Some(&reserves[i].id));
                }
                Ok(d) => {
                    takers.push(reserves[i].id);
                    seat = crate::rules::lifecycle_tests::put_seat(&d, seat.id).clone();
                    offer = d.ops.iter().find_map(|op| match op {
                        Op::Put(Record::SeatOffer(o)) => Some(o.clone()),
                        _ => None,
                    }).expect("offer written");
                }
                Err(r) => prop_assert_eq!(codes(&r), vec![RefusalCode::OfferTaken]),
            }
        }
        prop_assert_eq!(takers.len(), 1);
        prop_assert_eq!(seat.state.participant(), takers.first().copied());
    }
}
