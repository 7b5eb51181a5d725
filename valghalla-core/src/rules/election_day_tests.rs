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
    let r = offer_seat(
        &morning(),
        &seat,
        None,
        false,
        &[],
        SkippedReserves::default(),
    )
    .expect_err("refused");
    assert_eq!(
        codes(&r),
        [RefusalCode::NotANoShow, RefusalCode::NoReserves]
    );

    let (seat, attendance) = no_show_seat(&fx, &holder);
    let reserve = adult("0202802345", []);
    let r = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        true,
        &[reserve.id],
        SkippedReserves::default(),
    )
    .expect_err("already offered");
    assert_eq!(codes(&r), [RefusalCode::OfferOpen]);
    let (d, id) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[reserve.id],
        SkippedReserves::default(),
    )
    .expect("offered");
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
fn a_reserve_who_finds_the_seat_held_by_another_is_told_it_was_taken_first() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let a = adult("0202802345", []);
    let b = adult("0303802345", []);
    let (d, _) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[a.id, b.id],
        SkippedReserves::default(),
    )
    .expect("offered");
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written");
    };
    let token_a = offer.recipients[0].token.as_str().to_owned();
    let token_b = offer.recipients[1].token.as_str().to_owned();
    let taken = take(&fx, offer, &token_b, &attendance, &seat, &b, &[]).expect("b takes it");
    let held_by_b = crate::rules::lifecycle_tests::put_seat(&taken, seat.id).clone();
    // a reads the offer from before b's take, and the seat from after it.
    let late = take(&fx, offer, &token_a, &attendance, &held_by_b, &a, &[]).expect_err("filled");
    assert_eq!(codes(&late), [RefusalCode::OfferTaken]);
}

#[test]
fn the_taker_gets_the_seat_joins_its_team_and_the_others_are_told_it_is_filled() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let a = adult("0202802345", []);
    let b = adult("0303802345", []);
    let (d, _) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[a.id, b.id],
        SkippedReserves::default(),
    )
    .expect("offered");
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
        SkippedReserves::default(),
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
fn the_reserves_offered_a_seat_are_the_eligible_and_free_ones_and_the_others_are_counted() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let young = adult("0101104321", []); // 16 on election day
    let busy = adult("0202802345", []);
    let free = adult("0303802345", []);
    let elsewhere = [fx.booking(&accepted(&fx.seat(&fx.chair, eday()), &busy))];
    let persons = [
        PersonFacts {
            participant: &holder,
            bookings: &[],
        },
        PersonFacts {
            participant: &young,
            bookings: &[],
        },
        PersonFacts {
            participant: &busy,
            bookings: &elsewhere,
        },
        PersonFacts {
            participant: &free,
            bookings: &[],
        },
    ];
    let no_show = no_show_of(&seat, Some(&attendance));
    assert_eq!(no_show, Some(holder.id));
    let (offered, skipped) = screen_reserves(&fx.facts(&seat), no_show, &persons);
    assert_eq!(offered, [free.id], "only the free, eligible reserve");
    assert_eq!(
        skipped,
        SkippedReserves {
            ineligible: 1,
            busy: 1
        }
    );
    assert_eq!(
        skipped.message_da(),
        "1 er ikke valgbar til opgaven, 1 har en anden opgave på det tidspunkt"
    );
    // Everyone who is offered the seat can take it.
    let (d, _) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &offered,
        skipped,
    )
    .expect("offered");
    assert_eq!(d.messages.len(), 1);
    let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
        panic!("offer written");
    };
    take(
        &fx,
        offer,
        offer.recipients[0].token.as_str(),
        &attendance,
        &seat,
        &free,
        &[],
    )
    .expect("the free reserve takes it");
}

#[test]
fn an_offer_no_reserve_may_take_is_refused_saying_how_many_were_skipped_and_why() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let skipped = SkippedReserves {
        ineligible: 2,
        busy: 1,
    };
    let r = offer_seat(&morning(), &seat, Some(&attendance), false, &[], skipped)
        .expect_err("nobody to offer it to");
    assert_eq!(codes(&r), [RefusalCode::NoReserves]);
    assert_eq!(
        r.violations,
        [Violation::NoReserves { skipped }],
        "the refusal carries the counts"
    );
    let text = crate::values::DanishMessage::message_da(&r.violations[0]);
    assert!(
        text.contains("2 er ikke valgbare til opgaven, 1 har en anden opgave på det tidspunkt"),
        "{text}"
    );
    let none = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[],
        SkippedReserves::default(),
    )
    .expect_err("no reserves at all");
    let text = crate::values::DanishMessage::message_da(&none.violations[0]);
    assert!(text.contains("Ingen reserver står til rådighed"), "{text}");
}

#[test]
fn a_no_show_who_turns_up_after_all_keeps_the_seat() {
    let fx = Fx::new();
    let holder = adult("0101801234", [fx.team]);
    let (seat, attendance) = no_show_seat(&fx, &holder);
    let a = adult("0202802345", []);
    let (d, _) = offer_seat(
        &morning(),
        &seat,
        Some(&attendance),
        false,
        &[a.id],
        SkippedReserves::default(),
    )
    .expect("offered");
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
        let (d, _) = offer_seat(&morning(), &seat, Some(&attendance), false, &ids, SkippedReserves::default()).expect("offered");
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

    /// Whatever the day's reserves are (eligible or too young, free or busy at the task's
    /// time), each is either offered the seat or counted as skipped, and every one offered
    /// could take it — nobody is sent a take link that would refuse them.
    #[test]
    fn every_reserve_offered_a_seat_could_take_it(
        kinds in prop::collection::vec(0u8..4, 1..10),
    ) {
        let fx = Fx::new();
        let holder = adult("0101801234", [fx.team]);
        let (seat, attendance) = no_show_seat(&fx, &holder);
        let elsewhere = accepted(&fx.seat(&fx.chair, eday()), &holder);
        let busy_booking = [fx.booking(&elsewhere)];
        let people: Vec<(Participant, bool)> = kinds
            .iter()
            .map(|k| {
                let cpr = if k & 1 == 1 { "0101104321" } else { "0202802345" };
                (adult(cpr, []), k & 2 == 2)
            })
            .collect();
        let persons: Vec<PersonFacts<'_>> = people
            .iter()
            .map(|(p, busy)| PersonFacts {
                participant: p,
                bookings: if *busy { &busy_booking[..] } else { &[] },
            })
            .collect();
        let no_show = no_show_of(&seat, Some(&attendance));
        let (offered, skipped) = screen_reserves(&fx.facts(&seat), no_show, &persons);
        prop_assert_eq!(offered.len() + skipped.total() as usize, people.len());
        let expect_ineligible = kinds.iter().filter(|k| *k & 1 == 1).count();
        prop_assert_eq!(skipped.ineligible as usize, expect_ineligible);
        if offered.is_empty() {
            return Ok(());
        }
        let (d, _) = offer_seat(&morning(), &seat, Some(&attendance), false, &offered, skipped)
            .expect("offered");
        let Some(Op::Put(Record::SeatOffer(offer))) = d.ops.first() else {
            panic!("offer written");
        };
        for r in &offer.recipients {
            let (who, busy) = people
                .iter()
                .find(|(p, _)| p.id == r.participant)
                .expect("a reserve");
            let bookings: &[Booking] = if *busy { &busy_booking } else { &[] };
            prop_assert!(
                take(&fx, offer, r.token.as_str(), &attendance, &seat, who, bookings).is_ok(),
                "an offered reserve can take the seat"
            );
        }
    }
}
