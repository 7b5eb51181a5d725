//! Every "due" function at its boundaries, on fixed instants, across the October 2026
//! daylight-saving change (clocks go back from 03:00 CEST to 02:00 CET on 25 October).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Copenhagen;

use super::*;
use crate::cpr::Cpr;
use crate::ids::{ElectionTypeId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{
    AcceptedVia, Consent, Contact, DateRange, InvitationToken, PersonRecord, SlotKey, Trust,
};
use crate::time::DailyWindow;
use crate::values::{Name, ShortName};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A local Copenhagen wall-clock time (the earlier instant if ambiguous).
fn local(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Copenhagen
        .with_ymd_and_hms(y, m, day, h, min, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn election(active: bool) -> Election {
    let mut e = Election::new(
        Name::parse("Kommunalvalg").unwrap(),
        ElectionTypeId::new(),
        d(2026, 10, 26),
        DateRange::new(d(2026, 10, 25), d(2026, 10, 27)).unwrap(),
        3,
    )
    .unwrap();
    e.active = active;
    e
}

fn task_type(reminders: bool) -> TaskType {
    TaskType {
        id: TaskTypeId::new(),
        title: Name::parse("Tilforordnet").unwrap(),
        short_name: ShortName::parse("TF").unwrap(),
        description: String::new(),
        window: DailyWindow::hm(7, 30, 22, 0).unwrap(),
        payment: None,
        trust: Trust::Open,
        check_eligibility: true,
        reminders,
        chair: None,
    }
}

fn seat(e: &Election, date: NaiveDate, state: SeatState) -> Seat {
    Seat {
        id: SeatId::new(),
        slot: SlotKey {
            election: e.id,
            work_location: WorkLocationId::new(),
            task_type: TaskTypeId::new(),
            team: TeamId::new(),
            date,
        },
        state,
    }
}

fn invited(at: DateTime<Utc>, last: Option<DateTime<Utc>>) -> SeatState {
    SeatState::Invited {
        participant: ParticipantId::new(),
        token: InvitationToken::generate(),
        invited_at: at,
        last_reminder_at: last,
    }
}

fn accepted(via: AcceptedVia, reminded: Option<DateTime<Utc>>) -> SeatState {
    SeatState::Accepted {
        participant: ParticipantId::new(),
        accepted_at: local(2026, 9, 1, 12, 0),
        via,
        task_reminder_at: reminded,
    }
}

#[test]
fn invitation_reminder_every_four_calendar_days_across_dst() {
    let e = election(true);
    // Invited on Wednesday 21 October at 12:00 CEST; task on Monday 26 October.
    let s = seat(
        &e,
        d(2026, 10, 26),
        invited(local(2026, 10, 21, 12, 0), None),
    );
    // The day before the fourth day: not yet.
    assert!(!invitation_reminder_due(
        local(2026, 10, 24, 23, 59),
        &s,
        &e,
        4
    ));
    // The fourth day, at local midnight — still CEST, less than 4×24 hours later.
    assert!(invitation_reminder_due(
        local(2026, 10, 25, 0, 0),
        &s,
        &e,
        4
    ));
    // During the repeated hour (02:30 occurs twice) and after the change.
    let second_0230 = Copenhagen
        .with_ymd_and_hms(2026, 10, 25, 2, 30, 0)
        .latest()
        .unwrap()
        .with_timezone(&Utc);
    assert!(invitation_reminder_due(second_0230, &s, &e, 4));
    assert!(invitation_reminder_due(
        local(2026, 10, 25, 3, 0),
        &s,
        &e,
        4
    ));
    // On the task date: too late.
    assert!(!invitation_reminder_due(
        local(2026, 10, 26, 0, 0),
        &s,
        &e,
        4
    ));
    // Inactive elections get none.
    assert!(!invitation_reminder_due(
        local(2026, 10, 25, 3, 0),
        &s,
        &election(false),
        4
    ));
    // The cadence restarts at the last reminder.
    let reminded = seat(
        &e,
        d(2026, 10, 30),
        invited(local(2026, 10, 17, 9, 0), Some(local(2026, 10, 21, 9, 0))),
    );
    assert!(!invitation_reminder_due(
        local(2026, 10, 24, 12, 0),
        &reminded,
        &e,
        4
    ));
    assert!(invitation_reminder_due(
        local(2026, 10, 25, 12, 0),
        &reminded,
        &e,
        4
    ));
    // Accepted seats are never reminded of an invitation.
    let taken = seat(&e, d(2026, 10, 26), accepted(AcceptedVia::Invitation, None));
    assert!(!invitation_reminder_due(
        local(2026, 10, 25, 12, 0),
        &taken,
        &e,
        4
    ));
}

#[test]
fn task_reminder_n_days_before_across_dst_and_at_most_once() {
    let e = election(true);
    let tt = task_type(true);
    let s = seat(&e, d(2026, 10, 26), accepted(AcceptedVia::OpenLink, None));
    // N = 1: due from the local day before the task, i.e. 25 October, a 25-hour day.
    assert!(!task_reminder_due(
        local(2026, 10, 24, 23, 59),
        &s,
        &e,
        &tt,
        1
    ));
    assert!(task_reminder_due(local(2026, 10, 25, 0, 0), &s, &e, &tt, 1));
    assert!(task_reminder_due(local(2026, 10, 25, 3, 0), &s, &e, &tt, 1));
    assert!(task_reminder_due(
        local(2026, 10, 25, 23, 59),
        &s,
        &e,
        &tt,
        1
    ));
    assert!(!task_reminder_due(
        local(2026, 10, 26, 0, 0),
        &s,
        &e,
        &tt,
        1
    ));
    // N = 5 (the default): from 21 October.
    assert!(!task_reminder_due(
        local(2026, 10, 20, 23, 59),
        &s,
        &e,
        &tt,
        5
    ));
    assert!(task_reminder_due(local(2026, 10, 21, 0, 0), &s, &e, &tt, 5));
    // Accepted through an open link is reminded too (the reference never did); once only.
    let done = seat(
        &e,
        d(2026, 10, 26),
        accepted(AcceptedVia::OpenLink, Some(local(2026, 10, 21, 1, 0))),
    );
    assert!(!task_reminder_due(
        local(2026, 10, 25, 3, 0),
        &done,
        &e,
        &tt,
        5
    ));
    // Task types without reminders, inactive elections and invitations get none.
    assert!(!task_reminder_due(
        local(2026, 10, 25, 3, 0),
        &s,
        &e,
        &task_type(false),
        5
    ));
    assert!(!task_reminder_due(
        local(2026, 10, 25, 3, 0),
        &s,
        &election(false),
        &tt,
        5
    ));
    let inv = seat(&e, d(2026, 10, 26), invited(local(2026, 10, 1, 9, 0), None));
    assert!(!task_reminder_due(
        local(2026, 10, 25, 3, 0),
        &inv,
        &e,
        &tt,
        5
    ));
}

#[test]
fn deactivation_the_day_after_the_working_period() {
    let e = election(true);
    assert!(!deactivation_due(d(2026, 10, 27), &e));
    assert!(deactivation_due(d(2026, 10, 28), &e));
    assert!(!deactivation_due(d(2026, 10, 28), &election(false)));
}

#[test]
fn resync_takes_people_with_upcoming_seats_in_active_elections() {
    let active = election(true);
    let inactive = election(false);
    let elections: BTreeMap<_, _> =
        [(active.id, active.clone()), (inactive.id, inactive.clone())].into();
    let upcoming = seat(
        &active,
        d(2026, 10, 26),
        accepted(AcceptedVia::Invitation, None),
    );
    let past = seat(
        &active,
        d(2026, 10, 25),
        accepted(AcceptedVia::Invitation, None),
    );
    let elsewhere = seat(
        &inactive,
        d(2026, 10, 26),
        accepted(AcceptedVia::Invitation, None),
    );
    let vacant = seat(&active, d(2026, 10, 26), SeatState::Vacant);
    let got = resync_candidates(
        d(2026, 10, 26),
        &[upcoming.clone(), past, elsewhere, vacant],
        &elections,
    );
    let want: BTreeSet<_> = upcoming.state.participant().into_iter().collect();
    assert_eq!(got, want);
}

fn participant(created: DateTime<Utc>) -> Participant {
    let cpr = Cpr::parse("0101801234").unwrap();
    Participant {
        id: ParticipantId::new(),
        cpr,
        person: PersonRecord {
            first_name: "Ib".into(),
            last_name: "Hansen".into(),
            address: None,
            municipality: None,
            citizenship: None,
            birth_date: d(1980, 1, 1),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        },
        contact: Contact::default(),
        special_diets: BTreeSet::new(),
        teams: BTreeSet::new(),
        preferred_work_location: None,
        last_validated_at: None,
        consent: None,
        created_at: created,
    }
}

#[test]
fn retirement_after_the_configured_months_unless_consented() {
    let e = election(false);
    let elections: BTreeMap<_, _> = [(e.id, e.clone())].into();
    let mut p = participant(local(2026, 5, 1, 12, 0));
    let s = seat(&e, d(2026, 10, 26), accepted(AcceptedVia::Invitation, None));
    let last = last_involvement(&p, &[&s], &elections);
    assert_eq!(last, d(2026, 10, 27));
    assert_eq!(last_involvement(&p, &[], &elections), d(2026, 5, 1));
    assert!(!retirement_due(d(2027, 10, 26), &p, last, 12));
    assert!(retirement_due(d(2027, 10, 27), &p, last, 12));
    p.consent = Some(Consent {
        text_version: "v1".into(),
        given_at: local(2026, 9, 1, 12, 0),
    });
    assert!(!retirement_due(d(2030, 1, 1), &p, last, 12));
}

#[test]
fn purge_cutoffs_are_calendar_months() {
    let now = local(2026, 10, 25, 3, 0);
    assert_eq!(
        purge_before(now, 6),
        now.checked_sub_months(Months::new(6)).unwrap()
    );
    assert_eq!(
        local_date(purge_before(local(2026, 8, 31, 12, 0), 6)),
        d(2026, 2, 28)
    );
}
