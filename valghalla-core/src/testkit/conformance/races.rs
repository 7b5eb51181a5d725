//! Races through the service: concurrent commands on one slot, one person and one team
//! never double-book and lose no update.

use super::{area, one, put, version};
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::cpr::Cpr;
use crate::ids::ParticipantId;
use crate::model::{Record, RecordKey, SeatState};
use crate::rules::RefusalCode;
use crate::service::SeatRef;
use crate::store::{DynStore, Expect, Query};
use crate::testkit::generator::{Dataset, Spec};
use crate::testkit::scenario::{Scenario, election_day};
use crate::values::Name;

/// 32 tasks race to take the 8 seats of one slot: exactly 8 succeed, the rest are told no seat
/// is free, and no seat holds two people.
pub async fn concurrent_takers_fill_exactly_the_free_seats(store: DynStore) {
    let s = Scenario::new(store).await;
    let slot = s.slot(0, &s.tilforordnet, 2, election_day());
    s.seats(slot, 8).await;
    let mut people = Vec::new();
    for i in 0..32 {
        people.push(s.person(&format!("Frivillig{i}"), "Hansen", 2).await);
    }
    let mut handles = Vec::new();
    for p in people {
        let svc = s.svc.clone();
        handles.push(tokio::spawn(async move {
            svc.take_seat(&Scenario::citizen(&p), SeatRef::AnyIn(slot), None)
                .await
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert!(e.is_refused(RefusalCode::NoVacantSeat), "unexpected: {e}"),
        }
    }
    assert_eq!(ok, 8);
    let seats = s.slot_seats(slot).await;
    let holders: BTreeSet<_> = seats.iter().filter_map(|x| x.state.participant()).collect();
    assert_eq!(holders.len(), 8);
    assert!(
        seats
            .iter()
            .all(|x| matches!(x.state, SeatState::Accepted { .. }))
    );
}

/// 16 tasks race to put one person into 16 overlapping seats: exactly one succeeds.
pub async fn concurrent_bookings_of_one_person_admit_one(store: DynStore) {
    let s = Scenario::new(store).await;
    let day = election_day();
    let mut seats = Vec::new();
    for station in 0..3 {
        for (tt, team) in [
            (&s.tilforordnet, 0),
            (&s.valgstyrer, 0),
            (&s.tilforordnet, 1),
        ] {
            seats.extend(s.seats(s.slot(station, tt, team, day), 2).await);
        }
    }
    seats.truncate(16);
    assert_eq!(seats.len(), 16);
    let p = s.person("Karen", "Jensen", 0).await;
    let mut handles = Vec::new();
    for seat in &seats {
        let (svc, admin, id, pid) = (s.svc.clone(), s.admin.clone(), seat.id, p.id);
        handles.push(tokio::spawn(async move {
            svc.invite(&admin, id, pid).await.map(|_| ())
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
        .query(&Query::SeatsOfParticipant(p.id))
        .await
        .expect("q");
    assert_eq!(held.len(), 1);
}

/// Concurrent edits of the same team lose no update: six secretaries granted at once are all
/// responsible afterwards (each command reads the team, adds one, and writes it back).
pub async fn concurrent_edits_lose_no_update(store: DynStore) {
    let s = Scenario::new(store).await;
    let mut people = Vec::new();
    for i in 0..6 {
        people.push(s.person(&format!("Sekretær{i}"), "Holm", 0).await.id);
    }
    let mut handles = Vec::new();
    for p in people.clone() {
        let (svc, admin, team) = (s.svc.clone(), s.admin.clone(), s.teams[0].id);
        handles.push(tokio::spawn(async move {
            svc.set_team_responsible(&admin, team, p, Some(crate::model::LocationScope::All))
                .await
        }));
    }
    for h in handles {
        h.await.expect("task").expect("grant");
    }
    let team = s
        .svc
        .teams(&s.admin)
        .await
        .expect("teams")
        .into_iter()
        .find(|t| t.id == s.teams[0].id)
        .expect("team");
    assert_eq!(team.responsibles.keys().copied().collect::<Vec<_>>(), {
        let mut p = people;
        p.sort();
        p
    });
}

/// The store's own races: of 32 writers of one record at one version exactly one wins; of 32
/// inserts of one key and of 32 new participants claiming one CPR number, exactly one each.
pub async fn racing_writers_of_one_version_have_one_winner(store: DynStore) {
    let data = Dataset::generate(&Spec::small(), 5);
    store.apply(data.change_set()).await.expect("load");
    let existing = area("start");
    let key = RecordKey::Area(existing.id);
    store
        .apply(one(put(Record::Area(existing.clone()), Expect::Absent)))
        .await
        .expect("insert");
    let new_key = crate::ids::AreaId::new();
    let cpr = Cpr::parse("0505801234").expect("cpr");
    let mut tasks = Vec::new();
    for i in 0..32 {
        let store = Arc::clone(&store);
        let (mut renamed, mut inserted) = (existing.clone(), area(&format!("w{i}")));
        renamed.name = Name::parse(&format!("writer {i}")).expect("name");
        inserted.id = new_key;
        let mut claimant = data.participants[0].clone();
        claimant.id = ParticipantId::new();
        claimant.cpr = cpr;
        tasks.push(tokio::spawn(async move {
            let update = store
                .apply(one(put(Record::Area(renamed), Expect::Version(1))))
                .await;
            let insert = store
                .apply(one(put(Record::Area(inserted), Expect::Absent)))
                .await;
            let claim = store
                .apply(one(put(Record::Participant(claimant), Expect::Absent)))
                .await;
            [update, insert, claim]
        }));
    }
    let mut won = [0; 3];
    for t in tasks {
        for (i, r) in t.await.expect("task").into_iter().enumerate() {
            match r {
                Ok(()) => won[i] += 1,
                Err(e) => assert!(e.is_conflict(), "{e}"),
            }
        }
    }
    assert_eq!(won, [1, 1, 1], "one winner of each race");
    assert_eq!(version(&store, key).await, Some(2));
    assert_eq!(
        store
            .query(&Query::ParticipantByCpr(cpr))
            .await
            .expect("query")
            .len(),
        1
    );
}
