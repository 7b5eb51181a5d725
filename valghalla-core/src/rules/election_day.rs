//! Election day: attendance at the seats, reserves for a day, and offering a no-show's seat to
//! the day's reserves — the first to take it gets it (through [`occupy`], the one way onto a
//! seat), everyone else is told it is filled.

use chrono::NaiveDate;

use crate::ids::{ElectionId, OfferId, ParticipantId};
use crate::messages::MessageKind;
use crate::model::AuditEvent;
use crate::model::{Attendance, Participant};
use crate::model::{
    AttendanceEntry, AttendanceStatus, AuditAction, Election, InvitationToken, OfferRecipient,
    OfferTaken, Op, Record, RecordKey, Reserve, ReserveDay, Seat, SeatOffer, SeatState,
};
use crate::rules::lifecycle::{
    PersonFacts, Route, SeatFacts, booking_violations, eligibility_violations, occupy,
};
use crate::rules::{Ctx, Decision, MessageIntent, Refused, SkippedReserves, Violation};
use crate::time::TimeWindow;

/// The attendance at `seat` with `participant`'s entry set to `status`. `window` is the task's
/// time on the seat's date; `attendance` what is recorded so far.
///
/// Recorded on the seat's day or later (a correction), for someone who holds the seat or was
/// recorded there before (a no-show whose seat went to a reserve); a time of leaving early lies
/// inside the task's time.
pub(crate) fn record_attendance(
    ctx: &Ctx,
    seat: &Seat,
    window: TimeWindow,
    attendance: Option<&Attendance>,
    participant: ParticipantId,
    status: AttendanceStatus,
) -> Result<Decision, Refused> {
    let mut v = Vec::new();
    if seat.slot.date > ctx.today() {
        v.push(Violation::NotTheDay {
            date: seat.slot.date,
        });
    }
    let holds = matches!(seat.state,
        SeatState::Accepted { participant: holder, .. } if holder == participant);
    if !holds && attendance.and_then(|a| a.of(participant)).is_none() {
        v.push(Violation::NotExpected);
    }
    if let AttendanceStatus::LeftEarly { at } = status
        && !(window.start <= at && at < window.end)
    {
        v.push(Violation::LeftOutsideTask { window });
    }
    Refused::check(v)?;
    let mut record = attendance
        .cloned()
        .unwrap_or_else(|| Attendance::empty(seat.id, seat.slot));
    let entry = AttendanceEntry {
        participant,
        status,
        recorded_at: ctx.now,
        recorded_by: ctx.actor.to_string(),
    };
    match record
        .entries
        .iter_mut()
        .find(|e| e.participant == participant)
    {
        Some(e) if e.status == status => return Ok(Decision::default()),
        Some(e) => *e = entry,
        None => record.entries.push(entry),
    }
    Ok(Decision {
        audit: vec![ctx.audit(
            AuditAction::Edit,
            RecordKey::Attendance(seat.id),
            Some(participant),
            Some(seat.slot.election),
            AuditEvent::Attendance {
                status,
                seat: seat.id,
            },
        )],
        ops: vec![Op::Put(Record::Attendance(record))],
        messages: vec![],
    })
}

/// `participant` stands by as a reserve on `date` of `election` (from now on, inside the
/// election's working period). Signing up twice changes nothing.
pub(crate) fn sign_up_reserve(
    ctx: &Ctx,
    participant: &Participant,
    reserve: Option<&Reserve>,
    election: &Election,
    date: NaiveDate,
) -> Result<Decision, Refused> {
    let mut v = Vec::new();
    if !election.active {
        v.push(Violation::ElectionInactive);
    }
    if !election.working_period().contains(date) {
        v.push(Violation::DateOutsidePeriod { date });
    }
    if date < ctx.today() {
        v.push(Violation::TaskInThePast { date });
    }
    Refused::check(v)?;
    if reserve.is_some_and(|r| r.stands_by(election.id, date)) {
        return Ok(Decision::default());
    }
    let mut record = reserve.cloned().unwrap_or(Reserve {
        participant: participant.id,
        days: Vec::new(),
    });
    record.days.push(ReserveDay {
        election: election.id,
        date,
        signed_up_at: ctx.now,
        by: ctx.actor.to_string(),
    });
    Ok(Decision {
        ops: vec![Op::Put(Record::Reserve(record))],
        messages: vec![],
        audit: vec![ctx.audit(
            AuditAction::Create,
            RecordKey::Reserve(participant.id),
            Some(participant.id),
            Some(election.id),
            AuditEvent::ReserveSignedUp(date),
        )],
    })
}

/// `participant` no longer stands by on `date` of `election`. Not signed up: nothing changes.
pub(crate) fn withdraw_reserve(
    ctx: &Ctx,
    participant: ParticipantId,
    reserve: Option<&Reserve>,
    election: ElectionId,
    date: NaiveDate,
) -> Decision {
    let Some(reserve) = reserve.filter(|r| r.stands_by(election, date)) else {
        return Decision::default();
    };
    let mut record = reserve.clone();
    record
        .days
        .retain(|d| !(d.election == election && d.date == date));
    Decision {
        ops: vec![Op::Put(Record::Reserve(record))],
        messages: vec![],
        audit: vec![ctx.audit(
            AuditAction::Delete,
            RecordKey::Reserve(participant),
            Some(participant),
            Some(election),
            AuditEvent::ReserveWithdrawn(date),
        )],
    }
}

/// The day's `reserves` sorted for `seat`: those who may take it (eligible for its task and
/// free at its time), in the order given, and how many are skipped and why (ineligible first:
/// someone both ineligible and busy counts as ineligible). The no-show is neither.
pub(crate) fn screen_reserves(
    seat: &SeatFacts<'_>,
    no_show: Option<ParticipantId>,
    reserves: &[PersonFacts<'_>],
) -> (Vec<ParticipantId>, SkippedReserves) {
    let mut free = Vec::new();
    let mut skipped = SkippedReserves::default();
    for r in reserves {
        let id = r.participant.id;
        if Some(id) == no_show {
            continue;
        }
        if !eligibility_violations(seat, r).is_empty() {
            skipped.ineligible = skipped.ineligible.saturating_add(1);
        } else if !booking_violations(seat, r).is_empty() {
            skipped.busy = skipped.busy.saturating_add(1);
        } else {
            free.push(id);
        }
    }
    (free, skipped)
}

/// The participant recorded as not arrived who holds `seat`, if any.
pub(crate) fn no_show_of(seat: &Seat, attendance: Option<&Attendance>) -> Option<ParticipantId> {
    match seat.state {
        SeatState::Accepted { participant, .. }
            if attendance
                .and_then(|a| a.of(participant))
                .is_some_and(|e| e.status == AttendanceStatus::NotArrived) =>
        {
            Some(participant)
        }
        _ => None,
    }
}

/// Offers `seat`, held by someone recorded as not arrived, to `reserves`: the day's reserves
/// who may take it ([`screen_reserves`]; `skipped` says how many did not pass and why). Each
/// gets a message with a take link (its code in the offer). Offered on the seat's day, once at
/// a time; refused when no reserve is left, saying how many were skipped.
pub(crate) fn offer_seat(
    ctx: &Ctx,
    seat: &Seat,
    attendance: Option<&Attendance>,
    open_offer: bool,
    reserves: &[ParticipantId],
    skipped: SkippedReserves,
) -> Result<(Decision, OfferId), Refused> {
    let mut v = Vec::new();
    if seat.slot.date != ctx.today() {
        v.push(Violation::NotTheDay {
            date: seat.slot.date,
        });
    }
    let no_show = no_show_of(seat, attendance);
    if no_show.is_none() {
        v.push(Violation::NotANoShow);
    }
    if open_offer {
        v.push(Violation::OfferOpen);
    }
    let recipients: Vec<OfferRecipient> = reserves
        .iter()
        .filter(|r| Some(**r) != no_show)
        .map(|r| OfferRecipient {
            participant: *r,
            token: InvitationToken::generate(),
        })
        .collect();
    if recipients.is_empty() {
        v.push(Violation::NoReserves { skipped });
    }
    Refused::check(v)?;
    let Some(no_show) = no_show else {
        return Err(Refused::one(Violation::NotANoShow));
    };
    let offer = SeatOffer {
        id: OfferId::new(),
        seat: seat.id,
        slot: seat.slot,
        no_show,
        offered_at: ctx.now,
        offered_by: ctx.actor.to_string(),
        recipients,
        taken: None,
    };
    let id = offer.id;
    let decision = Decision {
        messages: offer
            .recipients
            .iter()
            .map(|r| MessageIntent {
                kind: MessageKind::SeatOffered,
                participant: r.participant,
                seat: Some(seat.id),
                custom: None,
            })
            .collect(),
        audit: vec![ctx.audit(
            AuditAction::Create,
            RecordKey::SeatOffer(id),
            Some(no_show),
            Some(seat.slot.election),
            AuditEvent::SeatOffered {
                seat: seat.id,
                reserves: offer.recipients.len(),
                no_show,
            },
        )],
        ops: vec![Op::Put(Record::SeatOffer(offer))],
    };
    Ok((decision, id))
}

/// The reserve with the take link's `token` takes the offered seat: the offer must have gone to
/// them and be open, the no-show must still be recorded as not arrived, and the seat is theirs
/// by [`occupy`] (eligibility, double booking, the day not past). Everyone else the offer went
/// to is told it is filled. Taking it again changes nothing.
///
/// Exactly one taker: the offer is written with the version it was read at, so of two
/// concurrent takers one conflicts, reads it again and is refused with `offer-taken`.
pub(crate) fn take_offer(
    ctx: &Ctx,
    offer: &SeatOffer,
    token: &str,
    attendance: Option<&Attendance>,
    seat: &SeatFacts<'_>,
    person: &PersonFacts<'_>,
) -> Result<Decision, Refused> {
    let me = person.participant.id;
    if offer
        .recipient_with(token)
        .is_none_or(|r| r.participant != me)
    {
        return Err(Refused::one(Violation::NotOffered));
    }
    match &offer.taken {
        Some(t) if t.participant == me => return Ok(Decision::default()),
        Some(_) => return Err(Refused::one(Violation::OfferTaken)),
        None => {}
    }
    // Held by someone other than the no-show: another reserve took it, even if the offer read
    // alongside does not say so yet (a store may answer the two reads at different moments).
    if seat
        .seat
        .state
        .participant()
        .is_some_and(|p| p != offer.no_show && p != me)
    {
        return Err(Refused::one(Violation::OfferTaken));
    }
    let still_missing = attendance
        .and_then(|a| a.of(offer.no_show))
        .is_some_and(|e| e.status == AttendanceStatus::NotArrived);
    if !still_missing {
        return Err(Refused::one(Violation::NotANoShow));
    }
    let mut decision = occupy(
        ctx,
        seat,
        person,
        Route::Reserve {
            no_show: offer.no_show,
        },
    )?;
    let mut taken = offer.clone();
    taken.taken = Some(OfferTaken {
        participant: me,
        at: ctx.now,
    });
    decision.ops.push(Op::Put(Record::SeatOffer(taken)));
    decision.messages.extend(
        offer
            .recipients
            .iter()
            .filter(|r| r.participant != me)
            .map(|r| MessageIntent {
                kind: MessageKind::OfferFilled,
                participant: r.participant,
                seat: Some(offer.seat),
                custom: None,
            }),
    );
    Ok(decision)
}

#[cfg(test)]
#[path = "election_day_tests.rs"]
mod tests;
