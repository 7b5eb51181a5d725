//! Links: what a team link, a vacancy link or a seat link lets its holder do.

use crate::model::{
    Link, LinkAuthor, LinkKind, Participant, Seat, SeatState, TaskType, Team, Trust, WorkLocation,
};
use crate::rules::lifecycle::OpenAccess;
use crate::rules::{Refused, Violation};

/// The facts about a seat a link decision needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LinkedSeat<'a> {
    /// The seat.
    pub seat: &'a Seat,
    /// Its work location.
    pub location: &'a WorkLocation,
    /// Its task type.
    pub task_type: &'a TaskType,
    /// Its team.
    pub team: &'a Team,
}

/// Whether a link made by `made_by` for `team` may offer trusted task types.
pub(crate) fn may_offer_trusted(made_by: LinkAuthor, team: &Team) -> bool {
    made_by == LinkAuthor::Secretariat || team.responsibles_may_link_trusted
}

/// Whether a live `link` offers `seat`, and through which route. The seat must be vacant for
/// anyone to take it; that is the lifecycle's check. A trusted seat is offered only by a link
/// that may offer trusted task types ([`may_offer_trusted`]): refused with `trusted-task`.
pub(crate) fn access_through(link: &Link, at: &LinkedSeat<'_>) -> Result<OpenAccess, Refused> {
    if !link.is_live() {
        return Err(Refused::one(Violation::LinkDoesNotCoverSeat));
    }
    let LinkedSeat {
        seat,
        location,
        task_type,
        team,
    } = *at;
    let access = match &link.kind {
        LinkKind::Seat { seat: id } if *id == seat.id => OpenAccess::SeatLink,
        LinkKind::Vacancies(f) => {
            let covers = f.election == seat.slot.election
                && f.team == seat.slot.team
                && (f.areas.is_empty() || f.areas.contains(&location.area))
                && (f.work_locations.is_empty()
                    || f.work_locations.contains(&seat.slot.work_location))
                && (f.task_types.is_empty() || f.task_types.contains(&seat.slot.task_type))
                && (f.dates.is_empty() || f.dates.contains(&seat.slot.date))
                && (f.include_trusted || task_type.trust == Trust::Open);
            if !covers {
                return Err(Refused::one(Violation::LinkDoesNotCoverSeat));
            }
            OpenAccess::Vacancies {
                include_trusted: f.include_trusted,
            }
        }
        _ => return Err(Refused::one(Violation::LinkDoesNotCoverSeat)),
    };
    if task_type.trust == Trust::Trusted && !may_offer_trusted(link.made_by, team) {
        return Err(Refused::one(Violation::TrustedTask {
            task_type: task_type.id,
        }));
    }
    Ok(access)
}

/// Whether a vacancy link lists `seat` on its public page (vacant and covered).
pub(crate) fn lists(link: &Link, at: &LinkedSeat<'_>) -> bool {
    at.seat.state == SeatState::Vacant && access_through(link, at).is_ok()
}

/// The participant after joining the team a link names (idempotent: joining twice changes
/// nothing). `None` when nothing changes.
pub(crate) fn join_team(
    link: &Link,
    participant: &Participant,
) -> Result<Option<Participant>, Refused> {
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
