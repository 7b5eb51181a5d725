//! No double booking: a participant may not hold two seats (invited or accepted, in any
//! election) whose time windows overlap.

use serde::{Deserialize, Serialize};

use crate::ids::{ElectionId, SeatId};
use crate::model::{Seat, TaskType};
use crate::rules::Violation;
use crate::time::TimeWindow;

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
pub fn conflicts(seat: SeatId, window: &TimeWindow, bookings: &[Booking]) -> Vec<Violation> {
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
