//! Delivery: the [`Dispatcher`] drains the outbox through the [`MessageSender`]s a host
//! configures (the port is in [`crate::messages::sender`]).
//!
//! The dispatcher is async but runtime-agnostic (no tokio here): a host calls
//! [`Dispatcher::run_once`] on a timer. Each run reads the due messages, and for each one
//!
//! 1. **holds** it (leaves it pending, untouched) while its election is inactive — except a
//!    cancellation confirmation, which the participant gets whatever the election's state;
//! 2. **cancels** it when its reason no longer holds ([`staleness::stale_reason`]: an invitation
//!    to a seat the person was removed from since, a removal notice about an invitation they
//!    never received, a message about a deleted election, …); it is never delivered and the
//!    communication log shows it as cancelled;
//! 3. resolves the template: the election's per-task-type override → the election's choice →
//!    the default for the kind ([`TemplateLibrary::resolve_for`]); a group message uses the text
//!    the secretariat wrote;
//! 4. picks the channel from the participant's [`Reachability`] (and the channels a sender is
//!    configured for) with the configured [`FallbackOrder`];
//! 5. renders it from the facts snapshotted when the change happened (only `!days` is counted
//!    again from the day of delivery), sends it, and records the outcome with [`Store::record_delivery`](crate::store::Store::record_delivery).
//!
//! Delivery is **at least once**: a dispatcher that crashes between sending and recording sends
//! again on the next run. The message id is the provider's idempotency key, so a provider that
//! honours it delivers once. Recording is optimistic on the attempt count, so of two dispatchers
//! racing on one message only one records; the other counts it as lost and moves on.
//!
//! A temporary failure is retried after `retry_base × 2^(attempt − 1)` (capped at `retry_max`)
//! until `max_attempts`, then the message fails with the last reason; a permanent failure (an
//! unreachable participant, a provider's refusal) fails at once with its reason. A channel that
//! is down ([`SendError::Unavailable`]) counts against the message that found it down, like a
//! temporary failure, and is then paused (see [`Dispatcher`]): its other messages wait untouched.
//!
//! A message carrying a calendar entry ([`OutboxMessage::calendar`]) is sent with the entry's
//! file ([`Attachment`]) when the service's [`Config::calendar`](crate::service::Config) says who
//! publishes it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Valghalla;
use crate::ids::{ElectionId, ParticipantId};
use crate::messages::{
    Attachment, Channel, ElectionTemplates, FallbackOrder, MessageKind, MessageSender, Outgoing,
    Reachability, Recipient, SendError, Template, TemplateLibrary, TokenValues, choose_channel,
    render_as,
};
use crate::model::{Election, Participant, Record, RecordKey, Seat};
use crate::rules::staleness;
use crate::store::{DeliveryStatus, DeliveryUpdate, OutboxFilter, OutboxMessage, StoreError};
use crate::values::DanishMessage;

/// How the dispatcher retries and picks channels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispatchConfig {
    /// The wait after the first failed attempt; it doubles with every further attempt.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_max: Duration,
    /// After this many failed attempts the message fails.
    pub max_attempts: u32,
    /// Channels to try when the participant cannot receive the template's channel.
    pub fallback: FallbackOrder,
    /// At most this many messages are sent per run (held messages do not count).
    pub batch: usize,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        DispatchConfig {
            retry_base: Duration::minutes(1),
            retry_max: Duration::hours(24),
            max_attempts: 8,
            fallback: FallbackOrder::default(),
            batch: 200,
        }
    }
}

impl DispatchConfig {
    /// The wait before the next try after `failed_attempts` failures (≥ 1).
    pub fn backoff(&self, failed_attempts: u32) -> Duration {
        let exponent = failed_attempts.saturating_sub(1).min(30);
        let factor = 1i32 << exponent;
        self.retry_base
            .checked_mul(factor)
            .map_or(self.retry_max, |d| d.min(self.retry_max))
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DispatchReport {
    /// Delivered to a provider and recorded as sent.
    pub sent: usize,
    /// Failed for now; will be retried.
    pub retried: usize,
    /// Given up (permanent failure or retries exhausted).
    pub failed: usize,
    /// Left waiting because their election is inactive.
    pub held: usize,
    /// Cancelled: their reason no longer held.
    pub cancelled: usize,
    /// Recorded first by another dispatcher; skipped.
    pub lost_race: usize,
    /// Left waiting, untouched, because their channel is paused after an outage.
    #[serde(default)]
    pub paused: usize,
}

/// Why a run of the dispatcher stopped.
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// The store failed (reading the outbox or recording a delivery).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DanishMessage for DispatchError {
    fn message_da(&self) -> String {
        "Beskeder kunne ikke sendes, fordi databasen ikke svarede; de sendes ved næste kørsel."
            .into()
    }
}

/// What to do with one due message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Leave it pending and untouched (its election is inactive).
    Hold,
    /// Leave it pending and untouched: its channel is paused after an outage.
    Paused,
    /// Record this outcome.
    Record(DeliveryUpdate),
}

/// Drains the outbox through the configured senders. See the module docs.
///
/// A channel whose sender reports it [`SendError::Unavailable`] is paused: for
/// [`DispatchConfig::backoff`] of the number of outages in a row, its messages are left
/// untouched (they keep their attempts); then one message probes it. A successful send ends the
/// outage. Clones share the pauses.
#[derive(Debug, Clone, Default)]
pub struct Dispatcher {
    senders: BTreeMap<Channel, Arc<dyn MessageSender>>,
    config: DispatchConfig,
    pauses: Arc<Mutex<BTreeMap<Channel, Pause>>>,
}

/// An outage of a channel.
#[derive(Debug, Clone, Copy)]
struct Pause {
    /// Nothing is sent on the channel before this.
    until: DateTime<Utc>,
    /// Outages in a row.
    outages: u32,
}

/// Per-run caches of what messages refer to.
#[derive(Default)]
struct RunCache {
    library: Option<(TemplateLibrary, BTreeMap<ElectionId, ElectionTemplates>)>,
    elections: HashMap<ElectionId, Option<Election>>,
    participants: HashMap<ParticipantId, Option<Participant>>,
}

impl Dispatcher {
    /// A dispatcher with `config` and no senders yet.
    pub fn new(config: DispatchConfig) -> Self {
        Dispatcher {
            senders: BTreeMap::new(),
            config,
            pauses: Arc::default(),
        }
    }

    /// Whether `channel` is paused at `now`.
    fn paused(&self, channel: Channel, now: DateTime<Utc>) -> bool {
        self.pauses
            .lock()
            .map(|p| p.get(&channel).is_some_and(|p| now < p.until))
            .unwrap_or(false)
    }

    /// Records how a send on `channel` went: an outage pauses it, a success ends the outage.
    fn channel_answered(&self, channel: Channel, now: DateTime<Utc>, down: bool) {
        let Ok(mut pauses) = self.pauses.lock() else {
            return;
        };
        if !down {
            pauses.remove(&channel);
            return;
        }
        let outages = pauses
            .get(&channel)
            .map_or(0, |p| p.outages)
            .saturating_add(1);
        let until = now
            .checked_add_signed(self.config.backoff(outages))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        pauses.insert(channel, Pause { until, outages });
    }

    /// Adds (or replaces) the sender for its channel.
    pub fn with_sender(mut self, sender: Arc<dyn MessageSender>) -> Self {
        self.senders.insert(sender.channel(), sender);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &DispatchConfig {
        &self.config
    }

    /// Sends the due messages once; `now` is the service clock's.
    pub async fn run_once(&self, svc: &Valghalla) -> Result<DispatchReport, DispatchError> {
        let now = svc.clock.now();
        let due = svc
            .store
            .outbox(&OutboxFilter {
                due_at: Some(now),
                ..OutboxFilter::default()
            })
            .await?;
        let mut report = DispatchReport::default();
        if !self.senders.is_empty()
            && self
                .senders
                .keys()
                .all(|channel| self.paused(*channel, now))
        {
            // Every channel is down: nothing can go, so nothing is read further.
            report.paused = due.len();
            return Ok(report);
        }
        let mut cache = RunCache::default();
        let mut handled = 0usize;
        for msg in due {
            if handled >= self.config.batch {
                break;
            }
            let update = match self.deliver_cached(svc, &msg, now, &mut cache).await? {
                Disposition::Hold => {
                    report.held += 1;
                    continue;
                }
                Disposition::Paused => {
                    report.paused += 1;
                    continue;
                }
                Disposition::Record(u) => u,
            };
            handled += 1;
            let outcome = match &update.status {
                DeliveryStatus::Sent { .. } => &mut report.sent,
                DeliveryStatus::Failed { .. } => &mut report.failed,
                DeliveryStatus::Cancelled { .. } => &mut report.cancelled,
                DeliveryStatus::Pending => &mut report.retried,
            };
            match svc.store.record_delivery(update).await {
                Ok(()) => *outcome += 1,
                Err(e) if e.is_conflict() => {
                    tracing::debug!(message = %msg.id, "another dispatcher recorded it first");
                    report.lost_race += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if report != DispatchReport::default() {
            tracing::info!(?report, "outbox dispatched");
        }
        Ok(report)
    }

    /// Decides, and for a message to send sends, one message — without recording the outcome.
    /// [`Dispatcher::run_once`] records what this returns; tests use it to simulate a crash
    /// between sending and recording.
    pub async fn deliver(
        &self,
        svc: &Valghalla,
        msg: &OutboxMessage,
    ) -> Result<Disposition, DispatchError> {
        let now = svc.clock.now();
        self.deliver_cached(svc, msg, now, &mut RunCache::default())
            .await
    }

    async fn deliver_cached(
        &self,
        svc: &Valghalla,
        msg: &OutboxMessage,
        now: DateTime<Utc>,
        cache: &mut RunCache,
    ) -> Result<Disposition, DispatchError> {
        let fail = |reason: String| {
            Disposition::Record(DeliveryUpdate {
                id: msg.id,
                expected_attempts: msg.attempts,
                status: DeliveryStatus::Failed { at: now, reason },
                next_attempt_at: now,
                error: None,
            })
        };
        let cancel = |reason: &str| {
            Disposition::Record(DeliveryUpdate {
                id: msg.id,
                expected_attempts: msg.attempts,
                status: DeliveryStatus::Cancelled {
                    at: now,
                    reason: reason.to_owned(),
                },
                next_attempt_at: now,
                error: None,
            })
        };
        // 1. The election gate.
        if let Some(election_id) = msg.election {
            let election = cached_election(svc, cache, election_id).await?;
            match election {
                Some(e) if !e.active && msg.kind != MessageKind::Cancellation => {
                    return Ok(Disposition::Hold);
                }
                None if msg.kind != MessageKind::Cancellation => {
                    return Ok(cancel("valget findes ikke længere"));
                }
                _ => {}
            }
        }
        // 2. Does it still hold? (Checked once it would go out, so held messages cost nothing.)
        if let Some(reason) = self.stale(svc, msg).await? {
            return Ok(cancel(reason));
        }
        let Some(participant) = cached_participant(svc, cache, msg.participant).await? else {
            return Ok(fail("deltageren findes ikke længere".into()));
        };
        // 3. The template.
        let template = match self.template_for(svc, cache, msg).await? {
            Ok(t) => t,
            Err(reason) => return Ok(fail(reason)),
        };
        // 4. The channel.
        let reachability = Reachability {
            exempt_from_digital_post: participant.person.exempt_from_digital_post
                || !self.senders.contains_key(&Channel::DigitalPost),
            has_email: participant.contact.email.is_some()
                && self.senders.contains_key(&Channel::Email),
            has_mobile: participant.contact.mobile.is_some()
                && self.senders.contains_key(&Channel::Sms),
        };
        let choice = match choose_channel(template.channel(), &reachability, &self.config.fallback)
        {
            Ok(c) => c,
            Err(unreachable) => return Ok(fail(unreachable.message_da())),
        };
        let recipient = match choice.channel {
            Channel::DigitalPost => Some(Recipient::DigitalPost(participant.cpr)),
            Channel::Email => participant.contact.email.clone().map(Recipient::Email),
            Channel::Sms => participant.contact.mobile.map(Recipient::Sms),
        };
        let (Some(recipient), Some(sender)) = (recipient, self.senders.get(&choice.channel)) else {
            return Ok(fail(format!(
                "ingen afsender til {}",
                choice.channel.name_da()
            )));
        };
        if self.paused(choice.channel, now) {
            return Ok(Disposition::Paused);
        }
        // 5. Render and send.
        let mut values = TokenValues::from_facts(&msg.facts);
        // `!days` counts from delivery, not from when the message was queued (it may have been
        // held while its election was inactive, or retried).
        if let Ok(date) = chrono::NaiveDate::parse_from_str(&values.task_date, "%d.%m.%Y") {
            values.days = (date - crate::time::local_date(now))
                .num_days()
                .max(0)
                .to_string();
        }
        let rendered = render_as(&template, &values, choice.channel);
        let attachments = calendar_attachment(svc, msg, &participant)
            .into_iter()
            .collect();
        let outgoing = Outgoing {
            idempotency_key: msg.id,
            kind: msg.kind,
            channel: choice.channel,
            recipient,
            recipient_name: participant.full_name(),
            subject: rendered.subject,
            body: rendered.body,
            attachments,
            attempt: msg.attempts + 1,
        };
        let attempts = msg.attempts + 1;
        let sent = sender.send(&outgoing).await;
        self.channel_answered(
            choice.channel,
            now,
            matches!(sent, Err(SendError::Unavailable(_))),
        );
        let update = match sent {
            Ok(receipt) => DeliveryUpdate {
                id: msg.id,
                expected_attempts: msg.attempts,
                status: DeliveryStatus::Sent {
                    at: now,
                    channel: choice.channel.code().into(),
                    reference: receipt.provider_reference,
                },
                next_attempt_at: now,
                error: None,
            },
            Err(SendError::Permanent(reason)) => DeliveryUpdate {
                id: msg.id,
                expected_attempts: msg.attempts,
                status: DeliveryStatus::Failed {
                    at: now,
                    reason: reason.clone(),
                },
                next_attempt_at: now,
                error: Some(reason),
            },
            Err(SendError::Temporary(reason) | SendError::Unavailable(reason))
                if attempts >= self.config.max_attempts =>
            {
                DeliveryUpdate {
                    id: msg.id,
                    expected_attempts: msg.attempts,
                    status: DeliveryStatus::Failed {
                        at: now,
                        reason: format!("opgivet efter {attempts} forsøg: {reason}"),
                    },
                    next_attempt_at: now,
                    error: Some(reason),
                }
            }
            Err(SendError::Temporary(reason) | SendError::Unavailable(reason)) => DeliveryUpdate {
                id: msg.id,
                expected_attempts: msg.attempts,
                status: DeliveryStatus::Pending,
                next_attempt_at: now
                    .checked_add_signed(self.config.backoff(attempts))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC),
                error: Some(reason),
            },
        };
        Ok(Disposition::Record(update))
    }

    /// Why `msg` no longer holds, if it does not (see [`staleness::stale_reason`]).
    async fn stale(
        &self,
        svc: &Valghalla,
        msg: &OutboxMessage,
    ) -> Result<Option<&'static str>, StoreError> {
        let Some(seat_id) = msg.seat else {
            return Ok(None);
        };
        if msg.custom.is_some() || msg.kind == MessageKind::Cancellation {
            return Ok(None);
        }
        let seat = match svc.store.get(RecordKey::Seat(seat_id)).await? {
            Some(v) => match v.value {
                Record::Seat(s) => Some(s),
                _ => None,
            },
            None => None,
        };
        let retracts = !staleness::tells_of_seat(msg.kind);
        let told_of_seat = retracts
            && svc
                .store
                .outbox(&OutboxFilter {
                    participant: Some(msg.participant),
                    ..OutboxFilter::default()
                })
                .await?
                .iter()
                .any(|m| {
                    m.seat == Some(seat_id)
                        && staleness::tells_of_seat(m.kind)
                        && matches!(m.status, DeliveryStatus::Sent { .. })
                });
        Ok(staleness::stale_reason(
            msg,
            staleness::SeatNow {
                seat: seat.as_ref(),
                told_of_seat,
            },
        ))
    }

    /// The template for `msg`, or why there is none.
    async fn template_for(
        &self,
        svc: &Valghalla,
        cache: &mut RunCache,
        msg: &OutboxMessage,
    ) -> Result<Result<Template, String>, StoreError> {
        if cache.library.is_none() {
            let settings = match svc.store.get(RecordKey::Communication).await? {
                Some(v) => match v.value {
                    Record::Communication(c) => c,
                    _ => Default::default(),
                },
                None => Default::default(),
            };
            cache.library = Some((settings.library(), settings.elections.clone()));
        }
        let Some((library, elections)) = cache.library.as_ref() else {
            return Ok(Err("skabelonerne kunne ikke læses".into()));
        };
        let choices = msg
            .election
            .and_then(|e| elections.get(&e))
            .cloned()
            .unwrap_or_default();
        if let Some((subject, body)) = &msg.custom {
            // A group message: the secretariat's text on the channel of the election's group
            // template.
            let channel = library
                .resolve_for(MessageKind::Group, &choices, None)
                .channel();
            return Ok(Template::parse("Gruppebesked", channel, subject, body)
                .map_err(|e| format!("beskedens tekst er ugyldig: {}", e.message_da())));
        }
        let task_type = match msg.seat {
            Some(seat) => match svc.store.get(RecordKey::Seat(seat)).await? {
                Some(v) => match v.value {
                    Record::Seat(Seat { slot, .. }) => Some(slot.task_type),
                    _ => None,
                },
                None => None,
            },
            None => None,
        };
        Ok(Ok(library
            .resolve_for(msg.kind, &choices, task_type)
            .clone()))
    }
}

/// The calendar file `msg` carries, for `participant`, if the host publishes calendars. A file
/// that cannot be made is left out (and logged): the message still goes.
fn calendar_attachment(
    svc: &Valghalla,
    msg: &OutboxMessage,
    participant: &Participant,
) -> Option<Attachment> {
    let source = svc.config.calendar.as_ref()?;
    let calendar = msg.calendar.as_ref()?;
    match calendar.render(
        source,
        &participant.full_name(),
        participant.contact.email.as_ref(),
    )? {
        Ok(file) => Some(Attachment {
            file_name: file.file_name().to_owned(),
            content_type: file.content_type(),
            bytes: file.text.into_bytes(),
        }),
        Err(e) => {
            tracing::warn!(message = %msg.id, error = %e, "calendar file left out");
            None
        }
    }
}

async fn cached_election(
    svc: &Valghalla,
    cache: &mut RunCache,
    id: ElectionId,
) -> Result<Option<Election>, StoreError> {
    if let Some(e) = cache.elections.get(&id) {
        return Ok(e.clone());
    }
    let e = match svc.store.get(RecordKey::Election(id)).await? {
        Some(v) => match v.value {
            Record::Election(e) => Some(e),
            _ => None,
        },
        None => None,
    };
    cache.elections.insert(id, e.clone());
    Ok(e)
}

async fn cached_participant(
    svc: &Valghalla,
    cache: &mut RunCache,
    id: ParticipantId,
) -> Result<Option<Participant>, StoreError> {
    if let Some(p) = cache.participants.get(&id) {
        return Ok(p.clone());
    }
    let p = match svc.store.get(RecordKey::Participant(id)).await? {
        Some(v) => match v.value {
            Record::Participant(p) => Some(p),
            _ => None,
        },
        None => None,
    };
    cache.participants.insert(id, p.clone());
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_is_capped() {
        let c = DispatchConfig::default();
        assert_eq!(c.backoff(1), Duration::minutes(1));
        assert_eq!(c.backoff(2), Duration::minutes(2));
        assert_eq!(c.backoff(4), Duration::minutes(8));
        assert_eq!(c.backoff(40), Duration::hours(24));
    }
}
