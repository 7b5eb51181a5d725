//! Point 9 (and 5): editing, deleting and duplicating elections — their rules, their refusals,
//! and bounded dates.

use chrono::{Duration, NaiveDate};
use valghalla_core::messages::{Channel, ElectionTemplates, MessageKind, TemplateDraft};
use valghalla_core::model::{LinkKind, SeatState};
use valghalla_core::rules::RefusalCode;
use valghalla_core::service::{ElectionEdit, Error};
use valghalla_core::store::Query;
use valghalla_core::testkit::scenario::{Scenario, election_day};
use valghalla_core::values::DanishMessage;

use super::{citizen, dump, scenario};

fn edit_of(s: &Scenario) -> ElectionEdit {
    let e = &s.election;
    ElectionEdit {
        title: e.title.to_string(),
        election_day: e.election_day(),
        first_day: e.working_period().first(),
        last_day: e.working_period().last(),
        lock_period_days: e.lock_period_days,
        work_locations: e.work_locations.clone(),
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[tokio::test]
async fn edit_election_changes_title_dates_and_lock_period() {
    let s = scenario().await;
    let mut edit = edit_of(&s);
    edit.title = "Folketingsvalg 2026 (flyttet)".into();
    edit.last_day = election_day() + Duration::days(3);
    edit.lock_period_days = 7;
    let e = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap();
    assert_eq!(e.title.as_str(), "Folketingsvalg 2026 (flyttet)");
    assert_eq!(
        e.working_period().last(),
        election_day() + Duration::days(3)
    );
    assert_eq!(e.lock_period_days, 7);
    assert_eq!(s.svc.election(&s.admin, e.id).await.unwrap(), e);
}

#[tokio::test]
async fn edit_election_refuses_a_period_that_would_strand_seats() {
    let s = scenario().await;
    s.seats(
        s.slot(0, &s.tilforordnet, 0, election_day() - Duration::days(1)),
        1,
    )
    .await;
    let before = dump(&s).await;
    let mut edit = edit_of(&s);
    edit.first_day = election_day();
    let err = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::DateOutsidePeriod), "{err}");
    assert_eq!(dump(&s).await, before);
}

#[tokio::test]
async fn edit_election_drops_a_location_with_only_vacant_seats_but_refuses_one_with_taken_seats() {
    let s = scenario().await;
    let vacant = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 2)
        .await;
    let taken = s
        .seats(s.slot(2, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, taken.id, p.id).await.unwrap();
    let mut edit = edit_of(&s);
    edit.work_locations.remove(&s.stations[2].id);
    let err = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::LocationNotInElection), "{err}");
    let mut edit = edit_of(&s);
    edit.work_locations.remove(&s.stations[1].id);
    let e = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap();
    assert!(!e.work_locations.contains(&s.stations[1].id));
    assert!(
        s.slot_seats(vacant[0].slot).await.is_empty(),
        "vacant seats went with it"
    );
}

#[tokio::test]
async fn edit_election_refuses_implausible_dates_and_overlong_lock_periods_by_field() {
    let s = scenario().await;
    let mut edit = edit_of(&s);
    edit.election_day = d(262_142, 1, 1);
    edit.first_day = edit.election_day;
    edit.last_day = edit.election_day;
    let err = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap_err();
    let Error::Invalid(field) = &err else {
        panic!("{err}")
    };
    assert_eq!(field.field, "election day");
    assert!(err.message_da().contains("1900"), "{}", err.message_da());
    let mut edit = edit_of(&s);
    edit.lock_period_days = u16::MAX;
    let err = s
        .svc
        .edit_election(&s.admin, s.election.id, edit)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(f) if f.field == "lock period"),
        "{err}"
    );
}

#[tokio::test]
async fn delete_election_is_refused_while_active() {
    let s = scenario().await;
    let err = s
        .svc
        .delete_election(&s.admin, s.election.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::ElectionActive), "{err}");
    assert!(s.svc.election(&s.admin, s.election.id).await.is_ok());
}

#[tokio::test]
async fn delete_election_takes_its_seats_rejections_links_and_template_choices() {
    let s = scenario().await;
    let seats = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, seats[0].id, p.id).await.unwrap();
    s.svc
        .decline(&citizen(&p), seats[0].id, None)
        .await
        .unwrap();
    let link = s
        .svc
        .create_link(&s.admin, LinkKind::Seat { seat: seats[1].id })
        .await
        .unwrap();
    let choices = ElectionTemplates {
        per_kind: [(
            MessageKind::Invitation,
            valghalla_core::messages::default_template_id(MessageKind::Invitation),
        )]
        .into(),
        ..Default::default()
    };
    s.svc
        .set_election_templates(&s.admin, s.election.id, choices)
        .await
        .unwrap();
    s.svc
        .set_election_active(&s.admin, s.election.id, false)
        .await
        .unwrap();
    s.svc
        .delete_election(&s.admin, s.election.id)
        .await
        .unwrap();
    let store = &s.store;
    assert!(
        store
            .query(&Query::SeatsOfElection(s.election.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .query(&Query::RejectionsOfElection(s.election.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .query(&Query::LinkByToken(link.token))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        s.svc.election(&s.admin, s.election.id).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(
        s.svc.election_templates(&s.admin, s.election.id).await.ok(),
        None,
        "the election is gone"
    );
    let Some(valghalla_core::model::Record::Communication(settings)) = store
        .get(valghalla_core::model::RecordKey::Communication)
        .await
        .unwrap()
        .map(|v| v.value)
    else {
        panic!("the template choices were saved")
    };
    assert!(
        !settings.elections.contains_key(&s.election.id),
        "its template choices went with it"
    );
}

#[tokio::test]
async fn duplicate_election_copies_seats_vacant_and_moved_and_the_template_choices() {
    let s = scenario().await;
    let seats = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    s.seats(
        s.slot(1, &s.fintaeller, 1, election_day() + Duration::days(1)),
        1,
    )
    .await;
    let p = s.person("Anna", "Holm", 0).await;
    s.svc.invite(&s.admin, seats[0].id, p.id).await.unwrap();
    let own = s
        .svc
        .save_template(
            &s.admin,
            None,
            TemplateDraft {
                title: "Vores invitation".into(),
                channel: Channel::DigitalPost,
                subject: "Invitation".into(),
                body: "<p>Kære !name</p>".into(),
            },
        )
        .await
        .unwrap();
    let choices = ElectionTemplates {
        per_kind: [(MessageKind::Invitation, own)].into(),
        per_task_type: [(s.fintaeller.id, [(MessageKind::Registration, own)].into())].into(),
    };
    s.svc
        .set_election_templates(&s.admin, s.election.id, choices.clone())
        .await
        .unwrap();
    let new_day = d(2030, 6, 4);
    let copy = s
        .svc
        .duplicate_election(&s.admin, s.election.id, "Folketingsvalg 2030", new_day)
        .await
        .unwrap();
    assert!(!copy.active);
    assert_eq!(copy.election_day(), new_day);
    assert_eq!(copy.working_period().first(), new_day - Duration::days(1));
    assert_eq!(copy.lock_period_days, s.election.lock_period_days);
    assert_eq!(copy.work_locations, s.election.work_locations);
    let copied = s
        .store
        .query(&Query::SeatsOfElection(copy.id))
        .await
        .unwrap();
    assert_eq!(copied.len(), 3);
    for v in copied {
        let valghalla_core::model::Record::Seat(seat) = v.value else {
            panic!()
        };
        assert_eq!(seat.state, SeatState::Vacant, "nobody is copied");
        assert!(copy.working_period().contains(seat.slot.date));
    }
    assert_eq!(
        s.svc.election_templates(&s.admin, copy.id).await.unwrap(),
        choices
    );
}

#[tokio::test]
async fn duplicate_election_to_an_absurd_day_is_refused_and_changes_nothing() {
    let s = scenario().await;
    s.seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await;
    let before = dump(&s).await;
    for day in [
        NaiveDate::MAX,
        NaiveDate::MIN,
        d(2201, 1, 1),
        d(1899, 12, 31),
    ] {
        let err = s
            .svc
            .duplicate_election(&s.admin, s.election.id, "Kopi", day)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{day}: {err}");
    }
    assert_eq!(dump(&s).await, before);
}
