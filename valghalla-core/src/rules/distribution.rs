//! Seat distribution: how many seats each (work location, date, team, task type) has.
//!
//! Only vacant seats are ever removed. A decrease that would need to remove an invited or
//! accepted seat removes what it can and reports the rest, instead of silently deleting taken
//! seats as the reference does.

use serde::{Deserialize, Serialize};

use crate::ids::{SeatId, TeamId};
use crate::model::AuditEvent;
use crate::model::{
    AuditAction, AuditSubject, Election, Op, Record, RecordKey, Seat, SeatState, SlotKey,
    WorkLocation,
};
use crate::rules::{Ctx, Decision, Refused, Violation};

/// The most seats one slot (one team's seats of one task type at one location on one day) may
/// have. A polling station has some tens of helpers; anything near this is a typing error.
pub const MAX_SEATS_PER_SLOT: u32 = 1000;

/// What a distribution change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DistributionReport {
    /// Seats in the slot before.
    pub before: u32,
    /// Seats asked for.
    pub requested: u32,
    /// Seats in the slot after.
    pub after: u32,
    /// Seats that could not be removed because someone holds or is invited to them.
    pub kept_taken: u32,
}

/// Checks that a slot fits its election and work location.
pub(crate) fn check_slot(
    election: &Election,
    location: &WorkLocation,
    slot: &SlotKey,
) -> Result<(), Refused> {
    let mut v = Vec::new();
    if slot.election != election.id || slot.work_location != location.id {
        v.push(Violation::LocationNotInElection {
            work_location: slot.work_location,
        });
    } else if !election.work_locations.contains(&location.id) {
        v.push(Violation::LocationNotInElection {
            work_location: location.id,
        });
    }
    if !election.working_period().contains(slot.date) {
        v.push(Violation::DateOutsidePeriod { date: slot.date });
    }
    if !location.teams.contains(&slot.team) {
        v.push(Violation::TeamNotAtLocation { team: slot.team });
    }
    if !location.task_types.contains(&slot.task_type) {
        v.push(Violation::TaskTypeNotAtLocation {
            task_type: slot.task_type,
        });
    }
    Refused::check(v)
}

/// Sets the number of seats in `slot` to `desired`. `current` are the slot's seats.
pub(crate) fn set_seat_count(
    ctx: &Ctx,
    election: &Election,
    location: &WorkLocation,
    slot: SlotKey,
    current: &[Seat],
    desired: u32,
) -> Result<(Decision, DistributionReport), Refused> {
    check_slot(election, location, &slot)?;
    let before = u32::try_from(current.len()).unwrap_or(u32::MAX);
    let mut ops = Vec::new();
    let mut kept_taken = 0;
    if desired > before {
        ops.extend((before..desired).map(|_| Op::Put(Record::Seat(Seat::vacant(slot)))));
    } else {
        let mut vacant: Vec<SeatId> = current
            .iter()
            .filter(|s| s.state == SeatState::Vacant)
            .map(|s| s.id)
            .collect();
        vacant.sort();
        let excess = (before - desired) as usize;
        kept_taken = u32::try_from(excess.saturating_sub(vacant.len())).unwrap_or(u32::MAX);
        ops.extend(
            vacant
                .into_iter()
                .take(excess)
                .map(|id| Op::Delete(RecordKey::Seat(id))),
        );
    }
    let report = DistributionReport {
        before,
        requested: desired,
        after: desired + kept_taken,
        kept_taken,
    };
    if ops.is_empty() {
        return Ok((Decision::default(), report));
    }
    let audit = ctx.audit(
        AuditAction::Edit,
        AuditSubject::Slot {
            work_location: location.id,
            date: slot.date,
            team: slot.team,
            task_type: slot.task_type,
        },
        None,
        Some(election.id),
        AuditEvent::SlotSeats {
            location: location.title.as_str(),
            date: slot.date,
            before: report.before,
            after: report.after,
            asked: desired,
            kept_taken,
        },
    );
    Ok((
        Decision {
            ops,
            messages: vec![],
            audit: vec![audit],
        },
        report,
    ))
}

/// T13: moves up to `count` vacant seats of a slot to another team at the same location.
/// Returns the decision and how many seats moved.
pub(crate) fn move_vacant(
    ctx: &Ctx,
    election: &Election,
    location: &WorkLocation,
    seats: &[Seat],
    to_team: TeamId,
    count: u32,
) -> Result<(Decision, u32), Refused> {
    if !location.teams.contains(&to_team) {
        return Err(Refused::one(Violation::TeamNotAtLocation { team: to_team }));
    }
    let mut vacant: Vec<&Seat> = seats
        .iter()
        .filter(|s| s.state == SeatState::Vacant && s.slot.team != to_team)
        .collect();
    vacant.sort_by_key(|s| s.id);
    let moved: Vec<Op> = vacant
        .into_iter()
        .take(count as usize)
        .map(|s| {
            let mut m = s.clone();
            m.slot.team = to_team;
            Op::Put(Record::Seat(m))
        })
        .collect();
    let n = u32::try_from(moved.len()).unwrap_or(u32::MAX);
    if n == 0 {
        return Ok((Decision::default(), 0));
    }
    let audit = ctx.audit(
        AuditAction::Edit,
        RecordKey::WorkLocation(location.id),
        None,
        Some(election.id),
        AuditEvent::VacantSeatsMoved {
            count: n,
            location: location.title.as_str(),
            team: to_team,
        },
    );
    Ok((
        Decision {
            ops: moved,
            messages: vec![],
            audit: vec![audit],
        },
        n,
    ))
}

/// When a work location stops using some teams or task types: the vacant seats that go with
/// them, and the taken seats that block the change.
pub(crate) fn seats_affected_by_location_edit<'a>(
    new: &WorkLocation,
    seats_at_location: &'a [Seat],
) -> (Vec<SeatId>, Vec<&'a Seat>) {
    let mut remove = Vec::new();
    let mut blocking = Vec::new();
    for seat in seats_at_location {
        let dropped =
            !new.teams.contains(&seat.slot.team) || !new.task_types.contains(&seat.slot.task_type);
        if dropped {
            if seat.state == SeatState::Vacant {
                remove.push(seat.id);
            } else {
                blocking.push(seat);
            }
        }
    }
    (remove, blocking)
}
