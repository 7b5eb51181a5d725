//! No double booking: a participant may not hold two seats (invited or accepted, in any
//! election) whose time windows overlap.

use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, ParticipantId, SeatId, TaskTypeId};
use crate::model::{Seat, TaskType};
use crate::rules::Violation;
use crate::time::{DailyWindow, TimeWindow};

/// A seat a participant holds or is invited to, with its real time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// The seat.
    pub seat: SeatId,
    /// Its election.
    pub election: ElectionId,
    /// When it is.
    pub window: TimeWindow,
}

impl Booking {
    /// The booking a seat of `task_type` makes.
    pub fn of(seat: &Seat, task_type: &TaskType) -> Booking {
        Booking {
            seat: seat.id,
            election: seat.slot.election,
            window: task_type.window.on(seat.slot.date),
        }
    }
}

/// Every existing booking (other than `seat` itself) that overlaps `window`.
pub(crate) fn conflicts(seat: SeatId, window: &TimeWindow, bookings: &[Booking]) -> Vec<Violation> {
    bookings
        .iter()
        .filter(|b| b.seat != seat && b.window.overlaps(window))
        .map(|b| Violation::DoubleBooked {
            seat: b.seat,
            election: b.election,
            window: b.window,
        })
        .collect()
}

/// Two seats of one participant whose times would overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overlap {
    /// The participant.
    pub participant: ParticipantId,
    /// Their two seats: the first of the changed task type.
    pub seats: [SeatId; 2],
}

/// The double bookings that giving task type `changed` the daily window `window` would create.
/// `held` are the invited or accepted seats of everyone holding a seat of `changed` (in every
/// election), each with its task type; a pair is reported once.
pub(crate) fn overlaps_after_window_change(
    changed: TaskTypeId,
    window: DailyWindow,
    held: &[(&Seat, &TaskType)],
) -> Vec<Overlap> {
    let when = |seat: &Seat, tt: &TaskType| {
        if tt.id == changed { window } else { tt.window }.on(seat.slot.date)
    };
    let mut found = Vec::new();
    for (i, (a, ta)) in held.iter().enumerate() {
        let Some(holder) = a.state.participant() else {
            continue;
        };
        for (b, tb) in &held[i + 1..] {
            if b.state.participant() != Some(holder) || (ta.id != changed && tb.id != changed) {
                continue;
            }
            if when(a, ta).overlaps(&when(b, tb)) {
                let seats = if ta.id == changed {
                    [a.id, b.id]
                } else {
                    [b.id, a.id]
                };
                found.push(Overlap {
                    participant: holder,
                    seats,
                });
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::ids::{ElectionId, TeamId, WorkLocationId};
    use crate::model::{AcceptedVia, SeatState, SlotKey, Trust};
    use crate::values::{Name, ShortName};

    fn tt(title: &str, from: u32, to: u32) -> TaskType {
        TaskType {
            id: TaskTypeId::new(),
            title: Name::parse(title).unwrap(),
            short_name: ShortName::parse(title).unwrap(),
            description: String::new(),
            window: DailyWindow::hm(from, 0, to, 0).unwrap(),
            payment: None,
            trust: Trust::Open,
            check_eligibility: false,
            reminders: false,
            chair: None,
        }
    }

    fn held(tt: &TaskType, p: ParticipantId, day: u32) -> Seat {
        let mut s = Seat::vacant(SlotKey {
            election: ElectionId::new(),
            work_location: WorkLocationId::new(),
            task_type: tt.id,
            team: TeamId::new(),
            date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        });
        s.state = SeatState::Accepted {
            participant: p,
            accepted_at: chrono::DateTime::UNIX_EPOCH,
            via: AcceptedVia::Invitation,
            task_reminder_at: None,
        };
        s
    }

    #[test]
    fn a_longer_window_reaching_another_booking_is_an_overlap() {
        let (count, morning) = (tt("Fintæller", 17, 2), tt("Tilforordnet", 8, 13));
        let (p, q) = (ParticipantId::new(), ParticipantId::new());
        let (a, b) = (held(&count, p, 17), held(&morning, p, 18));
        let other = held(&morning, q, 18);
        let all = [(&a, &count), (&b, &morning), (&other, &morning)];
        let later = DailyWindow::new(
            NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        );
        assert_eq!(
            overlaps_after_window_change(count.id, later, &all),
            vec![Overlap {
                participant: p,
                seats: [a.id, b.id]
            }]
        );
        assert!(overlaps_after_window_change(count.id, count.window, &all).is_empty());
    }
}
