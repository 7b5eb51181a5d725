//! A participant's correspondence with the secretariat in both directions, for the
//! communication log on the participant page: every message to them through the outbox (the
//! secretariat's answers to their threads among them) and every post they wrote to the
//! secretariat, newest first.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ParticipantId, ThreadId};
use crate::model::{PostAuthor, Thread};
use crate::rules::access::{Actor, Permission};
use crate::store::Query;

use super::communication::{CommunicationFilter, LogEntry};
use super::tx::Tx;
use super::{Result, Valghalla};

/// A post the person wrote to the secretariat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomingPost {
    /// The thread it is in.
    pub thread: ThreadId,
    /// The thread's subject.
    pub subject: String,
    /// The post's text, as written.
    pub text: String,
    /// When it was written.
    pub at: DateTime<Utc>,
    /// Whether it started the thread (later posts continue it).
    pub first: bool,
}

/// One line of a participant's communication log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Correspondence {
    /// A message to the person (see [`LogEntry`]).
    Outgoing(LogEntry),
    /// A post from the person to the secretariat.
    Incoming(IncomingPost),
}

impl Correspondence {
    /// When it was queued (outgoing) or written (incoming).
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Correspondence::Outgoing(m) => m.created_at,
            Correspondence::Incoming(p) => p.at,
        }
    }
}

impl Valghalla {
    /// Everything between `participant` and the secretariat, newest first: the messages of
    /// [`Valghalla::communication_log`] and the person's own posts in their threads. At most
    /// `limit` lines (0: no limit). For those who manage communication, as the log is.
    pub async fn correspondence(
        &self,
        actor: &Actor,
        participant: ParticipantId,
        limit: usize,
    ) -> Result<Vec<Correspondence>> {
        let outgoing = self
            .communication_log(
                actor,
                &CommunicationFilter {
                    participant: Some(participant),
                    ..CommunicationFilter::default()
                },
            )
            .await?;
        self.authorize(actor, Permission::ReadThreads { participant })?;
        let threads = Tx::reader(self)
            .query::<Thread>(&Query::ThreadsOfParticipant(participant))
            .await?;
        let mut out: Vec<Correspondence> =
            outgoing.into_iter().map(Correspondence::Outgoing).collect();
        for t in threads {
            // Newest post first, so posts written at the same instant keep their order below.
            for (i, p) in t.posts.iter().enumerate().rev() {
                if p.author == PostAuthor::Person {
                    out.push(Correspondence::Incoming(IncomingPost {
                        thread: t.id,
                        subject: t.subject.clone(),
                        text: p.text.clone(),
                        at: p.at,
                        first: i == 0,
                    }));
                }
            }
        }
        out.sort_by_key(|c| std::cmp::Reverse(c.at()));
        if limit > 0 {
            out.truncate(limit);
        }
        Ok(out)
    }
}
