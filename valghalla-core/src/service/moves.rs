//! What the secretariat's seat pages show before a change: one seat described (its place, task,
//! team, day and holder), and where a seat's holder could be moved — the vacant seats of the
//! same election, one per slot, each free for them or with every reason why not (the move
//! rule decides, `rules::lifecycle::move_holder`).

use std::collections::{BTreeMap, BTreeSet};

use crate::collation::sort_danish_by;
use crate::ids::{ParticipantId, SeatId, WorkLocationId};
use crate::model::{
    Participant, Seat, SeatState, SeatStatus, SlotKey, TaskType, Team, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::lifecycle::{self, PersonFacts};
use crate::rules::{Refused, Violation};
use crate::store::Query;
use crate::values::DanishMessage;

use super::seats::{bookings_of, load_seat};
use super::tx::Tx;
use super::{Result, Valghalla};

/// A seat as the secretariat's pages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatSummary {
    /// The seat.
    pub seat: SeatId,
    /// Its slot.
    pub slot: SlotKey,
    /// Its status.
    pub status: SeatStatus,
    /// Who holds it or is invited to it, with their name.
    pub holder: Option<(ParticipantId, String)>,
    /// The work location's title.
    pub location: String,
    /// The task type's title.
    pub task_type: String,
    /// The team's name.
    pub team: String,
}

/// A vacant seat a holder could be moved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveTarget {
    /// The seat (the first vacant one of its slot).
    pub seat: SeatSummary,
    /// Why the move would be refused, in Danish (empty: it can be done).
    pub reasons: Vec<String>,
}

/// The titles of the master data a summary names.
struct Titles {
    locations: BTreeMap<WorkLocationId, String>,
    task_types: BTreeMap<crate::ids::TaskTypeId, String>,
    teams: BTreeMap<crate::ids::TeamId, String>,
}

impl Titles {
    async fn load(tx: &mut Tx<'_>) -> Result<Titles> {
        Ok(Titles {
            locations: tx
                .all::<WorkLocation>()
                .await?
                .into_iter()
                .map(|l| (l.id, l.title.to_string()))
                .collect(),
            task_types: tx
                .all::<TaskType>()
                .await?
                .into_iter()
                .map(|t| (t.id, t.title.to_string()))
                .collect(),
            teams: tx
                .all::<Team>()
                .await?
                .into_iter()
                .map(|t| (t.id, t.name.to_string()))
                .collect(),
        })
    }

    fn summary(&self, s: &Seat, holder: Option<(ParticipantId, String)>) -> SeatSummary {
        let of = |m: Option<&String>| m.cloned().unwrap_or_default();
        SeatSummary {
            seat: s.id,
            slot: s.slot,
            status: s.state.status(),
            holder,
            location: of(self.locations.get(&s.slot.work_location)),
            task_type: of(self.task_types.get(&s.slot.task_type)),
            team: of(self.teams.get(&s.slot.team)),
        }
    }
}

impl Valghalla {
    /// One seat, described. For whoever may read the overview.
    pub async fn seat_summary(&self, actor: &Actor, seat: SeatId) -> Result<SeatSummary> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let s = tx.get::<Seat>(seat).await?;
        let holder = match s.state.participant() {
            Some(p) => Some((p, tx.get::<Participant>(p).await?.full_name())),
            None => None,
        };
        Ok(Titles::load(&mut tx).await?.summary(&s, holder))
    }

    /// Where the holder of `from` could be moved: the vacant seats of the same election at
    /// `work_location` (every station when `None`), one per slot, by day, then in Danish order of
    /// station, task type and team; each with the move rule's reasons against it. Refused when the
    /// seat has no holder. Secretariat administrators only.
    pub async fn move_targets(
        &self,
        actor: &Actor,
        from: SeatId,
        work_location: Option<WorkLocationId>,
    ) -> Result<Vec<MoveTarget>> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        let mut tx = Tx::reader(self);
        let old = tx.get::<Seat>(from).await?;
        let who = old
            .state
            .participant()
            .ok_or_else(|| Refused::one(Violation::NotYourSeat))?;
        let election = old.slot.election;
        let old = load_seat(&mut tx, old).await?;
        let p = tx.get::<Participant>(who).await?;
        let bookings = bookings_of(&mut tx, who).await?;
        let person = PersonFacts {
            participant: &p,
            bookings: &bookings,
        };
        let titles = Titles::load(&mut tx).await?;
        let mut seen: BTreeSet<SlotKey> = BTreeSet::new();
        let mut vacant: Vec<Seat> = tx
            .query::<Seat>(&Query::SeatsOfElection(election))
            .await?
            .into_iter()
            .filter(|s| s.state == SeatState::Vacant)
            .filter(|s| work_location.is_none_or(|l| s.slot.work_location == l))
            .collect();
        vacant.sort_by_key(|s| s.id);
        vacant.retain(|s| seen.insert(s.slot));
        let mut out = Vec::with_capacity(vacant.len());
        for s in vacant {
            let summary = titles.summary(&s, None);
            let new = load_seat(&mut tx, s).await?;
            let reasons = match lifecycle::move_holder(&ctx, &old.facts(), &new.facts(), &person) {
                Ok(_) => Vec::new(),
                Err(r) => r.violations.iter().map(|v| v.message_da()).collect(),
            };
            let key = format!(
                "{} {} {}",
                summary.location, summary.task_type, summary.team
            );
            out.push((
                key,
                MoveTarget {
                    seat: summary,
                    reasons,
                },
            ));
        }
        sort_danish_by(&mut out, |(key, _)| key.as_str());
        out.sort_by_key(|(_, t)| t.seat.slot.date);
        Ok(out.into_iter().map(|(_, t)| t).collect())
    }
}
