//! Issue 19: the secretariat moves a person from one seat to another in one step (they keep
//! their answer and are told), a refused move changes nothing, only the secretariat's
//! administrators may move people, and declined invitations are listed on the dashboard.

use valghalla_core::messages::MessageKind;
use valghalla_core::model::{LocationScope, SeatState};
use valghalla_core::rules::Answer;
use valghalla_core::rules::RefusalCode;
use valghalla_core::rules::access::{Actor, StaffRole};
use valghalla_core::service::Error;
use valghalla_core::store::OutboxFilter;
use valghalla_core::testkit::scenario::election_day;

use super::{citizen, dump, participant, scenario, seat};

#[tokio::test]
async fn the_secretariat_moves_an_invited_person_to_another_teams_seat_and_they_are_told() {
    let s = scenario().await;
    let p = s.person("Flemming", "Flyt", 0).await;
    let from = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await[0]
        .id;
    let to = s
        .seats(s.slot(1, &s.tilforordnet, 1, election_day()), 1)
        .await[0]
        .id;
    s.svc.invite(&s.admin, from, p.id).await.unwrap();
    let moved = s.svc.move_holder(&s.admin, from, to).await.unwrap();
    assert_eq!(moved, p.id);
    assert_eq!(seat(&s, from).await.state, SeatState::Vacant);
    assert!(matches!(
        seat(&s, to).await.state,
        SeatState::Invited { participant, .. } if participant == p.id
    ));
    let teams = participant(&s, p.id).await.unwrap().teams;
    assert!(teams.contains(&s.teams[1].id), "joined the new team");
    let told: Vec<_> = s
        .store
        .outbox(&OutboxFilter {
            participant: Some(p.id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.kind, m.seat))
        .collect();
    assert!(
        told.contains(&(MessageKind::InvitationRetracted, Some(from))),
        "{told:?}"
    );
    assert!(
        told.contains(&(MessageKind::Invitation, Some(to))),
        "{told:?}"
    );
}

#[tokio::test]
async fn an_accepted_person_moves_accepted_and_a_refused_move_changes_nothing() {
    let s = scenario().await;
    let p = s.person("Anna", "Accept", 0).await;
    let other = s.person("Otto", "Optaget", 0).await;
    let day_before = election_day().pred_opt().unwrap();
    let from = s.seats(s.slot(0, &s.tilforordnet, 0, day_before), 1).await[0].id;
    let taken = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 1)
        .await[0]
        .id;
    let night = s
        .seats(s.slot(2, &s.fintaeller, 0, election_day()), 1)
        .await[0]
        .id;
    let free = s
        .seats(s.slot(1, &s.valgstyrer, 0, election_day()), 1)
        .await[0]
        .id;
    s.svc.invite(&s.admin, from, p.id).await.unwrap();
    s.svc
        .answer_on_behalf(&s.admin, from, Answer::Accept, None)
        .await
        .unwrap();
    s.svc.invite(&s.admin, taken, other.id).await.unwrap();
    s.svc.invite(&s.admin, night, p.id).await.unwrap();
    let before = dump(&s).await;
    // Taken by someone else.
    let e = s.svc.move_holder(&s.admin, from, taken).await.unwrap_err();
    assert!(e.is_refused(RefusalCode::SeatNotVacant), "{e}");
    // The valgstyrer's day (07:30–23:00) overlaps their own count (17:00–02:00).
    let e = s.svc.move_holder(&s.admin, from, free).await.unwrap_err();
    assert!(e.is_refused(RefusalCode::DoubleBooked), "{e}");
    // A vacant seat has nobody to move.
    let e = s.svc.move_holder(&s.admin, free, from).await.unwrap_err();
    assert!(e.is_refused(RefusalCode::NotYourSeat), "{e}");
    assert_eq!(dump(&s).await, before, "nothing changed");
    // Once the count is given up, the move goes through and the answer moves along.
    s.svc.remove_from_seat(&s.admin, night).await.unwrap();
    s.svc.move_holder(&s.admin, from, free).await.unwrap();
    assert!(matches!(
        seat(&s, free).await.state,
        SeatState::Accepted { participant, .. } if participant == p.id
    ));
}

#[tokio::test]
async fn only_the_secretariats_administrators_move_people() {
    let s = scenario().await;
    let p = s.person("Bo", "Bliver", 0).await;
    let sec = s.person("Sara", "Sekretær", 0).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[0].id, sec.id, Some(LocationScope::All))
        .await
        .unwrap();
    let sec = s.actor_for(&sec).await;
    let from = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await[0]
        .id;
    let to = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 1)
        .await[0]
        .id;
    s.svc.invite(&s.admin, from, p.id).await.unwrap();
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    for actor in [reader, sec, citizen(&p), Actor::Anonymous] {
        let e = s.svc.move_holder(&actor, from, to).await.unwrap_err();
        assert!(matches!(e, Error::Denied(_)), "{actor:?}: {e}");
    }
    assert_eq!(seat(&s, to).await.state, SeatState::Vacant);
}

#[tokio::test]
async fn declined_invitations_are_listed_for_the_secretariat_newest_first() {
    let s = scenario().await;
    let first = s.person("Først", "Nej", 0).await;
    let second = s.person("Anden", "Nej", 0).await;
    let seats = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 3)
        .await;
    s.svc.invite(&s.admin, seats[0].id, first.id).await.unwrap();
    s.svc
        .invite(&s.admin, seats[1].id, second.id)
        .await
        .unwrap();
    s.svc
        .decline(&citizen(&first), seats[0].id, None)
        .await
        .unwrap();
    s.clock.advance(chrono::Duration::hours(1));
    s.svc
        .answer_on_behalf(&s.admin, seats[1].id, Answer::Decline, None)
        .await
        .unwrap();
    let a = s.svc.attention(&s.admin, s.election.id, 7).await.unwrap();
    let names: Vec<&str> = a.declined.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Anden Nej", "Først Nej"]);
    assert!(a.late_withdrawals.is_empty(), "a no is not a withdrawal");
}

#[tokio::test]
async fn the_move_page_lists_each_vacant_slot_once_with_the_reasons_against_it() {
    let s = scenario().await;
    let p = s.person("Vera", "Valg", 0).await;
    let day_before = election_day().pred_opt().unwrap();
    let from = s.seats(s.slot(0, &s.tilforordnet, 0, day_before), 1).await[0].id;
    let night = s
        .seats(s.slot(2, &s.fintaeller, 0, election_day()), 1)
        .await[0]
        .id;
    let clash = s
        .seats(s.slot(1, &s.valgstyrer, 0, election_day()), 2)
        .await;
    let free = s.seats(s.slot(1, &s.tilforordnet, 1, day_before), 1).await[0].id;
    s.svc.invite(&s.admin, from, p.id).await.unwrap();
    s.svc.invite(&s.admin, night, p.id).await.unwrap();
    let station = Some(s.stations[1].id);
    let targets = s.svc.move_targets(&s.admin, from, station).await.unwrap();
    // One row per slot, by day: the day before first, free; the valgstyrer's day clashes with
    // their count.
    let rows: Vec<_> = targets
        .iter()
        .map(|t| (t.seat.slot.date, t.reasons.is_empty()))
        .collect();
    assert_eq!(rows, [(day_before, true), (election_day(), false)]);
    assert_eq!(targets[0].seat.seat, free);
    assert!(clash.iter().any(|c| c.id == targets[1].seat.seat));
    assert!(
        targets[1]
            .reasons
            .iter()
            .any(|r| r.contains("17.11.2026 17:00–02:00")),
        "{:?}",
        targets[1].reasons
    );
    assert_eq!(targets[0].seat.location, s.stations[1].title.to_string());
    // Every station: the count's station has no vacant seat left, the first station neither.
    let all = s.svc.move_targets(&s.admin, from, None).await.unwrap();
    assert_eq!(all.len(), 2);
    // The seat named, with its holder; a vacant seat has nobody to move.
    let summary = s.svc.seat_summary(&s.admin, from).await.unwrap();
    assert_eq!(summary.holder, Some((p.id, "Vera Valg".to_owned())));
    let e = s.svc.move_targets(&s.admin, free, None).await.unwrap_err();
    assert!(e.is_refused(RefusalCode::NotYourSeat), "{e}");
    // Readers read the seat but not where its holder could go.
    let reader = Actor::Secretariat {
        user: "læser".into(),
        role: StaffRole::Reader,
    };
    assert!(s.svc.seat_summary(&reader, from).await.is_ok());
    assert!(matches!(
        s.svc.move_targets(&reader, from, None).await.unwrap_err(),
        Error::Denied(_)
    ));
}
