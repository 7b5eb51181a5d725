//! The seat lifecycle: the transitions T1–T14 of the reference system
//! (`os2valghalla3-domain.md` §5.5), with every check in the domain rather than in a web page.
//!
//! ```text
//!             invite (T1, T2)             accept (T3) / on behalf (T5)
//!   Vacant ───────────────────▶ Invited ──────────────────────────────▶ Accepted
//!     ▲  ╲                        │                                        │
//!     │   ╲ take through a link (T4), place by team responsible            │
//!     │    ╲───────────────────────────────────────────────────────────────▶│
//!     │  decline (T7), on behalf (T6), withdraw (T8), remove (T9),         │
//!     └──────── re-validation (T10), participant deleted (T11), team removal (T12)
//! ```
//!
//! Every route onto a seat — answering an invitation (T3, or T5 on the participant's behalf),
//! signing up through a link or a vacancy list (T4), placement by a party secretary — is one
//! rule, [`occupy`], whose documentation holds the table of each route's checks.

use chrono::NaiveDate;

use crate::cpr::LeapDayBirthdays;
use crate::ids::RejectionId;
use crate::ids::TeamId;
use crate::messages::MessageKind;
use crate::model::{
    AcceptedVia, AuditAction, Election, ElectionType, InvitationToken, Op, Participant, Record,
    RecordKey, Rejection, RejectionKind, Seat, SeatState, TaskType, Trust, WorkLocation,
};
use crate::model::{AuditEvent, SeatChange};
use crate::rules::booking::{self, Booking};
use crate::rules::eligibility::{self, EligibilityInput};
use crate::rules::{Ctx, Decision, MessageIntent, Refused, SeatLabel, Violation};
use crate::values::MunicipalityCode;

/// The facts about a seat a transition needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeatFacts<'a> {
    /// The seat as stored.
    pub seat: &'a Seat,
    /// Its election.
    pub election: &'a Election,
    /// The election's type.
    pub election_type: &'a ElectionType,
    /// Its task type.
    pub task_type: &'a TaskType,
    /// Its work location.
    pub work_location: &'a WorkLocation,
    /// The municipality staffing the election.
    pub municipality: MunicipalityCode,
}

/// The facts about a participant a transition needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PersonFacts<'a> {
    /// The participant.
    pub participant: &'a Participant,
    /// Every seat they hold or are invited to, in any election.
    pub bookings: &'a [Booking],
}

/// How someone signs up for a vacant seat without an invitation (T4, [`Route::SignUp`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenAccess {
    /// Through a team's vacancy overview or a vacancy link: only open task types, unless the
    /// link explicitly includes trusted ones.
    Vacancies {
        /// Whether the link includes trusted task types.
        include_trusted: bool,
    },
    /// Through a link to this one seat, made by the secretariat or a team responsible.
    SeatLink,
}

/// The secretariat's answer on a participant's behalf (T5, T6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Yes.
    Accept,
    /// No.
    Decline,
}

pub(crate) fn eligibility_violations(
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Vec<Violation> {
    let input = EligibilityInput {
        person: &person.participant.person,
        rules: &seat.election_type.rules,
        task_checks_rules: seat.task_type.check_eligibility,
        election_day: seat.election.election_day(),
        municipality: seat.municipality,
        leap_day: LeapDayBirthdays::default(),
    };
    eligibility::check(&input)
        .into_iter()
        .map(Violation::Ineligible)
        .collect()
}

pub(crate) fn booking_violations(seat: &SeatFacts<'_>, person: &PersonFacts<'_>) -> Vec<Violation> {
    let window = seat.task_type.window.on(seat.seat.slot.date);
    booking::conflicts(seat.seat.id, &window, person.bookings)
}

/// The checks every route onto a seat shares: the seat's place in the election, eligibility and
/// double booking, all collected.
fn placement_violations(seat: &SeatFacts<'_>, person: &PersonFacts<'_>) -> Vec<Violation> {
    let mut v = structural_violations(seat);
    v.extend(eligibility_violations(seat, person));
    v.extend(booking_violations(seat, person));
    v
}

/// The seat's slot must fit its election and location (a location edit may have changed them).
fn structural_violations(seat: &SeatFacts<'_>) -> Vec<Violation> {
    let slot = &seat.seat.slot;
    let mut v = Vec::new();
    if !seat.election.working_period().contains(slot.date) {
        v.push(Violation::DateOutsidePeriod { date: slot.date });
    }
    if !seat.election.work_locations.contains(&slot.work_location) {
        v.push(Violation::LocationNotInElection {
            work_location: slot.work_location,
        });
    }
    if !seat.work_location.teams.contains(&slot.team) {
        v.push(Violation::TeamNotAtLocation { team: slot.team });
    }
    if !seat.work_location.task_types.contains(&slot.task_type) {
        v.push(Violation::TaskTypeNotAtLocation {
            task_type: slot.task_type,
        });
    }
    v
}

fn put_seat(seat: &Seat, state: SeatState) -> Op {
    Op::Put(Record::Seat(Seat {
        state,
        ..seat.clone()
    }))
}

fn message(
    kind: MessageKind,
    seat: &Seat,
    participant: crate::ids::ParticipantId,
) -> MessageIntent {
    MessageIntent {
        kind,
        participant,
        seat: Some(seat.id),
        custom: None,
    }
}

fn seat_audit(
    ctx: &Ctx,
    seat: &Seat,
    participant: crate::ids::ParticipantId,
    change: SeatChange,
) -> crate::model::AuditEntry {
    ctx.audit(
        AuditAction::SeatChange,
        RecordKey::Seat(seat.id),
        Some(participant),
        Some(seat.slot.election),
        AuditEvent::Seat {
            change,
            seat: seat.id,
            participant,
        },
    )
}

fn rejection(
    ctx: &Ctx,
    seat: &Seat,
    participant: crate::ids::ParticipantId,
    kind: RejectionKind,
) -> Op {
    Op::Put(Record::Rejection(Rejection {
        id: RejectionId::new(),
        slot: seat.slot,
        seat: seat.id,
        participant,
        at: ctx.now,
        kind,
    }))
}

/// T1: the secretariat invites a participant to a vacant seat. The participant joins the seat's
/// team if not already a member.
pub(crate) fn invite(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<Decision, Refused> {
    let mut v = Vec::new();
    if seat.seat.state != SeatState::Vacant {
        v.push(Violation::SeatNotVacant);
    }
    v.extend(placement_violations(seat, person));
    Refused::check(v)?;
    let p = person.participant;
    let mut ops = vec![put_seat(
        seat.seat,
        SeatState::Invited {
            participant: p.id,
            token: InvitationToken::generate(),
            invited_at: ctx.now,
            last_reminder_at: None,
        },
    )];
    ops.push(join_team_or_touch(p, seat.seat.slot.team));
    Ok(Decision {
        ops,
        messages: vec![message(MessageKind::Invitation, seat.seat, p.id)],
        audit: vec![seat_audit(ctx, seat.seat, p.id, SeatChange::Invited)],
    })
}

/// Adds the participant to `team` if needed; otherwise touches them, so two concurrent
/// bookings of the same person conflict.
fn join_team_or_touch(p: &Participant, team: TeamId) -> Op {
    if p.teams.contains(&team) {
        Op::Touch(RecordKey::Participant(p.id))
    } else {
        let mut joined = p.clone();
        joined.teams.insert(team);
        Op::Put(Record::Participant(joined))
    }
}

/// How a participant comes onto a seat. Every route ends with the seat accepted by them; the
/// checks differ (see [`occupy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// T3: the participant answers their invitation, with the code in the link (`Some`) or
    /// from their own task list (`None`).
    Invitation {
        /// The invitation code the participant gave, if they came through the link.
        token: Option<&'a InvitationToken>,
    },
    /// T5: the secretariat accepts the invitation on the participant's behalf (after a phone
    /// call, say).
    OnBehalf,
    /// T4: the participant signs up for a vacant seat through a link or their team's vacancy
    /// list, without an invitation.
    SignUp(OpenAccess),
    /// A team responsible (party secretary) places a member of their team directly (whether
    /// they may act at the seat's location is the access policy's job).
    Placement,
    /// On election day, a reserve takes the seat of `no_show` (recorded as not arrived)
    /// through the take link of an offer (`rules::election_day::take_offer`).
    Reserve {
        /// Who holds the seat and did not turn up.
        no_show: crate::ids::ParticipantId,
    },
}

/// The one rule for every route onto a seat: the seat becomes accepted by `person`, who gets a
/// registration confirmation, or the command is refused with every violation.
///
/// What each route checks (✓ refused when it fails, — not checked):
///
/// | Check                                   | Invitation (T3) | On behalf (T5)  | Sign-up (T4)       | Placement | Reserve |
/// |-----------------------------------------|-----------------|-----------------|--------------------|-----------|---------|
/// | the election is active                  | ✓               | —               | ✓                  | ✓         | ✓       |
/// | the seat's state                        | invited to them¹ | theirs²         | vacant             | vacant    | the no-show's or vacant |
/// | a member of the seat's team             | —³              | —³              | ✓                  | ✓         | —⁶      |
/// | trusted task types (valgstyrer)         | allowed         | allowed         | only if the route offers them⁴ | allowed⁵ | allowed⁶ |
/// | the task has not taken place            | ✓               | —               | ✓                  | ✓         | ✓       |
/// | the slot fits its election and location | ✓               | ✓               | ✓                  | ✓         | ✓       |
/// | eligibility (the election type's rules) | ✓               | ✓               | ✓                  | ✓         | ✓       |
/// | no double booking                       | ✓               | ✓               | ✓                  | ✓         | ✓       |
///
/// 1. `not-invited` unless the seat holds an invitation for them; `wrong-invitation-token`
///    when the code from the link is not the invitation's (an old or forged link).
/// 2. `not-your-seat` alone unless they hold the seat; a seat they have already accepted is
///    accepted again by nothing (the decision is empty).
/// 3. The invitation made them a member of the seat's team.
/// 4. A seat link offers its one seat; a vacancy list or link offers open task types only,
///    unless the link includes trusted ones (`trusted-task`). Which links may offer trusted
///    task types is [`links::may_offer_trusted`](super::links::may_offer_trusted).
/// 5. Placing known members as valgstyrere is what party secretaries do; only the open routes
///    keep trusted seats from the public.
/// 6. The station's responsible or the secretariat offered this seat to the day's reserves,
///    whom the secretariat knows; the reserve joins the seat's team as an invited person does.
///
/// The registry data and the person's other bookings may have changed since an invitation, so
/// eligibility and double booking are checked again on every route.
pub(crate) fn occupy(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
    route: Route<'_>,
) -> Result<Decision, Refused> {
    let p = person.participant;
    let state = &seat.seat.state;
    let slot = &seat.seat.slot;
    if route == Route::OnBehalf {
        if state.participant() != Some(p.id) {
            return Err(Refused::one(Violation::NotYourSeat));
        }
        if matches!(state, SeatState::Accepted { .. }) {
            return Ok(Decision::default());
        }
    }
    let mut v = Vec::new();
    if route != Route::OnBehalf && !seat.election.active {
        v.push(Violation::ElectionInactive);
    }
    match route {
        Route::Invitation { token } => match state {
            SeatState::Invited {
                participant,
                token: t,
                ..
            } if *participant == p.id => {
                if token.is_some_and(|given| given != t) {
                    v.push(Violation::WrongInvitationToken);
                }
            }
            _ => v.push(Violation::NotInvited),
        },
        Route::OnBehalf => {}
        Route::SignUp(_) | Route::Placement => {
            if *state != SeatState::Vacant {
                v.push(Violation::SeatNotVacant);
            }
            if !p.teams.contains(&slot.team) {
                v.push(Violation::NotTeamMember { team: slot.team });
            }
        }
        Route::Reserve { no_show } => match state {
            SeatState::Vacant => {}
            SeatState::Accepted { participant, .. } if *participant == no_show => {}
            _ => v.push(Violation::SeatNotVacant),
        },
    }
    if let Route::SignUp(access) = route {
        let trusted_allowed = match access {
            OpenAccess::Vacancies { include_trusted } => include_trusted,
            OpenAccess::SeatLink => true,
        };
        if seat.task_type.trust == Trust::Trusted && !trusted_allowed {
            v.push(Violation::TrustedTask {
                task_type: seat.task_type.id,
            });
        }
    }
    if route != Route::OnBehalf && slot.date < ctx.today() {
        v.push(Violation::TaskInThePast { date: slot.date });
    }
    v.extend(placement_violations(seat, person));
    Refused::check(v)?;
    let (via, what) = match route {
        Route::Invitation { .. } => (AcceptedVia::Invitation, SeatChange::AcceptedInvitation),
        Route::OnBehalf => (AcceptedVia::OnBehalf, SeatChange::AcceptedOnBehalf),
        Route::SignUp(_) => (AcceptedVia::OpenLink, SeatChange::TookVacantSeat),
        Route::Placement => (
            AcceptedVia::PlacedByTeamResponsible,
            SeatChange::PlacedByTeamResponsible,
        ),
        Route::Reserve { .. } => (AcceptedVia::Reserve, SeatChange::TookAsReserve),
    };
    let mut decision = accepted(ctx, seat.seat, p, via, what);
    if let Route::Reserve { .. } = route {
        for op in &mut decision.ops {
            if *op == Op::Touch(RecordKey::Participant(p.id)) {
                *op = join_team_or_touch(p, slot.team);
            }
        }
    }
    Ok(decision)
}

fn accepted(
    ctx: &Ctx,
    seat: &Seat,
    p: &Participant,
    via: AcceptedVia,
    what: SeatChange,
) -> Decision {
    Decision {
        ops: vec![
            put_seat(
                seat,
                SeatState::Accepted {
                    participant: p.id,
                    accepted_at: ctx.now,
                    via,
                    task_reminder_at: None,
                },
            ),
            Op::Touch(RecordKey::Participant(p.id)),
        ],
        messages: vec![message(MessageKind::Registration, seat, p.id)],
        audit: vec![seat_audit(ctx, seat, p.id, what)],
    }
}

/// T5 and T6: the secretariat answers on a participant's behalf (after a phone call, say).
/// Accepting is the [`Route::OnBehalf`] onto the seat ([`occupy`]); declining vacates it and
/// records a rejection.
pub(crate) fn answer_on_behalf(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
    answer: Answer,
) -> Result<Decision, Refused> {
    let p = person.participant;
    match answer {
        Answer::Accept => occupy(ctx, seat, person, Route::OnBehalf),
        Answer::Decline => {
            if seat.seat.state.participant() != Some(p.id) {
                return Err(Refused::one(Violation::NotYourSeat));
            }
            Ok(Decision {
                ops: vec![
                    put_seat(seat.seat, SeatState::Vacant),
                    rejection(ctx, seat.seat, p.id, RejectionKind::DeclinedOnBehalf),
                ],
                messages: vec![],
                audit: vec![seat_audit(
                    ctx,
                    seat.seat,
                    p.id,
                    SeatChange::DeclinedOnBehalf,
                )],
            })
        }
    }
}

/// T7: the participant declines an invitation (with the link's code, or from their task list).
pub(crate) fn decline(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
    token: Option<&InvitationToken>,
) -> Result<Decision, Refused> {
    let p = person.participant;
    match &seat.seat.state {
        SeatState::Invited {
            participant,
            token: t,
            ..
        } if *participant == p.id => {
            if token.is_some_and(|given| given != t) {
                return Err(Refused::one(Violation::WrongInvitationToken));
            }
        }
        _ => return Err(Refused::one(Violation::NotInvited)),
    }
    Ok(Decision {
        ops: vec![
            put_seat(seat.seat, SeatState::Vacant),
            rejection(ctx, seat.seat, p.id, RejectionKind::Declined),
        ],
        messages: vec![message(MessageKind::Cancellation, seat.seat, p.id)],
        audit: vec![seat_audit(
            ctx,
            seat.seat,
            p.id,
            SeatChange::DeclinedInvitation,
        )],
    })
}

/// Whether the lock period forbids withdrawing from a task on `task_date` today, and if so the
/// last day it was allowed.
pub(crate) fn lock(
    election: &Election,
    task_date: NaiveDate,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let last_day = election.last_day_to_withdraw(task_date);
    (today > last_day).then_some(last_day)
}

/// A seat as a refusal names it: task type, location and its window on the seat's date.
pub(crate) fn seat_label(
    seat: &Seat,
    task_type: &TaskType,
    work_location: &WorkLocation,
) -> SeatLabel {
    SeatLabel {
        seat: seat.id,
        task_type: task_type.title.to_string(),
        work_location: work_location.title.to_string(),
        window: task_type.window.on(seat.slot.date),
    }
}

/// A seat a participant holds or is invited to, with what the lock period and a refusal need.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeldSeat<'a> {
    /// The seat.
    pub seat: &'a Seat,
    /// Its election (for the lock period).
    pub election: &'a Election,
    /// Its task type.
    pub task_type: &'a TaskType,
    /// Its work location.
    pub work_location: &'a WorkLocation,
}

/// The lock period binds a participant who deletes or anonymises their own profile, as it binds
/// one who withdraws: refused with [`Violation::Locked`] for every accepted seat that has not
/// yet taken place and whose lock period has started, naming each. (Deleting by the
/// secretariat is not bound; see [`delete_participant`].)
pub(crate) fn check_own_deletion(ctx: &Ctx, held: &[HeldSeat<'_>]) -> Result<(), Refused> {
    let today = ctx.today();
    let violations = held
        .iter()
        .filter(|h| matches!(h.seat.state, SeatState::Accepted { .. }) && h.seat.slot.date >= today)
        .filter_map(|h| {
            lock(h.election, h.seat.slot.date, today).map(|last_day| Violation::Locked {
                last_day,
                seat: Some(seat_label(h.seat, h.task_type, h.work_location)),
            })
        })
        .collect();
    Refused::check(violations)
}

/// T8: the participant withdraws (*afmelder*) from a seat they hold or are invited to. Refused
/// inside the lock period, with the last day it was possible.
pub(crate) fn withdraw(
    ctx: &Ctx,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<Decision, Refused> {
    let p = person.participant;
    if seat.seat.state.participant() != Some(p.id) {
        return Err(Refused::one(Violation::NotYourSeat));
    }
    if let Some(last_day) = lock(seat.election, seat.seat.slot.date, ctx.today()) {
        return Err(Refused::one(Violation::Locked {
            last_day,
            seat: None,
        }));
    }
    Ok(Decision {
        ops: vec![
            put_seat(seat.seat, SeatState::Vacant),
            rejection(ctx, seat.seat, p.id, RejectionKind::Withdrew),
        ],
        messages: vec![message(MessageKind::Cancellation, seat.seat, p.id)],
        audit: vec![seat_audit(ctx, seat.seat, p.id, SeatChange::Withdrew)],
    })
}

/// T9: the secretariat removes a participant from a seat. An accepted participant is told they
/// were removed; an invited one that the invitation was withdrawn. No rejection is recorded.
pub(crate) fn remove(ctx: &Ctx, seat: &Seat) -> Result<Decision, Refused> {
    vacate(
        ctx,
        seat,
        MessageKind::RemovedFromTask,
        SeatChange::RemovedBySecretariat,
    )
}

/// The secretariat moves a person from the seat they hold or are invited to onto another seat
/// of the same election, in one change ("flyt"). The new seat must be vacant and fit its
/// election and location, and the person must be eligible for it and free at its time (the
/// seat they leave does not count against them). Neither task may have taken place, and an
/// accepted task inside its lock period is not changed behind the person's back: the
/// secretariat removes them (T9) and invites them (T1) instead, and they answer themselves.
///
/// The person keeps their answer: an invitation becomes a new invitation to the new seat (the
/// old one is withdrawn); an acceptance moves with them (they are told they left the old task
/// and are registered for the new one, so each calendar entry follows). They join the new
/// seat's team if needed. No rejection is recorded: they did not say no.
pub(crate) fn move_holder(
    ctx: &Ctx,
    from: &SeatFacts<'_>,
    to: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<Decision, Refused> {
    let p = person.participant;
    if from.seat.state.participant() != Some(p.id) {
        return Err(Refused::one(Violation::NotYourSeat));
    }
    let mut v = Vec::new();
    if to.seat.slot.election != from.seat.slot.election {
        v.push(Violation::OtherElection);
    }
    if to.seat.state != SeatState::Vacant {
        v.push(Violation::SeatNotVacant);
    }
    let today = ctx.today();
    for date in [from.seat.slot.date, to.seat.slot.date] {
        let past = Violation::TaskInThePast { date };
        if date < today && !v.contains(&past) {
            v.push(past);
        }
    }
    if let SeatState::Accepted { .. } = from.seat.state
        && let Some(last_day) = lock(from.election, from.seat.slot.date, today)
    {
        v.push(Violation::Locked {
            last_day,
            seat: Some(seat_label(from.seat, from.task_type, from.work_location)),
        });
    }
    let others: Vec<Booking> = person
        .bookings
        .iter()
        .filter(|b| b.seat != from.seat.id)
        .cloned()
        .collect();
    let staying = PersonFacts {
        participant: p,
        bookings: &others,
    };
    v.extend(placement_violations(to, &staying));
    Refused::check(v)?;
    let mut d = vacate(
        ctx,
        from.seat,
        MessageKind::RemovedFromTask,
        SeatChange::MovedAway,
    )?;
    let (state, kind) = match &from.seat.state {
        SeatState::Accepted { via, .. } => (
            SeatState::Accepted {
                participant: p.id,
                accepted_at: ctx.now,
                via: *via,
                task_reminder_at: None,
            },
            MessageKind::Registration,
        ),
        _ => (
            SeatState::Invited {
                participant: p.id,
                token: InvitationToken::generate(),
                invited_at: ctx.now,
                last_reminder_at: None,
            },
            MessageKind::Invitation,
        ),
    };
    d.merge(Decision {
        ops: vec![
            put_seat(to.seat, state),
            join_team_or_touch(p, to.seat.slot.team),
        ],
        messages: vec![message(kind, to.seat, p.id)],
        audit: vec![ctx.audit(
            AuditAction::SeatChange,
            RecordKey::Seat(to.seat.id),
            Some(p.id),
            Some(to.seat.slot.election),
            AuditEvent::MovedHere {
                seat: to.seat.id,
                participant: p.id,
                from: from.seat.id,
            },
        )],
    });
    Ok(d)
}

/// A team responsible takes a member off a seat of their team (the lock period is checked by
/// `rules::party::unplace`): told as the secretariat's removal is.
pub(crate) fn remove_by_team(ctx: &Ctx, seat: &Seat) -> Result<Decision, Refused> {
    vacate(
        ctx,
        seat,
        MessageKind::RemovedFromTask,
        SeatChange::RemovedByTeamResponsible,
    )
}

fn vacate(
    ctx: &Ctx,
    seat: &Seat,
    accepted_kind: MessageKind,
    what: SeatChange,
) -> Result<Decision, Refused> {
    let (participant, kind) = match &seat.state {
        SeatState::Vacant => return Err(Refused::one(Violation::NotYourSeat)),
        SeatState::Invited { participant, .. } => (*participant, MessageKind::InvitationRetracted),
        SeatState::Accepted { participant, .. } => (*participant, accepted_kind),
    };
    Ok(Decision {
        ops: vec![put_seat(seat, SeatState::Vacant)],
        messages: vec![message(kind, seat, participant)],
        audit: vec![seat_audit(ctx, seat, participant, what)],
    })
}

/// T10: re-validation found the participant no longer eligible for the seat. Accepted
/// participants get the "removed after re-validation" message; invited ones are told the
/// invitation was withdrawn (the reference says nothing to them).
pub(crate) fn remove_after_revalidation(ctx: &Ctx, seat: &Seat) -> Result<Decision, Refused> {
    vacate(
        ctx,
        seat,
        MessageKind::RemovedByValidation,
        SeatChange::RemovedAfterRevalidation,
    )
}

/// T11: a participant is deleted. Every seat they hold or are invited to is vacated by the
/// ordinary removal (T9), with an audit entry per seat; the removal messages are dropped, as
/// their recipient is deleted in the same change and could never be reached. Their rejections
/// are deleted with them. (The caller removes them as responsible, and checks
/// [`check_own_deletion`] when they delete themselves.)
pub(crate) fn delete_participant(
    ctx: &Ctx,
    participant: &Participant,
    seats: &[Seat],
    rejections: &[Rejection],
) -> Decision {
    let mut d = Decision::default();
    let mut vacated = 0usize;
    for seat in seats
        .iter()
        .filter(|s| s.state.participant() == Some(participant.id))
    {
        if let Ok(removed) = vacate(
            ctx,
            seat,
            MessageKind::RemovedFromTask,
            SeatChange::RemovedParticipantDeleted,
        ) {
            d.merge(removed);
            vacated += 1;
        }
    }
    d.messages.clear();
    d.ops.extend(
        rejections
            .iter()
            .filter(|r| r.participant == participant.id)
            .map(|r| Op::Delete(RecordKey::Rejection(r.id))),
    );
    d.ops
        .push(Op::Delete(RecordKey::Participant(participant.id)));
    d.audit.push(ctx.audit(
        AuditAction::Delete,
        RecordKey::Participant(participant.id),
        Some(participant.id),
        None,
        AuditEvent::ParticipantDeleted {
            participant: participant.id,
            vacated,
        },
    ));
    d
}

/// T12: a team responsible removes a member from their team. Refused when the member has an
/// accepted seat of this team that already took place. Every seat of the team they hold is
/// vacated with a message and (if they stay in other teams) a rejection; if this was their only
/// team the participant is deleted entirely.
pub(crate) fn remove_from_team(
    ctx: &Ctx,
    team: TeamId,
    participant: &Participant,
    seats: &[Seat],
    rejections: &[Rejection],
) -> Result<Decision, Refused> {
    if !participant.teams.contains(&team) {
        return Err(Refused::one(Violation::NotTeamMember { team }));
    }
    let team_seats: Vec<&Seat> = seats
        .iter()
        .filter(|s| s.slot.team == team && s.state.participant() == Some(participant.id))
        .collect();
    let today = ctx.today();
    if team_seats
        .iter()
        .any(|s| matches!(s.state, SeatState::Accepted { .. }) && s.slot.date < today)
    {
        return Err(Refused::one(Violation::HasCompletedTask));
    }
    if participant.teams.len() == 1 {
        return Ok(delete_participant(ctx, participant, seats, rejections));
    }
    let mut d = Decision::default();
    for seat in team_seats {
        d.ops.push(put_seat(seat, SeatState::Vacant));
        d.ops.push(rejection(
            ctx,
            seat,
            participant.id,
            RejectionKind::RemovedFromTeam,
        ));
        d.messages.push(message(
            MessageKind::InvitationRetracted,
            seat,
            participant.id,
        ));
    }
    let mut left = participant.clone();
    left.teams.remove(&team);
    d.ops.push(Op::Put(Record::Participant(left)));
    d.audit.push(ctx.audit(
        AuditAction::Edit,
        RecordKey::Team(team),
        Some(participant.id),
        None,
        AuditEvent::RemovedFromTeam {
            participant: participant.id,
            team,
        },
    ));
    Ok(d)
}
