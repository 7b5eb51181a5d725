//! Auto-fill through the service: propose invitations for an election's vacant seats, and
//! apply a reviewed proposal.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::autofill::{FillInput, FillOptions, FillPlan, FillProposal};
use crate::ids::{ElectionId, ParticipantId, SeatId};
use crate::model::{
    Election, ElectionType, Participant, Rejection, Seat, SeatState, TaskType, Team, WorkLocation,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::booking::Booking;
use crate::rules::lifecycle::{self, PersonFacts};
use crate::rules::{Refused, Violation};
use crate::store::Query;
use crate::values::DanishMessage;

use super::seats::{bookings_of, load_seat};
use super::tx::Tx;
use super::{Error, Result, Valghalla, transact};

/// An assignment [`Valghalla::apply_fill`] could not make, because the data changed after the
/// proposal (the seat was taken or moved, the person booked elsewhere or no longer eligible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedAssignment {
    /// The seat.
    pub seat: SeatId,
    /// The person proposed.
    pub participant: ParticipantId,
    /// Why, in Danish.
    pub reason_da: String,
    /// Why, in English.
    pub reason_en: String,
}

/// What [`Valghalla::apply_fill`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyFillReport {
    /// Seats the proposed person is now invited to.
    pub invited: Vec<SeatId>,
    /// Assignments refused, with the reasons.
    pub refused: Vec<RefusedAssignment>,
}

impl Valghalla {
    /// Proposes invitations for `election`'s vacant seats (see [`crate::autofill::plan`]).
    /// Read-only; for the secretariat ([`Permission::ManageSeatHolders`]). The pool is every
    /// participant; their bookings in every election count.
    pub async fn propose_fill(
        &self,
        actor: &Actor,
        election: ElectionId,
        options: &FillOptions,
    ) -> Result<FillProposal> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let mut tx = Tx::new(self);
        let e = tx.get::<Election>(election).await?;
        let election_type = tx.get::<ElectionType>(e.election_type).await?;
        let municipality = tx.municipality().await?.code;
        let work_locations = tx.all::<WorkLocation>().await?;
        let task_types = tx.all::<TaskType>().await?;
        let teams = tx.all::<Team>().await?;
        let participants = tx.all::<Participant>().await?;
        let all_seats = tx.all::<Seat>().await?;
        let rejections = tx
            .query::<Rejection>(&Query::RejectionsOfElection(election))
            .await?;
        let tt_by_id: BTreeMap<_, _> = task_types.iter().map(|t| (t.id, t)).collect();
        let mut seats = Vec::new();
        let mut bookings = Vec::new();
        let mut last_stations = BTreeMap::new();
        for s in all_seats {
            if s.slot.election == election {
                seats.push(s);
                continue;
            }
            if let (Some(p), Some(tt)) = (s.state.participant(), tt_by_id.get(&s.slot.task_type)) {
                bookings.push((p, Booking::of(&s, tt)));
            }
            if Some(s.slot.election) == options.previous_election
                && let SeatState::Accepted { participant, .. } = s.state
            {
                last_stations.insert(participant, s.slot.work_location);
            }
        }
        let input = FillInput {
            election: &e,
            election_type: &election_type,
            municipality,
            work_locations: &work_locations,
            task_types: &task_types,
            teams: &teams,
            seats: &seats,
            participants: &participants,
            bookings: &bookings,
            rejections: &rejections,
            last_stations: &last_stations,
        };
        Ok(FillPlan::build(input, options).solve()?)
    }

    /// Applies a reviewed proposal: each assignment becomes a normal invitation
    /// (the invitation rule, T1, with its message and audit entry).
    ///
    /// **One transaction per seat**, not one for the whole proposal: a proposal can hold
    /// thousands of invitations, and between proposing and applying, people answer links and the
    /// secretariat edits seats. Each invitation is checked again on the current data (the seat is
    /// still vacant and in the proposed slot, the person is still eligible and not double
    /// booked); those that no longer pass are listed in [`ApplyFillReport::refused`] with the
    /// reasons, and the rest are made. Applying the same proposal twice invites nobody twice
    /// (the seats are no longer vacant).
    ///
    /// As with every invitation, a person invited to a seat of a team they are not a member of
    /// (a volunteer in a party's seat) joins that team.
    pub async fn apply_fill(
        &self,
        actor: &Actor,
        proposal: &FillProposal,
    ) -> Result<ApplyFillReport> {
        self.authorize(actor, Permission::ManageSeatHolders)?;
        let ctx = self.ctx(actor);
        let mut report = ApplyFillReport::default();
        for a in &proposal.assignments {
            let outcome: Result<()> = async {
                transact!(self, |tx| {
                    let s = tx.get::<Seat>(a.seat).await?;
                    if s.slot != a.slot || s.slot.election != proposal.election {
                        return Err(Refused::one(Violation::SeatNotVacant).into());
                    }
                    let b = load_seat(&mut tx, s).await?;
                    let p = tx.get::<Participant>(a.participant).await?;
                    let bookings = bookings_of(&mut tx, a.participant).await?;
                    let person = PersonFacts {
                        participant: &p,
                        bookings: &bookings,
                    };
                    (lifecycle::invite(&ctx, &b.facts(), &person)?, ())
                });
                Ok(())
            }
            .await;
            match outcome {
                Ok(()) => report.invited.push(a.seat),
                Err(e @ (Error::Refused(_) | Error::NotFound { .. })) => {
                    report.refused.push(RefusedAssignment {
                        seat: a.seat,
                        participant: a.participant,
                        reason_da: e.message_da(),
                        reason_en: e.to_string(),
                    })
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }
}
