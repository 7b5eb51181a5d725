//! Links: what a team link, a vacancy link or a seat link lets its holder do.

use crate::model::{Link, LinkKind, Participant, Seat, SeatState, TaskType, Trust, WorkLocation};
use crate::rules::lifecycle::OpenAccess;
use crate::rules::{Refused, Violation};

/// Whether a live `link` offers `seat`, and through which route. The seat must be vacant for
/// anyone to take it; that is the lifecycle's check.
pub fn access_through(
    link: &Link,
    seat: &Seat,
    location: &WorkLocation,
    task_type: &TaskType,
) -> Result<OpenAccess, Refused> {
    if !link.is_live() {
        return Err(Refused::one(Violation::LinkDoesNotCoverSeat));
    }
    match &link.kind {
        LinkKind::Seat { seat: id } if *id == seat.id => Ok(OpenAccess::SeatLink),
        LinkKind::Vacancies(f) => {
            let covers = f.election == seat.slot.election
                && f.team == seat.slot.team
                && (f.areas.is_empty() || f.areas.contains(&location.area))
                && (f.work_locations.is_empty()
                    || f.work_locations.contains(&seat.slot.work_location))
                && (f.task_types.is_empty() || f.task_types.contains(&seat.slot.task_type))
                && (f.dates.is_empty() || f.dates.contains(&seat.slot.date))
                && (f.include_trusted || task_type.trust == Trust::Open);
            if covers {
                Ok(OpenAccess::Vacancies {
                    include_trusted: f.include_trusted,
                })
            } else {
                Err(Refused::one(Violation::LinkDoesNotCoverSeat))
            }
        }
        _ => Err(Refused::one(Violation::LinkDoesNotCoverSeat)),
    }
}

/// Whether a vacancy link lists `seat` on its public page (vacant and covered).
pub fn lists(link: &Link, seat: &Seat, location: &WorkLocation, task_type: &TaskType) -> bool {
    seat.state == SeatState::Vacant && access_through(link, seat, location, task_type).is_ok()
}

/// The participant after joining the team a link names (idempotent: joining twice changes
/// nothing). `None` when nothing changes.
pub fn join_team(link: &Link, participant: &Participant) -> Result<Option<Participant>, Refused> {
    let team = match (&link.kind, link.is_live()) {
        (LinkKind::Team { team }, true) => *team,
        _ => return Err(Refused::one(Violation::LinkDoesNotCoverSeat)),
    };
    if participant.teams.contains(&team) {
        return Ok(None);
    }
    let mut joined = participant.clone();
    joined.teams.insert(team);
    Ok(Some(joined))
}
