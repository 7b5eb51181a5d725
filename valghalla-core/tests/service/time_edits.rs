//! Point 4: changing times never creates a double booking. An edit of a task type's window that
//! would make someone hold two overlapping seats is refused, naming them, and changes nothing.

use chrono::{Duration, NaiveTime};
use valghalla_core::rules::RefusalCode;
use valghalla_core::rules::Violation;
use valghalla_core::service::{Error, TaskTypeDraft};
use valghalla_core::testkit::scenario::{Scenario, election_day};
use valghalla_core::time::DailyWindow;
use valghalla_core::values::DanishMessage;

use super::{citizen, scenario};

fn draft_of(tt: &valghalla_core::model::TaskType, window: DailyWindow) -> TaskTypeDraft {
    TaskTypeDraft {
        title: tt.title.to_string(),
        short_name: tt.short_name.to_string(),
        description: tt.description.clone(),
        window,
        payment: tt.payment,
        trust: tt.trust,
        check_eligibility: tt.check_eligibility,
        reminders: tt.reminders,
        chair: tt.chairs_station(),
    }
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Anna is a fintæller on election day (17:00–02:00) and tilforordnet the day after (07:30–22:00).
async fn two_bookings() -> (Scenario, valghalla_core::model::Participant) {
    let s = scenario().await;
    let p = s.person("Anna", "Holm", 0).await;
    let count = s
        .seats(s.slot(0, &s.fintaeller, 0, election_day()), 1)
        .await
        .remove(0);
    let next_day = s
        .seats(
            s.slot(0, &s.tilforordnet, 0, election_day() + Duration::days(1)),
            1,
        )
        .await
        .remove(0);
    s.svc.invite(&s.admin, count.id, p.id).await.unwrap();
    s.svc.invite(&s.admin, next_day.id, p.id).await.unwrap();
    s.svc.accept(&citizen(&p), next_day.id, None).await.unwrap();
    (s, p)
}

#[tokio::test]
async fn a_window_edit_that_would_double_book_someone_is_refused_naming_them() {
    let (s, p) = two_bookings().await;
    let longer = draft_of(&s.fintaeller, DailyWindow::new(t(17, 0), t(8, 0)));
    let err = s
        .svc
        .edit_task_type(&s.admin, s.fintaeller.id, longer)
        .await
        .unwrap_err();
    assert!(err.is_refused(RefusalCode::DoubleBooked), "{err}");
    let Error::Refused(refused) = &err else {
        panic!("{err}")
    };
    assert!(refused.violations.iter().any(|v| matches!(
        v,
        Violation::EditCreatesDoubleBooking { participant, .. } if *participant == p.id
    )));
    let en = err.to_string();
    assert!(en.contains("Anna Holm"), "{en}");
    assert!(
        en.contains("Fintæller") && en.contains("Tilforordnet"),
        "{en}"
    );
    assert!(err.message_da().contains("Anna Holm"));
    // Nothing changed.
    let stored = s.svc.task_types(&s.admin).await.unwrap();
    let fintaeller = stored.iter().find(|t| t.id == s.fintaeller.id).unwrap();
    assert_eq!(fintaeller.window, s.fintaeller.window);
}

#[tokio::test]
async fn a_window_edit_that_keeps_bookings_apart_is_saved() {
    let (s, _) = two_bookings().await;
    let shorter = draft_of(&s.fintaeller, DailyWindow::new(t(18, 0), t(1, 0)));
    let saved = s
        .svc
        .edit_task_type(&s.admin, s.fintaeller.id, shorter)
        .await
        .unwrap();
    assert_eq!(saved.window, DailyWindow::new(t(18, 0), t(1, 0)));
}
