//! The job runners a host calls on a timer (see [`crate::jobs`]). Each re-checks its rule on
//! fresh data inside the change that acts on it.

use std::collections::BTreeMap;

use crate::ids::{ElectionId, ParticipantId, SeatId};
use crate::jobs::{self, JobReport, JobsConfig, Retirement};
use crate::messages::MessageKind;
use crate::model::{
    AuditAction, Election, Op, Participant, Record, RecordKey, Seat, SeatState, TaskType,
};
use crate::model::{AuditEvent, SeatChange};
use crate::rules::access::{Actor, Permission};
use crate::rules::{Decision, MessageIntent};
use crate::store::Query;
use crate::time::local_date;
use crate::values::DanishMessage;

use super::tx::Tx;
use super::{Result, Valghalla, transact};

impl Valghalla {
    async fn elections_by_id(&self) -> Result<BTreeMap<ElectionId, Election>> {
        Ok(Tx::new(self)
            .all::<Election>()
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect())
    }

    /// Queues an invitation reminder for every unanswered invitation that is due
    /// (`jobs::invitation_reminder_due`), setting the seat's `last_reminder_at` in the same
    /// change.
    pub async fn run_invitation_reminders(
        &self,
        actor: &Actor,
        config: &JobsConfig,
    ) -> Result<JobReport> {
        self.authorize(actor, Permission::RunJob)?;
        let now = self.clock.now();
        let mut report = JobReport::default();
        for election in self.elections_by_id().await?.into_values() {
            if !election.active {
                continue;
            }
            let seats = Tx::new(self)
                .query::<Seat>(&Query::SeatsOfElection(election.id))
                .await?;
            for seat in seats {
                if !jobs::invitation_reminder_due(
                    now,
                    &seat,
                    &election,
                    config.invitation_reminder_every_days,
                ) {
                    continue;
                }
                let outcome = self
                    .remind(actor, seat.id, MessageKind::InvitationReminder, config)
                    .await;
                tally(&mut report, outcome);
            }
        }
        Ok(report)
    }

    /// Queues a task reminder for every accepted seat that is due
    /// (`jobs::task_reminder_due`) — whichever way it was accepted — and marks the seat so it
    /// is reminded at most once.
    pub async fn run_task_reminders(
        &self,
        actor: &Actor,
        config: &JobsConfig,
    ) -> Result<JobReport> {
        self.authorize(actor, Permission::RunJob)?;
        let now = self.clock.now();
        let mut report = JobReport::default();
        let task_types: BTreeMap<_, _> = Tx::new(self)
            .all::<TaskType>()
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect();
        for election in self.elections_by_id().await?.into_values() {
            if !election.active {
                continue;
            }
            let seats = Tx::new(self)
                .query::<Seat>(&Query::SeatsOfElection(election.id))
                .await?;
            for seat in seats {
                let Some(tt) = task_types.get(&seat.slot.task_type) else {
                    continue;
                };
                if !jobs::task_reminder_due(
                    now,
                    &seat,
                    &election,
                    tt,
                    config.task_reminder_days_before,
                ) {
                    continue;
                }
                let outcome = self
                    .remind(actor, seat.id, MessageKind::TaskReminder, config)
                    .await;
                tally(&mut report, outcome);
            }
        }
        Ok(report)
    }

    /// One reminder: re-checks on fresh data, marks the seat and queues the message together.
    /// `Ok(false)`: no longer due.
    async fn remind(
        &self,
        actor: &Actor,
        seat_id: SeatId,
        kind: MessageKind,
        config: &JobsConfig,
    ) -> Result<bool> {
        let ctx = self.ctx(actor);
        Ok(transact!(self, |tx| {
            let mut seat = tx.get::<Seat>(seat_id).await?;
            let election = tx.get::<Election>(seat.slot.election).await?;
            let task_type = tx.get::<TaskType>(seat.slot.task_type).await?;
            let due = match kind {
                MessageKind::InvitationReminder => jobs::invitation_reminder_due(
                    ctx.now,
                    &seat,
                    &election,
                    config.invitation_reminder_every_days,
                ),
                _ => jobs::task_reminder_due(
                    ctx.now,
                    &seat,
                    &election,
                    &task_type,
                    config.task_reminder_days_before,
                ),
            };
            let participant = seat.state.participant();
            match (&mut seat.state, participant) {
                (
                    SeatState::Invited {
                        last_reminder_at, ..
                    },
                    Some(p),
                ) if due => {
                    *last_reminder_at = Some(ctx.now);
                    (reminder_decision(&ctx, seat.clone(), p, kind), true)
                }
                (
                    SeatState::Accepted {
                        task_reminder_at, ..
                    },
                    Some(p),
                ) if due => {
                    *task_reminder_at = Some(ctx.now);
                    (reminder_decision(&ctx, seat.clone(), p, kind), true)
                }
                _ => (Decision::default(), false),
            }
        }))
    }

    /// Re-validates against the CPR registry every participant with an upcoming seat in an
    /// active election (`jobs::resync_candidates`), with [`Valghalla::revalidate`] (T10). A
    /// failed lookup is reported and the job carries on.
    pub async fn run_cpr_resync(&self, actor: &Actor) -> Result<JobReport> {
        self.authorize(actor, Permission::RunJob)?;
        let today = local_date(self.clock.now());
        let elections = self.elections_by_id().await?;
        let mut seats = Vec::new();
        for e in elections.values().filter(|e| e.active) {
            seats.extend(
                Tx::new(self)
                    .query::<Seat>(&Query::SeatsOfElection(e.id))
                    .await?,
            );
        }
        let mut report = JobReport::default();
        for participant in jobs::resync_candidates(today, &seats, &elections) {
            match self.revalidate(actor, participant).await {
                Ok(_) => report.changed += 1,
                Err(e) => report
                    .errors
                    .push(format!("deltager {participant}: {}", e.message_da())),
            }
        }
        Ok(report)
    }

    /// Deactivates every active election whose working period is over.
    pub async fn run_election_deactivation(&self, actor: &Actor) -> Result<JobReport> {
        self.authorize(actor, Permission::RunJob)?;
        let today = local_date(self.clock.now());
        let mut report = JobReport::default();
        for e in self.elections_by_id().await?.into_values() {
            if jobs::deactivation_due(today, &e) {
                self.set_election_active(actor, e.id, false).await?;
                report.changed += 1;
            }
        }
        Ok(report)
    }

    /// Retention: retires (deletes or anonymises, per `config.retirement`) every participant
    /// whose last election ended `retire_participants_after_months` ago and who did not consent
    /// to be kept, then purges the audit log and the communication log (the delivered and
    /// failed outbox messages) after their configured periods.
    pub async fn run_retention(&self, actor: &Actor, config: &JobsConfig) -> Result<JobReport> {
        self.authorize(actor, Permission::RunJob)?;
        let now = self.clock.now();
        let today = local_date(now);
        let elections = self.elections_by_id().await?;
        let mut report = JobReport::default();
        let participants = Tx::new(self).all::<Participant>().await?;
        let all_seats = Tx::new(self).all::<Seat>().await?;
        let mut seats_of: BTreeMap<ParticipantId, Vec<&Seat>> = BTreeMap::new();
        for s in &all_seats {
            if let Some(p) = s.state.participant() {
                seats_of.entry(p).or_default().push(s);
            }
        }
        for p in &participants {
            let seats = seats_of.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            if seats.iter().any(|s| s.slot.date >= today) {
                continue;
            }
            let last = jobs::last_involvement(p, seats, &elections);
            if !jobs::retirement_due(today, p, last, config.retire_participants_after_months) {
                continue;
            }
            let outcome = match config.retirement {
                Retirement::Delete => self.delete_participant(actor, p.id).await.map(drop),
                Retirement::Anonymise => self.anonymise_participant(actor, p.id).await,
            };
            match outcome {
                Ok(()) => report.changed += 1,
                Err(e) => report
                    .errors
                    .push(format!("deltager {}: {}", p.id, e.message_da())),
            }
        }
        let audit = self
            .store
            .purge_audit(jobs::purge_before(now, config.audit_retention_months))
            .await?;
        let outbox = self
            .store
            .purge_outbox(jobs::purge_before(now, config.outbox_retention_months))
            .await?;
        tracing::info!(
            retired = report.changed,
            audit_purged = audit,
            messages_purged = outbox,
            "retention run"
        );
        report.purged = audit + outbox;
        Ok(report)
    }
}

fn reminder_decision(
    ctx: &crate::rules::Ctx,
    seat: Seat,
    participant: ParticipantId,
    kind: MessageKind,
) -> Decision {
    let change = match kind {
        MessageKind::InvitationReminder => SeatChange::InvitationReminderQueued,
        _ => SeatChange::TaskReminderQueued,
    };
    Decision {
        messages: vec![MessageIntent {
            kind,
            participant,
            seat: Some(seat.id),
            custom: None,
        }],
        audit: vec![ctx.audit(
            AuditAction::SeatChange,
            RecordKey::Seat(seat.id),
            Some(participant),
            Some(seat.slot.election),
            AuditEvent::Seat {
                change,
                seat: seat.id,
                participant,
            },
        )],
        ops: vec![Op::Put(Record::Seat(seat))],
    }
}

fn tally(report: &mut JobReport, outcome: Result<bool>) {
    match outcome {
        Ok(true) => report.changed += 1,
        Ok(false) => report.skipped += 1,
        Err(e) => report.errors.push(e.message_da()),
    }
}
