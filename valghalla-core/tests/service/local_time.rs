//! Point 7: every time shown to a person is Danish local time, with "(næste dag)" / "(next day)"
//! when a window ends after midnight.

use valghalla_core::testkit::scenario::election_day;
use valghalla_core::values::DanishMessage;

use super::{citizen, scenario};

#[tokio::test]
async fn double_booking_refusals_speak_copenhagen_time() {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    let first = s
        .seats(s.slot(0, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    let second = s
        .seats(s.slot(1, &s.valgstyrer, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, first.id, p.id).await.unwrap();
    let err = s.svc.invite(&s.admin, second.id, p.id).await.unwrap_err();
    let (en, da) = (err.to_string(), err.message_da());
    // Tilforordnet runs 07:30–22:00 Danish time (06:30–21:00 UTC in November).
    assert!(en.contains("17.11.2026 07:30–22:00"), "{en}");
    assert!(da.contains("17.11.2026 07:30–22:00"), "{da}");
    assert!(!en.contains("UTC") && !da.contains("UTC"));
}

#[tokio::test]
async fn an_overnight_booking_is_shown_ending_the_next_day() {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    let count = s
        .seats(s.slot(0, &s.fintaeller, 0, election_day()), 1)
        .await
        .remove(0);
    let evening = s
        .seats(s.slot(1, &s.tilforordnet, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, count.id, p.id).await.unwrap();
    let err = s.svc.invite(&s.admin, evening.id, p.id).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("17.11.2026 17:00–02:00 (next day)"),
        "{err}"
    );
    assert!(
        err.message_da()
            .contains("17.11.2026 17:00–02:00 (næste dag)"),
        "{}",
        err.message_da()
    );
    // The participant's own task list says so too.
    let tasks = s.svc.my_tasks(&citizen(&p)).await.unwrap();
    assert_eq!(tasks[0].end, "02:00 (næste dag)");
}

#[tokio::test]
async fn messages_show_an_overnight_end_as_the_next_day() {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    let count = s
        .seats(s.slot(0, &s.fintaeller, 0, election_day()), 1)
        .await
        .remove(0);
    s.svc.invite(&s.admin, count.id, p.id).await.unwrap();
    let outbox = s.store.outbox(&Default::default()).await.unwrap();
    let invitation = outbox.last().unwrap();
    assert_eq!(invitation.facts["task_start"], "17:00");
    assert_eq!(invitation.facts["task_end"], "02:00 (næste dag)");
}
