//! Point 9: the edit and delete of every master-data kind, moving vacant seats, a participant's
//! vacancy list and making team responsibles — their rules and refusals.

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use valghalla_core::model::{ElectionKind, EligibilityRule, LocationScope, SeatState, TeamKind};
use valghalla_core::rules::RefusalCode;
use valghalla_core::service::{
    AreaDraft, ElectionTypeDraft, Error, SeatRef, SpecialDietDraft, TeamDraft, WorkLocationDraft,
};
use valghalla_core::testkit::scenario::{Scenario, election_day};

use super::{citizen, dump, scenario, seat};

fn draft_of(s: &Scenario, station: usize) -> WorkLocationDraft {
    let l = &s.stations[station];
    WorkLocationDraft {
        area: l.area,
        title: l.title.to_string(),
        street: l.address.street.clone(),
        postal_code: l
            .address
            .postal_code
            .map(|p| p.to_string())
            .unwrap_or_default(),
        city: l.address.city.clone(),
        voting_area: l.voting_area,
        teams: l.teams.clone(),
        task_types: l.task_types.clone(),
        responsibles: l.responsibles.clone(),
    }
}

#[tokio::test]
async fn areas_are_renamed_uniquely_and_deleted_only_when_empty_and_not_last() {
    let s = scenario().await;
    let midtby = s.stations[0].area;
    let nord = s
        .svc
        .create_area(
            &s.admin,
            AreaDraft {
                name: "Nord".into(),
                description: "".into(),
            },
        )
        .await
        .unwrap();
    let err = s
        .svc
        .edit_area(
            &s.admin,
            nord.id,
            AreaDraft {
                name: "MIDTBY".into(),
                description: "".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    let renamed = s
        .svc
        .edit_area(
            &s.admin,
            nord.id,
            AreaDraft {
                name: "Nordby".into(),
                description: "ny".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name.as_str(), "Nordby");
    assert!(matches!(
        s.svc.delete_area(&s.admin, midtby).await,
        Err(Error::Conflict(_))
    ));
    s.svc.delete_area(&s.admin, nord.id).await.unwrap();
    assert_eq!(s.svc.areas(&s.admin).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_last_area_cannot_be_deleted() {
    let s = scenario().await;
    let other = s
        .svc
        .create_area(
            &s.admin,
            AreaDraft {
                name: "Tom".into(),
                description: "".into(),
            },
        )
        .await
        .unwrap();
    s.svc.delete_area(&s.admin, other.id).await.unwrap();
    // Midtby still has stations; move them all to a new area, then try to delete both.
    let syd = s
        .svc
        .create_area(
            &s.admin,
            AreaDraft {
                name: "Syd".into(),
                description: "".into(),
            },
        )
        .await
        .unwrap();
    for i in 0..3 {
        let mut d = draft_of(&s, i);
        d.area = syd.id;
        s.svc
            .edit_work_location(&s.admin, s.stations[i].id, d)
            .await
            .unwrap();
    }
    s.svc
        .delete_area(&s.admin, s.stations[0].area)
        .await
        .unwrap();
    let err = s.svc.delete_area(&s.admin, syd.id).await.unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
}

#[tokio::test]
async fn a_work_location_edit_that_drops_a_team_deletes_its_vacant_seats_but_not_taken_ones() {
    let s = scenario().await;
    let vacant = s
        .seats(s.slot(0, &s.tilforordnet, 1, election_day()), 2)
        .await;
    let mut d = draft_of(&s, 0);
    d.teams.remove(&s.teams[1].id);
    s.svc
        .edit_work_location(&s.admin, s.stations[0].id, d)
        .await
        .unwrap();
    assert!(s.slot_seats(vacant[0].slot).await.is_empty());
    // A taken seat of team A blocks dropping team A, and nothing changes.
    let taken = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, taken.id, p.id).await.unwrap();
    let before = dump(&s).await;
    let mut d = draft_of(&s, 0);
    d.teams = [s.teams[2].id].into();
    let err = s
        .svc
        .edit_work_location(&s.admin, s.stations[0].id, d)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert_eq!(dump(&s).await, before);
}

#[tokio::test]
async fn a_work_location_in_an_active_election_cannot_be_deleted_but_may_be_once_inactive() {
    let s = scenario().await;
    s.seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    let err = s
        .svc
        .delete_work_location(&s.admin, s.stations[0].id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    s.svc
        .delete_work_location(&s.admin, s.stations[0].id)
        .await
        .unwrap();
    let e = s.svc.election(&s.admin, s.election.id).await.unwrap();
    assert!(!e.work_locations.contains(&s.stations[0].id));
    assert!(
        s.slot_seats(s.slot(0, &s.tilforordnet, 0, election_day()))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_task_type_with_taken_seats_cannot_be_deleted_and_an_unused_one_leaves_every_location() {
    let s = scenario().await;
    let taken = s
        .seats(s.slot(0, &s.fintaeller, 0, election_day()), 1)
        .await
        .remove(0);
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, taken.id, p.id).await.unwrap();
    let err = s
        .svc
        .delete_task_type(&s.admin, s.fintaeller.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    s.seats(s.slot(1, &s.valgstyrer, 0, election_day()), 2)
        .await;
    s.svc
        .delete_task_type(&s.admin, s.valgstyrer.id)
        .await
        .unwrap();
    for l in s.svc.work_locations(&s.admin).await.unwrap() {
        assert!(!l.task_types.contains(&s.valgstyrer.id));
    }
    assert!(
        s.slot_seats(s.slot(1, &s.valgstyrer, 0, election_day()))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_task_type_payment_above_the_limit_is_refused_by_field() {
    let s = scenario().await;
    let mut d = valghalla_core::service::TaskTypeDraft {
        title: "Tilforordnet".into(),
        short_name: "TF".into(),
        description: String::new(),
        window: s.tilforordnet.window,
        payment: Some(valghalla_core::values::Ore(u64::MAX)),
        trust: s.tilforordnet.trust,
        check_eligibility: true,
        reminders: true,
        chair: false,
    };
    let err = s
        .svc
        .edit_task_type(&s.admin, s.tilforordnet.id, d.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(f) if f.field == "payment"),
        "{err}"
    );
    d.payment = valghalla_core::values::Ore::kroner(1500);
    let tt = s
        .svc
        .edit_task_type(&s.admin, s.tilforordnet.id, d)
        .await
        .unwrap();
    assert_eq!(tt.payment.unwrap().to_string(), "1.500 kr.");
}

#[tokio::test]
async fn teams_are_renamed_uniquely_and_deleted_only_when_no_member_is_left_teamless() {
    let s = scenario().await;
    let err = s
        .svc
        .edit_team(
            &s.admin,
            s.teams[0].id,
            TeamDraft {
                name: "Venstre".into(),
                short_name: "A".into(),
                kind: TeamKind::Party,
                description: "".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    let t = s
        .svc
        .edit_team(
            &s.admin,
            s.teams[0].id,
            TeamDraft {
                name: "Socialdemokraterne".into(),
                short_name: "A".into(),
                kind: TeamKind::Party,
                description: "x".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(t.name.as_str(), "Socialdemokraterne");
    let only = s.person("Bo", "Dam", 1).await;
    let err = s
        .svc
        .delete_team(&s.admin, s.teams[1].id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    s.svc
        .edit_participant(
            &s.admin,
            only.id,
            Default::default(),
            BTreeSet::new(),
            Some([s.teams[1].id, s.teams[2].id].into()),
            None,
        )
        .await
        .unwrap();
    s.seats(s.slot(0, &s.tilforordnet, 1, election_day()), 1)
        .await;
    s.svc.delete_team(&s.admin, s.teams[1].id).await.unwrap();
    assert_eq!(
        super::participant(&s, only.id).await.unwrap().teams,
        [s.teams[2].id].into()
    );
    assert!(
        s.slot_seats(s.slot(0, &s.tilforordnet, 1, election_day()))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn special_diets_are_renamed_uniquely_and_deleted_from_every_participant() {
    let s = scenario().await;
    let veg = s
        .svc
        .create_special_diet(
            &s.admin,
            SpecialDietDraft {
                title: "Vegetar".into(),
            },
        )
        .await
        .unwrap();
    let gluten = s
        .svc
        .create_special_diet(
            &s.admin,
            SpecialDietDraft {
                title: "Glutenfri".into(),
            },
        )
        .await
        .unwrap();
    let err = s
        .svc
        .edit_special_diet(&s.admin, gluten.id, "vegetar")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    let renamed = s
        .svc
        .edit_special_diet(&s.admin, veg.id, "Vegetarisk")
        .await
        .unwrap();
    assert_eq!(renamed.title.as_str(), "Vegetarisk");
    let p = s.person("Anna", "Holm", 0).await;
    s.svc
        .edit_participant(
            &s.admin,
            p.id,
            Default::default(),
            [veg.id].into(),
            None,
            None,
        )
        .await
        .unwrap();
    s.svc.delete_special_diet(&s.admin, veg.id).await.unwrap();
    assert!(
        super::participant(&s, p.id)
            .await
            .unwrap()
            .special_diets
            .is_empty()
    );
    let err = s
        .svc
        .edit_special_diet(&citizen(&p), gluten.id, "X")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)));
}

#[tokio::test]
async fn election_types_change_rules_and_are_deleted_only_when_unused() {
    let s = scenario().await;
    let used = s.election.election_type;
    let edited = s
        .svc
        .edit_election_type(
            &s.admin,
            used,
            "Folketingsvalg",
            [EligibilityRule::Age18OnElectionDay].into(),
        )
        .await
        .unwrap();
    assert_eq!(edited.rules, [EligibilityRule::Age18OnElectionDay].into());
    let err = s
        .svc
        .delete_election_type(&s.admin, used)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    let spare = s
        .svc
        .create_election_type(
            &s.admin,
            ElectionTypeDraft {
                title: "Folkeafstemning".into(),
                kind: ElectionKind::Custom,
                rules: None,
            },
        )
        .await
        .unwrap();
    s.svc
        .delete_election_type(&s.admin, spare.id)
        .await
        .unwrap();
    assert_eq!(s.svc.election_types(&s.admin).await.unwrap().len(), 1);
}

#[tokio::test]
async fn move_vacant_seats_moves_only_vacant_seats_to_a_team_at_the_location() {
    let s = scenario().await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seats = s.seats(slot, 3).await;
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, seats[0].id, p.id).await.unwrap();
    let moved = s
        .svc
        .move_vacant_seats(&s.admin, slot, s.teams[1].id, 5)
        .await
        .unwrap();
    assert_eq!(moved, 2, "the invited seat stays");
    assert_eq!(s.slot_seats(slot).await.len(), 1);
    assert_eq!(
        s.slot_seats(s.slot(0, &s.tilforordnet, 1, election_day()))
            .await
            .len(),
        2
    );
    // A team that does not staff the location cannot receive seats.
    let mut d = draft_of(&s, 0);
    d.teams.remove(&s.teams[2].id);
    s.svc
        .edit_work_location(&s.admin, s.stations[0].id, d)
        .await
        .unwrap();
    let err = s
        .svc
        .move_vacant_seats(
            &s.admin,
            s.slot(0, &s.tilforordnet, 1, election_day()),
            s.teams[2].id,
            1,
        )
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::TeamNotAtLocation), "{err}");
    let err = s
        .svc
        .move_vacant_seats(&citizen(&p), slot, s.teams[1].id, 1)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)));
}

#[tokio::test]
async fn my_vacancies_lists_open_future_seats_of_my_teams_in_active_elections() {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    s.seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    s.seats(s.slot(0, &s.valgstyrer, 0, election_day()), 1)
        .await; // trusted
    s.seats(s.slot(1, &s.tilforordnet, 1, election_day()), 1)
        .await; // other team
    s.seats(
        s.slot(2, &s.tilforordnet, 0, election_day() - Duration::days(1)),
        1,
    )
    .await;
    let mine = s.svc.my_vacancies(&citizen(&p)).await.unwrap();
    let summary: Vec<_> = mine
        .iter()
        .map(|v| (v.slot.work_location, v.slot.task_type, v.date, v.vacant))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                s.stations[2].id,
                s.tilforordnet.id,
                election_day() - Duration::days(1),
                1
            ),
            (s.stations[0].id, s.tilforordnet.id, election_day(), 2),
        ]
    );
    // The day after the eve, that task is past; taking a listed seat works.
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 17, 6, 0, 0).unwrap());
    let mine = s.svc.my_vacancies(&citizen(&p)).await.unwrap();
    assert_eq!(mine.len(), 1);
    let taken = s
        .svc
        .take_seat(&citizen(&p), SeatRef::AnyIn(mine[0].slot), None)
        .await
        .unwrap();
    assert!(matches!(
        seat(&s, taken).await.state,
        SeatState::Accepted { .. }
    ));
    // An inactive election lists nothing; staff have no vacancy list.
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    assert!(s.svc.my_vacancies(&citizen(&p)).await.unwrap().is_empty());
    assert!(matches!(
        s.svc.my_vacancies(&s.admin).await,
        Err(Error::Denied(_))
    ));
}

#[tokio::test]
async fn set_team_responsible_grants_and_revokes_a_party_secretarys_scope() {
    let s = scenario().await;
    let sec = s.person("Sara", "Sekretær", 0).await;
    let member = s.person("Mette", "Mo", 0).await;
    let here = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let there = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc
        .set_team_responsible(
            &s.admin,
            s.teams[0].id,
            sec.id,
            Some(LocationScope::Only([s.stations[0].id].into())),
        )
        .await
        .unwrap();
    let actor = s.actor_for(&sec).await;
    let err = s
        .svc
        .place_member(&actor, there.id, member.id)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)), "outside the scope: {err}");
    s.svc
        .place_member(&actor, here.id, member.id)
        .await
        .unwrap();
    s.svc
        .set_team_responsible(&s.admin, s.teams[0].id, sec.id, None)
        .await
        .unwrap();
    let actor = s.actor_for(&sec).await;
    assert!(matches!(
        s.svc.team_members(&actor, s.teams[0].id).await,
        Err(Error::Denied(_))
    ));
    // Only the secretariat grants, and only to someone who exists.
    let err = s
        .svc
        .set_team_responsible(&actor, s.teams[0].id, sec.id, Some(LocationScope::All))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Denied(_)));
    let err = s
        .svc
        .set_team_responsible(
            &s.admin,
            s.teams[0].id,
            valghalla_core::ids::ParticipantId::new(),
            Some(LocationScope::All),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}
