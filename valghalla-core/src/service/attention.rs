//! What needs the secretariat's attention in an election now: stations whose board is not
//! lawful (5–9 valgstyrere, one formand), invitations unanswered for too long, vacant seats by
//! day, messages that failed, invitations declined, and withdrawals close to the task.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::exchange::NationalRole;
use crate::ids::{AreaId, ElectionId, ParticipantId, SeatId, TaskTypeId, WorkLocationId};
use crate::model::{
    Area, Election, Participant, Rejection, RejectionKind, Seat, SeatState, TaskType, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::board::{BoardWarning, board_warnings};
use crate::store::{DeliveryStatus, OutboxFilter, Query};
use crate::time::local_date;

use super::tx::Tx;
use super::{Result, Valghalla};

/// A withdrawal counts as late when it came this close (in days) to the task.
pub const LATE_WITHDRAWAL_DAYS: i64 = 14;

/// A station whose board is not lawful, with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardAttention {
    /// The warning.
    pub warning: BoardWarning,
    /// The station's title.
    pub title: String,
    /// Its area.
    pub area_id: AreaId,
    /// Its area's name.
    pub area: String,
}

/// An invitation, or a withdrawal, with its names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatAttention {
    /// The seat.
    pub seat: SeatId,
    /// The person.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// The station.
    pub work_location: WorkLocationId,
    /// Its title.
    pub location: String,
    /// The task type's title.
    pub task_type: String,
    /// The task's day.
    pub date: NaiveDate,
    /// The day of the invitation (or of the withdrawal).
    pub since: NaiveDate,
}

/// What needs attention in an election.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attention {
    /// Stations whose board is not lawful.
    pub boards: Vec<BoardAttention>,
    /// Invitations unanswered for at least the asked number of days, oldest first.
    pub old_invitations: Vec<SeatAttention>,
    /// Vacant seats by day.
    pub vacant_by_date: Vec<(NaiveDate, u32)>,
    /// Messages of the election that failed.
    pub failed_messages: usize,
    /// Withdrawals at most [`LATE_WITHDRAWAL_DAYS`] days before the task, newest first.
    pub late_withdrawals: Vec<SeatAttention>,
    /// Invitations declined, by the person or on their behalf, newest first (`since` is the
    /// day of the answer): each left a seat to fill again.
    pub declined: Vec<SeatAttention>,
}

/// The stations of `e` whose saved board breaks the law's shape, with their names (the rule is
/// [`board_warnings`]; this only loads and names).
fn boards(
    e: &Election,
    seats: &[Seat],
    task_types: &BTreeMap<TaskTypeId, TaskType>,
    locations: &BTreeMap<WorkLocationId, WorkLocation>,
    areas: &BTreeMap<AreaId, String>,
) -> Vec<BoardAttention> {
    let roles: BTreeMap<_, NationalRole> = task_types
        .values()
        .map(|t| (t.id, NationalRole::of(t)))
        .collect();
    let stations: Vec<WorkLocationId> = e
        .work_locations
        .iter()
        .filter(|l| locations.get(l).is_some_and(|l| l.voting_area.is_some()))
        .copied()
        .collect();
    board_warnings(&stations, seats, &roles, e.election_day())
        .into_iter()
        .map(|warning| {
            let l = locations.get(&warning.work_location);
            BoardAttention {
                warning,
                title: l.map(|l| l.title.to_string()).unwrap_or_default(),
                area_id: l.map_or(AreaId::from_uuid(uuid::Uuid::nil()), |l| l.area),
                area: l
                    .and_then(|l| areas.get(&l.area))
                    .cloned()
                    .unwrap_or_default(),
            }
        })
        .collect()
}

impl Valghalla {
    /// The stations of `election` whose saved distribution gives a board outside the law
    /// (not 5–9 valgstyrere, or not exactly one formand on election day), in the election's
    /// order of stations: what the overview and the distribution grid warn about.
    pub async fn board_attention(
        &self,
        actor: &Actor,
        election: ElectionId,
    ) -> Result<Vec<BoardAttention>> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let e = tx.get::<Election>(election).await?;
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let task_types = tx
            .all::<TaskType>()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let locations = tx
            .all::<WorkLocation>()
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let areas = tx
            .all::<Area>()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name.to_string()))
            .collect();
        Ok(boards(&e, &seats, &task_types, &locations, &areas))
    }

    /// What needs attention in `election` now; invitations count as old after `days` days.
    pub async fn attention(
        &self,
        actor: &Actor,
        election: ElectionId,
        days: u32,
    ) -> Result<Attention> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let e = tx.get::<Election>(election).await?;
        let seats = tx.query::<Seat>(&Query::SeatsOfElection(election)).await?;
        let task_types: BTreeMap<_, TaskType> = tx
            .all::<TaskType>()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let locations: BTreeMap<_, WorkLocation> = tx
            .all::<WorkLocation>()
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let areas: BTreeMap<_, String> = tx
            .all::<Area>()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name.to_string()))
            .collect();
        let names: BTreeMap<ParticipantId, String> = tx
            .all::<Participant>()
            .await?
            .into_iter()
            .map(|p| (p.id, p.full_name()))
            .collect();
        let boards = boards(&e, &seats, &task_types, &locations, &areas);
        let named =
            |seat: SeatId, p: ParticipantId, slot: &crate::model::SlotKey, since| SeatAttention {
                seat,
                participant: p,
                name: names.get(&p).cloned().unwrap_or_default(),
                work_location: slot.work_location,
                location: locations
                    .get(&slot.work_location)
                    .map(|l| l.title.to_string())
                    .unwrap_or_default(),
                task_type: task_types
                    .get(&slot.task_type)
                    .map(|t| t.title.to_string())
                    .unwrap_or_default(),
                date: slot.date,
                since,
            };
        let now = self.clock.now();
        let cutoff = now - Duration::days(i64::from(days));
        let mut old: Vec<(chrono::DateTime<chrono::Utc>, SeatAttention)> = seats
            .iter()
            .filter_map(|s| match &s.state {
                SeatState::Invited {
                    participant,
                    invited_at,
                    ..
                } if *invited_at <= cutoff => Some((
                    *invited_at,
                    named(s.id, *participant, &s.slot, local_date(*invited_at)),
                )),
                _ => None,
            })
            .collect();
        old.sort_by_key(|(at, _)| *at);
        let mut vacant: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        for s in seats.iter().filter(|s| s.state == SeatState::Vacant) {
            *vacant.entry(s.slot.date).or_default() += 1;
        }
        let failed_messages = self
            .store
            .outbox(&OutboxFilter {
                election: Some(election),
                ..Default::default()
            })
            .await?
            .iter()
            .filter(|m| matches!(m.status, DeliveryStatus::Failed { .. }))
            .count();
        let rejections = tx
            .query::<Rejection>(&Query::RejectionsOfElection(election))
            .await?;
        let newest_first = |keep: &dyn Fn(&Rejection) -> bool| {
            let mut list: Vec<(chrono::DateTime<chrono::Utc>, SeatAttention)> = rejections
                .iter()
                .filter(|r| keep(r))
                .map(|r| {
                    (
                        r.at,
                        named(r.seat, r.participant, &r.slot, local_date(r.at)),
                    )
                })
                .collect();
            list.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
            list.into_iter().map(|(_, a)| a).collect::<Vec<_>>()
        };
        let late = newest_first(&|r| {
            r.kind == RejectionKind::Withdrew
                && (r.slot.date - local_date(r.at)).num_days() <= LATE_WITHDRAWAL_DAYS
        });
        let declined = newest_first(&|r| {
            matches!(
                r.kind,
                RejectionKind::Declined | RejectionKind::DeclinedOnBehalf
            )
        });
        Ok(Attention {
            boards,
            old_invitations: old.into_iter().map(|(_, a)| a).collect(),
            vacant_by_date: vacant.into_iter().collect(),
            failed_messages,
            late_withdrawals: late,
            declined,
        })
    }
}
