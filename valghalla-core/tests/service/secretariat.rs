//! Issue 19's commands behind the secretariat's pages: work-location responsibles appointed
//! and revoked, a participant's history, duplication with options, and the import preview.

use valghalla_core::exchange::{ImportMode, read_csv};
use valghalla_core::model::{RejectionKind, SeatStatus};
use valghalla_core::rules::access::Actor;
use valghalla_core::service::DuplicateOptions;
use valghalla_core::testkit::scenario::election_day;

use super::{dump, scenario};

#[tokio::test]
async fn a_location_responsible_is_appointed_and_revoked_and_idempotent_calls_write_nothing() {
    let s = scenario().await;
    let p = s.person("Anne", "Ansvarlig", 0).await;
    let loc = s.stations[0].id;
    let Actor::Person(before) = s.actor_for(&p).await else {
        panic!("a person")
    };
    assert!(before.responsible_for_locations.is_empty());
    s.svc
        .set_location_responsible(&s.admin, loc, p.id, true)
        .await
        .unwrap();
    let Actor::Person(after) = s.actor_for(&p).await else {
        panic!("a person")
    };
    assert!(after.responsible_for_locations.contains(&loc));
    // Appointing again writes nothing, not even an audit entry.
    let once = dump(&s).await;
    s.svc
        .set_location_responsible(&s.admin, loc, p.id, true)
        .await
        .unwrap();
    assert_eq!(dump(&s).await, once);
    s.svc
        .set_location_responsible(&s.admin, loc, p.id, false)
        .await
        .unwrap();
    let Actor::Person(revoked) = s.actor_for(&p).await else {
        panic!("a person")
    };
    assert!(revoked.responsible_for_locations.is_empty());
    // Only the secretariat's administrators appoint.
    let err = s
        .svc
        .set_location_responsible(&s.actor_for(&p).await, loc, p.id, true)
        .await
        .unwrap_err();
    assert!(matches!(err, valghalla_core::service::Error::Denied(_)));
}

#[tokio::test]
async fn a_participants_history_lists_seats_rejections_and_eligibility() {
    let s = scenario().await;
    let p = s.person("Bo", "Historik", 0).await;
    let seats = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    s.svc.invite(&s.admin, seats[0].id, p.id).await.unwrap();
    s.svc.invite(&s.admin, seats[1].id, p.id).await.ok();
    let h = s.svc.participant_history(&s.admin, p.id).await.unwrap();
    assert!(!h.seats.is_empty());
    assert!(h.seats.iter().all(|x| x.status == SeatStatus::Invited));
    assert_eq!(
        h.seats[0].slot.work_location,
        s.stations[0].title.to_string()
    );
    assert_eq!(h.seats[0].slot.task_type, s.tilforordnet.title.to_string());
    assert_eq!(h.eligibility.len(), 1, "the one active election");
    assert!(h.eligibility[0].failures.is_empty(), "an eligible resident");
    s.svc
        .decline(&s.actor_for(&p).await, seats[0].id, None)
        .await
        .unwrap();
    let h = s.svc.participant_history(&s.admin, p.id).await.unwrap();
    assert_eq!(h.rejections.len(), 1);
    assert_eq!(h.rejections[0].kind, RejectionKind::Declined);
    // The history is the secretariat's: the person may not read it through this call.
    assert!(
        s.svc
            .participant_history(&s.actor_for(&p).await, p.id)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_duplicate_takes_only_the_chosen_stations_with_their_seats_vacant() {
    let s = scenario().await;
    s.seats(s.slot(0, &s.tilforordnet, 0, election_day()), 2)
        .await;
    s.seats(s.slot(1, &s.tilforordnet, 0, election_day()), 3)
        .await;
    let next = election_day() + chrono::Days::new(35);
    let copy = s
        .svc
        .duplicate_election_with(
            &s.admin,
            s.election.id,
            DuplicateOptions {
                title: "Næste".into(),
                election_day: next,
                work_locations: Some([s.stations[1].id].into()),
                copy_templates: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(copy.election_day(), next);
    assert_eq!(copy.work_locations, [s.stations[1].id].into());
    let overview = s
        .svc
        .overview(&s.admin, copy.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(overview.totals.seats, 3, "only the chosen station's seats");
    assert_eq!(overview.totals.vacant, 3);
}

#[tokio::test]
async fn an_import_preview_reports_like_an_import_and_writes_nothing_but_its_audit() {
    let s = scenario().await;
    let known = s.person("Cille", "Kendt", 0).await;
    let team = s.teams[0].short_name.to_string();
    let csv = format!(
        "CPR-nummer;Team\n{};{team}\n311399-0000;{team}\n",
        known.cpr.reveal_dashed()
    );
    let table = read_csv(csv.as_bytes()).unwrap();
    let before = dump(&s).await;
    let preview = s
        .svc
        .import_participants(&s.admin, &table, ImportMode::Preview)
        .await
        .unwrap();
    assert_eq!(preview.unchanged, 1);
    assert_eq!(preview.rejected.len(), 1);
    assert_eq!(preview.rejected[0].line, 3);
    assert!(!preview.written);
    let after = dump(&s).await;
    // Only the audit log grew (the preview's summary).
    let strip = |d: &str| {
        d.lines()
            .take(d.lines().count() - 2)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&before), strip(&after));
    let real = s
        .svc
        .import_participants(&s.admin, &table, ImportMode::GoodRows)
        .await
        .unwrap();
    assert_eq!(
        (
            real.imported,
            real.updated,
            real.unchanged,
            real.rejected.len()
        ),
        (
            preview.imported,
            preview.updated,
            preview.unchanged,
            preview.rejected.len()
        )
    );
}
