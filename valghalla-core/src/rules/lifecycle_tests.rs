//! Unit tests of the seat lifecycle, one or more per reference transition (T1–T12 of
//! `os2valghalla3-domain.md` §5.5), including the checks the reference left to a web page (§15).
//!
//! The fixtures here are shared with `distribution_tests`.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::cpr::Cpr;
use crate::ids::{ParticipantId, RejectionId, TaskTypeId, TeamId, WorkLocationId};
use crate::messages::MessageKind;
use crate::model::CountryCode;
use crate::model::{
    AcceptedVia, Address, Contact, DateRange, Election, ElectionKind, ElectionType,
    EligibilityRule, InvitationToken, Op, Participant, PersonRecord, Record, RecordKey, Rejection,
    RejectionKind, Seat, SeatState, SlotKey, TaskType, Trust, WorkLocation,
};
use crate::rules::RefusalCode;
use crate::rules::booking::Booking;
use crate::rules::lifecycle::{
    self, Answer, OpenAccess, PersonFacts, Route, SeatFacts, answer_on_behalf, decline,
    delete_participant, invite, occupy, remove, remove_after_revalidation, remove_from_team,
    withdraw,
};
use crate::rules::{Ctx, Decision, MessageIntent, Refused, RuleId, Violation};
use crate::time::DailyWindow;
use crate::values::{MunicipalityCode, Name, ShortName};

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(crate) fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub(crate) fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
}

pub(crate) fn kolding() -> MunicipalityCode {
    MunicipalityCode::parse("0621").unwrap()
}

pub(crate) fn ctx_at(now: DateTime<Utc>) -> Ctx {
    Ctx {
        now,
        actor: crate::model::ActorLabel::Staff {
            user: "test".into(),
        },
    }
}

/// Election day.
pub(crate) fn eday() -> NaiveDate {
    d(2026, 6, 10)
}

pub(crate) fn task_type(title: &str, start: NaiveTime, end: NaiveTime, trust: Trust) -> TaskType {
    TaskType {
        id: TaskTypeId::new(),
        title: Name::parse(title).unwrap(),
        short_name: ShortName::parse(title).unwrap(),
        description: String::new(),
        window: DailyWindow::new(start, end),
        payment: None,
        trust,
        check_eligibility: true,
        reminders: true,
        chair: None,
    }
}

pub(crate) fn election(
    etype: &ElectionType,
    locations: impl IntoIterator<Item = WorkLocationId>,
) -> Election {
    let mut e = Election::new(
        Name::parse("Folketingsvalg 2026").unwrap(),
        etype.id,
        eday(),
        DateRange::new(d(2026, 6, 9), d(2026, 6, 11)).unwrap(),
        4,
    )
    .unwrap();
    e.active = true;
    e.work_locations = locations.into_iter().collect();
    e
}

pub(crate) fn adult(cpr: &str, teams: impl IntoIterator<Item = TeamId>) -> Participant {
    let cpr = Cpr::parse(cpr).unwrap();
    Participant {
        id: ParticipantId::new(),
        cpr,
        person: PersonRecord {
            first_name: "Karen".into(),
            last_name: "Jensen".into(),
            address: Some(Address {
                street: "Hovedgaden 1".into(),
                postal_code: None,
                city: "Kolding".into(),
            }),
            municipality: Some(kolding()),
            citizenship: Some(CountryCode::DENMARK),
            birth_date: cpr.birth_date(),
            deceased: false,
            under_guardianship: false,
            protected_address: false,
            exempt_from_digital_post: false,
            resident_in_realm_since: None,
        },
        contact: Contact::default(),
        special_diets: BTreeSet::new(),
        teams: teams.into_iter().collect(),
        preferred_work_location: None,
        last_validated_at: None,
        consent: None,
        created_at: utc(2026, 1, 1, 0, 0),
    }
}

/// One municipality, one folketingsvalg (9–11 June 2026, lock period 4 days, active), one
/// polling station staffed by two teams, and four task types:
///
/// * `day` 08:00–17:00 (open), `count` 17:00–02:00 (overnight final count, open),
/// * `morning` 01:00–06:00 (open), `chair` 07:00–21:00 (trusted: valgstyrer).
pub(crate) struct Fx {
    pub etype: ElectionType,
    pub election: Election,
    pub location: WorkLocation,
    pub team: TeamId,
    pub other_team: TeamId,
    pub day: TaskType,
    pub count: TaskType,
    pub morning: TaskType,
    pub chair: TaskType,
}

impl Fx {
    pub(crate) fn new() -> Fx {
        let etype = ElectionType::with_default_rules(
            Name::parse("Folketingsvalg").unwrap(),
            ElectionKind::Folketingsvalg,
        );
        let day = task_type("Tilforordnet", t(8, 0), t(17, 0), Trust::Open);
        let count = task_type("Fintælling", t(17, 0), t(2, 0), Trust::Open);
        let morning = task_type("Morgen", t(1, 0), t(6, 0), Trust::Open);
        let chair = task_type("Valgstyrer", t(7, 0), t(21, 0), Trust::Trusted);
        let team = TeamId::new();
        let other_team = TeamId::new();
        let location = WorkLocation {
            id: WorkLocationId::new(),
            area: crate::ids::AreaId::new(),
            title: Name::parse("Kolding Skole").unwrap(),
            address: Address {
                street: "Skolevej 1".into(),
                postal_code: None,
                city: "Kolding".into(),
            },
            voting_area: Some(1),
            teams: [team, other_team].into(),
            task_types: [day.id, count.id, morning.id, chair.id].into(),
            responsibles: BTreeSet::new(),
            coordinates: None,
        };
        let election = election(&etype, [location.id]);
        Fx {
            etype,
            election,
            location,
            team,
            other_team,
            day,
            count,
            morning,
            chair,
        }
    }

    pub(crate) fn task_types(&self) -> [&TaskType; 4] {
        [&self.day, &self.count, &self.morning, &self.chair]
    }

    pub(crate) fn task_type_of(&self, seat: &Seat) -> &TaskType {
        self.task_types()
            .into_iter()
            .find(|tt| tt.id == seat.slot.task_type)
            .unwrap()
    }

    pub(crate) fn slot(&self, tt: &TaskType, date: NaiveDate) -> SlotKey {
        SlotKey {
            election: self.election.id,
            work_location: self.location.id,
            task_type: tt.id,
            team: self.team,
            date,
        }
    }

    pub(crate) fn seat(&self, tt: &TaskType, date: NaiveDate) -> Seat {
        Seat::vacant(self.slot(tt, date))
    }

    pub(crate) fn facts<'a>(&'a self, seat: &'a Seat) -> SeatFacts<'a> {
        SeatFacts {
            seat,
            election: &self.election,
            election_type: &self.etype,
            task_type: self.task_type_of(seat),
            work_location: &self.location,
            municipality: kolding(),
        }
    }

    pub(crate) fn booking(&self, seat: &Seat) -> Booking {
        Booking::of(seat, self.task_type_of(seat))
    }
}

/// 1 June 2026, noon in Copenhagen: well before the lock period.
pub(crate) fn early() -> Ctx {
    ctx_at(utc(2026, 6, 1, 10, 0))
}

pub(crate) fn invited(seat: &Seat, p: &Participant) -> (Seat, InvitationToken) {
    let token = InvitationToken::generate();
    let s = Seat {
        state: SeatState::Invited {
            participant: p.id,
            token: token.clone(),
            invited_at: utc(2026, 5, 20, 10, 0),
            last_reminder_at: None,
        },
        ..seat.clone()
    };
    (s, token)
}

pub(crate) fn accepted(seat: &Seat, p: &Participant) -> Seat {
    Seat {
        state: SeatState::Accepted {
            participant: p.id,
            accepted_at: utc(2026, 5, 20, 10, 0),
            via: AcceptedVia::Invitation,
            task_reminder_at: None,
        },
        ..seat.clone()
    }
}

fn person<'a>(p: &'a Participant, bookings: &'a [Booking]) -> PersonFacts<'a> {
    PersonFacts {
        participant: p,
        bookings,
    }
}

/// Every decision writes an audit entry, and no audit entry carries the CPR number in any form.
pub(crate) fn assert_audited_without_cpr(d: &Decision, cprs: &[&Cpr]) {
    assert!(!d.audit.is_empty(), "no audit entry: {d:?}");
    for entry in &d.audit {
        let text = serde_json::to_string(entry).unwrap();
        for cpr in cprs {
            assert!(!text.contains(&cpr.reveal()), "CPR in audit: {text}");
            assert!(!text.contains(&cpr.reveal_dashed()), "CPR in audit: {text}");
            assert!(
                !text.contains(&cpr.reveal()[..6]),
                "birth date in audit: {text}"
            );
        }
    }
}

fn only_message(d: &Decision) -> &MessageIntent {
    assert_eq!(d.messages.len(), 1, "{:?}", d.messages);
    &d.messages[0]
}

/// The seat a decision writes.
pub(crate) fn put_seat(d: &Decision, id: crate::ids::SeatId) -> &Seat {
    d.ops
        .iter()
        .find_map(|op| match op {
            Op::Put(Record::Seat(s)) if s.id == id => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("seat {id} not written: {:?}", d.ops))
}

fn rejections(d: &Decision) -> Vec<&Rejection> {
    d.ops
        .iter()
        .filter_map(|op| match op {
            Op::Put(Record::Rejection(r)) => Some(r),
            _ => None,
        })
        .collect()
}

fn codes(r: &Refused) -> Vec<&'static str> {
    r.violations.iter().map(|v| v.code().as_str()).collect()
}

// ---------------------------------------------------------------------------------------------
// T1: invite
// ---------------------------------------------------------------------------------------------

/// T1: inviting a non-member to a vacant seat invites them with a fresh token, adds them to the
/// seat's team, and sends them an invitation.
#[test]
fn t1_invite_vacant_seat_invites_joins_team_and_sends_invitation() {
    let fx = Fx::new();
    let p = adult("0101801234", []);
    let seat = fx.seat(&fx.day, eday());
    let d = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap();
    match &put_seat(&d, seat.id).state {
        SeatState::Invited {
            participant,
            invited_at,
            last_reminder_at,
            ..
        } => {
            assert_eq!(*participant, p.id);
            assert_eq!(*invited_at, early().now);
            assert_eq!(*last_reminder_at, None);
        }
        other => panic!("not invited: {other:?}"),
    }
    let joined = d
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Put(Record::Participant(q)) => Some(q),
            _ => None,
        })
        .unwrap();
    assert!(joined.teams.contains(&fx.team));
    let m = only_message(&d);
    assert_eq!(
        (m.kind, m.participant, m.seat),
        (MessageKind::Invitation, p.id, Some(seat.id))
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T1: a member is not re-added; the participant is touched so concurrent bookings conflict.
#[test]
fn t1_invite_member_touches_participant_instead_of_rewriting_it() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.day, eday());
    let d = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap();
    assert!(d.ops.contains(&Op::Touch(RecordKey::Participant(p.id))));
    assert!(
        !d.ops
            .iter()
            .any(|op| matches!(op, Op::Put(Record::Participant(_))))
    );
}

/// T1, reference bug 7: the reference overwrites a taken seat silently; we refuse.
#[test]
fn t1_invite_into_non_vacant_seat_is_refused_reference_bug_7() {
    let fx = Fx::new();
    let holder = adult("0202802345", [fx.team]);
    let p = adult("0101801234", [fx.team]);
    let vacant = fx.seat(&fx.day, eday());
    let (inv, _) = invited(&vacant, &holder);
    let acc = accepted(&vacant, &holder);
    for seat in [inv, acc] {
        let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
        assert_eq!(r.violations, vec![Violation::SeatNotVacant]);
    }
}

/// T1 (§6.2): every failed eligibility rule is listed.
#[test]
fn t1_invite_ineligible_is_refused_with_every_failed_rule() {
    let fx = Fx::new();
    let mut p = adult("0101801234", [fx.team]);
    p.person.birth_date = d(2008, 6, 11); // 17 on election day
    p.person.municipality = Some(MunicipalityCode::parse("0101").unwrap());
    let seat = fx.seat(&fx.day, eday());
    let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
    let rules: Vec<RuleId> = r
        .violations
        .iter()
        .map(|v| match v {
            Violation::Ineligible(f) => f.rule,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            RuleId::Rule(EligibilityRule::Age18OnElectionDay),
            RuleId::Rule(EligibilityRule::ResidentInMunicipality)
        ]
    );
}

/// T1 (§6.2 rule 1): a deceased person fails "alive" even for a task type without eligibility
/// checks.
#[test]
fn t1_invite_deceased_fails_alive_even_without_eligibility_checks() {
    let mut fx = Fx::new();
    fx.day.check_eligibility = false;
    let mut p = adult("0101801234", [fx.team]);
    p.person.deceased = true;
    p.person.birth_date = d(2010, 1, 1);
    let seat = fx.seat(&fx.day, eday());
    let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
    assert_eq!(codes(&r), vec!["alive"]);
}

/// T1 (§5.8): an overnight final count 17:00–02:00 overlaps a task the next morning 01:00–06:00,
/// even when that task belongs to another election.
#[test]
fn t1_invite_double_booked_overnight_vs_next_morning_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other_election = election(&fx.etype, [fx.location.id]);
    let mut night = fx.seat(&fx.count, d(2026, 6, 9));
    night.slot.election = other_election.id;
    let night = accepted(&night, &p);
    let bookings = [fx.booking(&night)];
    let morning = fx.seat(&fx.morning, eday());
    let r = invite(&early(), &fx.facts(&morning), &person(&p, &bookings)).unwrap_err();
    assert_eq!(r.violations.len(), 1);
    match &r.violations[0] {
        Violation::DoubleBooked {
            seat,
            election,
            window,
        } => {
            assert_eq!(*seat, night.id);
            assert_eq!(*election, other_election.id);
            // 17:00 CEST on 9 June to 02:00 CEST on 10 June.
            assert_eq!(window.start, utc(2026, 6, 9, 15, 0));
            assert_eq!(window.end, utc(2026, 6, 10, 0, 0));
        }
        other => panic!("unexpected {other:?}"),
    }
    // An invitation (not only an acceptance) books the participant too.
    let (night_inv, _) = invited(&night, &p);
    let bookings = [fx.booking(&night_inv)];
    assert!(
        invite(&early(), &fx.facts(&morning), &person(&p, &bookings))
            .unwrap_err()
            .has(RefusalCode::DoubleBooked)
    );
}

/// T1 (§5.8): touching windows (day ends 17:00, final count starts 17:00) are allowed.
#[test]
fn t1_invite_touching_windows_is_allowed() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let day = accepted(&fx.seat(&fx.day, eday()), &p);
    let bookings = [fx.booking(&day)];
    let count = fx.seat(&fx.count, eday());
    assert!(invite(&early(), &fx.facts(&count), &person(&p, &bookings)).is_ok());
    // The same final count the day before ends at 02:00, long before 08:00.
    let count_before = fx.seat(&fx.count, d(2026, 6, 9));
    assert!(invite(&early(), &fx.facts(&count_before), &person(&p, &bookings)).is_ok());
}

/// T1: the seat's own booking never conflicts with itself (re-inviting after a reload).
#[test]
fn t1_invite_ignores_the_seats_own_booking() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.day, eday());
    let bookings = [fx.booking(&seat)];
    assert!(invite(&early(), &fx.facts(&seat), &person(&p, &bookings)).is_ok());
}

/// T1 (§5.2, reference bug 10): a seat dated outside the working period is refused.
#[test]
fn t1_invite_date_outside_period_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.day, d(2026, 6, 12));
    let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::DateOutsidePeriod {
            date: d(2026, 6, 12)
        }]
    );
}

/// T1: a seat whose team, task type or location no longer fits (after a location edit) is
/// refused, with every reason.
#[test]
fn t1_invite_seat_that_no_longer_fits_its_location_is_refused() {
    let mut fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.day, eday());
    fx.location.teams.remove(&fx.team);
    fx.location.task_types.remove(&fx.day.id);
    fx.election.work_locations.clear();
    let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
    assert_eq!(
        codes(&r),
        vec![
            "location-not-in-election",
            "team-not-at-location",
            "task-type-not-at-location"
        ]
    );
}

/// T1: several reasons at once are all reported.
#[test]
fn t1_invite_collects_every_violation() {
    let fx = Fx::new();
    let holder = adult("0202802345", [fx.team]);
    let mut p = adult("0101801234", [fx.team]);
    p.person.deceased = true;
    let seat = accepted(&fx.seat(&fx.day, d(2026, 6, 12)), &holder);
    let r = invite(&early(), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
    assert_eq!(
        codes(&r),
        vec!["seat-not-vacant", "date-outside-period", "alive"]
    );
}

// ---------------------------------------------------------------------------------------------
// T3: accept an invitation
// ---------------------------------------------------------------------------------------------

/// T3: accepting with the link's token makes the seat accepted and sends a registration
/// confirmation.
#[test]
fn t3_accept_invitation_with_token_accepts_and_confirms() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, eday()), &p);
    let bookings = [fx.booking(&seat)];
    let d = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &bookings),
        Route::Invitation {
            token: Some(&token),
        },
    )
    .unwrap();
    match &put_seat(&d, seat.id).state {
        SeatState::Accepted {
            participant, via, ..
        } => {
            assert_eq!(*participant, p.id);
            assert_eq!(*via, AcceptedVia::Invitation);
        }
        other => panic!("not accepted: {other:?}"),
    }
    assert!(d.ops.contains(&Op::Touch(RecordKey::Participant(p.id))));
    let m = only_message(&d);
    assert_eq!(
        (m.kind, m.participant, m.seat),
        (MessageKind::Registration, p.id, Some(seat.id))
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T3: accepting from "my tasks" (no token) works for the invited participant.
#[test]
fn t3_accept_invitation_from_my_tasks_without_token() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    assert!(
        occupy(
            &early(),
            &fx.facts(&seat),
            &person(&p, &[]),
            Route::Invitation { token: None }
        )
        .is_ok()
    );
}

/// T3: an old or forged token is refused.
#[test]
fn t3_accept_invitation_with_wrong_token_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let wrong = InvitationToken::generate();
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::Invitation {
            token: Some(&wrong),
        },
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::WrongInvitationToken]);
}

/// T3: someone else cannot accept another person's invitation, even with the right token.
#[test]
fn t3_accept_invitation_by_someone_else_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other = adult("0202802345", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, eday()), &p);
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&other, &[]),
        Route::Invitation {
            token: Some(&token),
        },
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::NotInvited]);
    // Nor can anyone "accept" a vacant seat as if invited.
    let vacant = fx.seat(&fx.day, eday());
    let r = occupy(
        &early(),
        &fx.facts(&vacant),
        &person(&p, &[]),
        Route::Invitation { token: None },
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::NotInvited]);
}

/// T3: invitations to an inactive election cannot be accepted.
#[test]
fn t3_accept_invitation_in_inactive_election_is_refused() {
    let mut fx = Fx::new();
    fx.election.active = false;
    let p = adult("0101801234", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, eday()), &p);
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::Invitation {
            token: Some(&token),
        },
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::ElectionInactive]);
}

/// T3: a task that already took place cannot be accepted (Copenhagen date, not UTC).
#[test]
fn t3_accept_invitation_for_task_in_the_past_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, d(2026, 6, 9)), &p);
    // 22:30 UTC on 9 June is already 10 June in Copenhagen.
    let late = ctx_at(utc(2026, 6, 9, 22, 30));
    let r = occupy(
        &late,
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::Invitation {
            token: Some(&token),
        },
    )
    .unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::TaskInThePast {
            date: d(2026, 6, 9)
        }]
    );
    // The same day is still fine.
    let same_day = ctx_at(utc(2026, 6, 9, 21, 30));
    assert!(
        occupy(
            &same_day,
            &fx.facts(&seat),
            &person(&p, &[]),
            Route::Invitation {
                token: Some(&token)
            }
        )
        .is_ok()
    );
}

/// T3: eligibility and double booking are checked again on acceptance.
#[test]
fn t3_accept_invitation_rechecks_eligibility_and_double_booking() {
    let fx = Fx::new();
    let mut p = adult("0101801234", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.morning, eday()), &p);
    let night = accepted(&fx.seat(&fx.count, d(2026, 6, 9)), &p);
    let bookings = [fx.booking(&seat), fx.booking(&night)];
    p.person.under_guardianship = true;
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &bookings),
        Route::Invitation {
            token: Some(&token),
        },
    )
    .unwrap_err();
    assert_eq!(codes(&r), vec!["not-under-guardianship", "double-booked"]);
}

// ---------------------------------------------------------------------------------------------
// T4: take a vacant seat through a link; and the team responsible's placement
// ---------------------------------------------------------------------------------------------

/// T4: a team member takes a vacant open seat through the vacancy list.
#[test]
fn t4_take_vacant_as_team_member_accepts_and_confirms() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.day, eday());
    let d = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::SignUp(OpenAccess::Vacancies {
            include_trusted: false,
        }),
    )
    .unwrap();
    assert!(matches!(
        put_seat(&d, seat.id).state,
        SeatState::Accepted { participant, via: AcceptedVia::OpenLink, .. } if participant == p.id
    ));
    let m = only_message(&d);
    assert_eq!((m.kind, m.participant), (MessageKind::Registration, p.id));
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T4, reference gap 12: the reference lets anyone with the link take the seat; we require
/// membership of the seat's team.
#[test]
fn t4_take_vacant_not_team_member_is_refused_reference_gap_12() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.other_team]);
    let seat = fx.seat(&fx.day, eday());
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::SignUp(OpenAccess::SeatLink),
    )
    .unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::NotTeamMember { team: fx.team }]
    );
}

/// T4, reference gap 12: a trusted task cannot be taken through a vacancy list that does not
/// include trusted tasks.
#[test]
fn t4_take_trusted_task_through_vacancies_is_refused_reference_gap_12() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.chair, eday());
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::SignUp(OpenAccess::Vacancies {
            include_trusted: false,
        }),
    )
    .unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::TrustedTask {
            task_type: fx.chair.id
        }]
    );
}

/// T4: a trusted task can be taken through a link made for that seat, or a vacancy link that
/// explicitly includes trusted tasks.
#[test]
fn t4_take_trusted_task_allowed_via_seat_link_or_trusted_vacancy_link() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.chair, eday());
    for access in [
        OpenAccess::SeatLink,
        OpenAccess::Vacancies {
            include_trusted: true,
        },
    ] {
        assert!(
            occupy(
                &early(),
                &fx.facts(&seat),
                &person(&p, &[]),
                Route::SignUp(access)
            )
            .is_ok()
        );
    }
}

/// T4: a seat that is taken or offered to someone else cannot be taken; nor in an inactive
/// election; nor in the past; nor when double booked.
#[test]
fn t4_take_vacant_refusals() {
    let mut fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let holder = adult("0202802345", [fx.team]);
    let (taken, _) = invited(&fx.seat(&fx.day, eday()), &holder);
    let r = occupy(
        &early(),
        &fx.facts(&taken),
        &person(&p, &[]),
        Route::SignUp(OpenAccess::SeatLink),
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::SeatNotVacant]);

    let seat = fx.seat(&fx.morning, eday());
    let night = accepted(&fx.seat(&fx.count, d(2026, 6, 9)), &p);
    let bookings = [fx.booking(&night)];
    let r = occupy(
        &ctx_at(utc(2026, 6, 11, 10, 0)),
        &fx.facts(&seat),
        &person(&p, &bookings),
        Route::SignUp(OpenAccess::SeatLink),
    )
    .unwrap_err();
    assert_eq!(codes(&r), vec!["task-in-the-past", "double-booked"]);

    fx.election.active = false;
    let seat = fx.seat(&fx.day, eday());
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::SignUp(OpenAccess::SeatLink),
    )
    .unwrap_err();
    assert_eq!(r.violations, vec![Violation::ElectionInactive]);
}

/// T4 (team responsible variant): a responsible places a member directly; the seat is accepted
/// via the responsible.
#[test]
fn t4_place_member_by_team_responsible_accepts() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = fx.seat(&fx.chair, eday());
    let d = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&p, &[]),
        Route::Placement,
    )
    .unwrap();
    assert!(matches!(
        put_seat(&d, seat.id).state,
        SeatState::Accepted {
            via: AcceptedVia::PlacedByTeamResponsible,
            ..
        }
    ));
    assert_eq!(only_message(&d).kind, MessageKind::Registration);
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T4 (team responsible variant): only members, only vacant seats, only when not double booked.
#[test]
fn t4_place_member_refuses_non_member_taken_seat_and_double_booking() {
    let fx = Fx::new();
    let outsider = adult("0101801234", [fx.other_team]);
    let holder = adult("0202802345", [fx.team]);
    let taken = accepted(&fx.seat(&fx.day, eday()), &holder);
    let r = occupy(
        &early(),
        &fx.facts(&taken),
        &person(&outsider, &[]),
        Route::Placement,
    )
    .unwrap_err();
    assert_eq!(
        r.violations,
        vec![
            Violation::SeatNotVacant,
            Violation::NotTeamMember { team: fx.team }
        ]
    );
    let seat = fx.seat(&fx.chair, eday());
    let bookings = [fx.booking(&taken)];
    let r = occupy(
        &early(),
        &fx.facts(&seat),
        &person(&holder, &bookings),
        Route::Placement,
    )
    .unwrap_err();
    assert_eq!(codes(&r), vec!["double-booked"]);
}

// ---------------------------------------------------------------------------------------------
// T5, T6: the secretariat answers on the participant's behalf
// ---------------------------------------------------------------------------------------------

/// T5: accepting on behalf turns an invitation into an acceptance with a confirmation.
#[test]
fn t5_answer_on_behalf_accept_accepts_invitation() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let d = answer_on_behalf(&early(), &fx.facts(&seat), &person(&p, &[]), Answer::Accept).unwrap();
    assert!(matches!(
        put_seat(&d, seat.id).state,
        SeatState::Accepted {
            via: AcceptedVia::OnBehalf,
            ..
        }
    ));
    let m = only_message(&d);
    assert_eq!((m.kind, m.participant), (MessageKind::Registration, p.id));
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T5: accepting an already accepted seat on behalf changes nothing.
#[test]
fn t5_answer_on_behalf_accept_of_accepted_seat_is_a_no_op() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let d = answer_on_behalf(&early(), &fx.facts(&seat), &person(&p, &[]), Answer::Accept).unwrap();
    assert_eq!(d, Decision::default());
}

/// T5: unlike the reference, accepting on behalf checks eligibility and double booking.
#[test]
fn t5_answer_on_behalf_accept_checks_eligibility_and_double_booking() {
    let fx = Fx::new();
    let mut p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.morning, eday()), &p);
    let night = accepted(&fx.seat(&fx.count, d(2026, 6, 9)), &p);
    let bookings = [fx.booking(&night)];
    p.person.citizenship = CountryCode::parse("SE");
    let r = answer_on_behalf(
        &early(),
        &fx.facts(&seat),
        &person(&p, &bookings),
        Answer::Accept,
    )
    .unwrap_err();
    assert_eq!(codes(&r), vec!["danish-citizen", "double-booked"]);
}

/// T5/T6: the secretariat can only answer for the person the seat is held by or offered to.
#[test]
fn t5_t6_answer_on_behalf_for_someone_else_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other = adult("0202802345", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let vacant = fx.seat(&fx.day, eday());
    for answer in [Answer::Accept, Answer::Decline] {
        for s in [&seat, &vacant] {
            let r =
                answer_on_behalf(&early(), &fx.facts(s), &person(&other, &[]), answer).unwrap_err();
            assert_eq!(r.violations, vec![Violation::NotYourSeat]);
        }
    }
}

/// T6: declining on behalf vacates the seat, records a rejection and sends nothing.
#[test]
fn t6_answer_on_behalf_decline_vacates_and_records_rejection() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (inv, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let acc = accepted(&fx.seat(&fx.count, eday()), &p);
    for seat in [inv, acc] {
        let d = answer_on_behalf(
            &early(),
            &fx.facts(&seat),
            &person(&p, &[]),
            Answer::Decline,
        )
        .unwrap();
        assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
        let rs = rejections(&d);
        assert_eq!(rs.len(), 1);
        assert_eq!(
            (rs[0].participant, rs[0].seat, rs[0].slot, rs[0].kind),
            (p.id, seat.id, seat.slot, RejectionKind::DeclinedOnBehalf)
        );
        assert!(d.messages.is_empty());
        assert_audited_without_cpr(&d, &[&p.cpr]);
    }
}

// ---------------------------------------------------------------------------------------------
// T7: decline
// ---------------------------------------------------------------------------------------------

/// T7: declining an invitation (with or without the token) vacates the seat, records the
/// rejection and confirms the cancellation.
#[test]
fn t7_decline_invitation_vacates_records_rejection_and_confirms() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, eday()), &p);
    for tok in [Some(&token), None] {
        let d = decline(&early(), &fx.facts(&seat), &person(&p, &[]), tok).unwrap();
        assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
        let rs = rejections(&d);
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].kind, RejectionKind::Declined);
        let m = only_message(&d);
        assert_eq!(
            (m.kind, m.participant, m.seat),
            (MessageKind::Cancellation, p.id, Some(seat.id))
        );
        assert_audited_without_cpr(&d, &[&p.cpr]);
    }
}

/// T7: a wrong token, someone else's invitation or an accepted seat cannot be declined.
#[test]
fn t7_decline_refusals() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other = adult("0202802345", [fx.team]);
    let (seat, token) = invited(&fx.seat(&fx.day, eday()), &p);
    let wrong = InvitationToken::generate();
    assert_eq!(
        decline(&early(), &fx.facts(&seat), &person(&p, &[]), Some(&wrong))
            .unwrap_err()
            .violations,
        vec![Violation::WrongInvitationToken]
    );
    assert_eq!(
        decline(
            &early(),
            &fx.facts(&seat),
            &person(&other, &[]),
            Some(&token)
        )
        .unwrap_err()
        .violations,
        vec![Violation::NotInvited]
    );
    let acc = accepted(&seat, &p);
    assert_eq!(
        decline(&early(), &fx.facts(&acc), &person(&p, &[]), None)
            .unwrap_err()
            .violations,
        vec![Violation::NotInvited]
    );
}

// ---------------------------------------------------------------------------------------------
// T8: withdraw, with the lock period (reference bug 11)
// ---------------------------------------------------------------------------------------------

/// T8, reference bug 11: inside the lock period (4 days before a task on 10 June, i.e. from
/// 6 June) withdrawing is refused and the last possible day (5 June) is reported.
#[test]
fn t8_withdraw_inside_lock_period_is_refused_with_last_day_reference_bug_11() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    for now in [
        utc(2026, 6, 6, 8, 0),   // first locked day
        utc(2026, 6, 5, 22, 30), // 00:30 on 6 June in Copenhagen
        utc(2026, 6, 10, 8, 0),  // the day itself
        utc(2026, 6, 12, 8, 0),  // afterwards
    ] {
        let r = withdraw(&ctx_at(now), &fx.facts(&seat), &person(&p, &[])).unwrap_err();
        assert_eq!(
            r.violations,
            vec![Violation::Locked {
                last_day: d(2026, 6, 5),
                seat: None,
            }],
            "{now}"
        );
    }
    // The lock counts from each task's own date, not from election day.
    let earlier = accepted(&fx.seat(&fx.day, d(2026, 6, 9)), &p);
    let r = withdraw(
        &ctx_at(utc(2026, 6, 5, 8, 0)),
        &fx.facts(&earlier),
        &person(&p, &[]),
    )
    .unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::Locked {
            last_day: d(2026, 6, 4),
            seat: None,
        }]
    );
}

/// T8: the day before the lock starts (5 June, up to midnight Copenhagen time) withdrawing
/// works, for an accepted seat and for an unanswered invitation, with a rejection and a
/// cancellation confirmation.
#[test]
fn t8_withdraw_the_day_before_the_lock_is_allowed() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let acc = accepted(&fx.seat(&fx.day, eday()), &p);
    let (inv, _) = invited(&fx.seat(&fx.count, eday()), &p);
    for now in [utc(2026, 6, 5, 8, 0), utc(2026, 6, 5, 21, 59)] {
        for seat in [&acc, &inv] {
            let d = withdraw(&ctx_at(now), &fx.facts(seat), &person(&p, &[])).unwrap();
            assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
            let rs = rejections(&d);
            assert_eq!(rs.len(), 1);
            assert_eq!(rs[0].kind, RejectionKind::Withdrew);
            let m = only_message(&d);
            assert_eq!((m.kind, m.participant), (MessageKind::Cancellation, p.id));
            assert_audited_without_cpr(&d, &[&p.cpr]);
        }
    }
    assert_eq!(lifecycle::lock(&fx.election, eday(), d(2026, 6, 5)), None);
    assert_eq!(
        lifecycle::lock(&fx.election, eday(), d(2026, 6, 6)),
        Some(d(2026, 6, 5))
    );
}

/// T8: a seat that is not yours cannot be withdrawn from.
#[test]
fn t8_withdraw_from_someone_elses_seat_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let other = adult("0202802345", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let vacant = fx.seat(&fx.day, eday());
    for s in [&seat, &vacant] {
        assert_eq!(
            withdraw(&early(), &fx.facts(s), &person(&other, &[]))
                .unwrap_err()
                .violations,
            vec![Violation::NotYourSeat]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// T9, T10: the secretariat removes; re-validation removes
// ---------------------------------------------------------------------------------------------

/// T9: removing an invited participant retracts the invitation; no rejection is recorded.
#[test]
fn t9_remove_invited_sends_invitation_retracted() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let d = remove(&early(), &seat).unwrap();
    assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
    assert!(rejections(&d).is_empty());
    let m = only_message(&d);
    assert_eq!(
        (m.kind, m.participant, m.seat),
        (MessageKind::InvitationRetracted, p.id, Some(seat.id))
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T9: removing an accepted participant tells them they were removed from the task.
#[test]
fn t9_remove_accepted_sends_removed_from_task() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let d = remove(&early(), &seat).unwrap();
    assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
    assert!(rejections(&d).is_empty());
    let m = only_message(&d);
    assert_eq!(
        (m.kind, m.participant),
        (MessageKind::RemovedFromTask, p.id)
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T9/T10: there is nobody to remove from a vacant seat.
#[test]
fn t9_t10_remove_from_vacant_seat_is_refused() {
    let fx = Fx::new();
    let seat = fx.seat(&fx.day, eday());
    assert_eq!(
        remove(&early(), &seat).unwrap_err().violations,
        vec![Violation::NotYourSeat]
    );
    assert_eq!(
        remove_after_revalidation(&early(), &seat)
            .unwrap_err()
            .violations,
        vec![Violation::NotYourSeat]
    );
}

/// T10: re-validation vacates an accepted seat with the "removed by validation" message.
#[test]
fn t10_remove_after_revalidation_accepted_sends_removed_by_validation() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let seat = accepted(&fx.seat(&fx.day, eday()), &p);
    let d = remove_after_revalidation(&early(), &seat).unwrap();
    assert_eq!(put_seat(&d, seat.id).state, SeatState::Vacant);
    assert!(rejections(&d).is_empty());
    let m = only_message(&d);
    assert_eq!(
        (m.kind, m.participant),
        (MessageKind::RemovedByValidation, p.id)
    );
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T10: an invited participant is told the invitation was withdrawn (the reference is silent).
#[test]
fn t10_remove_after_revalidation_invited_sends_invitation_retracted() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let d = remove_after_revalidation(&early(), &seat).unwrap();
    assert_eq!(only_message(&d).kind, MessageKind::InvitationRetracted);
}

// ---------------------------------------------------------------------------------------------
// T11: participant deleted
// ---------------------------------------------------------------------------------------------

pub(crate) fn rejection_of(p: &Participant, seat: &Seat, kind: RejectionKind) -> Rejection {
    Rejection {
        id: RejectionId::new(),
        slot: seat.slot,
        seat: seat.id,
        participant: p.id,
        at: utc(2026, 5, 1, 10, 0),
        kind,
    }
}

/// T11: deleting a participant vacates every seat they hold or are invited to (in every
/// election), deletes their rejections and the participant, and sends no message.
#[test]
fn t11_delete_participant_vacates_every_seat_and_deletes_their_rejections() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team, fx.other_team]);
    let other = adult("0202802345", [fx.team]);
    let acc = accepted(&fx.seat(&fx.day, eday()), &p);
    let mut in_other_election = fx.seat(&fx.count, d(2026, 6, 9));
    in_other_election.slot.election = crate::ids::ElectionId::new();
    let (inv, _) = invited(&in_other_election, &p);
    let others_seat = accepted(&fx.seat(&fx.chair, eday()), &other);
    let mine = rejection_of(&p, &fx.seat(&fx.morning, eday()), RejectionKind::Declined);
    let theirs = rejection_of(
        &other,
        &fx.seat(&fx.morning, eday()),
        RejectionKind::Withdrew,
    );
    let seats = [acc.clone(), inv.clone(), others_seat.clone()];
    let d = delete_participant(&early(), &p, &seats, &[mine.clone(), theirs.clone()]);
    assert_eq!(put_seat(&d, acc.id).state, SeatState::Vacant);
    assert_eq!(put_seat(&d, inv.id).state, SeatState::Vacant);
    assert_eq!(put_seat(&d, inv.id).slot, inv.slot);
    assert!(
        !d.ops
            .iter()
            .any(|op| op.key() == RecordKey::Seat(others_seat.id))
    );
    assert!(d.ops.contains(&Op::Delete(RecordKey::Rejection(mine.id))));
    assert!(
        !d.ops
            .iter()
            .any(|op| op.key() == RecordKey::Rejection(theirs.id))
    );
    assert!(d.ops.contains(&Op::Delete(RecordKey::Participant(p.id))));
    assert!(d.messages.is_empty());
    assert_audited_without_cpr(&d, &[&p.cpr]);
    assert!(
        !d.audit[0].description.contains("Karen"),
        "names do not belong in the audit either"
    );
}

// ---------------------------------------------------------------------------------------------
// T12: a team responsible removes a member
// ---------------------------------------------------------------------------------------------

/// T12 (§5.6.7): a member with an accepted task of the team that already took place cannot be
/// removed.
#[test]
fn t12_remove_from_team_blocked_by_completed_accepted_task() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team, fx.other_team]);
    let done = accepted(&fx.seat(&fx.day, d(2026, 6, 9)), &p);
    let after = ctx_at(utc(2026, 6, 10, 10, 0));
    let r = remove_from_team(&after, fx.team, &p, std::slice::from_ref(&done), &[]).unwrap_err();
    assert_eq!(r.violations, vec![Violation::HasCompletedTask]);
    // An unanswered invitation in the past does not block, nor a past task of another team.
    let (past_invitation, _) = invited(&done, &p);
    assert!(remove_from_team(&after, fx.team, &p, &[past_invitation], &[]).is_ok());
    let mut other_team_done = done.clone();
    other_team_done.slot.team = fx.other_team;
    assert!(remove_from_team(&after, fx.team, &p, &[other_team_done], &[]).is_ok());
}

/// T12: removing someone from their only team deletes the participant entirely (as T11), without
/// messages.
#[test]
fn t12_remove_from_only_team_deletes_the_participant() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team]);
    let (seat, _) = invited(&fx.seat(&fx.day, eday()), &p);
    let rej = rejection_of(&p, &fx.seat(&fx.count, eday()), RejectionKind::Declined);
    let d = remove_from_team(
        &early(),
        fx.team,
        &p,
        std::slice::from_ref(&seat),
        std::slice::from_ref(&rej),
    )
    .unwrap();
    assert_eq!(
        d,
        Decision {
            audit: d.audit.clone(),
            ..delete_participant(
                &early(),
                &p,
                std::slice::from_ref(&seat),
                std::slice::from_ref(&rej)
            )
        }
    );
    assert!(d.ops.contains(&Op::Delete(RecordKey::Participant(p.id))));
    assert!(d.ops.contains(&Op::Delete(RecordKey::Rejection(rej.id))));
    assert!(d.messages.is_empty());
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T12: a member of several teams loses only this team's seats, each with a RemovedFromTeam
/// rejection and an InvitationRetracted message; their other seats and teams stay.
#[test]
fn t12_remove_from_one_of_several_teams_records_rejections_and_retractions() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.team, fx.other_team]);
    let acc = accepted(&fx.seat(&fx.day, eday()), &p);
    let (inv, _) = invited(&fx.seat(&fx.count, eday()), &p);
    let mut kept = accepted(&fx.seat(&fx.chair, d(2026, 6, 11)), &p);
    kept.slot.team = fx.other_team;
    let seats = [acc.clone(), inv.clone(), kept.clone()];
    let d = remove_from_team(&early(), fx.team, &p, &seats, &[]).unwrap();
    for s in [&acc, &inv] {
        assert_eq!(put_seat(&d, s.id).state, SeatState::Vacant);
    }
    assert!(!d.ops.iter().any(|op| op.key() == RecordKey::Seat(kept.id)));
    let rs = rejections(&d);
    assert_eq!(rs.len(), 2);
    assert!(
        rs.iter()
            .all(|r| r.kind == RejectionKind::RemovedFromTeam && r.participant == p.id)
    );
    let mut seats_told: Vec<_> = d
        .messages
        .iter()
        .map(|m| {
            assert_eq!(
                (m.kind, m.participant),
                (MessageKind::InvitationRetracted, p.id)
            );
            m.seat.unwrap()
        })
        .collect();
    seats_told.sort();
    let mut expected = vec![acc.id, inv.id];
    expected.sort();
    assert_eq!(seats_told, expected);
    let left = d
        .ops
        .iter()
        .find_map(|op| match op {
            Op::Put(Record::Participant(q)) => Some(q),
            _ => None,
        })
        .unwrap();
    assert_eq!(left.teams, [fx.other_team].into());
    assert!(!d.ops.contains(&Op::Delete(RecordKey::Participant(p.id))));
    assert_audited_without_cpr(&d, &[&p.cpr]);
}

/// T12: someone who is not a member cannot be removed from the team.
#[test]
fn t12_remove_non_member_from_team_is_refused() {
    let fx = Fx::new();
    let p = adult("0101801234", [fx.other_team]);
    let r = remove_from_team(&early(), fx.team, &p, &[], &[]).unwrap_err();
    assert_eq!(
        r.violations,
        vec![Violation::NotTeamMember { team: fx.team }]
    );
}

/// Every refusal explains itself in English and Danish.
#[test]
fn refusals_have_messages_in_both_languages() {
    use crate::values::DanishMessage;
    let r = Refused::one(Violation::Locked {
        last_day: d(2026, 6, 5),
        seat: None,
    });
    assert!(r.to_string().contains("05.06.2026"));
    assert!(r.message_da().contains("05.06.2026"));
}
