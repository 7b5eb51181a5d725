//! The host's dispatcher (`--smtp smtp://…?tls=none`) sends through a real SMTP server
//! (Debian's aiosmtpd, `valghalla-channels/tests/support/`), and what arrives is read back: an
//! acceptance carries the task as a calendar file that parses with the `icalendar` crate and has
//! the task's true length across the night the clocks go forward; a withdrawal carries its
//! cancellation; an invitation carries none.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "tests fail loudly"
)]

#[path = "../../valghalla-channels/tests/support/mod.rs"]
#[allow(
    dead_code,
    reason = "shared with the channels' tests; this one uses part of it"
)]
mod support;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike};
use mail_parser::{MessageParser, MimeHeaders};
use support::MailServer;
use valghalla::Valghalla;
use valghalla::core::messages::MessageKind;
use valghalla::core::messages::calendar::{CalendarParty, CalendarSource};
use valghalla::core::model::{Contact, Trust};
use valghalla::core::service::{
    Config, DispatchConfig, ElectionDraft, NewParticipant, TaskTypeDraft, WorkLocationDraft,
};
use valghalla::core::store::{DeliveryStatus, OutboxFilter};
use valghalla::core::testkit::FakeRegistry;
use valghalla::core::testkit::scenario::{Scenario, municipality_code};
use valghalla::core::time::DailyWindow;
use valghalla::core::{Cpr, Email};
use valghalla_portal::channels::{ChannelConfig, dispatcher};

const DOMAIN: &str = "valg.korsbaek.test";

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instant of a calendar property, which the files write in UTC.
fn utc(value: Option<DatePerhapsTime>) -> DateTime<Utc> {
    match value {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at,
        other => panic!("not a UTC instant: {other:?}"),
    }
}

/// The calendar file of a received message: its METHOD (from the MIME part and the file) and
/// its one event, parsed with the crate's own parser.
fn calendar_of(raw: &[u8]) -> Option<(String, icalendar::Event)> {
    let parsed = MessageParser::default().parse(raw).unwrap();
    let attached = parsed
        .parts
        .iter()
        .find(|p| p.attachment_name() == Some("opgave.ics"))?;
    let text = String::from_utf8(attached.contents().to_vec()).unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let method = calendar.property_value("METHOD").unwrap().to_owned();
    let part_method = attached
        .content_type()
        .and_then(|c| c.attribute("method"))
        .unwrap();
    assert_eq!(method, part_method);
    let mut events = calendar.components.into_iter().filter_map(|c| match c {
        CalendarComponent::Event(e) => Some(e),
        _ => None,
    });
    let event = events.next().unwrap();
    assert!(events.next().is_none(), "one event");
    Some((method, event))
}

#[tokio::test]
async fn the_hosts_dispatcher_sends_the_task_and_its_cancellation_as_calendar_files() {
    let Some(server) = MailServer::start(
        "the_hosts_dispatcher_sends_the_task_and_its_cancellation_as_calendar_files",
        &[],
    ) else {
        return;
    };
    let store = Arc::new(valghalla::sqlite::SqliteStore::open_in_memory().unwrap());
    let s = Scenario::new(store).await;
    let svc: Valghalla = s.svc.clone().with_config(Config {
        public_base_url: format!("https://{DOMAIN}"),
        calendar: Some(CalendarSource {
            domain: DOMAIN.into(),
            organizer: CalendarParty {
                name: "Korsbæk Kommune, Valgsekretariatet".into(),
                email: Email::parse("valg@korsbaek.test").unwrap(),
            },
        }),
    });
    let admin = &s.admin;
    // A night watch over the night the clocks go forward (28 March 2027, 02:00 → 03:00):
    // 22:00 to 06:00 on the clock is seven hours.
    s.clock
        .set(Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).single().unwrap());
    let night = svc
        .create_task_type(
            admin,
            TaskTypeDraft {
                title: "Nattevagt".into(),
                short_name: "NV".into(),
                description: "<p>Vagt ved <b>stemmesedlerne</b>.</p>".into(),
                window: DailyWindow::new(t(22, 0), t(6, 0)),
                payment: None,
                trust: Trust::Open,
                check_eligibility: false,
                reminders: true,
                chair: false,
            },
        )
        .await
        .unwrap();
    let town_hall = svc
        .create_work_location(
            admin,
            WorkLocationDraft {
                area: s.stations[0].area,
                title: "Ærøskøbing Rådhus".into(),
                street: "Torvet 1".into(),
                postal_code: "5970".into(),
                city: "Ærøskøbing".into(),
                voting_area: None,
                teams: [s.teams[0].id].into(),
                task_types: [night.id].into(),
                responsibles: Default::default(),
            },
        )
        .await
        .unwrap();
    let election = svc
        .create_election(
            admin,
            ElectionDraft {
                title: "Folkeafstemning 2027".into(),
                election_type: s.election.election_type,
                election_day: day(2027, 3, 28),
                first_day: day(2027, 3, 27),
                last_day: day(2027, 3, 28),
                lock_period_days: 4,
                work_locations: [town_hall.id].into(),
            },
        )
        .await
        .unwrap();
    svc.set_election_active(admin, election.id, true)
        .await
        .unwrap();
    let slot = valghalla::core::model::SlotKey {
        election: election.id,
        work_location: town_hall.id,
        task_type: night.id,
        team: s.teams[0].id,
        date: day(2027, 3, 27),
    };
    svc.set_seat_count(admin, slot, 1).await.unwrap();
    let seat = s.slot_seats(slot).await[0].id;
    let cpr = Cpr::parse("0101751234").unwrap();
    s.registry.insert(
        cpr,
        FakeRegistry::resident(&cpr, "Søren Ærø", "Åberg", municipality_code()),
    );
    let soeren = svc
        .create_participant(
            admin,
            NewParticipant {
                cpr,
                contact: Contact {
                    mobile: None,
                    email: Some(Email::parse("soeren@example.test").unwrap()),
                },
                teams: [s.teams[0].id].into(),
                special_diets: Default::default(),
                preferred_work_location: None,
            },
        )
        .await
        .unwrap();
    let me = Scenario::citizen(&soeren);

    // The host's dispatcher, from its --smtp and --mail-from options, runs after each step (a
    // message whose reason no longer holds when it is due is cancelled, not sent).
    let d = dispatcher(
        &ChannelConfig {
            mail_dir: None,
            smtp: Some(format!("smtp://127.0.0.1:{}?tls=none", server.port)),
            mail_from: "Korsbæk Kommune <valg@korsbaek.test>".into(),
        },
        DispatchConfig::default(),
    )
    .unwrap()
    .expect("a dispatcher");
    svc.invite(admin, seat, soeren.id).await.unwrap();
    assert_eq!(d.run_once(&svc).await.unwrap().sent, 1);
    svc.accept(&me, seat, None).await.unwrap();
    assert_eq!(d.run_once(&svc).await.unwrap().sent, 1);
    svc.withdraw(&me, seat).await.unwrap();
    assert_eq!(d.run_once(&svc).await.unwrap().sent, 1);
    let outbox = s.store.outbox(&OutboxFilter::default()).await.unwrap();
    for m in &outbox {
        assert!(
            matches!(&m.status, DeliveryStatus::Sent { channel, reference: Some(_), .. } if channel == "email"),
            "sent, with the server's reference: {:?}",
            m.status
        );
    }
    let key_of = |kind: MessageKind| {
        let id = outbox.iter().find(|m| m.kind == kind).unwrap().id;
        format!("{id}@korsbaek.test")
    };

    let received = server.received();
    assert_eq!(received.len(), 3);
    let by_key = |kind: MessageKind| {
        let key = key_of(kind);
        received
            .iter()
            .find(|r| {
                MessageParser::default().parse(&r.raw).unwrap().message_id() == Some(key.as_str())
            })
            .unwrap()
    };
    assert!(
        calendar_of(&by_key(MessageKind::Invitation).raw).is_none(),
        "an invitation carries no calendar file"
    );

    let uid = format!("seat-{seat}@{DOMAIN}");
    let (method, task) = calendar_of(&by_key(MessageKind::Registration).raw).unwrap();
    assert_eq!(method, "REQUEST");
    assert_eq!(task.get_uid(), Some(uid.as_str()));
    let start = utc(task.get_start());
    let end = utc(task.get_end());
    assert_eq!(
        start,
        Utc.with_ymd_and_hms(2027, 3, 27, 21, 0, 0)
            .single()
            .unwrap(),
        "22:00 winter time"
    );
    assert_eq!(
        end,
        Utc.with_ymd_and_hms(2027, 3, 28, 4, 0, 0).single().unwrap(),
        "06:00 summer time"
    );
    assert_eq!(
        end - start,
        Duration::hours(7),
        "the night is an hour short"
    );
    assert_eq!(
        task.get_summary(),
        Some("Nattevagt ved Folkeafstemning 2027")
    );
    assert_eq!(
        task.get_location(),
        Some("Ærøskøbing Rådhus, Torvet 1, 5970 Ærøskøbing")
    );
    let description = task.get_description().unwrap();
    assert!(
        description.contains("lørdag 27. marts 2027 kl. 22:00")
            && description.contains("søndag 28. marts 2027 kl. 06:00")
            && description.contains("Vagt ved stemmesedlerne."),
        "{description}"
    );
    let attendees: Vec<&str> = task
        .multi_properties()
        .get("ATTENDEE")
        .map(|a| a.iter().map(|p| p.value()).collect())
        .unwrap_or_default();
    assert_eq!(attendees, ["mailto:soeren@example.test"]);

    let (method, cancelled) = calendar_of(&by_key(MessageKind::Cancellation).raw).unwrap();
    assert_eq!(method, "CANCEL");
    assert_eq!(cancelled.get_uid(), Some(uid.as_str()));
    assert_eq!(cancelled.property_value("STATUS"), Some("CANCELLED"));
    assert!(
        cancelled.get_sequence().unwrap() > task.get_sequence().unwrap(),
        "the cancellation replaces the entry"
    );
    assert_eq!(utc(cancelled.get_start()), start);
    assert_eq!(utc(cancelled.get_end()), end);
}
