//! Calendar files (iCalendar, RFC 5545) for a participant's task: pure rendering with the
//! `icalendar` crate, no clock and no I/O.
//!
//! A [`TaskEvent`] is what the file says, snapshotted when the change happened (like a message's
//! facts, and serde-ready so the outbox can carry it). [`render_ics`] writes it for one of three
//! uses ([`CalendarMethod`]):
//!
//! * **Publish** — the file "Mine opgaver" offers for download (`METHOD:PUBLISH`);
//! * **Request** — attached to the acceptance message and the task reminder
//!   (`METHOD:REQUEST`, the participant as an attendee who has already accepted, no reply asked);
//! * **Cancel** — attached when the participant withdraws or is removed (`METHOD:CANCEL`,
//!   `STATUS:CANCELLED`), which removes the entry from calendars that imported it.
//!
//! The UID is stable per seat ([`event_uid`]), so a changed task replaces the entry instead of
//! adding one; the `SEQUENCE` tells the calendar which version is newer
//! ([`calendar_sequence`]). Start and end are written in UTC (`…Z`): the task's real instants
//! ([`DailyWindow::on`](crate::time::DailyWindow::on) in Europe/Copenhagen, across midnight and
//! the daylight-saving nights), exact even in the repeated autumn hour, which a local time with
//! a `TZID` cannot name, and without a `VTIMEZONE` block; every calendar shows them in local
//! time. The description repeats the Danish local times in words.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Europe::Copenhagen;
use icalendar::{Attendee, Component, EventLike, EventStatus, PartStat, Property, Role};
use serde::{Deserialize, Serialize};

use crate::ids::SeatId;
use crate::time::TimeWindow;
use crate::values::{DanishMessage, Email};

/// One task as a calendar entry: everything the file says except who it is for and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    /// The seat: the entry's identity ([`event_uid`]).
    pub seat: SeatId,
    /// Grows with every change to the task ([`calendar_sequence`]).
    pub sequence: u32,
    /// When this version was made (`DTSTAMP`): the instant of the change.
    pub stamp: DateTime<Utc>,
    /// The task's real start and end.
    pub window: TimeWindow,
    /// The election's title.
    pub election: String,
    /// The task type's title, e.g. `Tilforordnet`.
    pub task_type: String,
    /// The work location's title, e.g. `Korsbæk Skole`.
    pub work_location: String,
    /// Its postal address, one line.
    pub address: String,
    /// The task type's description as plain text (may span lines).
    pub description: String,
    /// Where the participant sees the task ("Mine opgaver"), if the host has a public address.
    pub url: Option<String>,
}

/// Why a message carries a calendar file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarPurpose {
    /// The task is the participant's: the acceptance message and the task reminder.
    Request,
    /// The task is no longer theirs: they withdrew or were removed after accepting.
    Cancel,
}

/// The calendar entry an outbox message carries, snapshotted with its facts when the change
/// happened; the dispatcher renders it ([`MessageCalendar::render`]) for the recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCalendar {
    /// The task.
    pub event: TaskEvent,
    /// Request or cancellation.
    pub purpose: CalendarPurpose,
}

impl MessageCalendar {
    /// The file for a recipient called `name` at `email`. Without an e-mail address the task is
    /// published (`METHOD:PUBLISH`: a calendar imports it) and a cancellation is not sent: a
    /// cancellation names the attendee whose entry it removes.
    pub fn render(
        &self,
        source: &CalendarSource,
        name: &str,
        email: Option<&Email>,
    ) -> Option<Result<IcsFile, CalendarError>> {
        let attendee = email.map(|email| CalendarParty {
            name: name.to_owned(),
            email: email.clone(),
        });
        let method = match (self.purpose, attendee) {
            (CalendarPurpose::Request, Some(attendee)) => CalendarMethod::Request { attendee },
            (CalendarPurpose::Request, None) => CalendarMethod::Publish,
            (CalendarPurpose::Cancel, Some(attendee)) => CalendarMethod::Cancel { attendee },
            (CalendarPurpose::Cancel, None) => return None,
        };
        Some(render_ics(&self.event, source, &method))
    }
}

/// A calendar user: the municipality as organiser, or the participant as attendee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarParty {
    /// The name shown (`CN`).
    pub name: String,
    /// The e-mail address (`mailto:`).
    pub email: Email,
}

/// What the file is for; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalendarMethod {
    /// A file to download and import (`METHOD:PUBLISH`).
    Publish,
    /// The task, sent to the participant who holds it (`METHOD:REQUEST`).
    Request {
        /// The participant.
        attendee: CalendarParty,
    },
    /// The task is no longer theirs (`METHOD:CANCEL`).
    Cancel {
        /// The participant.
        attendee: CalendarParty,
    },
}

impl CalendarMethod {
    /// The `METHOD` value.
    pub const fn name(&self) -> &'static str {
        match self {
            CalendarMethod::Publish => "PUBLISH",
            CalendarMethod::Request { .. } => "REQUEST",
            CalendarMethod::Cancel { .. } => "CANCEL",
        }
    }
}

/// Who publishes the files: configuration of the host, the same for every file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarSource {
    /// The host's domain, e.g. `valg.korsbaek.dk`: the right-hand side of every UID.
    pub domain: String,
    /// The organiser: the municipality's election secretariat and its address.
    pub organizer: CalendarParty,
}

/// A rendered calendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsFile {
    /// The method it was rendered for (`PUBLISH`, `REQUEST`, `CANCEL`).
    pub method: &'static str,
    /// The file's text (CRLF line ends, folded at 75 octets).
    pub text: String,
}

impl IcsFile {
    /// The MIME type for an e-mail part or an HTTP response.
    pub fn content_type(&self) -> String {
        format!("text/calendar; charset=utf-8; method={}", self.method)
    }

    /// A file name for the attachment or download.
    pub const fn file_name(&self) -> &'static str {
        "opgave.ics"
    }
}

/// Why a calendar file could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The window does not end after it starts.
    #[error("calendar: the task ends ({end}) at or before it starts ({start})")]
    EmptyWindow {
        /// Start.
        start: DateTime<Utc>,
        /// End.
        end: DateTime<Utc>,
    },
    /// The domain for UIDs is not a plain domain name.
    #[error("calendar: the domain '{0}' is not a domain name (e.g. valg.korsbaek.dk)")]
    Domain(String),
    /// The text could not be written (the formatter failed).
    #[error("calendar: the file could not be written")]
    Write,
}

impl DanishMessage for CalendarError {
    fn message_da(&self) -> String {
        match self {
            CalendarError::EmptyWindow { .. } => {
                "Kalenderfil: opgaven slutter før den begynder; ret opgavetypens tidspunkter".into()
            }
            CalendarError::Domain(d) => format!(
                "Kalenderfil: domænet '{d}' er ikke et domænenavn (f.eks. valg.korsbaek.dk)"
            ),
            CalendarError::Write => "Kalenderfil: filen kunne ikke skrives".into(),
        }
    }
}

/// The UID of the entry for `seat`: the same for every version and for every method.
pub fn event_uid(seat: SeatId, domain: &str) -> String {
    format!("seat-{seat}@{domain}")
}

/// A `SEQUENCE` from the versions of the records an entry is made of (seat, task type, work
/// location, election): each version only grows, so their sum grows whenever any of them
/// changes — a changed time, a new address, a withdrawal. Saturates at `u32::MAX`.
pub fn calendar_sequence(versions: &[u64]) -> u32 {
    let sum = versions.iter().fold(0u64, |acc, v| acc.saturating_add(*v));
    u32::try_from(sum).unwrap_or(u32::MAX)
}

/// Renders `event` as an iCalendar file for `method`. Pure: the same input gives the same bytes.
pub fn render_ics(
    event: &TaskEvent,
    source: &CalendarSource,
    method: &CalendarMethod,
) -> Result<IcsFile, CalendarError> {
    let TimeWindow { start, end } = event.window;
    if end <= start {
        return Err(CalendarError::EmptyWindow { start, end });
    }
    let domain = source.domain.trim();
    if domain.is_empty()
        || !domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
    {
        return Err(CalendarError::Domain(source.domain.clone()));
    }
    let summary = one_line(&format!("{} ved {}", event.task_type, event.election));
    let location = one_line(&format!("{}, {}", event.work_location, event.address));
    let mut vevent = icalendar::Event::with_uid(&event_uid(event.seat, domain));
    vevent
        .timestamp(event.stamp)
        .sequence(event.sequence)
        .summary(&summary)
        .location(&location)
        .description(&describe(event, &location))
        .starts(start)
        .ends(end)
        .append_property(Property::new("TRANSP", "OPAQUE"))
        .append_property(
            Property::new("ORGANIZER", format!("mailto:{}", source.organizer.email))
                .add_parameter("CN", &parameter_text(&source.organizer.name))
                .done(),
        );
    if let Some(url) = &event.url {
        vevent.url(&one_line(url));
    }
    match method {
        CalendarMethod::Publish => {
            vevent.status(EventStatus::Confirmed);
        }
        CalendarMethod::Request { attendee } => {
            vevent
                .status(EventStatus::Confirmed)
                .attendee(attendee_of(attendee));
        }
        CalendarMethod::Cancel { attendee } => {
            vevent
                .status(EventStatus::Cancelled)
                .attendee(attendee_of(attendee));
        }
    }
    let mut calendar = icalendar::Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Valghalla//Valghalla//DA"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.name()))
        .push(vevent.done());
    let mut text = String::new();
    std::fmt::Write::write_fmt(&mut text, format_args!("{calendar}"))
        .map_err(|_| CalendarError::Write)?;
    Ok(IcsFile {
        method: method.name(),
        text,
    })
}

/// The participant as an attendee who has accepted through valghalla: no reply is asked for
/// (answers go through "Mine opgaver", not the calendar).
fn attendee_of(party: &CalendarParty) -> Attendee {
    Attendee::new(format!("mailto:{}", party.email))
        .cn(parameter_text(&party.name))
        .role(Role::ReqParticipant)
        .partstat(PartStat::Accepted)
        .rsvp(false)
}

/// The description: the task, the place, the local times in words, the link.
fn describe(event: &TaskEvent, location: &str) -> String {
    let mut out = format!(
        "{} ved {}\nSted: {location}\nTid: {} til {}",
        one_line(&event.task_type),
        one_line(&event.election),
        local_in_words(event.window.start),
        local_in_words(event.window.end),
    );
    let description = multi_line(&event.description);
    if !description.is_empty() {
        out.push_str("\n\n");
        out.push_str(&description);
    }
    if let Some(url) = &event.url {
        out.push_str("\n\nSe din opgave eller meld fra: ");
        out.push_str(&one_line(url));
    }
    out
}

/// `lørdag 24. oktober 2026 kl. 20:00`, in Danish local time.
fn local_in_words(at: DateTime<Utc>) -> String {
    const WEEKDAYS: [&str; 7] = [
        "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
    ];
    const MONTHS: [&str; 12] = [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let local = at.with_timezone(&Copenhagen);
    let weekday = WEEKDAYS
        .get(local.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or_default();
    let month = MONTHS
        .get(local.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!(
        "{weekday} {}. {month} {} kl. {}",
        local.day(),
        local.year(),
        local.format("%H:%M")
    )
}

/// One line: control characters (line breaks included) become spaces, so no text can start a
/// property of its own.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Text that may span lines: line ends become `\n` (which the crate escapes), other control
/// characters are dropped.
fn multi_line(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A parameter value (`CN=`): one line, without the double quote that would end it.
fn parameter_text(text: &str) -> String {
    one_line(text).replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::DailyWindow;
    use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
    use icalendar::{CalendarComponent, CalendarDateTime, DatePerhapsTime};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn source() -> CalendarSource {
        CalendarSource {
            domain: "valg.korsbaek.test".into(),
            organizer: CalendarParty {
                name: "Korsbæk Kommune, Valgsekretariatet".into(),
                email: Email::parse("valg@korsbaek.test").unwrap(),
            },
        }
    }

    fn attendee() -> CalendarParty {
        CalendarParty {
            name: "Søren \"Ærø\" Åberg".into(),
            email: Email::parse("soeren@example.test").unwrap(),
        }
    }

    fn event(window: DailyWindow, date: NaiveDate) -> TaskEvent {
        TaskEvent {
            seat: SeatId::new(),
            sequence: 3,
            stamp: Utc.with_ymd_and_hms(2026, 10, 1, 12, 0, 0).unwrap(),
            window: window.on(date),
            election: "Folketingsvalg 2026".into(),
            task_type: "Fintæller".into(),
            work_location: "Ærøskøbing Rådhus; Sal 2".into(),
            address: "Torvet 1, 5970 Ærøskøbing".into(),
            description: "Mød op i salen.\r\nTag madpakke med.".into(),
            url: Some("https://valg.korsbaek.test/mine-opgaver".into()),
        }
    }

    /// The file parsed back with the crate's own parser: its METHOD and its one event.
    fn parse(file: &IcsFile) -> (Option<String>, icalendar::Event) {
        let calendar: icalendar::Calendar = file.text.parse().unwrap();
        let method = calendar.property_value("METHOD").map(str::to_owned);
        let mut events = calendar.components.into_iter().filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        });
        let event = events.next().expect("one event");
        assert!(events.next().is_none(), "exactly one event");
        (method, event)
    }

    fn utc(value: Option<DatePerhapsTime>) -> DateTime<Utc> {
        match value {
            Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at,
            other => panic!("expected a UTC date-time, got {other:?}"),
        }
    }

    fn length_and_local_times(window: DailyWindow, date: NaiveDate) -> (Duration, String, String) {
        let file = render_ics(&event(window, date), &source(), &CalendarMethod::Publish).unwrap();
        let (_, e) = parse(&file);
        let (start, end) = (utc(e.get_start()), utc(e.get_end()));
        let local = |at: DateTime<Utc>| {
            at.with_timezone(&Copenhagen)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        (end - start, local(start), local(end))
    }

    #[test]
    fn a_night_task_into_the_last_sunday_of_october_is_nine_hours_long() {
        // 25 October 2026: the clocks go back from 03:00 to 02:00.
        let night = DailyWindow::new(t(20, 0), t(4, 0));
        assert_eq!(
            length_and_local_times(night, d(2026, 10, 24)),
            (
                Duration::hours(9),
                "2026-10-24 20:00".into(),
                "2026-10-25 04:00".into()
            )
        );
    }

    #[test]
    fn a_night_task_into_the_last_sunday_of_march_is_seven_hours_long() {
        // 29 March 2026: the clocks go forward from 02:00 to 03:00.
        let night = DailyWindow::new(t(20, 0), t(4, 0));
        assert_eq!(
            length_and_local_times(night, d(2026, 3, 28)),
            (
                Duration::hours(7),
                "2026-03-28 20:00".into(),
                "2026-03-29 04:00".into()
            )
        );
    }

    #[test]
    fn an_end_in_the_repeated_autumn_hour_keeps_the_later_instant() {
        // 01:00–02:30 on 25 October 2026 spans the repeated hour: 2½ hours of real time, which
        // a local 02:30 with a TZID could not say.
        let w = DailyWindow::new(t(1, 0), t(2, 30));
        let (length, start, end) = length_and_local_times(w, d(2026, 10, 25));
        assert_eq!(length, Duration::minutes(150));
        assert_eq!(
            (start.as_str(), end.as_str()),
            ("2026-10-25 01:00", "2026-10-25 02:30")
        );
    }

    #[test]
    fn a_final_count_across_midnight_ends_the_next_day() {
        let count = DailyWindow::new(t(17, 0), t(2, 0));
        assert_eq!(
            length_and_local_times(count, d(2026, 11, 17)),
            (
                Duration::hours(9),
                "2026-11-17 17:00".into(),
                "2026-11-18 02:00".into()
            )
        );
    }

    #[test]
    fn the_entry_names_the_task_the_station_and_its_address_and_reads_back_unchanged() {
        let ev = event(DailyWindow::new(t(17, 0), t(2, 0)), d(2026, 11, 17));
        let file = render_ics(&ev, &source(), &CalendarMethod::Publish).unwrap();
        assert!(
            file.text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{}",
            file.text
        );
        assert_eq!(
            file.content_type(),
            "text/calendar; charset=utf-8; method=PUBLISH"
        );
        let (method, e) = parse(&file);
        assert_eq!(method.as_deref(), Some("PUBLISH"));
        assert_eq!(e.get_summary(), Some("Fintæller ved Folketingsvalg 2026"));
        // Commas and semicolons are escaped in the file and come back as written.
        assert_eq!(
            e.get_location(),
            Some("Ærøskøbing Rådhus; Sal 2, Torvet 1, 5970 Ærøskøbing")
        );
        let description = e.get_description().unwrap();
        assert!(
            description.contains(
                "Tid: tirsdag 17. november 2026 kl. 17:00 til onsdag 18. november 2026 kl. 02:00"
            ),
            "{description}"
        );
        assert!(
            description.contains("Mød op i salen.\nTag madpakke med."),
            "{description}"
        );
        assert!(description.ends_with("https://valg.korsbaek.test/mine-opgaver"));
        assert_eq!(e.get_url(), Some("https://valg.korsbaek.test/mine-opgaver"));
        assert_eq!(e.get_status(), Some(EventStatus::Confirmed));
        assert_eq!(e.get_timestamp(), Some(ev.stamp));
        assert!(e.get_attendees().is_empty(), "a download names nobody");
        assert_eq!(
            e.property_value("ORGANIZER"),
            Some("mailto:valg@korsbaek.test")
        );
    }

    #[test]
    fn the_uid_is_stable_per_seat_and_the_sequence_is_the_one_given() {
        let w = DailyWindow::new(t(7, 30), t(22, 0));
        let first = event(w, d(2026, 11, 17));
        // The task type's times changed: same seat, a later version.
        let changed = TaskEvent {
            window: DailyWindow::new(t(7, 0), t(22, 0)).on(d(2026, 11, 17)),
            sequence: 4,
            ..first.clone()
        };
        let other_seat = TaskEvent {
            seat: SeatId::new(),
            ..first.clone()
        };
        let uid_and_sequence = |ev: &TaskEvent| {
            let (_, e) = parse(&render_ics(ev, &source(), &CalendarMethod::Publish).unwrap());
            (e.get_uid().map(str::to_owned), e.get_sequence())
        };
        let (uid1, seq1) = uid_and_sequence(&first);
        let (uid2, seq2) = uid_and_sequence(&changed);
        let (uid3, _) = uid_and_sequence(&other_seat);
        assert_eq!(uid1, Some(event_uid(first.seat, "valg.korsbaek.test")));
        assert_eq!(uid1, uid2);
        assert_ne!(uid1, uid3);
        assert_eq!((seq1, seq2), (Some(3), Some(4)));
    }

    #[test]
    fn a_request_names_the_participant_as_accepted_and_a_cancel_cancels_the_same_entry() {
        let ev = event(DailyWindow::new(t(7, 30), t(22, 0)), d(2026, 11, 17));
        let request = render_ics(
            &ev,
            &source(),
            &CalendarMethod::Request {
                attendee: attendee(),
            },
        )
        .unwrap();
        let cancelled = TaskEvent {
            sequence: ev.sequence + 1,
            ..ev.clone()
        };
        let cancel = render_ics(
            &cancelled,
            &source(),
            &CalendarMethod::Cancel {
                attendee: attendee(),
            },
        )
        .unwrap();
        assert_eq!(
            cancel.content_type(),
            "text/calendar; charset=utf-8; method=CANCEL"
        );

        let (method, r) = parse(&request);
        assert_eq!(method.as_deref(), Some("REQUEST"));
        assert_eq!(r.get_status(), Some(EventStatus::Confirmed));
        let attendees = r.get_attendees();
        assert_eq!(attendees.len(), 1);
        assert_eq!(attendees[0].cal_address, "mailto:soeren@example.test");
        assert_eq!(attendees[0].part_stat, Some(PartStat::Accepted));
        assert_eq!(attendees[0].rsvp, Some(false));
        // The quote in the name cannot end the parameter.
        assert_eq!(attendees[0].cn.as_deref(), Some("Søren 'Ærø' Åberg"));

        let (method, c) = parse(&cancel);
        assert_eq!(method.as_deref(), Some("CANCEL"));
        assert_eq!(c.get_status(), Some(EventStatus::Cancelled));
        assert_eq!(c.get_uid(), r.get_uid());
        assert!(c.get_sequence() > r.get_sequence());
        assert_eq!(c.get_attendees().len(), 1);
        assert!(c.property_value("ORGANIZER").is_some());
    }

    #[test]
    fn text_from_the_secretariat_cannot_add_properties() {
        let mut ev = event(DailyWindow::new(t(7, 30), t(22, 0)), d(2026, 11, 17));
        ev.work_location = "Skolen\r\nATTENDEE:mailto:evil@example.test".into();
        ev.description = "Linje\rEND:VEVENT\nBEGIN:VEVENT".into();
        let file = render_ics(&ev, &source(), &CalendarMethod::Publish).unwrap();
        let lines: Vec<&str> = file.text.split("\r\n").collect();
        assert!(
            !lines.iter().any(|l| l.starts_with("ATTENDEE")),
            "{}",
            file.text
        );
        assert_eq!(lines.iter().filter(|l| **l == "BEGIN:VEVENT").count(), 1);
        assert!(!file.text.replace("\r\n", "").contains('\r'));
        let (_, e) = parse(&file);
        assert!(e.get_attendees().is_empty());
    }

    #[test]
    fn rendering_is_pure_and_refuses_an_empty_window_or_a_bad_domain() {
        let ev = event(DailyWindow::new(t(7, 30), t(22, 0)), d(2026, 11, 17));
        let a = render_ics(&ev, &source(), &CalendarMethod::Publish).unwrap();
        let b = render_ics(&ev, &source(), &CalendarMethod::Publish).unwrap();
        assert_eq!(a, b, "no clock and no random UID");
        let empty = TaskEvent {
            window: TimeWindow {
                start: ev.window.end,
                end: ev.window.start,
            },
            ..ev.clone()
        };
        let err = render_ics(&empty, &source(), &CalendarMethod::Publish).unwrap_err();
        assert!(matches!(err, CalendarError::EmptyWindow { .. }));
        assert!(err.message_da().contains("opgavetypens tidspunkter"));
        let bad = CalendarSource {
            domain: "valg korsbaek".into(),
            ..source()
        };
        assert!(matches!(
            render_ics(&ev, &bad, &CalendarMethod::Publish),
            Err(CalendarError::Domain(_))
        ));
    }

    #[test]
    fn the_event_and_the_method_travel_through_serde() {
        let ev = event(DailyWindow::new(t(17, 0), t(2, 0)), d(2026, 11, 17));
        let json = serde_json::to_string(&ev).unwrap();
        assert_eq!(serde_json::from_str::<TaskEvent>(&json).unwrap(), ev);
        let method = CalendarMethod::Cancel {
            attendee: attendee(),
        };
        let json = serde_json::to_string(&method).unwrap();
        assert_eq!(
            serde_json::from_str::<CalendarMethod>(&json).unwrap(),
            method
        );
    }

    proptest! {
        #[test]
        fn the_sequence_grows_when_any_version_grows(
            versions in proptest::collection::vec(0u64..1_000_000, 4),
            which in 0usize..4,
            step in 1u64..1000,
        ) {
            let before = calendar_sequence(&versions);
            let mut after = versions.clone();
            after[which] += step;
            prop_assert!(calendar_sequence(&after) > before);
        }

        #[test]
        fn every_window_renders_with_its_true_length(
            sh in 0u32..24, sm in 0u32..4, eh in 0u32..24, em in 0u32..4, day in 0i64..1500,
        ) {
            let w = DailyWindow::new(t(sh, sm * 15), t(eh, em * 15));
            let date = d(2025, 1, 1) + Duration::days(day);
            let expected = w.on(date).duration();
            let (length, _, _) = length_and_local_times(w, date);
            prop_assert_eq!(length, expected);
        }
    }

    #[test]
    fn the_sequence_saturates() {
        assert_eq!(calendar_sequence(&[u64::MAX, 1]), u32::MAX);
        assert_eq!(calendar_sequence(&[1, 2, 3]), 6);
        assert_eq!(calendar_sequence(&[]), 0);
    }
}
