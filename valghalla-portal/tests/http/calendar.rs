//! "Mine opgaver" offers each accepted task's calendar file: only to the person holding it.

use axum::http::{StatusCode, header};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};

use crate::common::{Browser, portal};

/// The seat of the first calendar link on a tasks page.
fn calendar_link(tasks_page: &str) -> Option<String> {
    let end = tasks_page.find("/opgave.ics")?;
    let start = tasks_page[..end].rfind("/mine-opgaver/")?;
    Some(tasks_page[start..end + "/opgave.ics".len()].to_owned())
}

#[tokio::test]
async fn an_accepted_task_downloads_as_a_calendar_file_for_its_holder_only() {
    let p = portal().await;
    let mut holder = Browser::login(&p, "borger1").await;
    let page = holder.get("/mine-opgaver").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Føj til kalender"), "{}", page.body);
    let link = calendar_link(&page.body).expect("a calendar link");
    let seat: valghalla::core::ids::SeatId = link
        .trim_start_matches("/mine-opgaver/")
        .trim_end_matches("/opgave.ics")
        .parse()
        .expect("a seat id");

    let file = holder.get(&link).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let header_of = |name| {
        file.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        header_of(header::CONTENT_TYPE),
        "text/calendar; charset=utf-8; method=PUBLISH"
    );
    assert_eq!(
        header_of(header::CONTENT_DISPOSITION),
        "attachment; filename=\"opgave.ics\""
    );
    let calendar: icalendar::Calendar = file.body.parse().expect("the file parses");
    assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
    let event = calendar
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("an event");
    assert_eq!(event.get_uid(), Some(format!("seat-{seat}@test").as_str()));
    // The task's real instants.
    let stored = p.ds.seats.iter().find(|s| s.id == seat).expect("the seat");
    let task_type =
        p.ds.task_types
            .iter()
            .find(|t| t.id == stored.slot.task_type)
            .expect("its task type");
    let window = task_type.window.on(stored.slot.date);
    let at = |v: Option<DatePerhapsTime>| match v {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => Some(at),
        _ => None,
    };
    assert_eq!(at(event.get_start()), Some(window.start));
    assert_eq!(at(event.get_end()), Some(window.end));

    // Anyone else: not found (the seat's existence is not confirmed), or not logged in.
    let mut other = Browser::login(&p, "borger2").await;
    assert_eq!(other.get(&link).await.status, StatusCode::NOT_FOUND);
    let mut staff = Browser::login(&p, "admin").await;
    assert_eq!(staff.get(&link).await.status, StatusCode::FORBIDDEN);
    let mut anonymous = Browser::new(&p);
    let r = anonymous.get(&link).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login?next="), "{}", r.location());
    // A seat that is not accepted (an invitation) has no file either.
    let invited = crate::common::invited_seat(&other.get("/mine-opgaver").await.body);
    assert_eq!(
        other
            .get(&format!("/mine-opgaver/{invited}/opgave.ics"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
