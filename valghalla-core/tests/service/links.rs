//! Point 6: a party secretary's link offers trusted task types (valgstyrer) only when the
//! secretariat allowed it for the team; `place_member` applies the invite route's checks.

use chrono::{TimeZone, Utc};
use valghalla_core::model::{LinkKind, LocationScope, SeatState, VacancyFilter};
use valghalla_core::rules::RefusalCode;
use valghalla_core::rules::access::Actor;
use valghalla_core::service::SeatRef;
use valghalla_core::testkit::scenario::{Scenario, election_day};

use super::{citizen, scenario, seat};

async fn secretary(s: &Scenario) -> Actor {
    let sec = s.person("Sara", "Sekretær", 0).await;
    s.svc
        .set_team_responsible(&s.admin, s.teams[0].id, sec.id, Some(LocationScope::All))
        .await
        .unwrap();
    s.actor_for(&sec).await
}

fn trusted_vacancies(s: &Scenario) -> LinkKind {
    LinkKind::Vacancies(VacancyFilter {
        election: s.election.id,
        team: s.teams[0].id,
        areas: Default::default(),
        work_locations: Default::default(),
        task_types: Default::default(),
        dates: Default::default(),
        include_trusted: true,
    })
}

#[tokio::test]
async fn a_party_secretary_cannot_offer_trusted_tasks_by_link_unless_allowed() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let err = s
        .svc
        .create_link(&sec, trusted_vacancies(&s))
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::TrustedTask), "{err}");
    let valgstyrer = s
        .seats(s.slot(0, &s.valgstyrer, 0, election_day()), 1)
        .await
        .remove(0);
    let err = s
        .svc
        .create_link(
            &sec,
            LinkKind::Seat {
                seat: valgstyrer.id,
            },
        )
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::TrustedTask), "{err}");
    // Open task types are fine.
    let open = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc
        .create_link(&sec, LinkKind::Seat { seat: open.id })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_citizen_takes_a_trusted_seat_through_a_secretarys_link_only_while_allowed() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    s.svc
        .allow_trusted_links(&s.admin, s.teams[0].id, true)
        .await
        .unwrap();
    let seats = s
        .seats(s.slot(0, &s.valgstyrer, 0, election_day()), 2)
        .await;
    let link = s
        .svc
        .create_link(&sec, LinkKind::Seat { seat: seats[0].id })
        .await
        .unwrap();
    let other_link = s
        .svc
        .create_link(&sec, LinkKind::Seat { seat: seats[1].id })
        .await
        .unwrap();
    let p = s.person("Carl", "Berg", 2).await;
    s.svc
        .take_seat(&citizen(&p), SeatRef::Seat(seats[0].id), Some(&link.token))
        .await
        .unwrap();
    // The secretariat withdraws the permission: the secretary's links stop offering trusted
    // seats at once.
    s.svc
        .allow_trusted_links(&s.admin, s.teams[0].id, false)
        .await
        .unwrap();
    let q = s.person("Dorte", "Lund", 2).await;
    let err = s
        .svc
        .take_seat(
            &citizen(&q),
            SeatRef::Seat(seats[1].id),
            Some(&other_link.token),
        )
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::TrustedTask), "{err}");
    assert_eq!(seat(&s, seats[1].id).await.state, SeatState::Vacant);
}

#[tokio::test]
async fn the_secretariats_own_trusted_links_keep_working() {
    let s = scenario().await;
    let vs = s
        .seats(s.slot(0, &s.valgstyrer, 0, election_day()), 1)
        .await
        .remove(0);
    let link = s
        .svc
        .create_link(&s.admin, LinkKind::Seat { seat: vs.id })
        .await
        .unwrap();
    let p = s.person("Carl", "Berg", 2).await;
    s.svc
        .take_seat(&citizen(&p), SeatRef::Seat(vs.id), Some(&link.token))
        .await
        .unwrap();
}

#[tokio::test]
async fn place_member_is_refused_in_an_inactive_election() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let member = s.person("Mette", "Mo", 0).await;
    let seat_ = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    let err = s
        .svc
        .place_member(&sec, seat_.id, member.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::ElectionInactive), "{err}");
    assert_eq!(seat(&s, seat_.id).await.state, SeatState::Vacant);
}

#[tokio::test]
async fn place_member_is_refused_for_a_task_in_the_past() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let member = s.person("Mette", "Mo", 0).await;
    let seat_ = s
        .seats(
            s.slot(
                0,
                &s.tilforordnet,
                0,
                election_day() - chrono::Duration::days(1),
            ),
            1,
        )
        .await
        .remove(0);
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 17, 9, 0, 0).unwrap());
    let err = s
        .svc
        .place_member(&sec, seat_.id, member.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::TaskInThePast), "{err}");
}

#[tokio::test]
async fn place_member_may_fill_a_trusted_seat() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let member = s.person("Mette", "Mo", 0).await;
    let vs = s
        .seats(s.slot(0, &s.valgstyrer, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.place_member(&sec, vs.id, member.id).await.unwrap();
    assert!(matches!(
        seat(&s, vs.id).await.state,
        SeatState::Accepted { .. }
    ));
}

/// A party secretary places members in any vacant seat of a slot: the service picks one, and
/// when none is left says so; a slot of another team is denied before anything is read.
#[tokio::test]
async fn place_member_in_any_vacant_seat_of_a_slot() {
    let s = scenario().await;
    let sec = secretary(&s).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 2).await;
    let (a, b, c) = (
        s.person("Anne", "Ahl", 0).await,
        s.person("Bo", "Bach", 0).await,
        s.person("Carl", "Cold", 0).await,
    );
    let first = s
        .svc
        .place_member(&sec, SeatRef::AnyIn(slot), a.id)
        .await
        .unwrap();
    let second = s
        .svc
        .place_member(&sec, SeatRef::AnyIn(slot), b.id)
        .await
        .unwrap();
    assert_ne!(first, second);
    for placed in [first, second] {
        assert!(seats.iter().any(|s| s.id == placed));
        assert!(matches!(
            seat(&s, placed).await.state,
            SeatState::Accepted { .. }
        ));
    }
    let err = s
        .svc
        .place_member(&sec, SeatRef::AnyIn(slot), c.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::NoVacantSeat), "{err}");
    let theirs = s.slot(0, &s.tilforordnet, 1, election_day());
    s.seats(theirs, 1).await;
    let err = s
        .svc
        .place_member(&sec, SeatRef::AnyIn(theirs), c.id)
        .await
        .unwrap_err();
    assert!(matches!(err, valghalla_core::Error::Denied(_)), "{err}");
}

/// The secretariat invites to any vacant seat of a slot; the seat it picked is returned.
#[tokio::test]
async fn invite_to_any_vacant_seat_of_a_slot() {
    let s = scenario().await;
    let slot = s.slot(1, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 1).await;
    let p = s.person("Dorte", "Dam", 0).await;
    let picked = s
        .svc
        .invite(&s.admin, SeatRef::AnyIn(slot), p.id)
        .await
        .unwrap();
    assert_eq!(picked, seats[0].id);
    assert!(matches!(
        seat(&s, picked).await.state,
        SeatState::Invited { participant, .. } if participant == p.id
    ));
}
