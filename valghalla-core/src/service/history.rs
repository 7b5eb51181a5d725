//! A participant's history for the secretariat's participant page: their seats in every
//! election, the seats they said no to, and whether they are eligible for each active election
//! (every failed rule, with its reason).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::ids::{ElectionId, ParticipantId, SeatId, TaskTypeId, TeamId, WorkLocationId};
use crate::model::{
    Election, ElectionType, Participant, Rejection, RejectionKind, Seat, SeatStatus, SlotKey,
    TaskType, Team, WorkLocation,
};
use crate::rules::RuleFailure;
use crate::rules::access::{Actor, Permission};
use crate::rules::eligibility::{EligibilityInput, check};
use crate::store::Query;

use super::tx::Tx;
use super::{Result, Valghalla};

/// Where and what a seat or rejection was about, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotNames {
    /// The election's title.
    pub election: String,
    /// The day.
    pub date: NaiveDate,
    /// The work location's title.
    pub work_location: String,
    /// The task type's title.
    pub task_type: String,
    /// The team's name.
    pub team: String,
}

/// A seat the participant holds or is invited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySeat {
    /// The seat.
    pub seat: SeatId,
    /// Its election.
    pub election_id: ElectionId,
    /// Where and what.
    pub slot: SlotNames,
    /// Invited or accepted.
    pub status: SeatStatus,
}

/// A seat the participant said no to (or was taken from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRejection {
    /// Where and what.
    pub slot: SlotNames,
    /// When.
    pub at: DateTime<Utc>,
    /// How.
    pub kind: RejectionKind,
}

/// Whether the participant may hold seats in an active election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEligibility {
    /// The election's title.
    pub election: String,
    /// Every rule the person fails (empty: eligible).
    pub failures: Vec<RuleFailure>,
}

/// A participant's seats, rejections and eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParticipantHistory {
    /// Seats in every election, by date.
    pub seats: Vec<HistorySeat>,
    /// Rejections, newest first.
    pub rejections: Vec<HistoryRejection>,
    /// Eligibility for each active election.
    pub eligibility: Vec<HistoryEligibility>,
}

/// Names of everything a slot refers to.
struct Names {
    elections: BTreeMap<ElectionId, Election>,
    locations: BTreeMap<WorkLocationId, String>,
    task_types: BTreeMap<TaskTypeId, String>,
    teams: BTreeMap<TeamId, String>,
}

/// The name of `key` in `names` (empty when it is gone).
fn name<K: Ord>(names: &BTreeMap<K, String>, key: &K) -> String {
    names.get(key).cloned().unwrap_or_default()
}

impl Names {
    fn of(&self, slot: &SlotKey) -> SlotNames {
        SlotNames {
            election: self
                .elections
                .get(&slot.election)
                .map(|e| e.title.to_string())
                .unwrap_or_default(),
            date: slot.date,
            work_location: name(&self.locations, &slot.work_location),
            task_type: name(&self.task_types, &slot.task_type),
            team: name(&self.teams, &slot.team),
        }
    }
}

impl Valghalla {
    /// The participant's history: seats in every election, rejections and eligibility for
    /// each active election. Secretariat only.
    pub async fn participant_history(
        &self,
        actor: &Actor,
        id: ParticipantId,
    ) -> Result<ParticipantHistory> {
        self.authorize(actor, Permission::ReadOverview)?;
        let mut tx = Tx::reader(self);
        let person = tx.get::<Participant>(id).await?;
        let names = Names {
            elections: tx
                .all::<Election>()
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect(),
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
        };
        let mut seats: Vec<HistorySeat> = tx
            .query::<Seat>(&Query::SeatsOfParticipant(id))
            .await?
            .into_iter()
            .map(|s| HistorySeat {
                seat: s.id,
                election_id: s.slot.election,
                slot: names.of(&s.slot),
                status: s.state.status(),
            })
            .collect();
        seats.sort_by(|a, b| (a.slot.date, &a.slot.election).cmp(&(b.slot.date, &b.slot.election)));
        let mut rejections: Vec<HistoryRejection> = tx
            .query::<Rejection>(&Query::RejectionsOfParticipant(id))
            .await?
            .into_iter()
            .map(|r| HistoryRejection {
                slot: names.of(&r.slot),
                at: r.at,
                kind: r.kind,
            })
            .collect();
        rejections.sort_by_key(|r| std::cmp::Reverse(r.at));
        let types: BTreeMap<_, ElectionType> = tx
            .all::<ElectionType>()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        let municipality = tx.municipality().await.ok().map(|m| m.code);
        let mut eligibility = Vec::new();
        for e in names.elections.values().filter(|e| e.active) {
            let (Some(t), Some(municipality)) = (types.get(&e.election_type), municipality) else {
                continue;
            };
            eligibility.push(HistoryEligibility {
                election: e.title.to_string(),
                failures: check(&EligibilityInput {
                    person: &person.person,
                    rules: &t.rules,
                    task_checks_rules: true,
                    election_day: e.election_day(),
                    municipality,
                    leap_day: Default::default(),
                }),
            });
        }
        Ok(ParticipantHistory {
            seats,
            rejections,
            eligibility,
        })
    }
}
