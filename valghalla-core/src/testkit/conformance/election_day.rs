//! Election day through the service on the store: attendance, reserves, an offer of a no-show's
//! seat taken by exactly one reserve, and the payroll from what happened — stored and read back
//! as every store must.

use chrono::{TimeZone, Utc};

use crate::Cpr;
use crate::ids::OfferId;
use crate::messages::MessageKind;
use crate::model::{
    AcceptedVia, AttendanceStatus, Participant, Record, RecordKind, Seat, SeatState,
};
use crate::rules::lifecycle::Answer;
use crate::rules::{RefusalCode, SkippedReserves};
use crate::service::NewParticipant;
use crate::service::take_link;
use crate::store::{DynStore, OutboxFilter, Query};
use crate::testkit::FakeRegistry;
use crate::testkit::scenario::{Scenario, election_day, municipality_code};
use crate::values::DanishMessage;

/// 17 November 2026, 07:45 in Copenhagen: election morning.
fn set_morning(s: &Scenario) {
    s.clock.set(
        Utc.with_ymd_and_hms(2026, 11, 17, 6, 45, 0)
            .single()
            .expect("instant"),
    );
}

/// A seat at station 0 (Tilforordnet, party A) accepted by a new person.
async fn held_seat(s: &Scenario, first: &str, station: usize) -> (Seat, Participant) {
    let slot = s.slot(station, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 1).await;
    let seat = seats[0].clone();
    let p = s.person(first, "Holm", 0).await;
    s.svc.invite(&s.admin, seat.id, p.id).await.expect("invite");
    s.svc
        .answer_on_behalf(&s.admin, seat.id, Answer::Accept, None)
        .await
        .expect("accept");
    (seat, p)
}

async fn seat_now(s: &Scenario, seat: &Seat) -> Seat {
    match s
        .store
        .get(crate::model::RecordKey::Seat(seat.id))
        .await
        .expect("get")
        .map(|v| v.value)
    {
        Some(Record::Seat(x)) => x,
        other => panic!("seat: {other:?}"),
    }
}

/// Signs `n` new people up as reserves on election day (the first through their own login,
/// the others by the secretariat).
async fn reserves(s: &Scenario, n: usize) -> Vec<Participant> {
    let mut out = Vec::new();
    for i in 0..n {
        let r = s.person(&format!("Reserve{i}"), "Lund", 2).await;
        let by = if i == 0 {
            Scenario::citizen(&r)
        } else {
            s.admin.clone()
        };
        s.svc
            .sign_up_reserve(&by, r.id, s.election.id, election_day())
            .await
            .expect("reserve");
        out.push(r);
    }
    out
}

/// The take-link code the offer's message to `p` carries.
async fn token_for(s: &Scenario, offer: OfferId, p: &Participant) -> String {
    let messages = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(p.id),
            ..Default::default()
        })
        .await
        .expect("outbox");
    let prefix = take_link("http://127.0.0.1:8080", offer, "");
    messages
        .iter()
        .filter(|m| m.kind == MessageKind::SeatOffered)
        .filter_map(|m| m.facts.get("invitation"))
        .find_map(|link| link.strip_prefix(&prefix))
        .expect("a message with this offer's take link")
        .to_owned()
}

/// An election morning: a no-show is recorded, their seat offered to the day's two reserves,
/// one takes it and the other is told it is filled (and is refused if they try); the no-show
/// stays recorded on the board and in the payroll, unpaid, and the reserve is paid.
pub async fn an_election_morning_through_the_service(store: DynStore) {
    let s = Scenario::new(store).await;
    let (seat, absent) = held_seat(&s, "Ida", 0).await;
    let (other, present) = held_seat(&s, "Bo", 1).await;
    let rs = reserves(&s, 2).await;
    // Before the day: no attendance, no offer.
    let early = s
        .svc
        .record_attendance(&s.admin, seat.id, absent.id, AttendanceStatus::NotArrived)
        .await
        .expect_err("not the day");
    assert!(early.is_refused(RefusalCode::NotTheDay), "{early}");
    set_morning(&s);
    s.svc
        .record_attendance(&s.admin, other.id, present.id, AttendanceStatus::Arrived)
        .await
        .expect("arrived");
    let none = s
        .svc
        .offer_seat(&s.admin, seat.id)
        .await
        .expect_err("no no-show");
    assert!(none.is_refused(RefusalCode::NotANoShow), "{none}");
    s.svc
        .record_attendance(&s.admin, seat.id, absent.id, AttendanceStatus::NotArrived)
        .await
        .expect("not arrived");
    let offer = s
        .svc
        .offer_seat(&s.admin, seat.id)
        .await
        .expect("offered")
        .offer;
    let again = s.svc.offer_seat(&s.admin, seat.id).await.expect_err("once");
    assert!(again.is_refused(RefusalCode::OfferOpen), "{again}");

    let (first, second) = (&rs[0], &rs[1]);
    let t1 = token_for(&s, offer, first).await;
    let t2 = token_for(&s, offer, second).await;
    let view = s
        .svc
        .offer_view(&crate::rules::access::Actor::Anonymous, offer, &t2)
        .await
        .expect("the take link opens");
    assert!(!view.taken);
    s.svc
        .take_offered_seat(&Scenario::citizen(second), offer, &t2)
        .await
        .expect("taken");
    let late = s
        .svc
        .take_offered_seat(&Scenario::citizen(first), offer, &t1)
        .await
        .expect_err("filled");
    assert!(late.is_refused(RefusalCode::OfferTaken), "{late}");
    assert!(matches!(seat_now(&s, &seat).await.state,
        SeatState::Accepted { participant, via: AcceptedVia::Reserve, .. } if participant == second.id));
    // Under the fixed clock both messages have the same instant: their order is the store's.
    let mut told: Vec<MessageKind> = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(first.id),
            ..Default::default()
        })
        .await
        .expect("outbox")
        .iter()
        .map(|m| m.kind)
        .collect();
    told.sort();
    assert_eq!(told, [MessageKind::SeatOffered, MessageKind::OfferFilled]);

    // The board: the no-show stays recorded beside the reserve who took the seat.
    let board = s
        .svc
        .station_board(&s.admin, s.election.id, s.stations[0].id, election_day())
        .await
        .expect("board");
    assert_eq!(board.counts.expected, 1);
    assert_eq!(board.counts.unrecorded, 1);
    let ida = board
        .rows
        .iter()
        .find(|r| r.participant == absent.id)
        .expect("the no-show is on the board");
    assert_eq!(ida.status, Some(AttendanceStatus::NotArrived));
    assert!(!ida.holds_seat);
    assert!(
        board
            .rows
            .iter()
            .any(|r| r.participant == second.id && r.reserve)
    );
    let overview = s
        .svc
        .attendance_overview(&s.admin, s.election.id, election_day())
        .await
        .expect("overview");
    assert_eq!(overview.len(), 3);
    assert_eq!(overview.iter().map(|c| c.counts.arrived).sum::<u32>(), 1);

    // The payroll: the reserve paid, the no-show listed unpaid.
    let table = s
        .svc
        .export_payroll(&s.admin, s.election.id, false)
        .await
        .expect("payroll");
    assert!(table.headers.iter().any(|h| h == "Fremmøde"));
    let row_of = |name: &str| {
        table
            .rows
            .iter()
            .find(|r| r.cells.first().is_some_and(|c| c.starts_with(name)) && r.cells[3] != "I alt")
            .unwrap_or_else(|| panic!("{name} on the payroll: {:?}", table.rows))
            .cells
            .clone()
    };
    let ida = row_of("Ida");
    assert_eq!(ida[4], "Ikke mødt");
    assert_eq!(ida[6], crate::values::Ore(0).to_string());
    let reserve = row_of(&second.person.first_name);
    assert_eq!(reserve[5], "Ja");
    assert_ne!(reserve[6], crate::values::Ore(0).to_string());

    // Every record of the day reads back from the store.
    for kind in [
        RecordKind::Attendance,
        RecordKind::Reserve,
        RecordKind::SeatOffer,
    ] {
        let stored = s.store.query(&Query::All(kind)).await.expect("query");
        assert!(!stored.is_empty(), "{kind:?} stored");
    }
}

/// Only the reserves who may take a no-show's seat are offered it: one too young for the task
/// and one busy at its time are skipped — not messaged — and counted by why; when nobody is
/// left, the refusal says how many were skipped and why.
pub async fn only_reserves_who_may_take_a_seat_are_offered_it(store: DynStore) {
    let s = Scenario::new(store).await;
    let (seat, absent) = held_seat(&s, "Eva", 0).await;
    let (second, also_absent) = held_seat(&s, "Finn", 2).await;
    let free = reserves(&s, 1).await.remove(0);
    // Born 2010: 16 on election day, too young for a folketingsvalg's tilforordnet.
    let cpr = Cpr::parse("0101104321").expect("CPR");
    s.registry.insert(
        cpr,
        FakeRegistry::resident(&cpr, "Unge", "Lund", municipality_code()),
    );
    let young = s
        .svc
        .create_participant(
            &s.admin,
            NewParticipant {
                cpr,
                contact: Default::default(),
                teams: [s.teams[2].id].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            },
        )
        .await
        .expect("participant");
    // Holding a seat at another station at the same time.
    let (_, busy) = held_seat(&s, "Travl", 1).await;
    for p in [&young, &busy] {
        s.svc
            .sign_up_reserve(&s.admin, p.id, s.election.id, election_day())
            .await
            .expect("reserve");
    }
    set_morning(&s);
    for (seat, who) in [(&seat, &absent), (&second, &also_absent)] {
        s.svc
            .record_attendance(&s.admin, seat.id, who.id, AttendanceStatus::NotArrived)
            .await
            .expect("not arrived");
    }
    let offered = s.svc.offer_seat(&s.admin, seat.id).await.expect("offered");
    let skipped = SkippedReserves {
        ineligible: 1,
        busy: 1,
    };
    assert_eq!((offered.sent_to, offered.skipped), (1, skipped));
    let offers = s
        .store
        .outbox(&OutboxFilter::default())
        .await
        .expect("outbox");
    let messaged: Vec<_> = offers
        .iter()
        .filter(|m| m.kind == MessageKind::SeatOffered)
        .map(|m| m.participant)
        .collect();
    assert_eq!(messaged, [free.id], "only the reserve who may take it");
    // The free reserve stands by no more: nobody is left for the second seat.
    s.svc
        .withdraw_reserve(&s.admin, free.id, s.election.id, election_day())
        .await
        .expect("withdrawn");
    let none = s
        .svc
        .offer_seat(&s.admin, second.id)
        .await
        .expect_err("nobody to offer it to");
    assert!(none.is_refused(RefusalCode::NoReserves), "{none}");
    assert!(
        none.message_da()
            .contains("1 er ikke valgbar til opgaven, 1 har en anden opgave på det tidspunkt"),
        "{}",
        none.message_da()
    );
}

/// Sixteen reserves race to take one offered seat: exactly one gets it, every other is told
/// it is filled, and the seat holds the winner.
pub async fn concurrent_reserves_take_an_offered_seat_once(store: DynStore) {
    let s = Scenario::new(store).await;
    let (seat, absent) = held_seat(&s, "Ida", 0).await;
    let rs = reserves(&s, 16).await;
    set_morning(&s);
    s.svc
        .record_attendance(&s.admin, seat.id, absent.id, AttendanceStatus::NotArrived)
        .await
        .expect("not arrived");
    let offer = s
        .svc
        .offer_seat(&s.admin, seat.id)
        .await
        .expect("offered")
        .offer;
    let mut handles = Vec::new();
    for r in &rs {
        let (svc, actor, token) = (
            s.svc.clone(),
            Scenario::citizen(r),
            token_for(&s, offer, r).await,
        );
        let id = r.id;
        handles.push(tokio::spawn(async move {
            (id, svc.take_offered_seat(&actor, offer, &token).await)
        }));
    }
    let mut winners = Vec::new();
    for h in handles {
        match h.await.expect("task") {
            (id, Ok(())) => winners.push(id),
            (_, Err(e)) => assert!(e.is_refused(RefusalCode::OfferTaken), "unexpected: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one taker");
    assert_eq!(
        seat_now(&s, &seat).await.state.participant(),
        Some(winners[0])
    );
}

/// One reserve takes two offered seats at overlapping times at once: they get at most one
/// (no double booking).
pub async fn a_reserve_racing_for_two_overlapping_seats_gets_one(store: DynStore) {
    let s = Scenario::new(store).await;
    let (a, pa) = held_seat(&s, "Ida", 0).await;
    let (b, pb) = held_seat(&s, "Bo", 1).await;
    let rs = reserves(&s, 1).await;
    set_morning(&s);
    let mut offers = Vec::new();
    for (seat, p) in [(&a, &pa), (&b, &pb)] {
        s.svc
            .record_attendance(&s.admin, seat.id, p.id, AttendanceStatus::NotArrived)
            .await
            .expect("not arrived");
        offers.push(
            s.svc
                .offer_seat(&s.admin, seat.id)
                .await
                .expect("offered")
                .offer,
        );
    }
    let mut handles = Vec::new();
    for offer in offers {
        let (svc, actor) = (s.svc.clone(), Scenario::citizen(&rs[0]));
        let token = token_for(&s, offer, &rs[0]).await;
        handles.push(tokio::spawn(async move {
            svc.take_offered_seat(&actor, offer, &token).await
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(()) => ok += 1,
            Err(e) => assert!(e.is_refused(RefusalCode::DoubleBooked), "unexpected: {e}"),
        }
    }
    assert_eq!(ok, 1);
    let held = s
        .store
        .query(&Query::SeatsOfParticipant(rs[0].id))
        .await
        .expect("q");
    assert_eq!(held.len(), 1);
}

/// Who may not record attendance or take someone else's offer changes nothing.
pub async fn election_day_commands_are_authorised(store: DynStore) {
    let s = Scenario::new(store).await;
    let (seat, absent) = held_seat(&s, "Ida", 0).await;
    let rs = reserves(&s, 1).await;
    set_morning(&s);
    let stranger = Scenario::citizen(&rs[0]);
    let denied = s
        .svc
        .record_attendance(&stranger, seat.id, absent.id, AttendanceStatus::NotArrived)
        .await
        .expect_err("a reserve does not run the station");
    assert!(
        matches!(denied, crate::service::Error::Denied(_)),
        "{denied}"
    );
    let reader = crate::rules::access::Actor::Secretariat {
        user: "læser".into(),
        role: crate::rules::access::StaffRole::Reader,
    };
    assert!(
        s.svc
            .station_board(&reader, s.election.id, s.stations[0].id, election_day())
            .await
            .is_ok()
    );
    assert!(
        s.svc
            .record_attendance(&reader, seat.id, absent.id, AttendanceStatus::Arrived)
            .await
            .is_err()
    );
    assert!(
        s.svc
            .sign_up_reserve(&stranger, absent.id, s.election.id, election_day())
            .await
            .is_err()
    );
    for kind in [RecordKind::Attendance, RecordKind::SeatOffer] {
        assert!(
            s.store
                .query(&Query::All(kind))
                .await
                .expect("q")
                .is_empty()
        );
    }
}
