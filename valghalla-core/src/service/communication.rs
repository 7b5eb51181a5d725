//! Communication: the template library, each election's template choices, previews, group
//! messages, the communication log, and participants' consent to be kept.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    ElectionId, MessageId, ParticipantId, SeatId, TaskTypeId, TeamId, TemplateId, WorkLocationId,
};
use crate::messages::{
    Channel, ElectionTemplates, LibraryError, MessageKind, RenderedMessage, Template,
    TemplateDraft, TokenValues, render_as,
};
use crate::model::AuditEvent;
use crate::model::{
    AuditAction, AuditSubject, Consent, Election, Op, Participant, Record, RecordKey, Rejection,
    Seat, SeatState, SlotKey, TaskType,
};
use crate::rules::access::{Actor, Permission};
use crate::rules::{Decision, MessageIntent};
use crate::store::{ChangeSet, DeliveryStatus, DeliveryUpdate, OutboxFilter, OutboxMessage, Query};

use super::tx::Tx;
use super::{Conflict, Error, Missing, Result, Valghalla, transact};

/// A template in the library, with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEntry {
    /// Id.
    pub id: TemplateId,
    /// The template.
    pub template: Template,
    /// The kind it is the default for (default templates can be edited but not deleted).
    pub default_for: Option<MessageKind>,
}

/// The answer states a group message can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupStatus {
    /// Holds an accepted seat.
    Accepted,
    /// Invited and has not answered.
    Unanswered,
    /// Said no to a seat (the rejection history).
    Rejected,
}

/// Who a group message goes to. Every set is a filter; an empty set selects everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFilter {
    /// The election (required).
    pub election: ElectionId,
    /// Work locations.
    pub work_locations: BTreeSet<WorkLocationId>,
    /// Teams.
    pub teams: BTreeSet<TeamId>,
    /// Task types.
    pub task_types: BTreeSet<TaskTypeId>,
    /// Task dates.
    pub dates: BTreeSet<NaiveDate>,
    /// Answer states.
    pub statuses: BTreeSet<GroupStatus>,
}

impl GroupFilter {
    /// Everyone with a seat or a rejection in `election`.
    pub fn election(election: ElectionId) -> Self {
        GroupFilter {
            election,
            work_locations: BTreeSet::new(),
            teams: BTreeSet::new(),
            task_types: BTreeSet::new(),
            dates: BTreeSet::new(),
            statuses: BTreeSet::new(),
        }
    }

    fn slot_matches(&self, slot: &SlotKey) -> bool {
        fn ok<T: Ord>(set: &BTreeSet<T>, v: &T) -> bool {
            set.is_empty() || set.contains(v)
        }
        slot.election == self.election
            && ok(&self.work_locations, &slot.work_location)
            && ok(&self.teams, &slot.team)
            && ok(&self.task_types, &slot.task_type)
            && ok(&self.dates, &slot.date)
    }

    fn status_matches(&self, status: GroupStatus) -> bool {
        self.statuses.is_empty() || self.statuses.contains(&status)
    }
}

/// One person a group message goes to (one message per person, however many seats match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecipient {
    /// The participant.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// The matching seats (accepted or invited).
    pub seats: Vec<SeatId>,
    /// How many matching rejections they have.
    pub rejections: usize,
}

/// The delivery states the communication log can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LogStatus {
    /// Waiting to be sent (or held until the election is activated).
    Pending,
    /// Delivered to the provider.
    Sent,
    /// Given up.
    Failed,
    /// Never delivered: its reason no longer held when it was due (e.g. an invitation held
    /// while the election was inactive, to a seat the person was removed from since).
    Cancelled,
}

/// Which messages the communication log shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunicationFilter {
    /// Only to this participant.
    pub participant: Option<ParticipantId>,
    /// Only about this election.
    pub election: Option<ElectionId>,
    /// Only in this state.
    pub status: Option<LogStatus>,
    /// At most this many, newest first (0: no limit).
    pub limit: usize,
}

/// One line of the communication log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// The message (also its idempotency key at the provider).
    pub message: MessageId,
    /// Kind.
    pub kind: MessageKind,
    /// Recipient.
    pub participant: ParticipantId,
    /// Election, if any.
    pub election: Option<ElectionId>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Its state.
    pub status: LogStatus,
    /// The channel it went out on (`digital_post`, `email`, `sms`), once sent.
    pub channel: Option<String>,
    /// When it was sent, given up or cancelled.
    pub at: Option<DateTime<Utc>>,
    /// The failure or cancellation reason, or the last error of a pending retry.
    pub error: Option<String>,
    /// Delivery attempts so far.
    pub attempts: u32,
}

impl LogEntry {
    /// The log's order: newest first (then by id, so equal times stay put).
    pub(super) fn newest_first(a: &LogEntry, b: &LogEntry) -> std::cmp::Ordering {
        b.created_at
            .cmp(&a.created_at)
            .then(b.message.cmp(&a.message))
    }

    pub(super) fn of(m: OutboxMessage) -> Self {
        let (status, channel, at, error) = match m.status {
            DeliveryStatus::Pending => (LogStatus::Pending, None, None, m.last_error),
            DeliveryStatus::Sent { at, channel, .. } => {
                (LogStatus::Sent, Some(channel), Some(at), None)
            }
            DeliveryStatus::Failed { at, reason } => {
                (LogStatus::Failed, None, Some(at), Some(reason))
            }
            DeliveryStatus::Cancelled { at, reason } => {
                (LogStatus::Cancelled, None, Some(at), Some(reason))
            }
        };
        LogEntry {
            message: m.id,
            kind: m.kind,
            participant: m.participant,
            election: m.election,
            created_at: m.created_at,
            status,
            channel,
            at,
            error,
            attempts: m.attempts,
        }
    }
}

impl Valghalla {
    /// Every template, defaults first, then the secretariat's own by title.
    pub async fn templates(&self, actor: &Actor) -> Result<Vec<TemplateEntry>> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let library = Tx::new(self).communication().await?.library();
        let mut out: Vec<TemplateEntry> = library
            .iter()
            .map(|(id, t)| TemplateEntry {
                id,
                template: t.clone(),
                default_for: library.is_default(id),
            })
            .collect();
        out.sort_by(|a, b| {
            (a.default_for.is_none(), a.default_for, a.template.title()).cmp(&(
                b.default_for.is_none(),
                b.default_for,
                b.template.title(),
            ))
        });
        Ok(out)
    }

    /// One template.
    pub async fn template(&self, actor: &Actor, id: TemplateId) -> Result<TemplateEntry> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let library = Tx::new(self).communication().await?.library();
        let template = library
            .get(id)
            .cloned()
            .ok_or(Error::Library(LibraryError::NotFound { id }))?;
        Ok(TemplateEntry {
            id,
            template,
            default_for: library.is_default(id),
        })
    }

    /// Creates a template (`id: None`) or replaces one (default templates too). Unknown tokens,
    /// an empty body and a title already in use are refused. Returns the id.
    pub async fn save_template(
        &self,
        actor: &Actor,
        id: Option<TemplateId>,
        draft: TemplateDraft,
    ) -> Result<TemplateId> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let template = Template::try_from(draft)?;
        let ctx = self.ctx(actor);
        let new_id = id.unwrap_or_default();
        transact!(self, |tx| {
            let mut settings = tx.communication().await?;
            let mut library = settings.library();
            match id {
                Some(id) => library.update(id, template.clone())?,
                None => library.insert(new_id, template.clone())?,
            }
            settings.set_library(&library);
            let audit = ctx.audit(
                if id.is_some() {
                    AuditAction::Edit
                } else {
                    AuditAction::Create
                },
                AuditSubject::Template(new_id),
                None,
                None,
                AuditEvent::TemplateSaved(template.title()),
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Communication(settings))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(new_id)
    }

    /// Deletes one of the secretariat's own templates and forgets it in every election (their
    /// messages fall back to the default). Default templates cannot be deleted.
    pub async fn delete_template(&self, actor: &Actor, id: TemplateId) -> Result<()> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut settings = tx.communication().await?;
            let mut library = settings.library();
            let gone = library.delete(id)?;
            settings.set_library(&library);
            for choices in settings.elections.values_mut() {
                choices.forget(id);
            }
            settings
                .elections
                .retain(|_, c| *c != ElectionTemplates::default());
            let audit = ctx.audit(
                AuditAction::Delete,
                AuditSubject::Template(id),
                None,
                None,
                AuditEvent::TemplateDeleted(gone.title()),
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Communication(settings))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// Puts the built-in text back into the default template for `kind`.
    pub async fn reset_default_template(&self, actor: &Actor, kind: MessageKind) -> Result<()> {
        let id = crate::messages::default_template_id(kind);
        let draft = crate::messages::default_template(kind).to_draft();
        self.save_template(actor, Some(id), draft).await.map(|_| ())
    }

    /// The templates `election` chose.
    pub async fn election_templates(
        &self,
        actor: &Actor,
        election: ElectionId,
    ) -> Result<ElectionTemplates> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let mut tx = Tx::new(self);
        tx.get::<Election>(election).await?;
        Ok(tx.communication().await?.election(election))
    }

    /// Sets the templates `election` uses: one per kind and per-task-type overrides. Every id
    /// must name a template in the library and every task type must exist.
    pub async fn set_election_templates(
        &self,
        actor: &Actor,
        election: ElectionId,
        choices: ElectionTemplates,
    ) -> Result<()> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            tx.get::<Election>(election).await?;
            for tt in choices.per_task_type.keys() {
                tx.get::<TaskType>(*tt).await?;
            }
            let mut settings = tx.communication().await?;
            let library = settings.library();
            let ids = choices
                .per_kind
                .values()
                .chain(choices.per_task_type.values().flat_map(|m| m.values()));
            for id in ids {
                if library.get(*id).is_none() {
                    return Err(Error::Library(LibraryError::NotFound { id: *id }));
                }
            }
            if choices == ElectionTemplates::default() {
                settings.elections.remove(&election);
            } else {
                settings.elections.insert(election, choices.clone());
            }
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Election(election),
                None,
                Some(election),
                AuditEvent::TemplatesChosen,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Communication(settings))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// The template `id` rendered with sample data ([`TokenValues::sample`]), on its own
    /// channel or on `channel` (to see a fallback).
    pub async fn preview_template(
        &self,
        actor: &Actor,
        id: TemplateId,
        channel: Option<Channel>,
    ) -> Result<RenderedMessage> {
        let entry = self.template(actor, id).await?;
        let channel = channel.unwrap_or(entry.template.channel());
        Ok(render_as(&entry.template, &TokenValues::sample(), channel))
    }

    /// An unsaved template rendered with sample data (refused like [`Valghalla::save_template`]
    /// if it does not parse).
    pub fn preview_draft(&self, actor: &Actor, draft: TemplateDraft) -> Result<RenderedMessage> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let template = Template::try_from(draft)?;
        Ok(render_as(
            &template,
            &TokenValues::sample(),
            template.channel(),
        ))
    }

    /// The people a group message with `filter` would go to, by name — one entry per person.
    pub async fn preview_group_message(
        &self,
        actor: &Actor,
        filter: &GroupFilter,
    ) -> Result<Vec<GroupRecipient>> {
        self.authorize(actor, Permission::ManageCommunication)?;
        group_recipients(&mut Tx::new(self), filter).await
    }

    /// Queues a group message: one message per matching person (not per seat), with the text
    /// the secretariat wrote (tokens allowed; checked now). A person with exactly one matching
    /// seat gets that seat's values for the seat tokens. The message goes out on the channel of
    /// the election's group template, with the usual fallback. Returns the message ids.
    pub async fn send_group_message(
        &self,
        actor: &Actor,
        filter: &GroupFilter,
        subject: &str,
        body: &str,
    ) -> Result<Vec<MessageId>> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let ctx = self.ctx(actor);
        let mut tx = Tx::new(self);
        let settings = tx.communication().await?;
        let channel = settings
            .library()
            .resolve_for(
                MessageKind::Group,
                &settings.election(filter.election),
                None,
            )
            .channel();
        Template::parse("Gruppebesked", channel, subject, body)?;
        let election = tx.get::<Election>(filter.election).await?;
        let recipients = group_recipients(&mut tx, filter).await?;
        let mut messages = Vec::with_capacity(recipients.len());
        for r in &recipients {
            let seat = match r.seats.as_slice() {
                [only] if r.rejections == 0 => Some(*only),
                _ => None,
            };
            let intent = MessageIntent {
                kind: MessageKind::Group,
                participant: r.participant,
                seat,
                custom: None,
            };
            let (mut facts, _) = tx.message_facts(&intent).await?;
            facts
                .entry("election".into())
                .or_insert_with(|| election.title.to_string());
            messages.push(OutboxMessage {
                id: MessageId::new(),
                kind: MessageKind::Group,
                participant: r.participant,
                election: Some(election.id),
                seat,
                facts,
                custom: Some((subject.to_owned(), body.to_owned())),
                calendar: None,
                created_at: ctx.now,
                status: DeliveryStatus::Pending,
                attempts: 0,
                next_attempt_at: ctx.now,
                last_error: None,
            });
        }
        let ids = messages.iter().map(|m| m.id).collect();
        let audit = ctx.audit(
            AuditAction::Create,
            AuditSubject::GroupMessage(election.id),
            None,
            Some(election.id),
            AuditEvent::GroupMessage {
                recipients: messages.len(),
            },
        );
        self.store
            .apply(ChangeSet {
                changes: vec![],
                audit: vec![audit],
                messages,
            })
            .await?;
        Ok(ids)
    }

    /// The communication log: messages with their state, channel, time and error, newest
    /// first.
    pub async fn communication_log(
        &self,
        actor: &Actor,
        filter: &CommunicationFilter,
    ) -> Result<Vec<LogEntry>> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let messages = self
            .store
            .outbox(&OutboxFilter {
                due_at: None,
                participant: filter.participant,
                election: filter.election,
                limit: 0,
            })
            .await?;
        let mut out: Vec<LogEntry> = messages
            .into_iter()
            .map(LogEntry::of)
            .filter(|e| filter.status.is_none_or(|s| s == e.status))
            .collect();
        out.sort_by(LogEntry::newest_first);
        if filter.limit > 0 {
            out.truncate(filter.limit);
        }
        Ok(out)
    }

    /// Queues a failed message once more: the dispatcher's next run tries it as a new attempt,
    /// under the same id (so the provider's idempotency key is unchanged). Only failed
    /// messages can be retried.
    pub async fn retry_message(&self, actor: &Actor, id: MessageId) -> Result<()> {
        self.authorize(actor, Permission::ManageCommunication)?;
        let message = self
            .store
            .outbox(&OutboxFilter::default())
            .await?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(Error::NotFound {
                what: Missing::Message(id),
            })?;
        if !matches!(message.status, DeliveryStatus::Failed { .. }) {
            return Err(Conflict::MessageNotFailed.into());
        }
        self.store
            .record_delivery(DeliveryUpdate {
                id,
                expected_attempts: message.attempts,
                status: DeliveryStatus::Pending,
                next_attempt_at: self.clock.now(),
                error: None,
            })
            .await?;
        tracing::info!(message = %id, "failed message queued again");
        Ok(())
    }

    /// Records (`Some(text_version)`) or withdraws (`None`) a participant's consent to be kept
    /// after their last election; the retention job spares participants who consented.
    pub async fn set_consent(
        &self,
        actor: &Actor,
        participant: ParticipantId,
        text_version: Option<String>,
    ) -> Result<()> {
        self.authorize(actor, Permission::EditParticipant { participant })?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut p = tx.get::<Participant>(participant).await?;
            p.consent = text_version.clone().map(|text_version| Consent {
                text_version,
                given_at: ctx.now,
            });
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Participant(participant),
                Some(participant),
                None,
                AuditEvent::Consent(p.consent.as_ref().map(|c| c.text_version.as_str())),
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Participant(p))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }
}

/// The distinct people matching `filter`, by name.
async fn group_recipients(tx: &mut Tx<'_>, filter: &GroupFilter) -> Result<Vec<GroupRecipient>> {
    tx.get::<Election>(filter.election).await?;
    let mut found: BTreeMap<ParticipantId, (Vec<SeatId>, usize)> = BTreeMap::new();
    for seat in tx
        .query::<Seat>(&Query::SeatsOfElection(filter.election))
        .await?
    {
        let status = match &seat.state {
            SeatState::Vacant => continue,
            SeatState::Invited { .. } => GroupStatus::Unanswered,
            SeatState::Accepted { .. } => GroupStatus::Accepted,
        };
        if let Some(p) = seat.state.participant()
            && filter.status_matches(status)
            && filter.slot_matches(&seat.slot)
        {
            found.entry(p).or_default().0.push(seat.id);
        }
    }
    if filter.status_matches(GroupStatus::Rejected) {
        for r in tx
            .query::<Rejection>(&Query::RejectionsOfElection(filter.election))
            .await?
        {
            if filter.slot_matches(&r.slot) {
                found.entry(r.participant).or_default().1 += 1;
            }
        }
    }
    let mut out = Vec::with_capacity(found.len());
    for (participant, (seats, rejections)) in found {
        let Some(p) = tx.find::<Participant>(participant).await? else {
            continue;
        };
        out.push(GroupRecipient {
            participant,
            name: p.full_name(),
            seats,
            rejections,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.participant.cmp(&b.participant)));
    Ok(out)
}
