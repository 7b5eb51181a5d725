//! Threads with the secretariat: a participant or party secretary writes (subject, text,
//! optionally about a seat), the secretariat reads its inbox, answers and closes. An answer
//! goes out through the person's channel (an outbox message, so the communication log shows
//! it) and is on their "Mine beskeder" page.
//!
//! A thread is private to its person and the secretariat: anyone else asking for it is told it
//! does not exist, exactly as for a thread that does not.

use serde::{Deserialize, Serialize};

use crate::ids::{MessageId, ParticipantId, SeatId, ThreadId};
use crate::messages::template::escape_html;
use crate::messages::{MessageKind, Template};
use crate::model::AuditEvent;
use crate::model::{
    AuditAction, Op, Participant, Post, PostAuthor, Record, RecordKey, Seat, Thread, ThreadState,
    parse_post, parse_subject,
};
use crate::rules::access::{Actor, Permission, authorize};
use crate::rules::{Ctx, Decision, MessageIntent};
use crate::store::Query;

use super::tx::Tx;
use super::{Error, MAX_ATTEMPTS, Result, Valghalla, transact};

/// What a person writes to start a thread.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadDraft {
    /// The subject (one line, at most [`crate::model::MAX_SUBJECT_CHARS`] characters).
    pub subject: String,
    /// The text (at most [`crate::model::MAX_POST_CHARS`] characters).
    pub text: String,
    /// The seat it is about: one the person holds or is invited to, or (for a party secretary)
    /// one of their team's.
    pub seat: Option<SeatId>,
}

/// A thread in the secretariat's inbox, with the name of the person who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    /// The thread.
    pub thread: Thread,
    /// The person's name ("(slettet)" is never shown: a deleted person's threads are deleted).
    pub name: String,
}

/// The secretariat's inbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Threads, open ones first, then by their last post, newest first.
    pub threads: Vec<InboxEntry>,
    /// How many threads have a post the secretariat has not read.
    pub unread: usize,
    /// How many threads are open.
    pub open: usize,
}

/// The person a thread command acts as: only a logged-in person writes to the secretariat.
fn person_of(actor: &Actor) -> Result<ParticipantId> {
    match actor {
        Actor::Person(p) => Ok(p.participant),
        _ => Err(Error::Denied(crate::rules::access::Denied {
            actor: actor.label(),
            permission: Permission::ActAsParticipant,
        })),
    }
}

fn not_found(id: ThreadId) -> Error {
    Error::not_found(RecordKey::Thread(id))
}

impl Valghalla {
    /// Starts a thread with the secretariat as the logged-in person. A seat the person may not
    /// name is reported as missing, like one that does not exist. Returns the thread's id.
    pub async fn write_to_secretariat(
        &self,
        actor: &Actor,
        draft: ThreadDraft,
    ) -> Result<ThreadId> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::WriteToSecretariat { participant: me })?;
        let subject = parse_subject(&draft.subject)?;
        let text = parse_post(&draft.text)?;
        let ctx = self.ctx(actor);
        let id = ThreadId::new();
        transact!(self, |tx| {
            tx.get::<Participant>(me).await?;
            if let Some(seat) = draft.seat {
                let s = tx
                    .find::<Seat>(seat)
                    .await?
                    .ok_or_else(|| Error::not_found(RecordKey::Seat(seat)))?;
                let own = s.state.participant() == Some(me);
                let team = authorize(
                    actor,
                    &Permission::ReadTeamSeats {
                        team: s.slot.team,
                        work_location: s.slot.work_location,
                    },
                )
                .is_ok();
                if !own && !team {
                    return Err(Error::not_found(RecordKey::Seat(seat)));
                }
            }
            let thread = Thread {
                id,
                participant: me,
                subject: subject.clone(),
                seat: draft.seat,
                posts: vec![Post {
                    author: PostAuthor::Person,
                    text: text.clone(),
                    at: ctx.now,
                    message: None,
                }],
                state: ThreadState::Open,
                unread_by_secretariat: true,
                unread_by_participant: false,
                created_at: ctx.now,
            };
            let audit = ctx.audit(
                AuditAction::Create,
                RecordKey::Thread(id),
                Some(me),
                None,
                AuditEvent::WroteToSecretariat,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Thread(thread))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(id)
    }

    /// The logged-in person's threads, the latest post first.
    pub async fn my_threads(&self, actor: &Actor) -> Result<Vec<Thread>> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::ReadThreads { participant: me })?;
        let mut threads = Tx::reader(self)
            .query::<Thread>(&Query::ThreadsOfParticipant(me))
            .await?;
        threads.sort_by(|a, b| b.last_at().cmp(&a.last_at()).then(a.id.cmp(&b.id)));
        Ok(threads)
    }

    /// How many of the logged-in person's threads have an answer they have not read.
    pub async fn my_unread_threads(&self, actor: &Actor) -> Result<usize> {
        Ok(self
            .my_threads(actor)
            .await?
            .iter()
            .filter(|t| t.unread_by_participant)
            .count())
    }

    /// Opens a thread: its person reads it (and their unread answer is read), or the
    /// secretariat does (an administrator's opening marks the person's post read; a reader's
    /// changes nothing). Anyone else is told it does not exist.
    pub async fn open_thread(&self, actor: &Actor, id: ThreadId) -> Result<Thread> {
        Ok(transact!(self, |tx| {
            let mut thread = tx.find::<Thread>(id).await?.ok_or_else(|| not_found(id))?;
            if authorize(
                actor,
                &Permission::ReadThreads {
                    participant: thread.participant,
                },
            )
            .is_err()
            {
                tracing::info!(actor = %actor.label(), "thread refused as missing");
                return Err(not_found(id));
            }
            let mut ops = Vec::new();
            let is_person =
                matches!(actor, Actor::Person(p) if p.participant == thread.participant);
            if is_person && thread.unread_by_participant {
                thread.unread_by_participant = false;
                ops.push(Op::Put(Record::Thread(thread.clone())));
            } else if !is_person
                && thread.unread_by_secretariat
                && authorize(actor, &Permission::AnswerThreads).is_ok()
            {
                thread.unread_by_secretariat = false;
                ops.push(Op::Put(Record::Thread(thread.clone())));
            }
            (
                Decision {
                    ops,
                    messages: vec![],
                    audit: vec![],
                },
                thread,
            )
        }))
    }

    /// The person adds to one of their own threads (a closed thread opens again).
    pub async fn add_to_thread(&self, actor: &Actor, id: ThreadId, text: &str) -> Result<()> {
        let me = person_of(actor)?;
        self.authorize(actor, Permission::WriteToSecretariat { participant: me })?;
        let text = parse_post(text)?;
        let ctx = self.ctx(actor);
        transact!(self, |tx| {
            let mut thread = tx.find::<Thread>(id).await?.ok_or_else(|| not_found(id))?;
            if thread.participant != me {
                return Err(not_found(id));
            }
            thread.posts.push(Post {
                author: PostAuthor::Person,
                text: text.clone(),
                at: ctx.now,
                message: None,
            });
            thread.state = ThreadState::Open;
            thread.unread_by_secretariat = true;
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Thread(id),
                Some(me),
                None,
                AuditEvent::WroteToSecretariat,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Thread(thread))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }

    /// The secretariat's inbox: every thread (or only the open ones) with its person's name.
    pub async fn inbox(&self, actor: &Actor, open_only: bool) -> Result<Inbox> {
        self.authorize(actor, Permission::ReadInbox)?;
        let mut tx = Tx::reader(self);
        let threads = tx.all::<Thread>().await?;
        let mut inbox = Inbox {
            unread: threads.iter().filter(|t| t.unread_by_secretariat).count(),
            open: threads.iter().filter(|t| t.is_open()).count(),
            threads: Vec::new(),
        };
        for thread in threads {
            if open_only && !thread.is_open() {
                continue;
            }
            let name = tx
                .find::<Participant>(thread.participant)
                .await?
                .map(|p| p.full_name())
                .unwrap_or_default();
            inbox.threads.push(InboxEntry { thread, name });
        }
        inbox.threads.sort_by(|a, b| {
            (
                !a.thread.is_open(),
                std::cmp::Reverse(a.thread.last_at()),
                a.thread.id,
            )
                .cmp(&(
                    !b.thread.is_open(),
                    std::cmp::Reverse(b.thread.last_at()),
                    b.thread.id,
                ))
        });
        Ok(inbox)
    }

    /// The secretariat answers a thread: the answer is added, the thread marked read, and a
    /// message queued to the person on their channel with the answer and a link to the thread.
    /// Returns the message's id.
    pub async fn answer_thread(
        &self,
        actor: &Actor,
        id: ThreadId,
        text: &str,
    ) -> Result<MessageId> {
        self.authorize(actor, Permission::AnswerThreads)?;
        let text = parse_post(text)?;
        let ctx = self.ctx(actor);
        let user = staff_user(actor);
        let message = MessageId::new();
        // Not `transact!`: the answer's message is written here, not from an intent.
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut tx = Tx::new(self);
            let mut thread = tx.find::<Thread>(id).await?.ok_or_else(|| not_found(id))?;
            thread.posts.push(Post {
                author: PostAuthor::Secretariat { user: user.clone() },
                text: text.clone(),
                at: ctx.now,
                message: Some(message),
            });
            thread.unread_by_secretariat = false;
            thread.unread_by_participant = true;
            let outgoing = answer_message(&mut tx, &ctx, &thread, &text, message).await?;
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Thread(id),
                Some(thread.participant),
                None,
                AuditEvent::SecretariatAnswered,
            );
            let mut changes = tx
                .finish(Decision {
                    ops: vec![Op::Put(Record::Thread(thread))],
                    messages: vec![],
                    audit: vec![audit],
                })
                .await?;
            changes.messages.push(outgoing);
            match self.store.apply(changes).await {
                Ok(()) => break,
                Err(e) if e.is_conflict() && attempt < MAX_ATTEMPTS => continue,
                Err(e) if e.is_conflict() => return Err(Error::busy()),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(message)
    }

    /// The secretariat closes a thread (the person can still read it, and writing again opens
    /// it).
    pub async fn close_thread(&self, actor: &Actor, id: ThreadId) -> Result<()> {
        self.authorize(actor, Permission::AnswerThreads)?;
        let ctx = self.ctx(actor);
        let user = staff_user(actor);
        transact!(self, |tx| {
            let mut thread = tx.find::<Thread>(id).await?.ok_or_else(|| not_found(id))?;
            thread.state = ThreadState::Closed {
                at: ctx.now,
                by: user.clone(),
            };
            thread.unread_by_secretariat = false;
            let audit = ctx.audit(
                AuditAction::Edit,
                RecordKey::Thread(id),
                Some(thread.participant),
                None,
                AuditEvent::ThreadClosed,
            );
            (
                Decision {
                    ops: vec![Op::Put(Record::Thread(thread))],
                    messages: vec![],
                    audit: vec![audit],
                },
                (),
            )
        });
        Ok(())
    }
}

fn staff_user(actor: &Actor) -> String {
    match actor {
        Actor::Secretariat { user, .. } => user.clone(),
        other => other.label().to_string(),
    }
}

/// The deletions of `participant`'s threads, for a command that deletes the participant.
pub(super) async fn delete_threads_of(
    tx: &mut Tx<'_>,
    participant: ParticipantId,
) -> Result<Vec<Op>> {
    Ok(tx
        .query::<Thread>(&Query::ThreadsOfParticipant(participant))
        .await?
        .into_iter()
        .map(|t| Op::Delete(RecordKey::Thread(t.id)))
        .collect())
}

/// The message that takes an answer to the person: on an HTML channel (Digital Post, e-mail)
/// the answer itself, escaped so that nothing in it is markup or a template token; on SMS only
/// that there is an answer and where to read it.
async fn answer_message(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    thread: &Thread,
    answer: &str,
    id: MessageId,
) -> Result<crate::store::OutboxMessage> {
    let intent = MessageIntent {
        kind: MessageKind::Group,
        participant: thread.participant,
        seat: None,
        custom: None,
    };
    let (facts, _) = tx.message_facts(&intent).await?;
    let settings = tx.communication().await?;
    let channel = settings
        .library()
        .resolve_for(MessageKind::Group, &Default::default(), None)
        .channel();
    let link = format!(
        "{}/beskeder/{}",
        tx.svc.config.public_base_url.trim_end_matches('/'),
        thread.id
    );
    let subject = "Svar fra valgsekretariatet".to_owned();
    let body = if channel.is_html() {
        let quoted = escape_html(answer)
            .replace('!', "&#33;")
            .replace('\n', "<br>");
        let about = escape_html(&thread.subject).replace('!', "&#33;");
        format!(
            "<p>Valgsekretariatet har svaret på din besked «{about}»:</p>\
             <blockquote>{quoted}</blockquote>\
             <p>Du kan læse hele samtalen og svare her: <a href=\"{link}\">{link}</a></p>"
        )
    } else {
        format!("Valgsekretariatet har svaret på din besked. Læs svaret her: {link}")
    };
    // Checked now, as a group message's text is: the dispatcher parses it again.
    Template::parse("Svar", channel, &subject, &body)?;
    Ok(crate::store::OutboxMessage {
        id,
        kind: MessageKind::Group,
        participant: thread.participant,
        election: None,
        seat: None,
        facts,
        custom: Some((subject, body)),
        calendar: None,
        created_at: ctx.now,
        status: crate::store::DeliveryStatus::Pending,
        attempts: 0,
        next_attempt_at: ctx.now,
        last_error: None,
    })
}
