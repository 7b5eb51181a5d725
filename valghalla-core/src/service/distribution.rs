//! Proposing a seat distribution from the council's composition, and applying it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::apportion::staffing::{CouncilInput, Proposal, propose_staffing};
use crate::ids::{ElectionId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{Election, TaskType, Team};
use crate::rules::access::{Actor, Permission};
use crate::rules::distribution::DistributionReport;
use crate::rules::{Refused, Violation};

use super::tx::Tx;
use super::{Result, Valghalla};

impl Valghalla {
    /// Proposes a seat distribution for `election` from the council's composition (see
    /// [`crate::apportion::staffing`]): each group's totals "under ét" per role, spread over the
    /// stations. Read-only; the secretariat reviews the proposal and applies it with
    /// [`Valghalla::apply_distribution`]. Every station must belong to the election, and every
    /// team and task type must exist.
    pub async fn propose_distribution(
        &self,
        actor: &Actor,
        election: ElectionId,
        input: &CouncilInput,
    ) -> Result<Proposal> {
        self.authorize(actor, Permission::DistributeSeats)?;
        let mut tx = Tx::new(self);
        let e = tx.get::<Election>(election).await?;
        for s in &input.stations {
            if !e.work_locations.contains(&s.work_location) {
                return Err(Refused::one(Violation::LocationNotInElection {
                    work_location: s.work_location,
                })
                .into());
            }
        }
        for g in &input.groups {
            tx.get::<Team>(g.team).await?;
        }
        for tt in [
            input.roles.formand,
            input.roles.valgstyrer,
            input.roles.tilforordnet,
        ] {
            tx.get::<TaskType>(tt).await?;
        }
        Ok(propose_staffing(input)?)
    }

    /// Applies a reviewed proposal on `date` through [`Valghalla::set_seat_counts`], one atomic
    /// change per work location. Taken seats are never deleted: a cell below the number of
    /// invited and accepted seats keeps them, as the reports say (`kept_taken`). Returns the
    /// reports per location, in the order of the proposal. If a location fails, the locations
    /// before it stay applied; applying the same proposal again is harmless (it sets counts).
    pub async fn apply_distribution(
        &self,
        actor: &Actor,
        election: ElectionId,
        date: NaiveDate,
        proposal: &Proposal,
    ) -> Result<Vec<(WorkLocationId, Vec<DistributionReport>)>> {
        self.authorize(actor, Permission::DistributeSeats)?;
        let mut order: Vec<WorkLocationId> = Vec::new();
        let mut by_location: BTreeMap<WorkLocationId, Vec<(NaiveDate, TeamId, TaskTypeId, u32)>> =
            BTreeMap::new();
        for c in &proposal.cells {
            let cells = by_location.entry(c.work_location).or_insert_with(|| {
                order.push(c.work_location);
                Vec::new()
            });
            cells.push((date, c.team, c.task_type, c.count));
        }
        let mut out = Vec::with_capacity(order.len());
        for loc in order {
            let cells = by_location.remove(&loc).unwrap_or_default();
            let reports = self.set_seat_counts(actor, election, loc, &cells).await?;
            out.push((loc, reports));
        }
        Ok(out)
    }
}
