//! Point 1: the lock period cannot be escaped by deleting or anonymising one's own profile; the
//! secretariat's deletion vacates seats through the ordinary removal and says which.

use chrono::{TimeZone, Utc};
use valghalla_core::model::SeatState;
use valghalla_core::rules::RefusalCode;
use valghalla_core::rules::Violation;
use valghalla_core::service::Error;
use valghalla_core::store::AuditFilter;
use valghalla_core::testkit::scenario::election_day;
use valghalla_core::values::DanishMessage;

use super::{citizen, participant, scenario, seat};

/// A participant holding an accepted tilforordnet seat at station 0 on election day, with the
/// clock on the day before (inside the four-day lock period).
async fn locked_holder() -> (
    valghalla_core::testkit::scenario::Scenario,
    valghalla_core::model::Participant,
    valghalla_core::model::Seat,
) {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    let slot = s.slot(0, &s.tilforordnet, 0, election_day());
    let seat = s.seats(slot, 1).await.remove(0);
    s.svc.invite(&s.admin, seat.id, p.id).await.unwrap();
    s.svc.accept(&citizen(&p), seat.id, None).await.unwrap();
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap());
    (s, p, seat)
}

#[tokio::test]
async fn self_deletion_inside_the_lock_period_is_refused_naming_the_locked_seat() {
    let (s, p, held) = locked_holder().await;
    let err = s
        .svc
        .delete_participant(&citizen(&p), p.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::Locked), "{err}");
    let Error::Refused(refused) = &err else {
        panic!("{err}")
    };
    assert!(
        refused.violations.iter().any(|v| matches!(
            v,
            Violation::Locked { seat: Some(label), .. } if label.seat == held.id
        )),
        "{refused:?}"
    );
    let en = err.to_string();
    assert!(
        en.contains("Tilforordnet") && en.contains("Korsbæk Skole"),
        "{en}"
    );
    assert!(
        en.contains("17.11.2026") && en.contains("12.11.2026"),
        "{en}"
    );
    let da = err.message_da();
    assert!(
        da.contains("Tilforordnet") && da.contains("melde fra"),
        "{da}"
    );
    // Nothing changed: the person and their seat are still there.
    assert!(participant(&s, p.id).await.is_some());
    assert!(matches!(
        seat(&s, held.id).await.state,
        SeatState::Accepted { .. }
    ));
}

#[tokio::test]
async fn self_anonymisation_inside_the_lock_period_is_refused_as_locked() {
    let (s, p, held) = locked_holder().await;
    let err = s
        .svc
        .anonymise_participant(&citizen(&p), p.id)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::Locked), "{err}");
    assert_eq!(
        participant(&s, p.id).await.unwrap().full_name(),
        p.full_name()
    );
    assert!(matches!(
        seat(&s, held.id).await.state,
        SeatState::Accepted { .. }
    ));
}

#[tokio::test]
async fn self_deletion_before_the_lock_period_frees_the_seat() {
    let (s, p, held) = locked_holder().await;
    s.clock
        .set(Utc.with_ymd_and_hms(2026, 11, 7, 9, 0, 0).unwrap());
    let freed = s.svc.delete_participant(&citizen(&p), p.id).await.unwrap();
    assert_eq!(freed, vec![held.id]);
    assert!(participant(&s, p.id).await.is_none());
    assert_eq!(seat(&s, held.id).await.state, SeatState::Vacant);
}

#[tokio::test]
async fn the_secretariat_may_delete_a_locked_holder_and_is_told_the_freed_seats() {
    let (s, p, held) = locked_holder().await;
    let freed = s.svc.delete_participant(&s.admin, p.id).await.unwrap();
    assert_eq!(freed, vec![held.id]);
    assert!(participant(&s, p.id).await.is_none());
    assert_eq!(seat(&s, held.id).await.state, SeatState::Vacant);
    // The seat was vacated by the ordinary removal: the audit log has the seat change.
    let audit = s
        .svc
        .audit_log(&s.admin, &AuditFilter::default())
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.subject.id() == held.id.to_string() && e.description.contains("Fjernet")),
        "{audit:#?}"
    );
}
